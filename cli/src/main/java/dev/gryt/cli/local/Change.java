package dev.gryt.cli.local;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * One change a generation promises.
 *
 * @param id letters, digits and single dashes: {@code AUTH-12}, or the original client's {@code
 *     CHANGE-3790A31F}
 * @param type one of {@link #TYPES}
 */
public record Change(String id, String type, String title, String description) {
  public static final Pattern ID = Pattern.compile("^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$");
  public static final int MAX_ID = 64;
  public static final Set<String> TYPES = Set.of("fix", "refine", "add", "remove");
}

package dev.gryt.crds.manifest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads manifest sources the way {@code gryt cloud apply -f} names them: a file, a directory of
 * {@code *.yaml}/{@code *.yml} files (sorted by path, optionally recursive), or {@code -} for
 * stdin. A path that cannot be read becomes a {@link Problem}, never an exception.
 */
public final class ManifestFiles {
  /** The source name stdin gets in problems. */
  public static final String STDIN = "<stdin>";

  private ManifestFiles() {}

  public static SourceSet read(Path fileOrDir, boolean recursive) {
    return read(fileOrDir, recursive, System.in);
  }

  /** As {@link #read(Path, boolean)}, reading {@code -} from {@code stdin}. */
  public static SourceSet read(Path fileOrDir, boolean recursive, InputStream stdin) {
    List<Source> sources = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    String name = fileOrDir.toString();
    if (name.equals("-")) {
      try {
        byte[] content = stdin.readNBytes(SourceText.MAX_BYTES + 1);
        if (content.length > SourceText.MAX_BYTES) {
          problems.add(new Problem(STDIN, 1, "", "input is larger than the 4 MiB limit"));
        } else {
          sources.add(new Source(STDIN, content));
        }
      } catch (IOException e) {
        problems.add(new Problem(STDIN, 0, "", "cannot read: " + e.getMessage()));
      }
      return new SourceSet(sources, problems);
    }
    if (!Files.exists(fileOrDir)) {
      problems.add(new Problem(name, 0, "", "no such file or directory"));
    } else if (Files.isDirectory(fileOrDir)) {
      List<Path> files = manifestFiles(fileOrDir, recursive, problems);
      if (files.isEmpty() && problems.isEmpty()) {
        problems.add(
            new Problem(
                name,
                0,
                "",
                "no *.yaml or *.yml files"
                    + (recursive ? "" : " (use a recursive read for subdirectories)")));
      }
      for (Path file : files) {
        readFile(file, sources, problems);
      }
    } else {
      readFile(fileOrDir, sources, problems);
    }
    return new SourceSet(sources, problems);
  }

  private static List<Path> manifestFiles(Path dir, boolean recursive, List<Problem> problems) {
    try (Stream<Path> walk = Files.walk(dir, recursive ? Integer.MAX_VALUE : 1)) {
      return walk.filter(Files::isRegularFile)
          .filter(ManifestFiles::isManifestName)
          .sorted()
          .toList();
    } catch (IOException | UncheckedIOException e) {
      problems.add(new Problem(dir.toString(), 0, "", "cannot list directory: " + reason(e)));
      return List.of();
    }
  }

  static boolean isManifestName(Path file) {
    String fileName = file.getFileName().toString();
    return fileName.endsWith(".yaml") || fileName.endsWith(".yml");
  }

  private static void readFile(Path file, List<Source> sources, List<Problem> problems) {
    String name = file.toString();
    try {
      long size = Files.size(file);
      if (size > SourceText.MAX_BYTES) {
        // Refused before reading: a stray multi-GB file must not exhaust memory.
        problems.add(new Problem(name, 1, "", SourceText.tooLarge(size)));
        return;
      }
      sources.add(new Source(name, Files.readAllBytes(file)));
    } catch (IOException e) {
      problems.add(new Problem(name, 0, "", "cannot read: " + reason(e)));
    }
  }

  private static String reason(Exception e) {
    Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
    if (cause instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (cause instanceof NoSuchFileException) {
      return "no such file or directory";
    }
    return cause.getClass().getSimpleName() + ": " + cause.getMessage();
  }
}

package dev.gryt.server.apply;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** One line of an apply's reply. {@code id} is null for a resource a dry run would create. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApplyResult(
    String kind,
    String namespace,
    String name,
    String id,
    ApplyAction action,
    List<FieldDiff> diff) {}

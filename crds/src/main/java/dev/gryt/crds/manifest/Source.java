package dev.gryt.crds.manifest;

/**
 * One input to the parser: a name used in problems (a file path, {@code <stdin>}, {@code
 * <request>}) and the raw bytes, which the parser decodes as strict UTF-8.
 */
public record Source(String name, byte[] content) {}

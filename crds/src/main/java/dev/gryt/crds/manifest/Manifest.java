package dev.gryt.crds.manifest;

import dev.gryt.crds.GrytResource;

/** A parsed, validated document: the typed resource and where it came from. */
public record Manifest(String source, int line, GrytResource<?, ?> resource) {}

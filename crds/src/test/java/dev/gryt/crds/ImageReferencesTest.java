package dev.gryt.crds;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageReferencesTest {
  private static final String DIGEST =
      "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

  @ParameterizedTest
  @ValueSource(
      strings = {
        "busybox",
        "busybox:1.36",
        "localhost/gryt-base:latest",
        "docker.io/library/alpine:3.19",
        "registry.example.com:5000/team/app:v1.2-rc_3",
        "ghcr.io/o/r@" + DIGEST,
        "alpine:3@" + DIGEST,
        "docker:24-dind",
        "my_repo/a__b",
        "a-b--c/d.e",
        "Registry.Example.COM/x",
        "127.0.0.1:5000/x:TAG",
      })
  void imageReferencesPass(String image) {
    assertThat(ImageReferences.problem(image)).as(image).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "--privileged",
        "-v",
        "--volume=/:/host",
        "docker://alpine",
        "alpine --privileged",
        "alpine;id",
        "alpine\n--privileged",
        "Alpine",
        "a/-b",
        "a/B",
        "alpine:",
        "alpine:-tag",
        "alpine@sha256:abc",
        "alpine@md5:0123456789abcdef0123456789abcdef",
        "/alpine",
        "alpine/",
        "localhost:/x",
        "oci-archive:/tmp/x.tar",
        "dir:/etc",
        "[::1]:5000/x",
        " alpine",
      })
  void anythingElseIsRefused(String image) {
    assertThat(ImageReferences.problem(image)).as(image).isPresent();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "containers-storage:alpine",
        "oci:foo",
        "oci:5000/x",
        "docker-archive:x",
        "docker-daemon:alpine",
        "tarball:x",
        "sif:x",
      })
  void transportsThatFitTheGrammarAreRefusedByName(String image) {
    assertThat(java.util.regex.Pattern.matches(FieldFormats.IMAGE_REFERENCE, image))
        .as(image)
        .isTrue();
    assertThat(ImageReferences.problem(image))
        .as(image)
        .hasValueSatisfying(m -> assertThat(m).contains("transport"));
  }

  @Test
  void emptyAndOverlongAreRefused() {
    assertThat(ImageReferences.problem("")).isPresent();
    assertThat(ImageReferences.problem(null)).isPresent();
    assertThat(ImageReferences.problem("a".repeat(ImageReferences.MAX_LENGTH + 1))).isPresent();
  }

  @Test
  void aLongAlmostValidNameIsRefusedWithoutOverflowingTheStack() {
    // the schema walker checks the length first; up to it, Java's regex must not overflow
    String huge = "a-".repeat(ImageReferences.MAX_LENGTH / 2) + "!";
    assertThat(java.util.regex.Pattern.matches(FieldFormats.IMAGE_REFERENCE, huge)).isFalse();
    String dotted = "a.".repeat(ImageReferences.MAX_LENGTH / 2) + "a:";
    assertThat(java.util.regex.Pattern.matches(FieldFormats.IMAGE_REFERENCE, dotted)).isFalse();
  }
}

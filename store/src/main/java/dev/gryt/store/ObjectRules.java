package dev.gryt.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.crds.GrytResource;
import dev.gryt.crds.JobRun;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The rules every store keeps for the objects it writes, whether they are SQL rows ({@link
 * SqlResourceStore}) or custom resources ({@link dev.gryt.store.k8s.KubernetesResourceStore}): the
 * typed id and its label, the generation, the resourceVersion precondition, and what a delivery's
 * run needs. No I/O: a store reads what a rule asks for and writes what it answers.
 */
public final class ObjectRules {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final HexFormat HEX = HexFormat.of();

  private ObjectRules() {}

  /** A new typed id: {@code prefix} ({@code pipe-}, {@code dlv-}, …) and 48 random bits in hex. */
  public static String newId(String prefix) {
    byte[] bytes = new byte[6];
    RANDOM.nextBytes(bytes);
    return prefix + HEX.formatHex(bytes);
  }

  /**
   * The labels an object is stored with: the caller's, and its typed id under {@link
   * GrytResource#ID_LABEL}. The id is how people and other resources refer to the object, so no
   * caller's label replaces it.
   *
   * @param given the caller's labels; null for none
   */
  public static Map<String, String> labels(Map<String, String> given, String id) {
    Map<String, String> labels = given == null ? new LinkedHashMap<>() : new LinkedHashMap<>(given);
    labels.put(GrytResource.ID_LABEL, Objects.requireNonNull(id, "id"));
    return labels;
  }

  /** Whether an update changes the spec; an absent spec and a JSON null are the same. */
  public static boolean specChanged(JsonNode stored, JsonNode given) {
    return !Objects.equals(presentOrNull(stored), presentOrNull(given));
  }

  /**
   * The generation after an update: one more only when the spec changed, never for metadata or
   * status.
   *
   * @param stored the stored generation; null when the object has none yet (counts as 0)
   */
  public static Long nextGeneration(Long stored, boolean specChanged) {
    if (!specChanged) {
      return stored;
    }
    return stored == null ? 1 : stored + 1;
  }

  /**
   * The resourceVersion precondition of an update or delete: the caller must have read the version
   * that is stored.
   *
   * @param what the object, as messages name it ({@code Pipeline default/build})
   * @throws ConflictException when the given version is not the stored one (or none was given)
   */
  public static void requireVersion(String what, String storedVersion, String givenVersion) {
    if (!storedVersion.equals(givenVersion)) {
      throw new ConflictException(
          what
              + " was modified: resourceVersion "
              + (givenVersion == null ? "(none)" : givenVersion)
              + " given, "
              + storedVersion
              + " stored; read it again and retry");
    }
  }

  /**
   * The Job a delivery's run is of.
   *
   * @throws IllegalArgumentException unless the run is a JobRun that names one
   */
  public static String jobOf(GrytResource<?, ?> run) {
    if (!(run instanceof JobRun jobRun)
        || jobRun.getSpec() == null
        || jobRun.getSpec().jobName == null
        || jobRun.getSpec().jobName.isBlank()) {
      throw new IllegalArgumentException("a delivery's run must be a JobRun that names its job");
    }
    return jobRun.getSpec().jobName;
  }

  /**
   * A delivery needs its Webhook.
   *
   * @throws NotFoundException when it does not exist
   */
  public static void requireWebhook(String namespace, String webhook, boolean exists) {
    if (!exists) {
      throw new NotFoundException("webhook " + namespace + "/" + webhook + " not found");
    }
  }

  /**
   * A delivery that triggers a run needs the run's Job: without it nothing is recorded.
   *
   * @throws ConflictException when the Job does not exist
   */
  public static void requireJob(String namespace, String webhook, String job, boolean exists) {
    if (!exists) {
      throw new ConflictException(
          "webhook " + webhook + "'s job " + namespace + "/" + job + " does not exist");
    }
  }

  private static JsonNode presentOrNull(JsonNode node) {
    return node == null || node.isNull() || node.isMissingNode() ? null : node;
  }
}

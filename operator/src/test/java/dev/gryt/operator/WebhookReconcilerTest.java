package dev.gryt.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gryt.crds.Webhook;
import dev.gryt.crds.WebhookSpec;
import dev.gryt.crds.WebhookStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WebhookReconcilerTest {
  static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");

  static Webhook webhook() {
    Webhook w = new Webhook();
    w.setMetadata(
        new ObjectMetaBuilder().withNamespace("default").withName("w").withGeneration(1L).build());
    w.setSpec(new WebhookSpec());
    w.getSpec().jobName = "j";
    w.getSpec().secret = "s3cret";
    return w;
  }

  static final Lookup NOTHING =
      new Lookup() {
        @Override
        public <R extends dev.gryt.crds.GrytResource<?, ?>> Optional<R> get(
            Class<R> type, String namespace, String name) {
          return Optional.empty();
        }

        @Override
        public <R extends dev.gryt.crds.GrytResource<?, ?>> java.util.List<R> list(
            Class<R> type, String namespace) {
          return java.util.List.of();
        }
      };

  @Test
  void statusShowsTheUrlTemplateNeverAKeyOrTheSecret() {
    Webhook w = webhook();
    WebhookStatus stale = new WebhookStatus();
    stale.url = "/api/v1/webhooks/run/wh_leakedkey";
    w.setStatus(stale);

    WebhookStatus status = new WebhookReconciler().reconcile(w, NOTHING, T0).status();

    assertThat(status.url).isEqualTo("/api/v1/webhooks/run/{key}");
    assertThat(dev.gryt.crds.ResourceCodec.toJson(status))
        .doesNotContain("wh_")
        .doesNotContain("s3cret");
  }
}

package dev.gryt.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gryt.crds.JobRun;
import dev.gryt.crds.ResourceCodec;
import dev.gryt.crds.ResourceKind;
import dev.gryt.crds.Webhook;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link TriggerStore} shares, reached through its {@link ResourceStore}: a
 * delivery and the run it triggers are recorded together or not at all, and a Webhook's key and
 * deliveries go with it.
 */
public abstract class TriggerStoreContract extends StoreContract {
  @Test
  void aDeliveryAndTheRunItTriggersAreRecordedTogether() {
    ResourceStore store = newStore();
    createHook(store);
    long before = store.resourceVersion();

    Delivery.Recorded recorded =
        store
            .triggers()
            .recordDelivery(
                Delivery.triggered("default", "hook", "push", "guid-1"),
                Optional.of(run("build-1")));

    assertThat(recorded.duplicate()).isFalse();
    JobRun stored = store.get(JobRun.class, "default", "build-1").orElseThrow();
    assertThat(recorded.delivery().runId()).isEqualTo(stored.id()).startsWith("run-");
    assertThat(recorded.delivery().id()).startsWith("dlv-");
    assertThat(recorded.delivery().receivedAt()).isEqualTo(NOW);
    assertThat(store.resourceVersion()).isEqualTo(before + 1);
    assertThat(store.triggers().deliveries("default", "hook", 10))
        .containsExactly(recorded.delivery())
        .allSatisfy(d -> assertThat(d.status()).isEqualTo(Delivery.TRIGGERED));
  }

  @Test
  void aDeliveryWhoseJobIsGoneRecordsNothing() {
    ResourceStore store = newStore();
    createHook(store);
    store.delete(ResourceKind.JOB, "default", "build", null);
    long before = store.resourceVersion();

    assertThatThrownBy(
            () ->
                store
                    .triggers()
                    .recordDelivery(
                        Delivery.triggered("default", "hook", "push", "guid-1"),
                        Optional.of(run("build-1"))))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("default/build does not exist");

    assertThat(store.resourceVersion()).isEqualTo(before);
    assertThat(store.triggers().deliveries("default", "hook", 10)).isEmpty();
    assertThat(store.get(JobRun.class, "default", "build-1")).isEmpty();
    // A skipped delivery starts no run and needs no Job.
    assertThat(
            store
                .triggers()
                .recordDelivery(
                    Delivery.skipped("default", "hook", "push", "guid-2", "branch filter"),
                    Optional.empty())
                .duplicate())
        .isFalse();
  }

  @Test
  void aWebhookIsFoundByItsKeyUntilItIsDeleted() {
    ResourceStore store = newStore();
    createHook(store);
    WebhookKey key = store.triggers().webhookKey("default", "hook");

    assertThat(store.triggers().webhookByKey(key.key()))
        .hasValueSatisfying(w -> assertThat(w.getSpec().jobName).isEqualTo("build"));
    assertThat(store.triggers().webhookByKey("wh_nope")).isEmpty();
    assertThat(store.triggers().webhookByKey("")).isEmpty();
    assertThat(store.triggers().webhookByKey("' OR '1'='1")).isEmpty();

    store.delete(ResourceKind.WEBHOOK, "default", "hook", null);
    assertThat(store.triggers().webhookByKey(key.key())).isEmpty();
  }

  @Test
  void aRepeatedDeliveryIdWritesNothingAndAnswersTheFirstRun() {
    ResourceStore store = newStore();
    createHook(store);
    Delivery.Recorded first =
        store
            .triggers()
            .recordDelivery(
                Delivery.triggered("default", "hook", "push", "guid-1"),
                Optional.of(run("build-1")));
    long after = store.resourceVersion();

    Delivery.Recorded again =
        store
            .triggers()
            .recordDelivery(
                Delivery.triggered("default", "hook", "push", "guid-1"),
                Optional.of(run("build-2")));

    assertThat(again.duplicate()).isTrue();
    assertThat(again.delivery()).isEqualTo(first.delivery());
    assertThat(store.resourceVersion()).isEqualTo(after);
    assertThat(store.list(JobRun.class, null, Map.of())).hasSize(1);
    assertThat(store.triggers().deliveries("default", "hook", 10)).hasSize(1);
  }

  @Test
  void concurrentDeliveriesWithOneIdCreateOneRun() throws Exception {
    ResourceStore store = newStore();
    createHook(store);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Delivery.Recorded>> futures = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        String name = "build-" + i;
        futures.add(
            pool.submit(
                () ->
                    store
                        .triggers()
                        .recordDelivery(
                            Delivery.triggered("default", "hook", "push", "guid-same"),
                            Optional.of(run(name)))));
      }
      List<Delivery.Recorded> results = new ArrayList<>();
      for (Future<Delivery.Recorded> future : futures) {
        results.add(future.get());
      }
      assertThat(results).filteredOn(r -> !r.duplicate()).hasSize(1);
      assertThat(results.stream().map(r -> r.delivery().runId()).distinct()).hasSize(1);
      assertThat(store.list(JobRun.class, null, Map.of())).hasSize(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aDeliveryWhoseRunCannotBeCreatedIsNotRecorded() {
    ResourceStore store = newStore();
    createHook(store);
    store
        .triggers()
        .recordDelivery(
            Delivery.triggered("default", "hook", "push", "guid-1"), Optional.of(run("taken")));

    assertThatThrownBy(
            () ->
                store
                    .triggers()
                    .recordDelivery(
                        Delivery.triggered("default", "hook", "push", "guid-2"),
                        Optional.of(run("taken"))))
        .isInstanceOf(AlreadyExistsException.class);
    assertThat(store.triggers().deliveries("default", "hook", 10))
        .extracting(Delivery::deliveryId)
        .containsExactly("guid-1");
  }

  @Test
  void aSkippedDeliveryIsRecordedWithoutARun() {
    ResourceStore store = newStore();
    createHook(store);
    long before = store.resourceVersion();

    Delivery.Recorded recorded =
        store
            .triggers()
            .recordDelivery(
                Delivery.skipped("default", "hook", "push", "guid-1", "branch dev is not watched"),
                Optional.empty());

    assertThat(recorded.delivery().runId()).isNull();
    assertThat(recorded.delivery().reason()).isEqualTo("branch dev is not watched");
    assertThat(store.resourceVersion()).isEqualTo(before);
    assertThat(store.triggers().deliveries("default", "hook", 10))
        .containsExactly(recorded.delivery());
  }

  @Test
  void deliveriesListNewestFirstAndManualOnesNeverCollide() {
    ResourceStore store = newStore();
    createHook(store);
    for (int i = 0; i < 3; i++) {
      store
          .triggers()
          .recordDelivery(
              Delivery.triggered("default", "hook", "manual", null),
              Optional.of(run("build-" + i)));
    }
    List<Delivery> listed = store.triggers().deliveries("default", "hook", 10);
    assertThat(listed).extracting(Delivery::runId).doesNotContainNull().doesNotHaveDuplicates();
    JobRun newest = store.get(JobRun.class, "default", "build-2").orElseThrow();
    assertThat(listed.get(0).runId()).isEqualTo(newest.id());
    assertThat(store.triggers().deliveries("default", "hook", 2)).hasSize(2);
  }

  @Test
  void aDeliveryToAMissingWebhookWritesNothing() {
    ResourceStore store = newStore();
    assertThatThrownBy(
            () ->
                store
                    .triggers()
                    .recordDelivery(
                        Delivery.triggered("default", "gone", "push", "guid-1"),
                        Optional.of(run("build-1"))))
        .isInstanceOf(NotFoundException.class);
    assertThat(store.list(JobRun.class, null, Map.of())).isEmpty();
  }

  @Test
  void aWebhookKeyIsMadeOnceAndFindsItsWebhook() {
    ResourceStore store = newStore();
    createHook(store);

    WebhookKey key = store.triggers().webhookKey("default", "hook");

    assertThat(key.key()).matches("wh_[A-Za-z0-9_-]{43}");
    assertThat(store.triggers().webhookKey(null, "hook")).isEqualTo(key);
    assertThat(store.triggers().findWebhookKey(key.key())).contains(key);
    assertThat(store.triggers().findWebhookKey("wh_nope")).isEmpty();
    assertThat(key.toString()).doesNotContain(key.key());
    assertThatThrownBy(() -> store.triggers().webhookKey("default", "nope"))
        .isInstanceOf(NotFoundException.class);
    assertThat(ResourceCodec.toJson(store.list(Webhook.class, null, Map.of())))
        .doesNotContain(key.key());
  }

  @Test
  void rotatingAKeyRetiresTheOldOne() {
    ResourceStore store = newStore();
    createHook(store);
    WebhookKey old = store.triggers().webhookKey("default", "hook");

    WebhookKey rotated = store.triggers().rotateWebhookKey("default", "hook");

    assertThat(rotated.key()).isNotEqualTo(old.key());
    assertThat(store.triggers().findWebhookKey(old.key())).isEmpty();
    assertThat(store.triggers().findWebhookKey(rotated.key())).contains(rotated);
    assertThat(store.triggers().webhookKey("default", "hook")).isEqualTo(rotated);
  }

  @Test
  void deletingAWebhookForgetsItsKeyAndDeliveries() {
    ResourceStore store = newStore();
    createHook(store);
    WebhookKey key = store.triggers().webhookKey("default", "hook");
    Delivery.Recorded kept =
        store
            .triggers()
            .recordDelivery(
                Delivery.triggered("default", "hook", "push", "guid-1"),
                "{\"ref\":\"refs/heads/main\"}",
                Optional.of(run("build-1")));

    store.delete(ResourceKind.WEBHOOK, "default", "hook", null);
    createHook(store);

    assertThat(store.triggers().findWebhookKey(key.key())).isEmpty();
    assertThat(store.triggers().webhookKey("default", "hook").key()).isNotEqualTo(key.key());
    assertThat(store.triggers().deliveries("default", "hook", 10)).isEmpty();
    assertThat(store.triggers().payload("default", "hook", kept.delivery().id()))
        .as("a payload goes with its delivery")
        .isEmpty();
    // The runs it triggered are resources of their own and stay.
    assertThat(store.get(JobRun.class, "default", "build-1")).isPresent();
  }

  @Test
  void aDeliveryKeepsItsDetailsAndPayloadReadByItsId() {
    ResourceStore store = newStore();
    createHook(store);
    Delivery.Details details = new Delivery.Details("main", "c".repeat(40), true, 1234, true, null);
    String payload = "{\"ref\":\"refs/heads/main\",\"after\":\"" + "c".repeat(40) + "\"}";

    Delivery.Recorded recorded =
        store
            .triggers()
            .recordDelivery(
                Delivery.triggered("default", "hook", "push", "guid-1").with(details),
                payload,
                Optional.of(run("build-1")));

    Delivery stored = recorded.delivery();
    assertThat(stored.details()).isEqualTo(details);
    assertThat(store.triggers().deliveries("default", "hook", 10)).containsExactly(stored);
    assertThat(store.triggers().delivery("default", "hook", stored.id())).contains(stored);
    assertThat(store.triggers().payload("default", "hook", stored.id())).contains(payload);
    // Found only under its own Webhook, and only by its own id.
    assertThat(store.triggers().delivery("default", "other", stored.id())).isEmpty();
    assertThat(store.triggers().payload("default", "other", stored.id())).isEmpty();
    assertThat(store.triggers().delivery("default", "hook", "dlv-000000000000")).isEmpty();
    assertThat(store.triggers().delivery("default", "hook", "' OR '1'='1")).isEmpty();
  }

  @Test
  void aDeliveryWithoutDetailsOrPayloadReadsBackWithout() {
    ResourceStore store = newStore();
    createHook(store);

    Delivery.Recorded recorded =
        store
            .triggers()
            .recordDelivery(
                Delivery.skipped("default", "hook", "push", "guid-1", "filtered"),
                Optional.empty());

    assertThat(recorded.delivery().details()).isEqualTo(Delivery.Details.NONE);
    assertThat(store.triggers().delivery("default", "hook", recorded.delivery().id()))
        .hasValueSatisfying(d -> assertThat(d.details().signatureChecked()).isNull());
    assertThat(store.triggers().payload("default", "hook", recorded.delivery().id())).isEmpty();
  }

  @Test
  void aRedeliveryOfADeliveryWithAnIdIsNoDuplicateAndNamesTheOriginal() {
    ResourceStore store = newStore();
    createHook(store);
    Delivery first =
        store
            .triggers()
            .recordDelivery(
                Delivery.triggered("default", "hook", "push", "guid-1"),
                "{}",
                Optional.of(run("build-1")))
            .delivery();
    Delivery.Details replay = new Delivery.Details(null, null, false, 2, false, first.id());
    String recordId = Delivery.newId();

    Delivery.Recorded again =
        store
            .triggers()
            .recordDelivery(
                Delivery.triggered("default", "hook", "push", null).withId(recordId).with(replay),
                "{}",
                Optional.of(run("build-2")));

    assertThat(again.duplicate()).isFalse();
    assertThat(again.delivery().id()).as("the caller's record id").isEqualTo(recordId);
    assertThat(again.delivery().details().redeliveryOf()).isEqualTo(first.id());
    assertThat(store.list(JobRun.class, null, Map.of())).hasSize(2);
    assertThat(store.triggers().deliveries("default", "hook", 10))
        .extracting(Delivery::id)
        .containsExactly(recordId, first.id());
  }
}

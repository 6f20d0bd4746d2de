package dev.gryt.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gryt.crds.GrytResource;
import dev.gryt.crds.ObjectSize;
import dev.gryt.crds.ResourceCodec;
import dev.gryt.crds.ResourceKind;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * How the SQL stores turn mutations into rows and events: {@link #plan} works out every mutation in
 * memory against the rows read at once (preconditions, generation, ids, sealed secrets, by the
 * {@link ObjectRules}), then {@link #apply} writes the outcome with {@link RowStatements}, whose
 * cost does not grow by a round trip per resource. A deleted Webhook's trigger key and deliveries,
 * a deleted JobRun's logs, go in the same transaction.
 */
final class SqlResourceWrites {
  private static final ObjectMapper JSON = ResourceCodec.json();

  private final SqlTransactions transactions;
  private final RowStatements rowStatements;
  private final Clock clock;
  private final SealedFields sealed;

  SqlResourceWrites(SqlTransactions transactions, Clock clock, SealedFields sealed) {
    this.transactions = transactions;
    this.rowStatements = transactions.dialect().rowStatements();
    this.clock = clock;
    this.sealed = sealed;
  }

  /** A mutation with the caller's object already read into a tree of our own. */
  record Change(Mutation mutation, ResourceKey key, ObjectNode given) {}

  static Change changeOf(Mutation mutation) {
    if (mutation instanceof Mutation.Create create) {
      return fromResource(mutation, create.resource());
    } else if (mutation instanceof Mutation.Update update) {
      return fromResource(mutation, update.resource());
    } else if (mutation instanceof Mutation.UpdateStatus updateStatus) {
      return fromResource(mutation, updateStatus.resource());
    }
    Mutation.Delete delete = (Mutation.Delete) mutation;
    ResourceKey key =
        new ResourceKey(
            Objects.requireNonNull(delete.kind(), "delete needs a kind"),
            namespaceOrDefault(delete.namespace()),
            requireName(delete.name()));
    return new Change(mutation, key, null);
  }

  private static Change fromResource(Mutation mutation, GrytResource<?, ?> resource) {
    Objects.requireNonNull(resource, "mutation needs a resource");
    // Through bytes rather than valueToTree: numbers then compare equal to the stored, parsed JSON.
    byte[] json = ResourceCodec.toJsonBytes(resource);
    ObjectSize.problem(resource, json.length)
        .ifPresent(
            tooLarge -> {
              throw new RejectedException(tooLarge);
            });
    ObjectNode given = parseObject(json);
    JsonNode metadata = given.path("metadata");
    String namespace =
        metadata.path("namespace").isTextual() ? metadata.get("namespace").asText() : null;
    String name = metadata.path("name").isTextual() ? metadata.get("name").asText() : null;
    return new Change(
        mutation,
        new ResourceKey(resource.kind(), namespaceOrDefault(namespace), requireName(name)),
        given);
  }

  /** What one commit writes, worked out in memory before any row is touched. */
  record Plan(
      List<StoredRow> results,
      List<RowStatements.EventRow> events,
      Map<ResourceKey, StoredRow> finalRows,
      long lastResourceVersion) {}

  /**
   * Works out what {@code changes} write, against the rows {@code stored} holds (a missing key is
   * absent), numbering them from {@code resourceVersion} + 1. Writes nothing.
   */
  Plan plan(List<Change> changes, Map<ResourceKey, StoredRow> stored, long resourceVersion) {
    // The state of each touched key as the transaction goes; a missing value means "absent".
    Map<ResourceKey, StoredRow> current = new HashMap<>(stored);
    List<StoredRow> results = new ArrayList<>(changes.size());
    List<RowStatements.EventRow> events = new ArrayList<>(changes.size());
    for (Change change : changes) {
      resourceVersion++;
      ResourceKey key = change.key();
      StoredRow before = current.get(key);
      Mutation mutation = change.mutation();
      StoredRow after;
      WatchEvent.Type type;
      if (mutation instanceof Mutation.Create) {
        if (before != null) {
          throw new AlreadyExistsException(key + " already exists");
        }
        after = created(key, sealedGiven(change, null), resourceVersion);
        type = WatchEvent.Type.ADDED;
      } else if (mutation instanceof Mutation.Update) {
        requireVersion(key, before, givenVersion(change.given()));
        after = updated(before, sealedGiven(change, before), resourceVersion);
        type = WatchEvent.Type.MODIFIED;
      } else if (mutation instanceof Mutation.UpdateStatus) {
        requireVersion(key, before, givenVersion(change.given()));
        after = statusUpdated(before, change.given(), resourceVersion);
        type = WatchEvent.Type.MODIFIED;
      } else {
        String expected = ((Mutation.Delete) mutation).expectedResourceVersion();
        if (before == null) {
          throw new NotFoundException(key + " not found");
        }
        if (expected != null) {
          requireVersion(key, before, expected);
        }
        after = null;
        type = WatchEvent.Type.DELETED;
      }
      if (after == null) {
        current.remove(key);
      } else {
        current.put(key, after);
      }
      results.add(after);
      // A delete's event carries the object as it was last stored.
      events.add(
          new RowStatements.EventRow(
              resourceVersion, key, type, after == null ? before.json() : after.json()));
    }
    return new Plan(results, events, current, resourceVersion);
  }

  /**
   * The given object with its secret field sealed (or its stored sealed form kept when unchanged):
   * a copy, since a batch that fails is planned again alone.
   */
  private ObjectNode sealedGiven(Change change, StoredRow before) {
    ResourceKey key = change.key();
    if (!SealedFields.has(key.kind())) {
      return change.given();
    }
    ObjectNode given = change.given().deepCopy();
    sealed.sealTree(
        key.kind(),
        key.namespace(),
        key.name(),
        given,
        before == null ? null : before.tree() != null ? before.tree() : before.treeCopy());
    return given;
  }

  private static String givenVersion(ObjectNode given) {
    JsonNode version = given.path("metadata").path("resourceVersion");
    return version.isValueNode() && !version.isNull() ? version.asText() : null;
  }

  private static void requireVersion(ResourceKey key, StoredRow stored, String givenVersion) {
    if (stored == null) {
      throw new NotFoundException(key + " not found");
    }
    ObjectRules.requireVersion(
        key.toString(), Long.toString(stored.resourceVersion()), givenVersion);
  }

  private StoredRow created(ResourceKey key, ObjectNode given, long resourceVersion) {
    ObjectNode body = given;
    body.remove("status");
    ObjectNode metadata = objectField(body, "metadata");
    String uid = UUID.randomUUID().toString();
    String id = ObjectRules.newId(key.kind().idPrefix());
    metadata.put("namespace", key.namespace());
    metadata.put("uid", uid);
    metadata.put("resourceVersion", Long.toString(resourceVersion));
    metadata.put("generation", 1L);
    metadata.put(
        "creationTimestamp",
        DateTimeFormatter.ISO_INSTANT.format(Instant.now(clock).truncatedTo(ChronoUnit.SECONDS)));
    metadata.set("labels", labels(metadata.get("labels"), id));
    return new StoredRow(key, id, uid, resourceVersion, 1, toJson(body), body);
  }

  private static StoredRow updated(StoredRow before, ObjectNode given, long resourceVersion) {
    ObjectNode body = before.treeCopy();
    JsonNode newSpec = presentOrNull(given.get("spec"));
    boolean specChanged = ObjectRules.specChanged(body.get("spec"), newSpec);
    setOrRemove(body, "spec", newSpec);

    ObjectNode metadata = objectField(body, "metadata");
    JsonNode givenMetadata = given.path("metadata");
    metadata.set("labels", labels(givenMetadata.get("labels"), before.id()));
    setOrRemove(metadata, "annotations", presentOrNull(givenMetadata.get("annotations")));

    long generation = ObjectRules.nextGeneration(before.generation(), specChanged);
    metadata.put("generation", generation);
    metadata.put("resourceVersion", Long.toString(resourceVersion));
    return new StoredRow(
        before.key(), before.id(), before.uid(), resourceVersion, generation, toJson(body), body);
  }

  private static StoredRow statusUpdated(StoredRow before, ObjectNode given, long resourceVersion) {
    ObjectNode body = before.treeCopy();
    setOrRemove(body, "status", presentOrNull(given.get("status")));
    objectField(body, "metadata").put("resourceVersion", Long.toString(resourceVersion));
    return new StoredRow(
        before.key(),
        before.id(),
        before.uid(),
        resourceVersion,
        before.generation(),
        toJson(body),
        body);
  }

  /** The objects a plan stored, as their callers get them (null for a delete). */
  List<GrytResource<?, ?>> resultsOf(Plan plan) {
    List<GrytResource<?, ?>> results = new ArrayList<>(plan.results().size());
    for (StoredRow row : plan.results()) {
      results.add(row == null ? null : toResource(row));
    }
    return results;
  }

  /** Plans and writes {@code changes} inside a write transaction that holds the counter. */
  Plan apply(Connection connection, SqlTransactions.Counter counter, List<Change> changes)
      throws SQLException {
    Set<ResourceKey> keys = new LinkedHashSet<>();
    changes.forEach(change -> keys.add(change.key()));
    Map<ResourceKey, StoredRow> stored = rowStatements.read(connection, keys);
    Plan plan = plan(changes, stored, counter.value());
    write(connection, plan, stored);
    counter.advanceTo(plan.lastResourceVersion());
    return plan;
  }

  private void write(Connection connection, Plan plan, Map<ResourceKey, StoredRow> stored)
      throws SQLException {
    List<StoredRow> deletes = new ArrayList<>();
    List<RowStatements.RowChange> updates = new ArrayList<>();
    List<StoredRow> inserts = new ArrayList<>();
    Set<ResourceKey> touched = new LinkedHashSet<>(stored.keySet());
    touched.addAll(plan.finalRows().keySet());
    // Only the state each row ends in is written; the event log records every step.
    for (ResourceKey key : touched) {
      StoredRow before = stored.get(key);
      StoredRow after = plan.finalRows().get(key);
      if (before != null && after == null) {
        deletes.add(before);
      } else if (before == null && after != null) {
        inserts.add(after);
      } else if (before != null && after.resourceVersion() != before.resourceVersion()) {
        updates.add(new RowStatements.RowChange(before, after));
      }
    }
    if (!deletes.isEmpty()) {
      rowStatements.delete(connection, deletes);
    }
    if (!updates.isEmpty()) {
      rowStatements.update(connection, updates);
    }
    if (!inserts.isEmpty()) {
      try {
        rowStatements.insert(connection, inserts);
      } catch (SQLException e) {
        if (transactions.isUniqueViolation(e)) {
          throw new AlreadyExistsException(
              "a resource in this commit was created concurrently: " + e.getMessage());
        }
        throw e;
      }
    }
    rowStatements.insertEvents(connection, plan.events());
    for (RowStatements.EventRow event : plan.events()) {
      if (event.type() == WatchEvent.Type.DELETED && event.key().kind() == ResourceKind.WEBHOOK) {
        SqlTriggerStore.forgetWebhook(connection, event.key());
      }
      if (event.type() == WatchEvent.Type.DELETED && event.key().kind() == ResourceKind.JOB_RUN) {
        SqlRunLogStore.forget(connection, event.key());
      }
    }
  }

  private GrytResource<?, ?> toResource(StoredRow row) {
    return sealed.open(ResourceCodec.fromTree(row.key().kind().type(), row.tree()));
  }

  /** An object as stored, its secret field opened. */
  <R extends GrytResource<?, ?>> R read(Class<R> type, String json) {
    try {
      return sealed.open(JSON.readValue(json, type));
    } catch (JsonProcessingException e) {
      throw new StoreException("stored " + type.getSimpleName() + " is not valid JSON", e);
    }
  }

  private static ObjectNode parseObject(byte[] json) {
    try {
      return (ObjectNode) JSON.readTree(json);
    } catch (IOException | ClassCastException e) {
      throw new StoreException("not a JSON object: " + e.getMessage(), e);
    }
  }

  private static String toJson(JsonNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new StoreException("cannot write JSON: " + e.getMessage(), e);
    }
  }

  static ResourceKind kindNamed(String kind) {
    return ResourceKind.fromKind(kind)
        .orElseThrow(() -> new StoreException("unknown kind in the store: " + kind));
  }

  static String namespaceOrDefault(String namespace) {
    return namespace == null || namespace.isEmpty() ? ResourceStore.DEFAULT_NAMESPACE : namespace;
  }

  static String requireName(String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("metadata.name is required");
    }
    return name;
  }

  private static JsonNode presentOrNull(JsonNode node) {
    return node == null || node.isNull() || node.isMissingNode() ? null : node;
  }

  private static void setOrRemove(ObjectNode parent, String field, JsonNode value) {
    if (value == null) {
      parent.remove(field);
    } else {
      parent.set(field, value.deepCopy());
    }
  }

  private static ObjectNode objectField(ObjectNode parent, String field) {
    JsonNode existing = parent.get(field);
    if (existing instanceof ObjectNode object) {
      return object;
    }
    ObjectNode created = JSON.createObjectNode();
    parent.set(field, created);
    return created;
  }

  /**
   * The stored labels: the given ones (a JSON object of strings) and the id ({@link ObjectRules}).
   */
  private static ObjectNode labels(JsonNode given, String id) {
    Map<String, String> labels = new LinkedHashMap<>();
    if (given instanceof ObjectNode object) {
      object
          .fields()
          .forEachRemaining(
              e -> labels.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText()));
    }
    ObjectNode stored = JSON.createObjectNode();
    ObjectRules.labels(labels, id).forEach(stored::put);
    return stored;
  }
}

package dev.lethe.pipeline;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.core.event.Rfc3339;
import dev.lethe.pipeline.meta.SnapshotMetadata;

/**
 * The snapshot's {@code manifest.json}: what it holds, from which inputs, under which policy.
 * The snapshot id is the first 32 hex digits of the SHA-256 of the manifest written without its
 * {@code snapshot} key, so the id names the content and a rebuild of the same inputs finds the
 * same id.
 */
public final class Manifest {

  /** The manifest format written by this version. */
  public static final String FORMAT = "lethe-snapshot/1";

  private Manifest() {}

  /** The manifest as JSON (keys are sorted when written). */
  public static ObjectNode toJson(SnapshotMetadata m, ShardLayout layout) {
    return toJson(m, layout, null);
  }

  /**
   * The manifest of a snapshot; {@code rebuildOf} names the snapshot it re-creates without
   * forgotten members (lineage from old to new), or is null.
   */
  public static ObjectNode toJson(SnapshotMetadata m, ShardLayout layout, String rebuildOf) {
    return toJson(m, layout, rebuildOf, null);
  }

  /**
   * The manifest of a snapshot built by the deployment with fingerprint {@code deployment}
   * ({@link Deployments#fingerprint}; null to name none, as manifests before it did).
   */
  public static ObjectNode toJson(SnapshotMetadata m, ShardLayout layout, String rebuildOf, String deployment) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode o = f.objectNode();
    o.put("format", FORMAT);
    if (!m.snapshot().isEmpty()) {
      o.put("snapshot", m.snapshot());
    }
    o.put("purpose", m.purpose());
    o.put("as_of", Rfc3339.format(m.asOf()));
    o.put("policy_version", m.policyVersion());
    o.put("included", m.included());
    ObjectNode excluded = o.putObject("excluded");
    m.excluded().forEach(excluded::put);
    o.put("excluded_total", m.excluded().values().stream().mapToLong(Long::longValue).sum());
    ObjectNode redactions = o.putObject("redactions");
    m.redactions().forEach(redactions::put);
    o.put("redaction_policy", m.redactionPolicy());
    ArrayNode shards = o.putArray("shards");
    for (SnapshotMetadata.Shard s : m.shards()) {
      shards.addObject()
          .put("shard", s.shard())
          .put("group", s.group())
          .put("file", s.file())
          .put("members_file", s.members())
          .put("records", s.records())
          .put("members", s.memberCount())
          .put("bytes", s.bytes())
          .put("sha256", s.sha256());
    }
    ArrayNode inputs = o.putArray("inputs");
    m.inputs().forEach(i -> inputs.addObject().put("name", i.name()).put("sha256", i.sha256()));
    ObjectNode sharding = o.putObject("sharding");
    sharding.put("scheme", "region-group/sha256-mod");
    sharding.put("shards_per_group", layout.shardsPerGroup());
    ArrayNode groups = sharding.putArray("groups");
    layout.groups().forEach(groups::add);
    ArrayNode kinds = o.putArray("content_kinds");
    m.contentKinds().forEach(kinds::add);
    ArrayNode visibility = o.putArray("visibility");
    m.visibility().forEach(visibility::add);
    o.put("record_format", m.encoding().description());
    // Only formats other than the default are named, so that jsonl snapshots keep the manifest
    // bytes (and so the ids) they had before formats could be chosen.
    if (!m.encoding().equals(SnapshotMetadata.Encoding.JSONL)) {
      o.put("shard_format", m.encoding().format());
    }
    if (rebuildOf != null) {
      o.put("rebuild_of", rebuildOf);
    }
    if (deployment != null) {
      o.put(Deployments.MANIFEST_KEY, deployment);
    }
    return o;
  }

  /**
   * The shard format a manifest names: its {@code shard_format}, or {@code jsonl} when it has none
   * (every snapshot written before formats could be chosen).
   */
  public static String shardFormat(com.fasterxml.jackson.databind.JsonNode manifest) {
    com.fasterxml.jackson.databind.JsonNode format = manifest.get("shard_format");
    return format == null ? SnapshotMetadata.Encoding.JSONL.format() : format.asText();
  }

  /** The snapshot id for metadata whose {@code snapshot} is still empty. */
  static String id(SnapshotMetadata withoutId, ShardLayout layout, String rebuildOf, String deployment) {
    return Hashing.sha256Hex(CanonicalJson.bytes(toJson(withoutId, layout, rebuildOf, deployment))).substring(0, 32);
  }
}

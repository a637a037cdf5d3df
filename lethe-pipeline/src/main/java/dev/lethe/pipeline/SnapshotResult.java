package dev.lethe.pipeline;

import dev.lethe.pipeline.meta.SnapshotMetadata;
import java.nio.file.Path;

/**
 * A published snapshot.
 *
 * @param directory where it was published: {@code outDir/<snapshot id>}
 * @param metadata what it holds (the manifest's content)
 * @param manifestSha256 SHA-256 (hex) of {@code manifest.json}
 * @param alreadyPublished true if an identical snapshot was already there and was kept as it was
 */
public record SnapshotResult(Path directory, SnapshotMetadata metadata, String manifestSha256, boolean alreadyPublished) {

  /** What a build command prints about the snapshot: id, place, policy and counts. */
  public com.fasterxml.jackson.databind.node.ObjectNode summaryJson() {
    var o = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    o.put("snapshot", metadata.snapshot());
    o.put("directory", directory.toString());
    o.put("already_published", alreadyPublished);
    o.put("purpose", metadata.purpose());
    o.put("as_of", dev.lethe.core.event.Rfc3339.format(metadata.asOf()));
    o.put("policy_version", metadata.policyVersion());
    o.put("included", metadata.included());
    var excluded = o.putObject("excluded");
    metadata.excluded().forEach(excluded::put);
    var redactions = o.putObject("redactions");
    metadata.redactions().forEach(redactions::put);
    o.put("shards", metadata.shards().size());
    return o;
  }
}

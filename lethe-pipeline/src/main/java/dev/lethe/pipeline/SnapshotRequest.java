package dev.lethe.pipeline;

import dev.lethe.pipeline.meta.SnapshotMetadata;
import dev.lethe.redact.RedactionPolicy;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What to build.
 *
 * @param purpose the purpose, e.g. {@code genai-training}
 * @param asOf the consent as-of instant: decisions and content state at this instant
 * @param contentFiles content exports (JSON Lines), read in this order after the ledger's own
 *     content
 * @param outDir the directory that holds published snapshots, one subdirectory per snapshot
 * @param shardsPerGroup shards per region group (see {@link ShardLayout})
 * @param redaction operators per entity type
 * @param deploymentKey the deployment's secret (≥ 16 bytes) from which each snapshot's pseudonym
 *     key is derived, so pseudonyms are stable within a snapshot and unlinkable across snapshots
 * @param threads worker threads for parsing, gating and redaction (≥ 1)
 * @param ledgerName how the manifest names the consent ledger input
 * @param ledgerSha256 SHA-256 (hex) of the ledger's bytes as read (a file or a store export)
 * @param license the licence statement for the dataset metadata, or null
 * @param rebuild set when this build re-creates an earlier snapshot without some members (to
 *     forget them), else null
 * @param format how shard files store their records ({@link ShardFormat#jsonl()} unless asked)
 */
public record SnapshotRequest(
    String purpose,
    Instant asOf,
    List<Path> contentFiles,
    Path outDir,
    int shardsPerGroup,
    RedactionPolicy redaction,
    byte[] deploymentKey,
    int threads,
    String ledgerName,
    String ledgerSha256,
    String license,
    Rebuild rebuild,
    ShardFormat format) {

  public SnapshotRequest {
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(purpose, "purpose");
    Objects.requireNonNull(asOf, "asOf");
    contentFiles = List.copyOf(contentFiles);
    Objects.requireNonNull(outDir, "outDir");
    Objects.requireNonNull(redaction, "redaction");
    Objects.requireNonNull(deploymentKey, "deploymentKey");
    Objects.requireNonNull(ledgerName, "ledgerName");
    Objects.requireNonNull(ledgerSha256, "ledgerSha256");
    if (deploymentKey.length < 16) {
      throw new IllegalArgumentException("the deployment key must have at least 16 bytes");
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, not " + threads);
    }
    ShardLayout.of(null, shardsPerGroup); // validates the shard count
  }

  /** A fresh build (not a rebuild) writing jsonl shards. */
  public SnapshotRequest(
      String purpose,
      Instant asOf,
      List<Path> contentFiles,
      Path outDir,
      int shardsPerGroup,
      RedactionPolicy redaction,
      byte[] deploymentKey,
      int threads,
      String ledgerName,
      String ledgerSha256,
      String license) {
    this(purpose, asOf, contentFiles, outDir, shardsPerGroup, redaction, deploymentKey, threads, ledgerName,
        ledgerSha256, license, null, ShardFormat.jsonl());
  }

  /**
   * A rebuild of {@code parentSnapshot} that leaves out every record of {@code forgottenMembers}.
   * It keeps the parent's pseudonym key (derived from the parent's inputs), so every shard that
   * held none of those members is byte-identical to the parent's and only the others need
   * retraining.
   *
   * @param parentInputs the inputs the pseudonym key derives from: those of the original snapshot
   *     (the first of a chain of rebuilds), in manifest order
   * @param forgottenMembers every member to leave out, including those earlier rebuilds of the
   *     chain left out
   */
  public record Rebuild(String parentSnapshot, List<SnapshotMetadata.Input> parentInputs, Set<String> forgottenMembers) {
    public Rebuild {
      Objects.requireNonNull(parentSnapshot, "parentSnapshot");
      parentInputs = List.copyOf(parentInputs);
      forgottenMembers = Set.copyOf(forgottenMembers);
    }
  }

  /** This request as a rebuild. */
  public SnapshotRequest asRebuild(Rebuild rebuild) {
    return new SnapshotRequest(purpose, asOf, contentFiles, outDir, shardsPerGroup, redaction, deploymentKey, threads,
        ledgerName, ledgerSha256, license, Objects.requireNonNull(rebuild, "rebuild"), format);
  }

  /** This request writing its shards in {@code format}. */
  public SnapshotRequest withFormat(ShardFormat format) {
    return new SnapshotRequest(purpose, asOf, contentFiles, outDir, shardsPerGroup, redaction, deploymentKey, threads,
        ledgerName, ledgerSha256, license, rebuild, format);
  }
}

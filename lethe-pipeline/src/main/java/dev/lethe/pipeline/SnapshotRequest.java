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
 * @param forgottenSinceAsOf members whom forgetting obliged us, after {@code asOf} and by the
 *     time of the build, to remove from snapshots of {@code purpose} ({@link
 *     ForgetObligations#membersForgottenSince}): their records are left out as {@link
 *     RecordProcessor#FORGOTTEN_SINCE_AS_OF} although the decision at {@code asOf} may allow them.
 *     A rebuild also leaves out those its parent left out for this reason (see {@link
 *     SnapshotBuilds#forgottenSinceAsOf}).
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
    ShardFormat format,
    Set<String> forgottenSinceAsOf) {

  public SnapshotRequest {
    Objects.requireNonNull(format, "format");
    forgottenSinceAsOf = Set.copyOf(Objects.requireNonNull(forgottenSinceAsOf, "forgottenSinceAsOf"));
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

  /** The shards per region group a builder uses unless told otherwise; {@code lethe build}'s default. */
  public static final int DEFAULT_SHARDS_PER_GROUP = 4;

  /**
   * A builder for a fresh build of {@code purpose} as of {@code asOf}. Defaults: no content files
   * (only the ledger's own content), {@value #DEFAULT_SHARDS_PER_GROUP} shards per group, one thread,
   * no licence, jsonl shards. The output directory, redaction policy, deployment key and ledger
   * identity have no default: {@link Builder#build()} fails naming the first one missing.
   */
  public static Builder builder(String purpose, Instant asOf) {
    return new Builder(purpose, asOf);
  }

  /** A builder holding every component of this request, to derive a variant of it. */
  public Builder toBuilder() {
    Builder b = new Builder(purpose, asOf);
    b.contentFiles = contentFiles;
    b.outDir = outDir;
    b.shardsPerGroup = shardsPerGroup;
    b.redaction = redaction;
    b.deploymentKey = deploymentKey;
    b.threads = threads;
    b.ledgerName = ledgerName;
    b.ledgerSha256 = ledgerSha256;
    b.license = license;
    b.rebuild = rebuild;
    b.format = format;
    b.forgottenSinceAsOf = forgottenSinceAsOf;
    return b;
  }

  /**
   * Collects a request's components; {@link #build()} validates them all at once, as the record's
   * constructor does. Not thread-safe; each {@code build()} returns a new request.
   */
  public static final class Builder {
    private final String purpose;
    private final Instant asOf;
    private List<Path> contentFiles = List.of();
    private Path outDir;
    private int shardsPerGroup = DEFAULT_SHARDS_PER_GROUP;
    private RedactionPolicy redaction;
    private byte[] deploymentKey;
    private int threads = 1;
    private String ledgerName;
    private String ledgerSha256;
    private String license;
    private Rebuild rebuild;
    private ShardFormat format = ShardFormat.jsonl();
    private Set<String> forgottenSinceAsOf = Set.of();

    private Builder(String purpose, Instant asOf) {
      this.purpose = purpose;
      this.asOf = asOf;
    }

    /** Content exports (JSON Lines or Parquet), read in this order after the ledger's own content. */
    public Builder content(List<Path> files) {
      this.contentFiles = files;
      return this;
    }

    /** The directory that holds published snapshots. */
    public Builder outDir(Path dir) {
      this.outDir = dir;
      return this;
    }

    public Builder shardsPerGroup(int shards) {
      this.shardsPerGroup = shards;
      return this;
    }

    public Builder redaction(RedactionPolicy policy) {
      this.redaction = policy;
      return this;
    }

    /** The deployment's secret (at least 16 bytes) that each snapshot's pseudonym key derives from. */
    public Builder deploymentKey(byte[] key) {
      this.deploymentKey = key;
      return this;
    }

    public Builder threads(int threads) {
      this.threads = threads;
      return this;
    }

    /** How the manifest names the consent ledger input, and the SHA-256 (hex) of its bytes. */
    public Builder ledger(String name, String sha256) {
      this.ledgerName = name;
      this.ledgerSha256 = sha256;
      return this;
    }

    /** The licence statement for the dataset metadata; null for none. */
    public Builder license(String license) {
      this.license = license;
      return this;
    }

    /** Makes the request a rebuild (see {@link Rebuild}); null for a fresh build. */
    public Builder rebuild(Rebuild rebuild) {
      this.rebuild = rebuild;
      return this;
    }

    public Builder format(ShardFormat format) {
      this.format = format;
      return this;
    }

    /**
     * The members to leave out because forgetting obliged us to remove them after the as-of
     * instant (see {@link ForgetObligations#membersForgottenSince}); none unless set. Every build
     * of a stored ledger sets it ({@link StoreSnapshots.StoredLedger#forgottenSinceAsOf}).
     */
    public Builder forgottenSinceAsOf(Set<String> members) {
      this.forgottenSinceAsOf = members;
      return this;
    }

    /**
     * The request.
     *
     * @throws NullPointerException naming the first required component that is missing
     * @throws IllegalArgumentException if the key is shorter than 16 bytes, threads are below 1, or
     *     the shard count is outside 1 to 4096
     */
    public SnapshotRequest build() {
      return new SnapshotRequest(purpose, asOf, Objects.requireNonNull(contentFiles, "contentFiles"), outDir,
          shardsPerGroup, redaction, deploymentKey, threads, ledgerName, ledgerSha256, license, rebuild, format,
          forgottenSinceAsOf);
    }
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
    return toBuilder().rebuild(Objects.requireNonNull(rebuild, "rebuild")).build();
  }

  /** This request writing its shards in {@code format}. */
  public SnapshotRequest withFormat(ShardFormat format) {
    return toBuilder().format(format).build();
  }
}

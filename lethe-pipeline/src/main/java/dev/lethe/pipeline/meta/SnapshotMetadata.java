package dev.lethe.pipeline.meta;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a published snapshot is, as the dataset metadata (Croissant) and lineage (OpenLineage)
 * describe it. Everything here is also in the snapshot's {@code manifest.json}. Immutable.
 *
 * @param snapshot the snapshot id (a content hash of the manifest)
 * @param purpose the purpose id, e.g. {@code genai-training}
 * @param purposeTitle the policy's title for the purpose, or null
 * @param asOf the consent as-of instant
 * @param policyVersion the policy version in force at {@code asOf}, or null
 * @param contentKinds content kinds the purpose admits, sorted
 * @param visibility visibilities the purpose admits, sorted
 * @param included number of records in the snapshot
 * @param excluded records left out, by reason word, sorted
 * @param redactions detected and redacted spans, by entity type, sorted
 * @param redactionPolicy a short description of the operators applied
 * @param shards one entry per shard file, in shard order
 * @param inputs one entry per input (content files, the ledger), in input order
 * @param encoding what the shard files are (zstd JSON Lines unless the build asked otherwise)
 */
public record SnapshotMetadata(
    String snapshot,
    String purpose,
    String purposeTitle,
    Instant asOf,
    String policyVersion,
    List<String> contentKinds,
    List<String> visibility,
    long included,
    SortedMap<String, Long> excluded,
    SortedMap<String, Long> redactions,
    String redactionPolicy,
    List<Shard> shards,
    List<Input> inputs,
    Encoding encoding) {

  public SnapshotMetadata {
    Objects.requireNonNull(encoding, "encoding");
    Objects.requireNonNull(snapshot, "snapshot");
    Objects.requireNonNull(purpose, "purpose");
    Objects.requireNonNull(asOf, "asOf");
    contentKinds = List.copyOf(contentKinds);
    visibility = List.copyOf(visibility);
    excluded = Collections.unmodifiableSortedMap(new TreeMap<>(excluded));
    redactions = Collections.unmodifiableSortedMap(new TreeMap<>(redactions));
    shards = List.copyOf(shards);
    inputs = List.copyOf(inputs);
  }

  /**
   * What the shard files of a snapshot are.
   *
   * @param format the manifest's {@code shard_format} name, e.g. {@code jsonl} or {@code parquet}
   * @param mediaType the files' media type for the dataset metadata
   * @param files a glob matching every shard file, e.g. {@code shard-*.jsonl.zst}
   * @param description one sentence on the file layout, for the manifest's {@code record_format}
   */
  public record Encoding(String format, String mediaType, String files, String description) {

    /** zstd-compressed JSON Lines, the default. */
    public static final Encoding JSONL =
        new Encoding(
            "jsonl",
            CroissantMetadata.SHARD_ENCODING,
            "shard-*.jsonl.zst",
            "jsonl.zst: {\"content\", \"kind\", \"text\"} per line");

    public Encoding {
      Objects.requireNonNull(format, "format");
      Objects.requireNonNull(mediaType, "mediaType");
      Objects.requireNonNull(files, "files");
      Objects.requireNonNull(description, "description");
    }
  }

  /**
   * One shard file.
   *
   * @param shard shard number
   * @param group the region group the shard belongs to (a policy region name, or {@code rest})
   * @param file file name inside the snapshot directory, e.g. {@code shard-00003.jsonl.zst}
   * @param members file name of the shard's member bitmap, e.g. {@code members-00003.roaring}
   * @param records number of records in the shard
   * @param memberCount number of distinct members with records in the shard
   * @param sha256 lowercase hex SHA-256 of the shard file's bytes
   * @param bytes size of the shard file in bytes
   */
  public record Shard(
      int shard, String group, String file, String members, long records, long memberCount, String sha256, long bytes) {}

  /**
   * One input of the build.
   *
   * @param name file name as given (or {@code ledger} for the consent ledger)
   * @param sha256 lowercase hex SHA-256 of its bytes
   */
  public record Input(String name, String sha256) {}
}

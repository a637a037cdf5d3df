package dev.lethe.unlearn;

import dev.lethe.pipeline.Hashing;
import java.util.Arrays;
import java.util.Objects;

/**
 * The artefact a {@link ShardTrainer} made from one shard: its canonical serialization and the
 * SHA-256 of those bytes. Two trainings of the same shard lines by the same trainer and settings
 * give equal bytes, hence equal digests; the digest is what model records, retraining and
 * verification compare. Immutable: the bytes are copied in and out.
 *
 * @param shard the shard number in its snapshot
 * @param records how many records (lines) of the shard were trained on
 */
public record ShardModel(int shard, long records, byte[] bytes, String sha256) {

  public ShardModel {
    Objects.requireNonNull(bytes, "bytes");
    Objects.requireNonNull(sha256, "sha256");
    if (shard < 0 || records < 0) {
      throw new IllegalArgumentException("shard and records must not be negative");
    }
    bytes = bytes.clone();
  }

  /** The artefact of {@code shard} with its digest computed from {@code bytes}. */
  public static ShardModel of(int shard, long records, byte[] bytes) {
    return new ShardModel(shard, records, bytes, Hashing.sha256Hex(bytes));
  }

  /** A copy of the canonical bytes. */
  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ShardModel m && m.shard == shard && m.records == records && m.sha256.equals(sha256)
        && Arrays.equals(m.bytes, bytes);
  }

  @Override
  public int hashCode() {
    return Objects.hash(shard, records, sha256);
  }

  @Override
  public String toString() {
    return "ShardModel[shard=" + shard + ", records=" + records + ", bytes=" + bytes.length + ", sha256=" + sha256 + "]";
  }
}

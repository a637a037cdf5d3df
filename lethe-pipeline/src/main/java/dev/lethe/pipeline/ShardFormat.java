package dev.lethe.pipeline;

import dev.lethe.pipeline.meta.SnapshotMetadata;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.ServiceLoader;

/**
 * How a snapshot stores the records of one shard: the file name, the writer and the reader. The
 * built-in format is {@link #jsonl()} (zstd-compressed JSON Lines); other formats live in optional
 * modules (Parquet in {@code lethe-parquet}) and are found by {@link #named(String)}.
 *
 * <p>Contract for every implementation: the same records in the same order give the same bytes
 * (no clock, host or random value in a file), and a shard holds only what {@link Row} holds: no
 * member id ever reaches a training file. Implementations are immutable and thread-safe; their
 * writers and reads are single-threaded.
 */
public interface ShardFormat {

  /**
   * One training record.
   *
   * @param content the content id from the platform export
   * @param kind the content kind, e.g. {@code post}
   * @param text the text with personal data redacted
   */
  record Row(String content, String kind, String text) {
    public Row {
      Objects.requireNonNull(content, "content");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(text, "text");
    }
  }

  /** Receives the rows of a shard, in file order. */
  @FunctionalInterface
  interface RowSink {
    void accept(Row row) throws IOException;
  }

  /** Writes the records of one shard; closing it completes the file and closes its stream. */
  interface Writer extends Closeable {

    /**
     * Appends one record.
     *
     * @param line the training line as the record processor makes it: one UTF-8 JSON object with
     *     the string members {@code content}, {@code kind} and {@code text}, then a newline
     */
    void write(byte[] line) throws IOException;
  }

  /** The name the manifest records under {@code shard_format}, e.g. {@code jsonl}. */
  String name();

  /** What the shard files are, for the manifest and the dataset metadata. */
  SnapshotMetadata.Encoding encoding();

  /** The file name of a shard's records, e.g. {@code shard-00003.jsonl.zst}. */
  String fileName(int shard);

  /** A writer of one shard into {@code out}, which the writer owns and closes. */
  Writer open(OutputStream out) throws IOException;

  /**
   * Reads every record of a shard file in file order and feeds each byte of the file to {@code
   * digest} exactly once, so a caller can check the file against its manifest.
   *
   * @throws IOException if the file cannot be read or is not a valid shard of this format
   */
  void read(Path file, MessageDigest digest, RowSink rows) throws IOException;

  /** zstd-compressed JSON Lines, {@code shard-NNNNN.jsonl.zst}: the default, always present. */
  static ShardFormat jsonl() {
    return JsonlShardFormat.INSTANCE;
  }

  /**
   * The format of that name: {@code jsonl}, or one an optional module on the class path provides
   * (through {@link ServiceLoader}, so that readers below the module in the dependency order, such
   * as training and forgetting, can open any snapshot the running program can write).
   *
   * @throws IllegalArgumentException if no such format is on the class path, naming the formats
   *     that are
   */
  static ShardFormat named(String name) {
    Objects.requireNonNull(name, "name");
    List<String> known = new ArrayList<>(List.of(JsonlShardFormat.INSTANCE.name()));
    if (name.equals(JsonlShardFormat.INSTANCE.name())) {
      return JsonlShardFormat.INSTANCE;
    }
    for (ShardFormat format : ServiceLoader.load(ShardFormat.class, ShardFormat.class.getClassLoader())) {
      if (format.name().equals(name)) {
        return format;
      }
      known.add(format.name());
    }
    String hint = name.equals("parquet") ? " (Parquet needs the optional lethe-parquet module on the class path)" : "";
    throw new IllegalArgumentException(
        "shard format \"" + name + "\" is not available" + hint + "; available: " + String.join(", ", known));
  }
}

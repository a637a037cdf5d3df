package dev.lethe.parquet;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.lethe.pipeline.ShardFormat;
import dev.lethe.pipeline.meta.SnapshotMetadata;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * Parquet shards, {@code shard-NNNNN.parquet}: one row per training record with the required
 * UTF-8 string columns {@code content}, {@code kind} and {@code text}, ZSTD-compressed, so that
 * dataset loaders that read Parquet (Hugging Face {@code datasets}, pandas, DuckDB, Spark) load a
 * snapshot without a custom reader.
 *
 * <p>Deterministic: every writer setting that shapes the bytes is fixed here rather than taken
 * from a Hadoop configuration, no key-value metadata is written, and the footer's {@code
 * created_by} names only the library version. So the same rows give the same file with the same
 * library version; a different Parquet version may change the bytes (and so snapshot ids).
 *
 * <p>Registered for {@link ShardFormat#named(String)} under the name {@code parquet}; a {@code
 * public} no-argument constructor is what {@link java.util.ServiceLoader} needs.
 */
public final class ParquetShardFormat implements ShardFormat {

  /** The name in manifests and on the command line. */
  public static final String NAME = "parquet";

  static final SnapshotMetadata.Encoding ENCODING =
      new SnapshotMetadata.Encoding(
          NAME,
          // The type Croissant's tools recognise for Parquet files.
          "application/x-parquet",
          "shard-*.parquet",
          "parquet: one row per record, required UTF-8 columns content, kind, text; ZSTD");

  /** One row group per 128 MiB of buffered rows: most shards are a single row group. */
  private static final long ROW_GROUP_BYTES = 128L << 20;

  private static final int PAGE_BYTES = 1 << 20;
  private static final int ZSTD_LEVEL = 3;

  private static final JsonFactory JSON = new JsonFactory();

  public ParquetShardFormat() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public SnapshotMetadata.Encoding encoding() {
    return ENCODING;
  }

  @Override
  public String fileName(int shard) {
    return String.format("shard-%05d.parquet", shard);
  }

  @Override
  public Writer open(OutputStream out) throws IOException {
    ParquetWriter<Row> parquet =
        new RowWriterBuilder(new StreamOutputFile(out))
            .withConf(new PlainParquetConfiguration())
            .withCodecFactory(new ZstdCodecs(ZSTD_LEVEL))
            .withCompressionCodec(CompressionCodecName.ZSTD)
            .withRowGroupSize(ROW_GROUP_BYTES)
            .withPageSize(PAGE_BYTES)
            .withDictionaryPageSize(PAGE_BYTES)
            .withDictionaryEncoding("content", false)
            .withDictionaryEncoding("text", false)
            .withDictionaryEncoding("kind", true)
            .withMaxPaddingSize(0)
            .build();
    return new Writer() {
      @Override
      public void write(byte[] line) throws IOException {
        parquet.write(parse(line));
      }

      @Override
      public void close() throws IOException {
        parquet.close();
      }
    };
  }

  @Override
  public void read(Path file, MessageDigest digest, RowSink rows) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      // Parquet is read from its footer backwards, so hash the whole file first, through the
      // same open channel the rows are then read from.
      ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
      for (long position = 0; channel.read(buffer, position) > 0; ) {
        buffer.flip();
        position += buffer.remaining();
        digest.update(buffer);
        buffer.clear();
      }
      try (ParquetReader<Row> reader = new RowReaderBuilder(new ChannelInputFile(channel)).withCodecFactory(new ZstdCodecs(ZSTD_LEVEL)).build()) {
        for (Row row; (row = reader.read()) != null; ) {
          rows.accept(row);
        }
      } catch (RuntimeException e) {
        // The Parquet library reports corrupt files with unchecked exceptions.
        throw new IOException(file.getFileName() + " is not a readable Parquet shard: " + e.getMessage(), e);
      }
    }
  }

  /** The record processor's training line as a row (fails closed on anything else). */
  static Row parse(byte[] line) throws IOException {
    String content = null;
    String kind = null;
    String text = null;
    try (JsonParser p = JSON.createParser(line)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("a training line is not a JSON object");
      }
      for (JsonToken t; (t = p.nextToken()) != JsonToken.END_OBJECT; ) {
        if (t != JsonToken.FIELD_NAME) {
          throw new IOException("a training line is not a flat JSON object");
        }
        String field = p.currentName();
        if (p.nextToken() != JsonToken.VALUE_STRING) {
          throw new IOException("training line field \"" + field + "\" is not a string");
        }
        switch (field) {
          case "content" -> content = p.getText();
          case "kind" -> kind = p.getText();
          case "text" -> text = p.getText();
          default -> throw new IOException("a training line has the unexpected field \"" + field + "\"");
        }
      }
    }
    if (content == null || kind == null || text == null) {
      throw new IOException("a training line lacks one of content, kind, text");
    }
    return new Row(content, kind, text);
  }
}

package dev.lethe.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import dev.lethe.pipeline.meta.SnapshotMetadata;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;

/** zstd-compressed JSON Lines: the training line is written as it is, one per line. */
final class JsonlShardFormat implements ShardFormat {

  static final JsonlShardFormat INSTANCE = new JsonlShardFormat();

  /** zstd level 3: the library default, a good speed/size balance for text. */
  private static final int ZSTD_LEVEL = 3;

  private static final ObjectMapper JSON = new ObjectMapper();

  private JsonlShardFormat() {}

  @Override
  public String name() {
    return "jsonl";
  }

  @Override
  public SnapshotMetadata.Encoding encoding() {
    return SnapshotMetadata.Encoding.JSONL;
  }

  @Override
  public String fileName(int shard) {
    return String.format("shard-%05d.jsonl.zst", shard);
  }

  @Override
  public Writer open(OutputStream file) throws IOException {
    // Buffer before the compressor so it always sees the same chunks for the same bytes.
    OutputStream out =
        new BufferedOutputStream(new ZstdOutputStream(new BufferedOutputStream(file, 1 << 16), ZSTD_LEVEL), 1 << 16);
    return new Writer() {
      @Override
      public void write(byte[] line) throws IOException {
        out.write(line);
      }

      @Override
      public void close() throws IOException {
        out.close();
      }
    };
  }

  @Override
  public void read(Path file, MessageDigest digest, RowSink rows) throws IOException {
    try (InputStream in = Files.newInputStream(file);
        DigestInputStream hashed = new DigestInputStream(new BufferedInputStream(in, 1 << 16), digest);
        BufferedReader lines =
            new BufferedReader(new InputStreamReader(new ZstdInputStream(hashed), StandardCharsets.UTF_8), 1 << 16)) {
      for (String line; (line = lines.readLine()) != null; ) {
        if (line.isEmpty()) {
          continue;
        }
        JsonNode record = JSON.readTree(line);
        rows.accept(new Row(string(file, record, "content"), string(file, record, "kind"), string(file, record, "text")));
      }
      // Drain what the decompressor did not need (the frame's end) so the digest covers the file.
      hashed.transferTo(OutputStream.nullOutputStream());
    }
  }

  private static String string(Path file, JsonNode record, String field) throws IOException {
    JsonNode value = record.get(field);
    if (value == null || !value.isTextual()) {
      throw new IOException(file.getFileName() + ": a record without a \"" + field + "\" string");
    }
    return value.textValue();
  }
}

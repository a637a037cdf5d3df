package dev.lethe.cli;

import com.github.luben.zstd.ZstdInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The training text of a published snapshot, for tests that look for what must not be in it. */
final class ShardText {
  private ShardText() {}

  /** Every {@code .jsonl.zst} shard of the snapshot directory, decompressed and joined in file-name order. */
  static String of(Path snapshot) throws IOException {
    StringBuilder all = new StringBuilder();
    try (Stream<Path> files = Files.list(snapshot)) {
      for (Path shard : files.filter(p -> p.getFileName().toString().endsWith(".jsonl.zst")).sorted().toList()) {
        try (InputStream in = new ZstdInputStream(Files.newInputStream(shard))) {
          all.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
      }
    }
    return all.toString();
  }
}

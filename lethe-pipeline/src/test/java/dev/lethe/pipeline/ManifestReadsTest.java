package dev.lethe.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One command's manifest reads: each file parsed once, a failure the same failure each time. */
class ManifestReadsTest {

  @TempDir Path dir;

  @Test
  void aManifestIsReadFromDiskOnceAndAFailedReadFailsAgainAlike() throws IOException {
    Path file = dir.resolve("manifest.json");
    Files.writeString(file, "{\"snapshot\":\"a\"}");
    ManifestReads reads = new ManifestReads();
    assertThat(reads.read(file).get("snapshot").asText()).isEqualTo("a");
    Files.writeString(file, "{\"snapshot\":\"b\"}");
    assertThat(reads.read(dir.resolve("x").resolve("..").resolve("manifest.json")).get("snapshot").asText())
        .as("the same file, however named: not read again").isEqualTo("a");
    assertThat(new ManifestReads().read(file).get("snapshot").asText()).isEqualTo("b");

    Path broken = dir.resolve("broken.json");
    Files.writeString(broken, "{\"snapshot\":");
    IOException first = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> reads.read(broken));
    Files.writeString(broken, "{}");
    assertThatThrownBy(() -> reads.read(broken)).isSameAs(first);
    assertThatThrownBy(() -> reads.read(dir.resolve("absent.json"))).isInstanceOf(IOException.class);
  }
}

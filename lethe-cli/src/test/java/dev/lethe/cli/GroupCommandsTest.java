package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands that group subcommands (lethe, audit, store), and audit export's --out. */
class GroupCommandsTest {

  private static final Path TIMELINE =
      Path.of("..", "lethe-core", "src", "test", "resources", "scenarios", "timeline-2024.jsonl");

  @TempDir Path dir;

  @Test
  void aGroupWithoutItsSubcommandIsAUsageError() {
    for (String[] args : new String[][] {{"audit"}, {"store"}, {}}) {
      CliRun r = CliRun.run(args);
      assertThat(r.status()).as(String.join(" ", args)).isEqualTo(2);
      assertThat(r.err()).as(String.join(" ", args)).startsWith("Missing required subcommand\n").contains("Usage: lethe");
      assertThat(r.out()).isEmpty();
    }
    // Asking for the usage is not an error.
    CliRun help = CliRun.run("audit", "--help");
    assertThat(help.status()).isZero();
    assertThat(help.out()).contains("Usage: lethe audit", "export");
  }

  @Test
  void auditExportIntoAFileIsRefusedAsBuildRefusesIt() throws Exception {
    Path data = dir.resolve("data");
    assertThat(CliRun.run("import", TIMELINE.toString(), "--data", data.toString()).status()).isZero();
    Path file = Files.writeString(dir.resolve("posts.jsonl"), "{}\n");

    CliRun r = CliRun.run("audit", "export", "--out", file.toString(), "--data", data.toString());
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("lethe: --out " + file + ": not a directory\n");
    assertThat(Files.readString(file)).isEqualTo("{}\n");

    CliRun under = CliRun.run("audit", "export", "--out", file.resolve("bundle").toString(), "--data", data.toString());
    assertThat(under.status()).isEqualTo(2);
    assertThat(under.err()).isEqualTo("lethe: --out " + file.resolve("bundle") + ": " + file.toAbsolutePath() + " is not a directory\n");

    CliRun ok = CliRun.run("audit", "export", "--out", dir.resolve("bundle").toString(), "--data", data.toString());
    assertThat(ok.status()).as(ok.err()).isZero();
  }
}

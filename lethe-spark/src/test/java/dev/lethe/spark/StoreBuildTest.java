package dev.lethe.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.cli.Lethe;
import dev.lethe.pipeline.UnreadableReport;
import dev.lethe.store.testing.PostgresServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code SparkBuild build --db} against {@code lethe build --db} on the same PostgreSQL store (a
 * real server from embedded binaries): the same snapshot, byte for byte, and both builds in the
 * store's audit log.
 */
class StoreBuildTest {

  private static PostgresServer postgres;

  @TempDir Path temp;

  @BeforeAll
  static void start() {
    postgres = PostgresServer.start(); // fails the class, never skips it, if PostgreSQL cannot start
  }

  @AfterAll
  static void stop() {
    if (postgres != null) {
      postgres.close();
    }
  }

  private record Run(int code, String out, String err) {}

  private static Run run(CommandLine cli, List<String> args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
    int code = cli.execute(args.toArray(String[]::new));
    return new Run(code, out.toString(), err.toString());
  }

  /** A fresh database with a password-protected owner; returns its URL without the password. */
  private static String database(String name) {
    return postgres.createOwnedDatabase(name, "p&ss=w0rd?");
  }

  @Test
  void theSparkBuildFromTheStoreIsTheSnapshotLetheBuildPublishes() throws Exception {
    SyntheticInput input = SyntheticInput.write(temp.resolve("in"), 4242L, 80, 2, 300);
    String url = database("lethe_spark");
    String withPassword = url + "&password=p%26ss%3Dw0rd%3F";
    Path data = temp.resolve("data");

    Run imported = run(Lethe.newCommandLine(), List.of("import", "--db", withPassword, "--data", data.toString(),
        input.ledger.toString()));
    assertThat(imported.code()).as(imported.err()).isZero();

    List<String> common = List.of("--purpose", "genai-training", "--as-of", "2024-06-01T00:00:00Z", "--shards", "2");
    List<String> lethe = new ArrayList<>(List.of("build", "--db", withPassword, "--data", data.toString(),
        "--out", temp.resolve("embedded").toString(), "--quiet"));
    lethe.addAll(common);
    input.content.forEach(p -> lethe.addAll(List.of("--content", p.toString())));
    Run embedded = run(Lethe.newCommandLine(), lethe);
    assertThat(embedded.code()).as(embedded.err()).isZero();
    JsonNode expected = new ObjectMapper().readTree(embedded.out());

    Path passwordFile = temp.resolve("db-password");
    Files.writeString(passwordFile, "p&ss=w0rd?\n");
    List<String> spark = new ArrayList<>(List.of("build", "--master", "local[2]", "--db", url,
        "--db-password-file", passwordFile.toString(), "--data", data.toString(),
        "--out", temp.resolve("spark").toString()));
    input.content.forEach(p -> spark.addAll(List.of("--content", p.toString())));
    spark.addAll(common);
    Run onSpark = run(new CommandLine(new SparkBuild()), spark);
    assertThat(onSpark.code()).as(onSpark.err()).isZero();
    JsonNode actual = new ObjectMapper().readTree(onSpark.out());

    String id = expected.get("snapshot").asText();
    assertThat(actual.get("snapshot").asText()).isEqualTo(id);
    assertThat(actual.get("included").asLong()).isEqualTo(expected.get("included").asLong()).isPositive();
    Snapshots.assertSame(temp.resolve("spark").resolve(id), temp.resolve("embedded").resolve(id));
    // Both builds are leaves of the store's audit log, one after the other.
    assertThat(actual.get("audit_leaf").asLong()).isEqualTo(expected.get("audit_leaf").asLong() + 1);
    // Both builds registered their output directory, so `lethe snapshots` (and forgetting) see both copies.
    Run listed = run(Lethe.newCommandLine(), List.of("snapshots", "--db", withPassword, "--data", data.toString()));
    assertThat(listed.code()).as(listed.err()).isZero();
    List<String> roots = new ArrayList<>();
    for (String line : listed.out().lines().toList()) {
      roots.add(new ObjectMapper().readTree(line).get("root").asText());
    }
    assertThat(roots).containsExactlyInAnyOrder(temp.resolve("embedded").toAbsolutePath().normalize().toString(),
        temp.resolve("spark").toAbsolutePath().normalize().toString());
  }

  @Test
  void theSparkBuildNamesTheUnreadableLinesLetheBuildNames() throws Exception {
    SyntheticInput input = SyntheticInput.write(temp.resolve("in"), 77L, 60, 2, 600, true);
    Path data = temp.resolve("data");
    Run imported = run(Lethe.newCommandLine(), List.of("import", "--data", data.toString(), input.ledger.toString()));
    assertThat(imported.code()).as(imported.err()).isZero();
    List<String> common = new ArrayList<>(List.of("--data", data.toString(), "--purpose", "genai-training",
        "--as-of", "2024-06-01T00:00:00Z", "--shards", "2"));
    input.content.forEach(p -> common.addAll(List.of("--content", p.toString())));

    List<String> lethe = new ArrayList<>(List.of("build", "--quiet", "--out", temp.resolve("embedded").toString()));
    lethe.addAll(common);
    Run embedded = run(Lethe.newCommandLine(), lethe);
    assertThat(embedded.code()).as(embedded.err()).isZero();
    List<String> spark = new ArrayList<>(List.of("build", "--master", "local[2]", "--split-mb", "1",
        "--out", temp.resolve("spark").toString()));
    spark.addAll(common);
    Run onSpark = run(new CommandLine(new SparkBuild()), spark);
    assertThat(onSpark.code()).as(onSpark.err()).isZero();

    List<String> named = embedded.err().lines().filter(l -> l.startsWith("lethe: ")).map(l -> l.substring(7)).toList();
    assertThat(named).hasSize(UnreadableReport.SHOWN + 1).last().asString().startsWith("and ");
    assertThat(named.get(0)).startsWith(input.content.get(0) + ":");
    assertThat(onSpark.err().lines().filter(l -> l.startsWith("lethe-spark: ")).map(l -> l.substring(13)))
        .containsExactlyElementsOf(named);
  }

  @Test
  void theLedgerComesFromAFileOrFromTheStoreNeverBoth() throws Exception {
    Path keyFile = temp.resolve("key.hex");
    Files.writeString(keyFile, "00112233445566778899aabbccddeeff\n");
    List<String> base = List.of("build", "--purpose", "p", "--as-of", "2024-01-01T00:00:00Z", "--out", temp.toString());
    for (List<String> extra : List.of(
        List.of("--ledger", "l.jsonl", "--key-file", keyFile.toString(), "--db", "jdbc:postgresql://h/db"),
        List.of("--ledger", "l.jsonl"),
        List.<String>of(),
        List.of("--key-file", keyFile.toString(), "--data", temp.toString()))) {
      List<String> args = new ArrayList<>(base);
      args.addAll(extra);
      Run r = run(new CommandLine(new SparkBuild()), args);
      assertThat(r.code()).as(String.join(" ", extra)).isEqualTo(SparkBuild.BAD_INPUT);
      assertThat(r.err()).contains("either --ledger with --key-file, or the store");
    }
    Run passwordWithoutDb = run(new CommandLine(new SparkBuild()), List.of("build", "--purpose", "p", "--as-of",
        "2024-01-01T00:00:00Z", "--out", temp.toString(), "--data", temp.toString(), "--db-password-file", "pw"));
    assertThat(passwordWithoutDb.code()).isEqualTo(SparkBuild.BAD_INPUT);
    assertThat(passwordWithoutDb.err()).contains("--db-password-file needs --db");
  }
}

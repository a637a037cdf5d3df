package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commands that only read refuse a data directory (or database) that holds no store, and create
 * nothing there; the commands that put data into a store still create one.
 */
class MissingStoreTest {

  private static final Path TIMELINE =
      Path.of("..", "lethe-core", "src", "test", "resources", "scenarios", "timeline-2024.jsonl");

  @TempDir Path dir;

  /** Each read-only command, with {@code DATA} standing for the data directory. */
  private static final List<List<String>> READERS = List.of(
      List.of("decide", "--member", "x", "--purpose", "genai-training", "--data", "DATA"),
      List.of("export", "--data", "DATA"),
      List.of("snapshots", "--data", "DATA"),
      List.of("where", "--member", "x", "--data", "DATA"),
      List.of("models", "--data", "DATA"),
      List.of("forget", "--member", "x", "--data", "DATA"),
      List.of("forget-status", "--data", "DATA"),
      List.of("forget-run", "--data", "DATA"),
      List.of("verify-forgetting", "--all", "--data", "DATA"),
      List.of("audit", "verify", "--data", "DATA"),
      List.of("audit", "checkpoint", "--data", "DATA"),
      List.of("audit", "export", "--out", "BUNDLE", "--data", "DATA"),
      List.of("store", "compact", "--data", "DATA"),
      List.of("store", "export-key", "--out", "KEY", "--data", "DATA"),
      List.of("token", "--role", "admin", "--data", "DATA"),
      List.of("token", "--member", "x", "--data", "DATA"));

  private String[] args(List<String> command, Path data) {
    return command.stream()
        .map(a -> switch (a) {
          case "DATA" -> data.toString();
          case "BUNDLE" -> dir.resolve("bundle").toString();
          case "KEY" -> dir.resolve("key").toString();
          default -> a;
        })
        .toArray(String[]::new);
  }

  @Test
  void readOnlyCommandsRefuseAMissingDirectoryAndCreateNothing() {
    Path fresh = dir.resolve("fresh");
    for (List<String> command : READERS) {
      CliRun r = CliRun.run(args(command, fresh));
      assertThat(r.status()).as(command + ": " + r.err()).isEqualTo(2);
      assertThat(r.err()).as(command.toString())
          .isEqualTo("lethe: the data directory " + fresh + " holds no store (no ledger.mv.db): check --data;"
              + " 'lethe import' creates a store from a ledger file\n");
      assertThat(r.out()).as(command.toString()).isEmpty();
      assertThat(dir.resolve("fresh")).as(command.toString()).doesNotExist();
      assertThat(dir.resolve("bundle")).doesNotExist();
      assertThat(dir.resolve("key")).doesNotExist();
    }
  }

  @Test
  void buildCreatesNoStoreEither() {
    // A new store defines no purpose, so a build could only fail there: it must not leave keys behind.
    Path typo = dir.resolve("typo_dir");
    CliRun r = CliRun.run("build", "--data", typo.toString(), "--purpose", "genai-training", "--as-of", "2024-03-01T00:00:00Z",
        "--quiet");
    assertThat(r.status()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).contains("holds no store");
    assertThat(typo).doesNotExist();
  }

  @Test
  void aDataDirectoryThatIsAFileIsRefusedByEveryCommand() throws IOException {
    Path file = Files.writeString(dir.resolve("c1.jsonl"), "{}\n");
    List<List<String>> commands = new ArrayList<>(READERS);
    commands.add(List.of("import", TIMELINE.toString(), "--data", "DATA"));
    commands.add(List.of("build", "--purpose", "genai-training", "--as-of", "2024-03-01T00:00:00Z", "--data", "DATA"));
    commands.add(List.of("train", "--snapshot", "0".repeat(64), "--data", "DATA"));
    for (List<String> command : commands) {
      CliRun r = CliRun.run(args(command, file));
      assertThat(r.status()).as(command + ": " + r.err()).isEqualTo(2);
      if (command.get(0).equals("build")) {
        // build checks the --out it defaults to under --data first, and says so.
        assertThat(r.err()).as(command.toString()).contains(file + " is not a directory");
      } else {
        assertThat(r.err()).as(command.toString()).isEqualTo("lethe: --data: " + file + " is a file, not a directory\n");
      }
    }
    assertThat(Files.readString(file)).isEqualTo("{}\n");
  }

  @Test
  void aFailedImportLeavesNoStoreAndTheDeploymentKeyCanThenBeBroughtIn() throws IOException {
    // An export of a deployment one of whose members was erased: her name digest is made under its key.
    Path ledger = Files.writeString(dir.resolve("ledger.jsonl"),
        String.join("\n", ErasureStory.BEFORE_ERASURE) + "\n" + ErasureStory.erasure("e8") + "\n");
    Path old = dir.resolve("old");
    assertThat(CliRun.run("import", "--data", old.toString(), ledger.toString()).status()).isZero();
    CliRun exported = CliRun.run("export", "--data", old.toString());
    assertThat(exported.out()).contains("\"name_digest\"");
    Path export = Files.writeString(dir.resolve("export.jsonl"), exported.out());

    Path n4 = dir.resolve("n4");
    CliRun refused = CliRun.run("import", "--data", n4.toString(), export.toString());
    assertThat(refused.status()).as(refused.err()).isEqualTo(2);
    assertThat(refused.err()).contains("name_digest", "deployment.key");
    assertThat(n4).doesNotExist();
    // A directory that was there keeps what it held, and only that.
    Path existing = Files.createDirectories(dir.resolve("existing"));
    Files.writeString(existing.resolve("notes.txt"), "mine");
    assertThat(CliRun.run("import", "--data", existing.toString(), export.toString()).status()).isEqualTo(2);
    assertThat(listing(existing)).containsExactly(existing.resolve("notes.txt"));

    // The documented move then works: the key first, then the import.
    CliRun key = CliRun.run("store", "export-key", "--data", old.toString(), "--out", n4.resolve("deployment.key").toString());
    assertThat(key.status()).as(key.err()).isZero();
    CliRun moved = CliRun.run("import", "--data", n4.toString(), export.toString());
    assertThat(moved.status()).as(moved.err()).isZero();
    assertThat(CliRun.run("export", "--data", n4.toString()).out()).isEqualTo(exported.out());

    // A failed import into a store that exists takes nothing away from it.
    // (omar is registered already: the store refuses the event, after it was opened.)
    Path bad = Files.writeString(dir.resolve("bad.jsonl"), "{\"type\":\"member.registered\",\"at\":\"2024-04-01T00:00:00Z\","
        + "\"member\":\"omar\",\"country\":\"GB\",\"birth_date\":\"1985-05-05\"}\n");
    CliRun rejected = CliRun.run("import", "--data", n4.toString(), bad.toString());
    assertThat(rejected.status()).as(rejected.err()).isEqualTo(2);
    assertThat(rejected.err()).startsWith("line 1: ");
    assertThat(listing(n4)).contains(n4.resolve("ledger.mv.db"), n4.resolve("deployment.key"));
    assertThat(CliRun.run("export", "--data", n4.toString()).out()).isEqualTo(exported.out());
  }

  @Test
  void aFailedImportIntoANewDatabaseKeepsTheKeyFilesTheDatabaseRecorded() throws IOException {
    String db = "jdbc:h2:file:" + dir.resolve("h2").resolve("ledger").toAbsolutePath();
    Path keys = dir.resolve("keys");
    Path bad = Files.writeString(dir.resolve("bad.jsonl"), "{\"type\":\"consent.set\",\"at\":\"2024-04-01T00:00:00Z\","
        + "\"member\":\"nobody\",\"purpose\":\"p\",\"choice\":\"grant\",\"source\":\"api\"}\n");
    CliRun refused = CliRun.run("import", "--db", db, "--data", keys.toString(), bad.toString());
    assertThat(refused.status()).as(refused.err()).isEqualTo(2);
    // The database now holds tables and the audit key it recorded: the key file must stay with it.
    assertThat(keys.resolve("audit-signing.key")).exists();
    Path good = Files.writeString(dir.resolve("good.jsonl"), String.join("\n", ErasureStory.BEFORE_ERASURE) + "\n");
    CliRun imported = CliRun.run("import", "--db", db, "--data", keys.toString(), good.toString());
    assertThat(imported.status()).as(imported.err()).isZero();
    CliRun verified = CliRun.run("audit", "verify", "--db", db, "--data", keys.toString());
    assertThat(verified.status()).as(verified.err()).isZero();
  }

  @Test
  void anEmptyDirectoryStaysEmpty() throws IOException {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    for (List<String> command : READERS) {
      CliRun r = CliRun.run(args(command, empty));
      assertThat(r.status()).as(command + ": " + r.err()).isEqualTo(2);
      assertThat(listing(empty)).as(command.toString()).isEmpty();
    }
  }

  @Test
  void aDatabaseWithoutLetheTablesIsNoStoreEither() throws IOException {
    // An in-memory H2 database: connecting creates it empty, without Lethe's tables.
    String url = "jdbc:h2:mem:missing-store-test;DB_CLOSE_DELAY=-1";
    Path keys = dir.resolve("keys");
    CliRun r = CliRun.run("decide", "--member", "x", "--purpose", "genai-training", "--db", url, "--data", keys.toString());
    assertThat(r.status()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("lethe: the database " + url + " holds no store (no Lethe tables): check --db;"
        + " 'lethe import' creates a store from a ledger file\n");
    assertThat(keys).doesNotExist();
  }

  @Test
  void aStoreOnH2GivenByUrlIsFoundByReaders() {
    // Flyway's history table keeps its quoted lower-case name in a plain H2 database, which folds
    // unquoted names to upper case: readers must find it all the same.
    String url = "jdbc:h2:file:" + dir.resolve("h2").resolve("db");
    String keys = dir.resolve("keysA").toString();
    CliRun imported = CliRun.run("import", TIMELINE.toString(), "--db", url, "--data", keys);
    assertThat(imported.status()).as(imported.err()).isZero();
    CliRun status = CliRun.run("forget-status", "--db", url, "--data", keys);
    assertThat(status.status()).as(status.err()).isZero();
    CliRun verify = CliRun.run("audit", "verify", "--db", url, "--data", keys);
    assertThat(verify.status()).as(verify.err()).isZero();
  }

  @Test
  void aStoreCopiedWithoutItsDeploymentKeyIsRefusedAndGivenNoNewKeys() throws IOException {
    Path data = dir.resolve("data");
    assertThat(CliRun.run("import", TIMELINE.toString(), "--data", data.toString()).status()).isZero();
    Path copy = Files.createDirectories(dir.resolve("demo2"));
    Files.copy(data.resolve("ledger.mv.db"), copy.resolve("ledger.mv.db"));
    List<List<String>> commands = List.of(
        List.of("where", "--member", "m-br", "--data", "DATA"),
        List.of("audit", "verify", "--data", "DATA"),
        List.of("forget-status", "--data", "DATA"),
        List.of("import", TIMELINE.toString(), "--data", "DATA"));
    for (List<String> command : commands) {
      CliRun r = CliRun.run(args(command, copy));
      assertThat(r.status()).as(command + ": " + r.err()).isNotZero();
      assertThat(r.err()).as(command.toString())
          .contains("the data directory " + copy + " holds ledger.mv.db but not its deployment.key: restore the key file");
      assertThat(listing(copy)).as(command.toString()).containsExactly(copy.resolve("ledger.mv.db"));
    }
    // With the key restored the copy reads and its audit log verifies, except that without the
    // signing key file nothing vouches for the key the database records, which verify says.
    Files.copy(data.resolve("deployment.key"), copy.resolve("deployment.key"));
    CliRun verify = CliRun.run("audit", "verify", "--data", copy.toString());
    assertThat(verify.status()).as(verify.err()).isEqualTo(1);
    assertThat(verify.err()).contains("cannot be checked: " + copy.resolve("audit-signing.key") + " is missing");
    CliRun where = CliRun.run("where", "--member", "m-br", "--data", copy.toString());
    assertThat(where.status()).as(where.err()).isZero();
    assertThat(listing(copy)).containsExactlyInAnyOrder(copy.resolve("ledger.mv.db"), copy.resolve("deployment.key"));
  }

  @Test
  void writingCommandsStillCreateTheStoreAndReadersThenWork() throws IOException {
    Path data = dir.resolve("data");
    CliRun imported = CliRun.run("import", TIMELINE.toString(), "--data", data.toString());
    assertThat(imported.status()).as(imported.err()).isZero();
    assertThat(data.resolve("ledger.mv.db")).isRegularFile();
    assertThat(data.resolve("deployment.key")).isRegularFile();

    CliRun snapshots = CliRun.run("snapshots", "--data", data.toString());
    assertThat(snapshots.status()).as(snapshots.err()).isZero();
    CliRun models = CliRun.run("models", "--data", data.toString());
    assertThat(models.status()).as(models.err()).isZero();
    CliRun verify = CliRun.run("audit", "verify", "--data", data.toString());
    assertThat(verify.status()).as(verify.err()).isZero();
  }

  @Test
  void tokensAreForMembersTheLedgerKnows() {
    Path data = dir.resolve("data");
    assertThat(CliRun.run("import", TIMELINE.toString(), "--data", data.toString()).status()).isZero();

    CliRun ghost = CliRun.run("token", "--member", "ghost", "--data", data.toString());
    assertThat(ghost.status()).isEqualTo(2);
    assertThat(ghost.err()).isEqualTo("lethe: member \"ghost\" is not in the ledger\n");
    assertThat(ghost.out()).isEmpty();

    CliRun member = CliRun.run("token", "--member", "m-br", "--data", data.toString());
    assertThat(member.status()).as(member.err()).isZero();
    assertThat(member.out()).matches("[\\w-]+\\.[\\w-]+\\.[\\w-]+\n");
    CliRun admin = CliRun.run("token", "--role", "admin", "--data", data.toString());
    assertThat(admin.status()).as(admin.err()).isZero();
  }

  @Test
  void aMemberTokenIsIssuedUncheckedWhileARunningServerHoldsTheEmbeddedStore() throws Exception {
    Path data = dir.resolve("data");
    assertThat(CliRun.run("import", TIMELINE.toString(), "--data", data.toString()).status()).isZero();
    // 'lethe serve' holds this OS lock on the database file while it has the store open.
    try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(data.resolve("ledger.mv.db"),
            java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE);
        java.nio.channels.FileLock lock = channel.lock()) {
      CliRun member = CliRun.run("token", "--member", "m-br", "--data", data.toString());
      assertThat(member.status()).as(member.err()).isZero();
      assertThat(member.out()).matches("[\\w-]+\\.[\\w-]+\\.[\\w-]+\n");
      assertThat(member.err()).startsWith("lethe: warning: member \"m-br\" not checked: ")
          .contains("in use by another lethe process");
    }
  }

  private static List<Path> listing(Path d) throws IOException {
    try (Stream<Path> files = Files.walk(d)) {
      return new ArrayList<>(files.filter(p -> !p.equals(d)).toList());
    }
  }
}

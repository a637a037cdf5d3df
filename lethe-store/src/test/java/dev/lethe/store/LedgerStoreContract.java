package dev.lethe.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.core.decision.Decision;
import dev.lethe.core.event.LedgerEvent;
import dev.lethe.core.event.LedgerEvent.Query;
import dev.lethe.core.ledger.ConsentLedger;
import dev.lethe.core.ledger.LedgerFormatException;
import dev.lethe.core.ledger.LedgerLine;
import dev.lethe.core.ledger.LedgerReader;
import dev.lethe.core.policy.Policy;
import dev.lethe.store.Scenarios.Scenario;
import dev.lethe.store.audit.AuditKey;
import dev.lethe.store.audit.AuditReport;
import dev.lethe.store.audit.Checkpoint;
import dev.lethe.store.audit.InclusionProof;
import dev.lethe.store.audit.KeyRotation;
import dev.lethe.store.audit.Merkle;
import dev.lethe.store.audit.NoteKey;
import dev.lethe.store.audit.SignedCheckpoint;
import dev.lethe.store.audit.SigningKeyFiles;
import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.roaringbitmap.RoaringBitmap;

/**
 * The one contract every store backend must meet; subclasses supply the database. Everything is
 * checked against lethe-core's {@link ConsentLedger} replaying the same events, which is itself
 * tested against the spec's scenarios.
 */
abstract class LedgerStoreContract {

  private static final List<Scenario> SCENARIOS = Scenarios.all();

  private static final String POLICY =
      "{\"type\":\"policy.published\",\"at\":\"2024-01-01T00:00:00Z\",\"policy\":{\"version\":\"v1\","
          + "\"effective\":\"2024-01-01T00:00:00Z\",\"notice_days\":0,\"regions\":{\"EEA\":[\"FR\"]},"
          + "\"purposes\":{\"genai-training\":{\"default\":\"opt-out\",\"min_age\":18,\"honor_gpc\":true,"
          + "\"content_kinds\":[\"post\"],\"visibility\":[\"public\"],\"rules\":{\"EEA\":\"blocked\"}}}}}";

  protected abstract StoreFixture fixture();

  private LedgerStore fresh() {
    return LedgerStore.open(fixture().freshConfig());
  }

  @Test
  void openExistingRefusesWhereNoStoreIsAndCreatesNothing() throws Exception {
    StoreConfig config = fixture().freshConfig();
    Set<String> before = fileNames(config.dataDir());
    assertThat(LedgerStore.exists(config)).isFalse();
    assertThatThrownBy(() -> LedgerStore.openExisting(config))
        .isInstanceOf(NoStoreException.class)
        .hasMessageContaining("holds no store")
        .satisfies(e -> assertThat(((NoStoreException) e).where()).isEqualTo(JdbcLedgerStore.describe(config)));
    // No database file, no keys, and for a database no tables: the refusal left no trace.
    assertThat(fileNames(config.dataDir())).isEqualTo(before);
    assertThat(LedgerStore.exists(config)).isFalse();

    try (LedgerStore created = LedgerStore.open(config)) {
      created.append(POLICY, null);
    }
    assertThat(LedgerStore.exists(config)).isTrue();
    try (LedgerStore existing = LedgerStore.openExisting(config)) {
      assertThat(existing.eventCount()).isEqualTo(1);
    }
  }

  @Test
  void anEmbeddedStoreRefusesADeploymentKeyFileThatIsNotItsOwn() throws Exception {
    StoreConfig config = fixture().freshConfig();
    if (!config.embedded()) {
      return; // a database store holds its key itself, and refuses another file (below)
    }
    try (LedgerStore store = LedgerStore.open(config)) {
      store.append(POLICY, null);
    }
    Path keyFile = config.dataDir().resolve(JdbcLedgerStore.DEPLOYMENT_KEY_FILE);
    byte[] own = Files.readAllBytes(keyFile);
    String recorded = DeploymentKeys.keyId(dev.lethe.store.audit.Commitments.loadKey(keyFile));
    Files.delete(keyFile);
    dev.lethe.store.audit.Commitments.writeNewKey(keyFile, dev.lethe.store.audit.Commitments.newKey());
    for (boolean write : new boolean[] {false, true}) {
      assertThatThrownBy(() -> (write ? LedgerStore.open(config) : LedgerStore.openExisting(config)).close())
          .isInstanceOf(StoreException.class)
          .hasMessageContaining(keyFile + " holds deployment key")
          .hasMessageContaining("made with deployment key " + recorded)
          .hasMessageContaining("nothing was changed");
    }
    // Nor is it exported, which would move the deployment under the wrong key.
    Path exported = config.dataDir().resolveSibling(config.dataDir().getFileName() + "-exported.key");
    assertThatThrownBy(() -> LedgerStore.exportDeploymentKey(config, exported))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("made with deployment key " + recorded)
        .hasMessageContaining("nothing was exported");
    assertThat(exported).doesNotExist();
    Files.delete(keyFile);
    Files.write(keyFile, own);
    assertThat(LedgerStore.exportDeploymentKey(config, exported)).isEqualTo(recorded);
    try (LedgerStore restored = LedgerStore.openExisting(config)) {
      assertThat(restored.eventCount()).isEqualTo(1);
      assertThat(restored.verifyAudit().ok()).isTrue();
      restored.append(member("m1", "2024-02-01T00:00:00Z"), null);
      assertThat(restored.definedPurposes()).containsExactly("genai-training");
    }

    // A store made before the key's id was recorded, whose key file was replaced meanwhile: the
    // first open that records the id checks the key against the log rather than trusting it.
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(JdbcLedgerStore.h2Url(config.dataDir().toAbsolutePath()));
        java.sql.Statement st = c.createStatement()) {
      assertThat(st.executeUpdate("DELETE FROM store_meta WHERE meta_name = 'deployment_key_id'")).isEqualTo(1);
    }
    Files.delete(keyFile);
    dev.lethe.store.audit.Commitments.writeNewKey(keyFile, dev.lethe.store.audit.Commitments.newKey());
    assertThatThrownBy(() -> LedgerStore.openExisting(config).close())
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("is not the key the store beside it was made with")
        .hasMessageContaining("does not commit under it");
    Files.delete(keyFile);
    Files.write(keyFile, own);
    try (LedgerStore restored = LedgerStore.openExisting(config)) {
      assertThat(restored.eventCount()).isEqualTo(2);
    }
  }

  @Test
  void aStoreCopiedWithoutItsKeyFilesIsNeverGivenNewKeys() throws Exception {
    StoreConfig config = fixture().freshConfig();
    SignedCheckpoint signed;
    try (LedgerStore store = LedgerStore.open(config)) {
      store.append(POLICY, null);
      store.append(member("m1", "2024-02-01T00:00:00Z"), null);
      signed = store.checkpoint();
    }
    // A directory holding only what copying the store brings along: an embedded store's database
    // file, and nothing for a database store (its data, deployment key included, stays in the database).
    Path copy = Files.createDirectories(config.dataDir().resolveSibling(config.dataDir().getFileName() + "-copy"));
    StoreConfig copied = new StoreConfig(copy, config.jdbcUrl(), config.clock());
    if (config.embedded()) {
      Files.copy(config.dataDir().resolve(LedgerStore.EMBEDDED_DATABASE_FILE), copy.resolve(LedgerStore.EMBEDDED_DATABASE_FILE));
      // Refused to read and to write alike: a new key would fail every audit leaf and take the
      // place of the file that is to be restored.
      assertThatThrownBy(() -> LedgerStore.openExisting(copied))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("holds ledger.mv.db but not its deployment.key")
          .hasMessageContaining("restore the key file");
      assertThatThrownBy(() -> LedgerStore.open(copied))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("holds ledger.mv.db but not its deployment.key");
      assertThat(fileNames(copy)).containsExactly(LedgerStore.EMBEDDED_DATABASE_FILE);
      Files.copy(config.dataDir().resolve(JdbcLedgerStore.DEPLOYMENT_KEY_FILE), copy.resolve(JdbcLedgerStore.DEPLOYMENT_KEY_FILE));
    } else {
      // A key directory that is not there is read from, not created.
      Path none = copy.resolveSibling(copy.getFileName() + "-none");
      try (LedgerStore read = LedgerStore.openExisting(new StoreConfig(none, config.jdbcUrl(), config.clock()))) {
        // Everything but the key verifies: without its file, nothing vouches for the key the database records.
        assertThat(read.verifyAudit().problems()).singleElement().asString()
            .contains("cannot be checked: " + none.toAbsolutePath().resolve(SigningKeyFiles.ACTIVE) + " is missing");
      }
      assertThat(none).doesNotExist();
    }
    Set<String> before = fileNames(copy);
    Path signingKey = copy.resolve(SigningKeyFiles.ACTIVE);
    try (LedgerStore read = LedgerStore.openExisting(copied)) {
      assertThat(read.eventCount()).isEqualTo(2);
      assertThat(read.verifyAudit().problems()).singleElement().asString().contains("cannot be checked: " + signingKey.toAbsolutePath() + " is missing");
      assertThat(read.checkpoint()).isEqualTo(signed);
    }
    // Opening to write does not make a signing key either: the log has one, and signing asks for its file.
    try (LedgerStore write = LedgerStore.open(copied)) {
      write.append(member("m2", "2024-02-01T00:00:00Z"), null);
      assertThatThrownBy(write::checkpoint)
          .isInstanceOf(StoreException.class)
          .hasMessageContaining(signingKey + " is missing")
          .hasMessageContaining("restore the key file");
      assertThat(write.verifyAudit().problems()).singleElement().asString().contains("cannot be checked");
    }
    // No key; only the latest checkpoint, which the copy's first checkpoint() kept (it signed nothing).
    Set<String> after = new HashSet<>(before);
    after.add(dev.lethe.store.audit.KeptCheckpoint.FILE);
    after.add(dev.lethe.store.audit.KeptCheckpoint.FILE + ".lock");
    assertThat(fileNames(copy)).isEqualTo(after);
    Files.copy(config.dataDir().resolve(SigningKeyFiles.ACTIVE), signingKey);
    try (LedgerStore restored = LedgerStore.openExisting(copied)) {
      SignedCheckpoint next = restored.checkpoint();
      assertThat(next.checkpoint().size()).isEqualTo(signed.checkpoint().size() + 1);
      assertThat(restored.auditKey().open(next.note())).isEqualTo(next.checkpoint());
      assertThat(restored.verifyAudit().problems()).isEmpty();
    }
  }

  @Test
  void aStoreWhoseCreationWasCutShortIsCompletedOnlyByOpeningItToWrite() throws Exception {
    StoreConfig config = fixture().freshConfig();
    LedgerStore.open(config).close();
    // As if the creating process died after the migrations, before recording the store's ids and keys.
    try (Connection c = fixture().raw(config);
        Statement st = c.createStatement()) {
      st.executeUpdate("DELETE FROM store_meta");
    }
    Set<String> before = fileNames(config.dataDir());
    assertThat(LedgerStore.exists(config)).isTrue();
    assertThatThrownBy(() -> LedgerStore.openExisting(config))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("is incomplete: store_meta holds no deployment_id")
        .hasMessageContaining("'lethe import', completes it");
    assertThat(fileNames(config.dataDir())).isEqualTo(before);
    try (LedgerStore completed = LedgerStore.open(config)) {
      completed.append(POLICY, null);
      SignedCheckpoint cp = completed.checkpoint();
      assertThat(completed.auditKey().open(cp.note())).isEqualTo(cp.checkpoint());
    }
    try (LedgerStore existing = LedgerStore.openExisting(config)) {
      assertThat(existing.verifyAudit().problems()).isEmpty();
    }
  }

  private static Set<String> fileNames(Path dir) throws java.io.IOException {
    try (var files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toSet());
    }
  }

  private static List<Append> appends(List<LedgerLine> lines) {
    List<Append> out = new ArrayList<>();
    for (LedgerLine l : lines) {
      if (!(l.event() instanceof Query)) {
        out.add(Append.of(l.json().toString()));
      }
    }
    return out;
  }

  private static ConsentLedger replay(List<LedgerLine> lines) throws LedgerFormatException {
    return LedgerReader.load(lines).ledger();
  }

  private static String member(String id, String at) {
    return "{\"type\":\"member.registered\",\"at\":\"" + at + "\",\"member\":\"" + id
        + "\",\"country\":\"US\",\"birth_date\":\"1990-01-01\"}";
  }

  private static String notice(String id, String at) {
    return "{\"type\":\"notice.sent\",\"at\":\"" + at + "\",\"member\":\"" + id + "\",\"policy_version\":\"v1\"}";
  }

  // ------------------------------------------------------------------ decisions

  @Test
  void everyScenarioDecidesLikeReplayWhenImportedAsOneBatch() throws Exception {
    for (Scenario s : SCENARIOS) {
      ConsentLedger ledger = replay(s.lines());
      try (LedgerStore store = fresh()) {
        store.appendBatch(appends(s.lines()));
        assertSameDecisions(s, ledger, store);
      }
    }
  }

  @Test
  void everyScenarioDecidesLikeReplayWhenAppendedOneByOneInAppliedOrder() throws Exception {
    for (Scenario s : SCENARIOS.subList(0, SCENARIOS.size() / 3)) {
      ConsentLedger ledger = replay(s.lines());
      List<LedgerLine> applied = new ArrayList<>(s.lines());
      applied.sort(Comparator.comparing(l -> l.event().at())); // stable: file order within an instant
      try (LedgerStore store = fresh()) {
        for (LedgerLine l : applied) {
          if (!(l.event() instanceof Query)) {
            store.append(l.json().toString(), null);
          }
        }
        assertSameDecisions(s, ledger, store);
      }
    }
  }

  private static void assertSameDecisions(Scenario s, ConsentLedger ledger, LedgerStore store) {
    int queries = 0;
    for (LedgerLine l : s.lines()) {
      if (l.event() instanceof Query q) {
        queries++;
        assertThat(store.decide(q.member(), q.purpose(), q.at()))
            .as("%s line %d", s.name(), l.line())
            .isEqualTo(ledger.decide(q.member(), q.purpose(), q.at()));
        // Deciding from a history read once gives the same answer as reading it again.
        assertThat(store.decide(q.member(), q.purpose(), q.at(), store.memberHistory(q.member())))
            .as("%s line %d, from a history", s.name(), l.line())
            .isEqualTo(ledger.decide(q.member(), q.purpose(), q.at()));
      }
    }
    assertThat(queries).as(s.name()).isPositive();
  }

  @Test
  void eligibleBitmapIsConsentLedgersEligibleMembers() throws Exception {
    int nonEmpty = 0;
    for (Scenario s : SCENARIOS) {
      ConsentLedger ledger = replay(s.lines());
      Set<String> purposes = new TreeSet<>();
      for (Policy p : ledger.policies()) {
        purposes.addAll(p.purposes().keySet());
      }
      Set<Instant> instants = new TreeSet<>();
      s.lines().forEach(l -> instants.add(l.event().at()));
      try (LedgerStore store = fresh()) {
        store.appendBatch(appends(s.lines()));
        for (String purpose : purposes) {
          for (Instant at : instants) {
            RoaringBitmap bitmap = store.eligibleMembers(purpose, at);
            List<String> ids = new ArrayList<>();
            bitmap.forEach((int n) -> ids.add(store.memberId(n).orElseThrow()));
            ids.sort(Comparator.naturalOrder());
            assertThat(ids).as("%s %s %s", s.name(), purpose, at).isEqualTo(ledger.eligibleMembers(purpose, at));
            nonEmpty += ids.isEmpty() ? 0 : 1;
          }
        }
      }
    }
    assertThat(nonEmpty).isGreaterThan(SCENARIOS.size());
  }

  @Test
  void memberNumbersAreDenseAndStable() throws Exception {
    try (LedgerStore store = fresh()) {
      store.append(POLICY, null);
      store.appendBatch(List.of(Append.of(member("b", "2024-02-02T00:00:00Z")), Append.of(member("a", "2024-02-01T00:00:00Z"))));
      store.append(member("c", "2024-01-15T00:00:00Z"), null);
      assertThat(store.memberNumber("b")).hasValue(0);
      assertThat(store.memberNumber("a")).hasValue(1);
      assertThat(store.memberNumber("c")).hasValue(2);
      assertThat(store.memberNumber("ghost")).isEmpty();
      assertThat(store.memberId(2)).hasValue("c");
      assertThat(store.memberId(3)).isEmpty();
      assertThat(store.memberHistory("a")).extracting(e -> e.event().member()).containsExactly("a");
    }
  }

  // ------------------------------------------------------------------ validation

  @Test
  void batchErrorsAreReplaysErrors() throws Exception {
    String reg = member("m1", "2024-02-01T00:00:00Z");
    List<List<String>> files =
        List.of(
            List.of(POLICY, "{\"type\":\"member.vanished\",\"at\":\"2024-02-01T00:00:00Z\"}"),
            List.of(POLICY, "{\"type\":\"member.registered\",\"at\":\"2024-02-01T00:00:00Z\",\"member\":\"m1\",\"country\":\"us\",\"birth_date\":\"1990-01-01\"}"),
            List.of(POLICY, "{\"type\":\"gpc.signal\",\"at\":\"2024-02-01T00:00:00\",\"member\":\"m1\"}"),
            List.of(POLICY, "{not json"),
            List.of(POLICY, reg, "{\"type\":\"consent.set\",\"at\":\"2024-01-31T00:00:00Z\",\"member\":\"m1\",\"purpose\":\"genai-training\",\"choice\":\"grant\",\"source\":\"api\"}"),
            List.of(POLICY, reg, "{\"type\":\"consent.set\",\"at\":\"2024-03-01T00:00:00Z\",\"member\":\"m1\",\"purpose\":\"nope\",\"choice\":\"grant\",\"source\":\"api\"}"),
            List.of(POLICY, reg, "{\"type\":\"consent.set\",\"at\":\"2024-03-01T00:00:00Z\",\"member\":\"m1\",\"purpose\":\"genai-training\",\"choice\":\"maybe\",\"source\":\"api\"}"),
            List.of(POLICY, reg, member("m1", "2024-03-01T00:00:00Z")),
            List.of(POLICY, reg, member("m1", "2024-01-15T00:00:00Z")),
            List.of(POLICY, reg, "{\"type\":\"objection.decided\",\"at\":\"2024-03-01T00:00:00Z\",\"objection\":\"o1\",\"outcome\":\"upheld\",\"justification\":\"j\"}"),
            List.of(POLICY, reg, "{\"type\":\"content.deleted\",\"at\":\"2024-03-01T00:00:00Z\",\"content\":\"c1\"}"),
            List.of(reg, "{\"type\":\"objection.filed\",\"at\":\"2024-03-01T00:00:00Z\",\"objection\":\"o1\",\"member\":\"m1\",\"purpose\":\"genai-training\",\"reason\":\"r\"}",
                POLICY.replace("\"at\":\"2024-01-01T00:00:00Z\"", "\"at\":\"2024-05-01T00:00:00Z\"")));
    for (List<String> file : files) {
      String text = String.join("\n", file) + "\n";
      String replayError = null;
      try {
        LedgerReader.load(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
      } catch (LedgerFormatException e) {
        replayError = e.getMessage();
      }
      assertThat(replayError).as(text).isNotNull();
      try (LedgerStore store = fresh()) {
        List<Append> batch = new ArrayList<>();
        file.forEach(line -> batch.add(Append.of(line)));
        try {
          store.appendBatch(batch);
          throw new AssertionError("the store accepted what replay rejects: " + text);
        } catch (EventRejectedException e) {
          assertThat("line " + (e.index() + 1) + ": " + e.problem()).as(text).isEqualTo(replayError);
        }
        assertThat(store.eventCount()).isZero();
        assertThat(store.auditSize()).isZero();
      }
    }
  }

  @Test
  void singleAppendsAreCheckedAgainstStoredEventsAtTheirInstant() throws Exception {
    // Each bad event, appended to a store holding `base`, must fail exactly as replay fails on
    // base + that event, and change nothing.
    List<String> base =
        List.of(
            POLICY,
            member("m1", "2024-02-01T00:00:00Z"),
            member("m2", "2024-02-01T00:00:00Z"),
            "{\"type\":\"objection.filed\",\"at\":\"2024-03-01T00:00:00Z\",\"objection\":\"o1\",\"member\":\"m1\",\"purpose\":\"genai-training\",\"reason\":\"r\"}",
            "{\"type\":\"content.posted\",\"at\":\"2024-03-01T00:00:00Z\",\"content\":\"c1\",\"member\":\"m1\",\"kind\":\"post\",\"visibility\":\"public\",\"text\":\"hi\"}");
    List<String> bad =
        List.of(
            "{\"type\":\"gpc.signal\",\"at\":\"2024-01-31T23:59:59Z\",\"member\":\"m1\"}",
            "{\"type\":\"gpc.signal\",\"at\":\"2024-05-01T00:00:00Z\",\"member\":\"ghost\"}",
            member("m1", "2024-06-01T00:00:00Z"),
            member("m1", "2024-01-10T00:00:00Z"),
            "{\"type\":\"objection.filed\",\"at\":\"2024-04-01T00:00:00Z\",\"objection\":\"o1\",\"member\":\"m2\",\"purpose\":\"genai-training\",\"reason\":\"r\"}",
            "{\"type\":\"objection.decided\",\"at\":\"2024-02-15T00:00:00Z\",\"objection\":\"o1\",\"outcome\":\"upheld\",\"justification\":\"j\"}",
            "{\"type\":\"content.deleted\",\"at\":\"2024-02-15T00:00:00Z\",\"content\":\"c1\"}",
            "{\"type\":\"content.posted\",\"at\":\"2024-04-01T00:00:00Z\",\"content\":\"c1\",\"member\":\"m2\",\"kind\":\"post\",\"visibility\":\"public\",\"text\":\"x\"}",
            "{\"type\":\"consent.set\",\"at\":\"2023-12-31T00:00:00Z\",\"member\":\"m1\",\"purpose\":\"genai-training\",\"choice\":\"grant\",\"source\":\"api\"}",
            "{\"type\":\"consent.set\",\"at\":\"2024-04-01T00:00:00Z\",\"member\":\"m1\",\"purpose\":\"genai-training\",\"choice\":\"grant\",\"source\":\"fax\"}",
            "{\"type\":\"query\",\"at\":\"2024-04-01T00:00:00Z\",\"member\":\"m1\",\"purpose\":\"genai-training\"}");
    try (LedgerStore store = fresh()) {
      for (String line : base) {
        store.append(line, null);
      }
      long events = store.eventCount();
      long leaves = store.auditSize();
      for (String line : bad) {
        String text = String.join("\n", base) + "\n" + line + "\n";
        String replayError = replayErrorFor(text, base.size() + 1);
        assertThatThrownBy(() -> store.append(line, null))
            .as(line)
            .isInstanceOf(EventRejectedException.class)
            .satisfies(e -> assertThat("line " + (base.size() + 1) + ": " + ((EventRejectedException) e).problem())
                .isEqualTo(replayError));
        assertThat(store.eventCount()).isEqualTo(events);
        assertThat(store.auditSize()).isEqualTo(leaves);
      }
      // Things that exist at the new event's instant do count, whatever the append order.
      store.append("{\"type\":\"objection.decided\",\"at\":\"2024-03-01T00:00:00Z\",\"objection\":\"o1\",\"outcome\":\"upheld\",\"justification\":\"j\"}", null);
      store.append("{\"type\":\"content.deleted\",\"at\":\"2024-03-02T00:00:00Z\",\"content\":\"c1\"}", null);
      store.append("{\"type\":\"gpc.signal\",\"at\":\"2024-02-01T00:00:00Z\",\"member\":\"m2\"}", null);
      assertThat(store.eventCount()).isEqualTo(events + 3);
    }
  }

  /** What replay says about the last line of a file, or the store's query message if it accepts it. */
  private static String replayErrorFor(String text, int lastLine) {
    try {
      LedgerReader.load(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
      return "line " + lastLine + ": a query asks for a decision and is never stored";
    } catch (LedgerFormatException e) {
      // A duplicate registration earlier in time makes replay blame the stored line: same words.
      return "line " + lastLine + ": " + e.problem();
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  // ------------------------------------------------------------------ idempotency

  @Test
  void clientIdsMakeAppendsIdempotent() throws Exception {
    try (LedgerStore store = fresh()) {
      AppendResult policy = store.append(POLICY, "p-1");
      AppendResult first = store.append(member("m1", "2024-02-01T00:00:00Z"), "reg-m1");
      // The same event again, with keys in another order and other spacing: still the same event.
      AppendResult again =
          store.append("{ \"member\":\"m1\", \"type\":\"member.registered\",\"at\":\"2024-02-01T00:00:00Z\",\"country\":\"US\",\"birth_date\":\"1990-01-01\"}", "reg-m1");
      assertThat(first.repeated()).isFalse();
      assertThat(again).isEqualTo(new AppendResult(first.seq(), first.leafIndex(), true));
      assertThat(store.eventCount()).isEqualTo(2);
      assertThat(store.auditSize()).isEqualTo(2);
      assertThat(store.eventByClientId("reg-m1")).get().extracting(StoredEvent::seq).isEqualTo(first.seq());

      assertThatThrownBy(() -> store.append(member("m1", "2024-02-01T00:00:01Z"), "reg-m1"))
          .isInstanceOf(EventRejectedException.class)
          .hasMessage("client id \"reg-m1\" was already used for a different event (seq " + first.seq() + ")");

      List<AppendResult> batch =
          store.appendBatch(
              List.of(
                  new Append(POLICY, "p-1"),
                  new Append(member("m2", "2024-02-01T00:00:00Z"), "reg-m2"),
                  new Append(member("m2", "2024-02-01T00:00:00Z"), "reg-m2")));
      assertThat(batch.get(0)).isEqualTo(new AppendResult(policy.seq(), policy.leafIndex(), true));
      assertThat(batch.get(1).repeated()).isFalse();
      assertThat(batch.get(2)).isEqualTo(new AppendResult(batch.get(1).seq(), batch.get(1).leafIndex(), true));
      assertThat(store.eventCount()).isEqualTo(3);

      assertThatThrownBy(
              () -> store.appendBatch(List.of(new Append(member("m3", "2024-02-01T00:00:00Z"), "x"), new Append(member("m4", "2024-02-01T00:00:00Z"), "x"))))
          .isInstanceOf(EventRejectedException.class)
          .hasMessage("client id \"x\" is used for two different events of this batch");
      assertThat(store.eventCount()).isEqualTo(3);
    }
  }

  /**
   * A batch bigger than one write chunk is written chunk by chunk inside its one transaction, so
   * a failure after some chunks were written must still leave none of it: here the database
   * refuses the second chunk's leaves (a leaf row planted behind the store's back takes an index
   * the batch needs). Once the obstacle is gone the same batch goes in whole, its erasure purging
   * rows written in earlier chunks, with an audit log that verifies.
   */
  @Test
  void aBatchSpanningWriteChunksIsStillAllOrNothing() throws Exception {
    StoreConfig config = fixture().freshConfig();
    try (LedgerStore store = LedgerStore.open(config)) {
      ((JdbcLedgerStore) store).writeChunk(3);
      List<Append> batch = new ArrayList<>();
      batch.add(new Append(POLICY, "p"));
      for (int i = 0; i < 8; i++) {
        batch.add(new Append(member("c" + i, "2024-02-01T00:00:0" + i + "Z"), "reg-c" + i));
      }
      batch.add(Append.of("{\"type\":\"erasure.requested\",\"at\":\"2024-03-01T00:00:00Z\",\"member\":\"c1\"}"));
      try (Connection c = fixture().raw(config);
          PreparedStatement plant = c.prepareStatement("INSERT INTO audit_leaf (leaf_index, kind, leaf_bytes, leaf_hash) VALUES (5, 'planted', ?, ?)")) {
        plant.setBytes(1, new byte[] {1});
        plant.setBytes(2, new byte[] {2});
        plant.executeUpdate();
      }
      assertThatThrownBy(() -> store.appendBatch(batch)).isInstanceOf(StoreException.class);
      try (Connection c = fixture().raw(config);
          Statement st = c.createStatement()) {
        for (String table : List.of("ledger_event", "ledger_member")) {
          try (var rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            assertThat(rs.getLong(1)).as(table).isZero();
          }
        }
        try (var rs = st.executeQuery("SELECT COUNT(*) FROM audit_leaf")) {
          rs.next();
          assertThat(rs.getLong(1)).as("only the planted leaf").isEqualTo(1);
        }
        st.executeUpdate("DELETE FROM audit_leaf WHERE leaf_index = 5");
      }
      assertThat(store.eventCount()).isZero();

      List<AppendResult> results = store.appendBatch(batch);
      assertThat(results).extracting(AppendResult::repeated).containsOnly(false);
      assertThat(store.eventCount()).isEqualTo(batch.size());
      assertThat(store.auditSize()).isEqualTo(batch.size());
      try (Connection c = fixture().raw(config);
          Statement st = c.createStatement();
          var rs = st.executeQuery("SELECT purged_by FROM ledger_event WHERE seq = 3")) {
        rs.next();
        assertThat(rs.getLong(1)).as("c1's registration, written in the first chunk, purged by the erasure").isEqualTo(batch.size());
      }
      assertThat(store.verifyAudit().problems()).isEmpty();
      assertThat(store.appendBatch(batch.subList(0, 9))).extracting(AppendResult::repeated).containsOnly(true);
      assertThat(store.eventCount()).isEqualTo(batch.size());
    }
  }

  /**
   * Concurrent appends commit together (group commit); each call must still be all-or-none on
   * its own, idempotent by client id across callers, and judged as if the calls ran one by one.
   */
  @Test
  void concurrentAppendsFailAloneAndStayIdempotent() throws Exception {
    try (LedgerStore store = fresh()) {
      store.append(POLICY, null);
      store.append(member("m-shared", "2024-02-01T00:00:00Z"), null);
      int threads = 8;
      int perThread = 30;
      java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
      List<java.util.concurrent.Future<List<String>>> outcomes = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        outcomes.add(pool.submit(() -> {
          start.await();
          List<String> seen = new ArrayList<>();
          for (int i = 0; i < perThread; i++) {
            String id = "t" + thread + "-" + i;
            // A valid registration, a consent for a member nobody registered (invalid), the
            // same shared event under a shared client id from every thread, and a registration
            // of a shared id that only one thread can win.
            store.append(member(id, "2024-02-01T00:00:00Z"), "reg-" + id);
            try {
              store.append("{\"type\":\"consent.set\",\"at\":\"2024-02-02T00:00:00Z\",\"member\":\"ghost-" + id
                  + "\",\"purpose\":\"genai-training\",\"choice\":\"grant\",\"source\":\"api\"}", null);
              seen.add("ghost accepted");
            } catch (EventRejectedException e) {
              seen.add("ghost rejected");
            }
            AppendResult shared = store.append(notice("m-shared", "2024-03-0" + (1 + i % 9) + "T00:00:00Z"), "shared-" + i);
            seen.add("shared " + shared.seq());
            try {
              store.appendBatch(List.of(Append.of(notice(id, "2024-02-03T00:00:00Z")), Append.of(member("race-" + i, "2024-02-01T00:00:00Z"))));
              seen.add("race won");
            } catch (EventRejectedException e) {
              assertThat(e.index()).isEqualTo(1);
              seen.add("race lost");
            }
          }
          return seen;
        }));
      }
      start.countDown();
      List<String> all = new ArrayList<>();
      for (var f : outcomes) {
        all.addAll(f.get());
      }
      pool.shutdown();
      assertThat(all).filteredOn("ghost accepted"::equals).isEmpty();
      assertThat(all).filteredOn("race won"::equals).hasSize(perThread);
      // Every thread got the same seq for each shared client id.
      assertThat(all.stream().filter(x -> x.startsWith("shared ")).distinct().count()).isEqualTo(perThread);
      // policy + shared member + registrations + shared notices + (notice + registration) per race won.
      long want = 2 + (long) threads * perThread + perThread + 2L * perThread;
      assertThat(store.eventCount()).isEqualTo(want);
      assertThat(store.auditSize()).isEqualTo(want);
      assertThat(store.verifyAudit().problems()).isEmpty();
      StringWriter out = new StringWriter();
      store.export(out);
      List<LedgerLine> exported = LedgerReader.read(new ByteArrayInputStream(out.toString().getBytes(StandardCharsets.UTF_8)));
      ConsentLedger ledger = replay(exported);
      Instant at = Instant.parse("2024-04-01T00:00:00Z");
      for (int i = 0; i < perThread; i++) {
        assertThat(store.decide("t3-" + i, "genai-training", at)).isEqualTo(ledger.decide("t3-" + i, "genai-training", at));
        assertThat(store.decide("race-" + i, "genai-training", at)).isEqualTo(ledger.decide("race-" + i, "genai-training", at));
      }
    }
  }

  /**
   * Reads are served from an index that follows the ledger's tail; an append by another store
   * on the same database (another process, in production) must show in the next read.
   */
  @Test
  void readsSeeAppendsOfAnotherStoreOnTheSameDatabase() throws Exception {
    StoreConfig config = fixture().freshConfig();
    Instant at = Instant.parse("2024-03-01T00:00:00Z");
    try (LedgerStore a = LedgerStore.open(config); LedgerStore b = LedgerStore.open(config)) {
      a.append(POLICY, null);
      a.append(member("m1", "2024-02-01T00:00:00Z"), null);
      a.append(notice("m1", "2024-02-01T00:00:00Z"), null);
      assertThat(a.memberHistory("m1")).hasSize(2);
      assertThat(a.decide("m1", "genai-training", at).allowed()).isTrue();

      b.append("{\"type\":\"consent.set\",\"at\":\"2024-02-02T00:00:00Z\",\"member\":\"m1\",\"purpose\":\"genai-training\","
          + "\"choice\":\"withdraw\",\"source\":\"api\"}", null);
      assertThat(a.memberHistory("m1")).hasSize(3);
      assertThat(a.decide("m1", "genai-training", at).reason().word()).isEqualTo("withdrawn");

      // A newer policy published elsewhere is seen too.
      b.append(POLICY.replace("\"v1\"", "\"v2\"").replace("2024-01-01T00:00:00Z", "2024-02-10T00:00:00Z"), null);
      assertThat(a.decide("m1", "genai-training", at).policyVersion()).isEqualTo("v2");
      assertThat(a.decide("m1", "genai-training", at)).isEqualTo(b.decide("m1", "genai-training", at));
      // Deciding from a history uses the policies the store follows, the newer one included.
      assertThat(a.decide("m1", "genai-training", at, a.memberHistory("m1")).policyVersion()).isEqualTo("v2");
      assertThat(a.memberHistory("nobody")).isEmpty();
    }
  }

  // ------------------------------------------------------------------ export, durability

  @Test
  void exportThenImportGivesTheSameEvents() throws Exception {
    Scenario s = SCENARIOS.stream().filter(x -> x.name().startsWith("timeline")).findFirst().orElseThrow();
    List<Append> batch = new ArrayList<>(appends(s.lines()));
    batch.add(Append.of("{\"type\":\"gpc.signal\",\"at\":\"2024-12-30T00:00:00Z\",\"member\":\"m-us\",\"x-browser\":{\"ua\":\"firefox\",\"n\":[1,2.5]}}"));
    String first;
    try (LedgerStore a = fresh()) {
      a.appendBatch(batch);
      StringWriter out = new StringWriter();
      a.export(out);
      first = out.toString();
    }
    Set<JsonNode> original = new HashSet<>();
    for (Append ap : batch) {
      original.add(LedgerReader.mapper().readTree(ap.json()));
    }
    List<LedgerLine> exported = LedgerReader.read(new ByteArrayInputStream(first.getBytes(StandardCharsets.UTF_8)));
    Set<JsonNode> exportedSet = new HashSet<>();
    exported.forEach(l -> exportedSet.add(l.json()));
    assertThat(exportedSet).isEqualTo(original);
    assertThat(exported).hasSize(batch.size());
    assertThat(first).contains("\"x-browser\":{\"ua\":\"firefox\",\"n\":[1,2.5]}");

    try (LedgerStore b = fresh()) {
      b.appendBatch(appends(exported));
      StringWriter out = new StringWriter();
      b.export(out);
      assertThat(out.toString()).isEqualTo(first);
      ConsentLedger ledger = replay(exported);
      for (LedgerLine l : s.lines()) {
        if (l.event() instanceof Query q) {
          assertThat(b.decide(q.member(), q.purpose(), q.at())).isEqualTo(ledger.decide(q.member(), q.purpose(), q.at()));
        }
      }
    }
  }

  @Test
  void acknowledgedEventsSurviveReopeningAndTheLogStaysConsistent() throws Exception {
    StoreConfig config = fixture().freshConfig();
    SignedCheckpoint before;
    Decision decision;
    try (LedgerStore store = LedgerStore.open(config)) {
      store.append(POLICY, null);
      for (int i = 0; i < 20; i++) {
        store.append(member("m" + i, "2024-02-01T00:00:00Z"), "reg-" + i);
        store.append(notice("m" + i, "2024-02-02T00:00:00Z"), null);
      }
      before = store.checkpoint();
      decision = store.decide("m7", "genai-training", Instant.parse("2024-03-01T00:00:00Z"));
      assertThat(decision.allowed()).isTrue();
    }
    try (LedgerStore store = LedgerStore.open(config)) {
      assertThat(store.eventCount()).isEqualTo(41);
      assertThat(store.decide("m7", "genai-training", Instant.parse("2024-03-01T00:00:00Z"))).isEqualTo(decision);
      assertThat(store.checkpoints()).containsExactly(before);
      store.append("{\"type\":\"gpc.signal\",\"at\":\"2024-02-03T00:00:00Z\",\"member\":\"m7\"}", null);
      SignedCheckpoint after = store.checkpoint();
      assertThat(after.number()).isEqualTo(before.number() + 1);
      List<byte[]> proof = store.consistencyProof(before.checkpoint().size(), after.checkpoint().size());
      assertThat(Merkle.verifyConsistency(before.checkpoint().size(), after.checkpoint().size(),
          before.checkpoint().root(), after.checkpoint().root(), proof)).isTrue();
      assertThat(store.checkpoint()).isEqualTo(after);
      assertThat(store.verifyAudit().problems()).isEmpty();
      assertThat(store.decide("m7", "genai-training", Instant.parse("2024-03-01T00:00:00Z")).reason().word()).isEqualTo("gpc");
    }
  }

  // ------------------------------------------------------------------ snapshot roots

  @Test
  void snapshotRootsAreRegisteredOnceNormalizedAndSurviveReopening() {
    StoreConfig config = fixture().freshConfig();
    Path out = Path.of("/tmp/lethe-roots/out1");
    // A path longer than a B-tree index entry may be (about 2.7 kB in PostgreSQL) is still one root.
    Path deep = Path.of("/srv/" + "d".repeat(250) + "/").resolve(String.join("/", java.util.Collections.nCopies(20, "x".repeat(200))));
    try (LedgerStore store = LedgerStore.open(config)) {
      assertThat(store.snapshotRoots()).isEmpty();
      assertThat(store.registerSnapshotRoot(Path.of("/tmp/lethe-roots/./a/../out1"))).isTrue();
      assertThat(store.registerSnapshotRoot(out)).as("the same root normalized").isFalse();
      assertThat(store.registerSnapshotRoot(Path.of("/data/lethe/snapshots"))).isTrue();
      assertThat(store.registerSnapshotRoot(deep)).isTrue();
      assertThat(store.registerSnapshotRoot(deep)).isFalse();
      assertThatThrownBy(() -> store.registerSnapshotRoot(Path.of("relative/out")))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("absolute");
      assertThat(store.snapshotRoots()).containsExactly(Path.of("/data/lethe/snapshots"), deep, out);
      assertThat(store.eventCount()).as("roots are not ledger events").isZero();
    }
    try (LedgerStore store = LedgerStore.open(config)) {
      assertThat(store.snapshotRoots()).containsExactly(Path.of("/data/lethe/snapshots"), deep, out);
      assertThat(store.unregisterSnapshotRoot(Path.of("/tmp/lethe-roots/out1/"))).isTrue();
      assertThat(store.unregisterSnapshotRoot(out)).isFalse();
      assertThat(store.snapshotRoots()).containsExactly(Path.of("/data/lethe/snapshots"), deep);
    }
  }

  @Test
  void concurrentRegistrationsOfOneRootAddItOnce() throws Exception {
    StoreConfig config = fixture().freshConfig();
    try (LedgerStore a = LedgerStore.open(config); LedgerStore b = LedgerStore.open(config)) {
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
      try {
        List<java.util.concurrent.Future<Boolean>> added = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
          LedgerStore s = i % 2 == 0 ? a : b;
          added.add(pool.submit(() -> s.registerSnapshotRoot(Path.of("/srv/snapshots"))));
        }
        int firsts = 0;
        for (java.util.concurrent.Future<Boolean> f : added) {
          firsts += f.get() ? 1 : 0;
        }
        assertThat(firsts).isEqualTo(1);
      } finally {
        pool.shutdownNow();
      }
      assertThat(b.snapshotRoots()).containsExactly(Path.of("/srv/snapshots"));
    }
  }

  @Test
  void recordedSnapshotsAreKeptOncePerRootAndSurviveReopening() {
    StoreConfig config = fixture().freshConfig().withClock(java.time.Clock.fixed(Instant.parse("2026-01-02T03:04:05.123456789Z"),
        java.time.ZoneOffset.UTC));
    Path out = Path.of("/tmp/lethe-records/out1");
    Path other = Path.of("/srv/snapshots");
    Instant asOf = Instant.parse("2024-10-01T00:00:00.5Z");
    try (LedgerStore store = LedgerStore.open(config)) {
      assertThat(store.recordedSnapshots()).isEmpty();
      // Recording registers the root in the same step: a recorded snapshot always has a root to be looked for in.
      assertThat(store.recordSnapshot(Path.of("/tmp/lethe-records/./x/../out1"), "s-b", "genai-training", asOf)).isTrue();
      assertThat(store.snapshotRoots()).containsExactly(out);
      assertThat(store.recordSnapshot(out, "s-b", "genai-training", asOf)).as("a byte-identical rebuild").isFalse();
      assertThat(store.recordSnapshot(out, "s-a", "ads", asOf.plusSeconds(1))).isTrue();
      assertThat(store.recordSnapshot(other, "s-b", "genai-training", asOf)).as("the same id in another root").isTrue();
      for (String bad : List.of("", ".building-1", "a/b", "..", "a\\b", "x".repeat(1001))) {
        assertThatThrownBy(() -> store.recordSnapshot(out, bad, "ads", asOf)).as(bad).isInstanceOf(IllegalArgumentException.class);
      }
      assertThatThrownBy(() -> store.recordSnapshot(Path.of("relative"), "s", "ads", asOf))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("absolute");
      assertThat(store.eventCount()).as("records are not ledger events").isZero();
      assertThat(store.auditSize()).as("nor audit leaves").isZero();
    }
    try (LedgerStore store = LedgerStore.open(config.withClock(java.time.Clock.systemUTC()))) {
      Instant at = Instant.parse("2026-01-02T03:04:05.123456789Z");
      assertThat(store.recordedSnapshots()).containsExactly(
          new RecordedSnapshot(other, "s-b", "genai-training", asOf, at),
          new RecordedSnapshot(out, "s-a", "ads", asOf.plusSeconds(1), at),
          new RecordedSnapshot(out, "s-b", "genai-training", asOf, at));
      assertThat(store.recordSnapshot(out, "s-b", "genai-training", asOf)).isFalse();
      assertThat(store.recordedSnapshots()).as("recording again keeps the first instant")
          .filteredOn(r -> r.snapshot().equals("s-b")).extracting(RecordedSnapshot::recordedAt).containsOnly(at);
      assertThat(store.removeSnapshotRecord(Path.of("/tmp/lethe-records/out1/"), "s-a")).isTrue();
      assertThat(store.removeSnapshotRecord(out, "s-a")).isFalse();
      assertThat(store.snapshotRoots()).as("the root stays registered").contains(out);
      // Unregistering a root drops its records: nothing is left to look for there.
      assertThat(store.unregisterSnapshotRoot(out)).isTrue();
      assertThat(store.recordedSnapshots()).extracting(RecordedSnapshot::root).containsExactly(other);
      assertThat(store.recordSnapshot(out, "s-b", "genai-training", asOf)).as("a fresh record after re-registering").isTrue();
    }
  }

  @Test
  void concurrentRecordingsOfOneSnapshotRecordItOnce() throws Exception {
    StoreConfig config = fixture().freshConfig();
    Instant asOf = Instant.parse("2024-10-01T00:00:00Z");
    try (LedgerStore a = LedgerStore.open(config); LedgerStore b = LedgerStore.open(config)) {
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
      try {
        List<java.util.concurrent.Future<Boolean>> added = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
          LedgerStore s = i % 2 == 0 ? a : b;
          added.add(pool.submit(() -> s.recordSnapshot(Path.of("/srv/snapshots"), "s1", "ads", asOf)));
        }
        int firsts = 0;
        for (java.util.concurrent.Future<Boolean> f : added) {
          firsts += f.get() ? 1 : 0;
        }
        assertThat(firsts).isEqualTo(1);
      } finally {
        pool.shutdownNow();
      }
      assertThat(b.recordedSnapshots()).extracting(RecordedSnapshot::snapshot).containsExactly("s1");
      assertThat(b.snapshotRoots()).containsExactly(Path.of("/srv/snapshots"));
    }
  }

  // ------------------------------------------------------------------ audit log

  @Test
  void everyEventIsAnAuditLeafWithCommittedMemberIds() throws Exception {
    StoreConfig config = fixture().freshConfig();
    try (LedgerStore store = LedgerStore.open(config)) {
      store.append(POLICY, null);
      store.append(member("alice@example.org", "2024-02-01T00:00:00Z"), null);
      ObjectNode payload = JsonNodeFactory.instance.objectNode().put("snapshot", "s1").put("member", store.commitment("alice@example.org"));
      long recordLeaf = store.appendAuditRecord("snapshot.build", payload);
      assertThat(recordLeaf).isEqualTo(2);
      assertThatThrownBy(() -> store.appendAuditRecord("ledger.event", payload)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> store.appendAuditRecord("Bad Kind", payload)).isInstanceOf(IllegalArgumentException.class);
      SignedCheckpoint cp = store.checkpoint();
      assertThat(cp.checkpoint().size()).isEqualTo(3);
      assertThat(store.commitment("alice@example.org")).matches("hmac-sha256:[0-9a-f]{64}");
      for (long i = 0; i < 3; i++) {
        InclusionProof p = store.inclusionProof(i, 3);
        assertThat(p.verifies()).isTrue();
        assertThat(p.root()).isEqualTo(cp.checkpoint().root());
      }
      try (Connection c = fixture().raw(config);
          Statement st = c.createStatement();
          var rs = st.executeQuery("SELECT leaf_bytes FROM audit_leaf ORDER BY leaf_index")) {
        List<String> leaves = new ArrayList<>();
        while (rs.next()) {
          leaves.add(new String(rs.getBytes(1), StandardCharsets.UTF_8));
        }
        assertThat(leaves).hasSize(3);
        assertThat(String.join("\n", leaves)).doesNotContain("alice@example.org").doesNotContain("1990-01-01");
        assertThat(leaves.get(1)).startsWith("{\"event\":{\"at\":\"2024-02-01T00:00:00Z\",\"birth_date\":\"hmac-sha256:")
            .contains("\"member\":\"" + store.commitment("alice@example.org") + "\"")
            .endsWith("\"kind\":\"ledger.event\",\"seq\":2}");
        assertThat(leaves.get(2)).contains("\"kind\":\"snapshot.build\"").contains(store.commitment("alice@example.org"));
      }
      assertThat(store.verifyAudit().ok()).isTrue();
    }
  }

  @Test
  void tamperingWithAStoredLeafOrEventIsDetected() throws Exception {
    String[] tampering = {
      "UPDATE audit_leaf SET leaf_bytes = ? WHERE leaf_index = 3",
      "UPDATE audit_leaf SET leaf_hash = ? WHERE leaf_index = 3",
      "UPDATE ledger_event SET body = ? WHERE seq = 4",
      "DELETE FROM audit_leaf WHERE leaf_index = 3",
      "UPDATE audit_node SET hash = ? WHERE node_level = 1 AND node_index = 1",
      "UPDATE audit_checkpoint SET note = ? WHERE checkpoint_no = 1",
    };
    String[] expected = {
      "audit leaf 3: its stored hash does not match its bytes",
      "audit leaf 3: its stored hash does not match its bytes",
      "ledger event seq 4 does not match its audit leaf 3",
      "audit leaf 3 is missing",
      "audit node at level 1 index 1 does not match the leaves below it",
      "checkpoint 1: ",
    };
    for (int t = 0; t < tampering.length; t++) {
      StoreConfig config = fixture().freshConfig();
      try (LedgerStore store = LedgerStore.open(config)) {
        store.append(POLICY, null);
        for (int i = 0; i < 6; i++) {
          store.append(member("m" + i, "2024-02-01T00:00:00Z"), null);
        }
        store.checkpoint();
        assertThat(store.verifyAudit().ok()).isTrue();
        try (Connection c = fixture().raw(config);
            PreparedStatement ps = c.prepareStatement(tampering[t])) {
          if (tampering[t].contains("?")) {
            Object value =
                switch (t) {
                  case 0 -> member("m2", "2024-02-01T00:00:00Z").replace("US", "FR").getBytes(StandardCharsets.UTF_8);
                  case 1, 4 -> Merkle.leafHash(new byte[] {1});
                  case 2 -> member("m2", "2024-02-01T00:00:00Z").replace("US", "FR");
                  default -> store.checkpoints().get(0).note().replace("\n7\n", "\n6\n");
                };
            ps.setObject(1, value);
          }
          assertThat(ps.executeUpdate()).as(tampering[t]).isEqualTo(1);
        }
        AuditReport report = store.verifyAudit();
        assertThat(report.ok()).as(tampering[t]).isFalse();
        assertThat(report.problems().get(0)).as(tampering[t]).startsWith(expected[t]);
      }
    }
  }

  // ------------------------------------------------------------------ a database-only writer

  private static String consent(String id, String at, String choice) {
    return "{\"type\":\"consent.set\",\"at\":\"" + at + "\",\"member\":\"" + id
        + "\",\"purpose\":\"genai-training\",\"choice\":\"" + choice + "\",\"source\":\"api\"}";
  }

  /**
   * seq 1 policy, 2–4 m1–m3 registered (member numbers 0–2), 5 m1 withdraws, 6 m2 grants, 7 m3
   * asks for erasure (purging 4 and 7); checkpointed, and the store closed.
   */
  private StoreConfig storeForTampering() throws Exception {
    StoreConfig config = fixture().freshConfig();
    try (LedgerStore store = LedgerStore.open(config)) {
      store.append(POLICY, null);
      for (String m : List.of("m1", "m2", "m3")) {
        store.append(member(m, "2024-02-01T00:00:00Z"), null);
      }
      store.append(consent("m1", "2024-02-02T00:00:00Z", "withdraw"), null);
      store.append(consent("m2", "2024-02-02T00:00:00Z", "grant"), null);
      store.append("{\"type\":\"erasure.requested\",\"at\":\"2024-02-03T00:00:00Z\",\"member\":\"m3\"}", null);
      store.checkpoint();
      assertThat(store.verifyAudit().problems()).isEmpty();
    }
    return config;
  }

  private void runSql(StoreConfig config, String... statements) throws Exception {
    try (Connection c = fixture().raw(config);
        Statement st = c.createStatement()) {
      for (String sql : statements) {
        st.executeUpdate(sql);
      }
    }
  }

  @Test
  void columnsThatDecisionsReadAreCheckedAgainstTheEventsTheLeavesVouchFor() throws Exception {
    // Each changes what a decision or a purge reads while every body still matches its leaf.
    String[][] tampering = {
      {"UPDATE ledger_event SET member_no = NULL WHERE seq = 5"},
      {"UPDATE ledger_member SET member_id = 'tmp' WHERE member_id = 'm1'",
        "UPDATE ledger_member SET member_id = 'm1' WHERE member_id = 'm2'",
        "UPDATE ledger_member SET member_id = 'm2' WHERE member_id = 'tmp'"},
      {"UPDATE ledger_event SET at_second = at_second + 86400 WHERE seq = 5"},
      {"UPDATE ledger_event SET at_nano = 5 WHERE seq = 6"},
      {"UPDATE ledger_event SET event_type = 'query' WHERE seq = 5"},
      {"UPDATE ledger_event SET purged_by = 5 WHERE seq = 6"},
      {"UPDATE ledger_event SET purged_by = 7 WHERE seq = 6"},
      {"UPDATE ledger_event SET purged_by = 6 WHERE seq = 7"},
      {"UPDATE store_head SET members = 2"},
      {"UPDATE ledger_member SET registered_seq = 2 WHERE member_no = 1"},
    };
    String[] expected = {
      "ledger event seq 5: member_no is null but the event belongs to member number 0 (m1)",
      "ledger_member row (member_no 0, member_id m2, registered_seq 2) disagrees with the events: member number 0 is m1",
      "ledger event seq 5: at_second/at_nano",
      "ledger event seq 6: at_second/at_nano",
      "ledger event seq 5: event_type is query but the event is consent.set",
      "ledger event seq 6: it is marked purged by seq 5, but its member never asked for erasure",
      "ledger event seq 6: it is marked purged by seq 7, but its member never asked for erasure",
      "ledger event seq 7: it is marked purged by seq 6, but its member's erasure is seq 7",
      "the log head says 2 members but the events register 3",
      "ledger_member row (member_no 1, member_id m2, registered_seq 2) disagrees with the events",
    };
    for (int t = 0; t < tampering.length; t++) {
      StoreConfig config = storeForTampering();
      runSql(config, tampering[t]);
      try (LedgerStore store = LedgerStore.openExisting(config)) {
        AuditReport report = store.verifyAudit();
        assertThat(report.problems()).as(tampering[t][0]).isNotEmpty();
        assertThat(report.problems().get(0)).as(tampering[t][0]).startsWith(expected[t]);
      }
    }
  }

  @Test
  void anEventAppendedBeforeItsMembersRegistrationInOneBatchVerifies() throws Exception {
    // A batch is checked in applied order, so its events may come before the registration they
    // need; the batch numbers its registrations first, and verify must see them the same way.
    try (LedgerStore store = fresh()) {
      store.appendBatch(List.of(
          new Append(POLICY, null),
          new Append(consent("m1", "2024-02-02T00:00:00Z", "grant"), null),
          new Append("{\"type\":\"objection.filed\",\"at\":\"2024-02-03T00:00:00Z\",\"objection\":\"o1\",\"member\":\"m1\","
              + "\"purpose\":\"genai-training\",\"reason\":\"no\"}", null),
          new Append(member("m1", "2024-02-01T00:00:00Z"), null)));
      assertThat(store.verifyAudit().problems()).isEmpty();
    }
  }

  @Test
  void aKeyRecordedOnlyInTheDatabaseIsNotTrustedNorExported() throws Exception {
    StoreConfig config = storeForTampering();
    String origin;
    try (LedgerStore store = LedgerStore.openExisting(config)) {
      origin = store.auditKey().name();
    }
    // What an insider with only the database can do: a key of their own, the checkpoint re-signed.
    java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("Ed25519");
    NoteKey evil = NoteKey.of(origin, generator.generateKeyPair());
    String note;
    try (Connection c = fixture().raw(config);
        Statement st = c.createStatement();
        java.sql.ResultSet rs = st.executeQuery("SELECT note FROM audit_checkpoint WHERE checkpoint_no = 1")) {
      rs.next();
      note = rs.getString(1);
    }
    Checkpoint cp = dev.lethe.store.audit.KeptCheckpoint.body(note);
    try (Connection c = fixture().raw(config);
        PreparedStatement key = c.prepareStatement("UPDATE store_meta SET meta_value = ? WHERE meta_name = 'audit_public_key'");
        PreparedStatement signed = c.prepareStatement("UPDATE audit_checkpoint SET note = ? WHERE checkpoint_no = 1")) {
      key.setString(1, Merkle.hex(evil.rawPublicKey()));
      assertThat(key.executeUpdate()).isEqualTo(1);
      signed.setString(1, evil.sign(cp));
      assertThat(signed.executeUpdate()).isEqualTo(1);
    }
    try (LedgerStore store = LedgerStore.openExisting(config)) {
      AuditReport report = store.verifyAudit();
      assertThat(report.problems()).isNotEmpty();
      assertThat(report.problems().get(0))
          .startsWith("the log's current audit key recorded in the database (" + evil.verifierKey() + ") is not the key in")
          .contains(SigningKeyFiles.ACTIVE);
      // What an export for auditors refuses on (lethe audit export).
      assertThat(store.auditKeyProblems()).containsExactly(report.problems().get(0));
    }
  }

  @Test
  void aRetiredKeyFileTheHistoryDoesNotListIsReported() throws Exception {
    StoreConfig config = storeForTampering();
    Path retired = Files.createDirectories(config.dataDir().resolve(SigningKeyFiles.RETIRED_DIR));
    // A rotation that failed after keeping its retired copy leaves the still-current key there:
    // that is of this log's history, and no problem.
    Path current = retired.resolve("audit-signing-11111111.key");
    Files.copy(config.dataDir().resolve(SigningKeyFiles.ACTIVE), current);
    // A key of another store is not.
    Path elsewhere = Files.createTempDirectory("other-store-keys");
    new SigningKeyFiles(elsewhere).loadOrCreateActive();
    Path stray = retired.resolve("audit-signing-00000000.key");
    Files.copy(elsewhere.resolve(SigningKeyFiles.ACTIVE), stray);
    try (LedgerStore store = LedgerStore.openExisting(config)) {
      assertThat(store.verifyAudit().problems()).singleElement().asString()
          .startsWith("the retired key file " + stray + " holds").contains("does not list as a key of this log");
    }
  }

  @Test
  void aLogShorterThanTheKeptCheckpointIsARollbackAndIsNeitherVerifiedNorSigned() throws Exception {
    StoreConfig config = storeForTampering();
    Path keptFile = config.dataDir().resolve(dev.lethe.store.audit.KeptCheckpoint.FILE);
    assertThat(keptFile).exists();
    try (LedgerStore store = LedgerStore.openExisting(config)) {
      store.append(member("m4", "2024-02-04T00:00:00Z"), null);
      store.append(member("m5", "2024-02-04T00:00:00Z"), null);
      SignedCheckpoint second = store.checkpoint();
      assertThat(second.checkpoint().size()).isEqualTo(9);
      assertThat(Files.readString(keptFile)).isEqualTo(second.note());
    }
    // Back to the first checkpoint: the last two events, their leaves and the nodes over them gone,
    // the second checkpoint deleted and the head counters set to match.
    List<String> rollback = new ArrayList<>(List.of(
        "DELETE FROM audit_checkpoint WHERE checkpoint_no = 2",
        "DELETE FROM ledger_member WHERE registered_seq >= 8",
        "DELETE FROM ledger_event WHERE seq >= 8",
        "DELETE FROM audit_leaf WHERE leaf_index >= 7",
        "UPDATE store_head SET events = 7, leaves = 7, members = 3, checkpoints = 1"));
    for (int level = 1; level < 8; level++) {
      rollback.add("DELETE FROM audit_node WHERE node_level = " + level + " AND node_index >= " + (7 >> level));
    }
    runSql(config, rollback.toArray(String[]::new));
    try (LedgerStore store = LedgerStore.openExisting(config)) {
      assertThat(store.auditSize()).isEqualTo(7);
      AuditReport report = store.verifyAudit();
      assertThat(report.problems()).containsExactly("the database's audit log has 7 leaves, fewer than the 9 of the"
          + " checkpoint kept in " + keptFile.toAbsolutePath() + ": leaves were removed from the database (a rollback)");
      assertThatThrownBy(store::checkpoint)
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("fewer than the 9")
          .hasMessageContaining("refusing to sign (if the database was restored from a backup on purpose, move "
              + "audit-checkpoint.note aside");
    }
  }

  @Test
  void aLogRewrittenBelowTheKeptCheckpointIsAFork() throws Exception {
    StoreConfig config = storeForTampering();
    Path keptFile = config.dataDir().resolve(dev.lethe.store.audit.KeptCheckpoint.FILE);
    // A log rewritten below the kept size, leaf hashes, nodes and checkpoints made to agree, is
    // consistent in the database; only the kept root shows it.
    try (LedgerStore store = LedgerStore.openExisting(config)) {
      store.append(member("m4", "2024-02-04T00:00:00Z"), null);
    }
    // Rewriting the leaves consistently takes more SQL than a test should hold; a kept checkpoint
    // of another root of the same size stands in for it (the database then disagrees with it).
    String kept = Files.readString(keptFile);
    try (LedgerStore store = LedgerStore.openExisting(config)) {
      NoteKey signer = NoteKey.of(store.auditKey().name(), NoteKey.load(config.dataDir().resolve(SigningKeyFiles.ACTIVE)));
      Checkpoint body = dev.lethe.store.audit.KeptCheckpoint.body(kept);
      Files.writeString(keptFile, signer.sign(new Checkpoint(body.origin(), body.size(), Merkle.leafHash(new byte[] {1}))));
      assertThat(store.verifyAudit().problems()).containsExactly("the first 7 of the database's 8 audit leaves do not give"
          + " the root of the checkpoint kept in " + keptFile.toAbsolutePath() + " (tree size 7): the log was rewritten (a fork)");
      assertThatThrownBy(store::checkpoint).isInstanceOf(StoreException.class).hasMessageContaining("(a fork)");
    }
  }

  @Test
  void aSnapshotManifestChangedAfterItsBuildIsReportedAndAMissingOneIsANote() throws Exception {
    StoreConfig config = fixture().freshConfig();
    Path root = Files.createDirectories(config.dataDir().resolveSibling(config.dataDir().getFileName() + "-snapshots"));
    byte[] manifest = "{\"included\":7}".getBytes(StandardCharsets.UTF_8);
    Path dir = Files.createDirectories(root.resolve("snap-1"));
    Files.write(dir.resolve("manifest.json"), manifest);
    try (LedgerStore store = LedgerStore.open(config)) {
      store.registerSnapshotRoot(root);
      for (String[] build : new String[][] {{"snap-1", Merkle.hex(java.security.MessageDigest.getInstance("SHA-256").digest(manifest))},
          {"snap-gone", Merkle.hex(new byte[32])}}) {
        ObjectNode record = JsonNodeFactory.instance.objectNode();
        record.put("snapshot", build[0]);
        record.put("manifest_sha256", build[1]);
        record.put("included", 7);
        store.appendAuditRecord("snapshot.build", record);
      }
      AuditReport ok = store.verifyAudit();
      assertThat(ok.problems()).isEmpty();
      assertThat(ok.notes()).singleElement().asString()
          .startsWith("1 built snapshot(s) have no directory under the registered snapshot roots").endsWith(": snap-gone");

      Files.writeString(dir.resolve("manifest.json"), "{\"included\":8}");
      assertThat(store.verifyAudit().problems()).singleElement().asString()
          .startsWith("snapshot snap-1 in " + store.snapshotRoots().get(0) + ": the SHA-256 of its manifest.json is ")
          .endsWith("its build (audit leaf 0) committed to: the manifest was changed after the build");
      Files.delete(dir.resolve("manifest.json"));
      assertThat(store.verifyAudit().problems()).singleElement().asString().contains("manifest.json is missing");
      Files.delete(dir);
      AuditReport retired = store.verifyAudit();
      assertThat(retired.problems()).isEmpty();
      assertThat(retired.notes()).singleElement().asString().startsWith("2 built snapshot(s)");
    }
  }

  @Test
  void snapshotsInTheDataDirectorysDefaultRootAreCheckedWithoutRegistering() throws Exception {
    StoreConfig config = fixture().freshConfig();
    Path dir = Files.createDirectories(config.dataDir().resolve("snapshots").resolve("snap-1"));
    Files.writeString(dir.resolve("manifest.json"), "{\"included\":7}");
    try (LedgerStore store = LedgerStore.open(config)) {
      ObjectNode record = JsonNodeFactory.instance.objectNode();
      record.put("snapshot", "snap-1");
      record.put("manifest_sha256", Merkle.hex(java.security.MessageDigest.getInstance("SHA-256")
          .digest("{\"included\":7}".getBytes(StandardCharsets.UTF_8))));
      store.appendAuditRecord("snapshot.build", record);
      assertThat(store.verifyAudit().notes()).isEmpty();
      assertThat(store.verifyAudit().problems()).isEmpty();
      Files.writeString(dir.resolve("manifest.json"), "{\"included\":8}");
      assertThat(store.verifyAudit().problems()).singleElement().asString()
          .startsWith("snapshot snap-1 in " + config.dataDir().toAbsolutePath().normalize().resolve("snapshots") + ": the SHA-256");
    }
  }

  // ------------------------------------------------------------------ key rotation

  private static int signatureLines(String note) {
    return note.substring(note.indexOf("\n\n") + 2).split("\n").length;
  }

  @Test
  void rotatingTheKeyChainsTheNewKeyToTheOldAndLaterCheckpointsUseTheNewKeyOnly() throws Exception {
    StoreConfig config = fixture().freshConfig();
    Path keyFile = config.dataDir().resolve(SigningKeyFiles.ACTIVE);
    try (LedgerStore store = LedgerStore.open(config)) {
      store.append(POLICY, null);
      store.append(member("m1", "2024-02-01T00:00:00Z"), null);
      store.append(member("m2", "2024-02-01T00:00:00Z"), null);
      SignedCheckpoint before = store.checkpoint();
      NoteKey old = store.auditKey();
      String oldFile = Files.readString(keyFile);

      KeyRotation rotation = store.rotateAuditKey(false, "scheduled yearly rotation");
      NoteKey fresh = store.auditKey();
      assertThat(fresh.sameKey(old)).isFalse();
      assertThat(fresh.name()).isEqualTo(old.name());
      assertThat(rotation.leafIndex()).isEqualTo(3);
      assertThat(rotation.retired().key().sameKey(old)).isTrue();
      assertThat(rotation.current().key().sameKey(fresh)).isTrue();
      assertThat(rotation.retiredKeyFile()).isEmpty();
      assertThat(store.auditKeys()).extracting(AuditKey::number, AuditKey::fromSize).containsExactly(tuple(0, 0L), tuple(1, 4L));
      SignedCheckpoint dual = rotation.checkpoint();
      assertThat(dual.number()).isEqualTo(before.number() + 1);
      assertThat(dual.checkpoint().size()).isEqualTo(4);
      assertThat(signatureLines(dual.note())).isEqualTo(2);
      assertThat(old.open(dual.note())).isEqualTo(dual.checkpoint());
      assertThat(fresh.open(dual.note())).isEqualTo(dual.checkpoint());
      assertThat(store.checkpoint()).isEqualTo(dual);

      // The old private key left the active file and was not kept; no pending pair is left over.
      assertThat(Files.readString(keyFile)).isNotEqualTo(oldFile);
      assertThat(config.dataDir().resolve(SigningKeyFiles.NEXT)).doesNotExist();
      assertThat(config.dataDir().resolve(SigningKeyFiles.RETIRED_DIR)).doesNotExist();
      assertThat(Files.getPosixFilePermissions(keyFile)).containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

      String leaf;
      try (Connection c = fixture().raw(config);
          Statement st = c.createStatement();
          var rs = st.executeQuery("SELECT leaf_bytes FROM audit_leaf WHERE leaf_index = 3")) {
        assertThat(rs.next()).isTrue();
        leaf = new String(rs.getBytes(1), StandardCharsets.UTF_8);
      }
      assertThat(leaf).isEqualTo("{\"at\":\"" + leaf.substring(7, leaf.indexOf('"', 7)) + "\",\"kind\":\"key.rotated\",\"record\":{"
          + "\"new_key\":\"" + fresh.verifierKey() + "\",\"old_key\":\"" + old.verifierKey() + "\",\"reason\":\"scheduled yearly rotation\"}}");
      assertThatThrownBy(() -> store.appendAuditRecord("key.rotated", JsonNodeFactory.instance.objectNode()))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rotating the signing key");

      store.append(member("m3", "2024-02-01T00:00:00Z"), null);
      SignedCheckpoint after = store.checkpoint();
      assertThat(signatureLines(after.note())).isEqualTo(1);
      assertThat(fresh.open(after.note())).isEqualTo(after.checkpoint());
      assertThat(old.claims(after.note())).isFalse();
      assertThat(store.verifyAudit().problems()).isEmpty();
    }
    try (LedgerStore again = LedgerStore.open(config)) {
      again.append(member("m4", "2024-02-01T00:00:00Z"), null);
      SignedCheckpoint reopened = again.checkpoint();
      assertThat(again.auditKey().open(reopened.note())).isEqualTo(reopened.checkpoint());
      KeyRotation second = again.rotateAuditKey(true, null);
      assertThat(second.retiredKeyFile()).contains(config.dataDir().resolve("retired").resolve(
          "audit-signing-" + Merkle.hex(second.retired().key().keyId()) + ".key"));
      assertThat(NoteKey.of(second.retired().key().name(), NoteKey.load(second.retiredKeyFile().orElseThrow()))
          .sameKey(second.retired().key())).isTrue();
      assertThat(again.auditKeys()).extracting(AuditKey::fromSize).containsExactly(0L, 4L, 7L);
      assertThat(again.verifyAudit().problems()).isEmpty();
      assertThatThrownBy(() -> again.rotateAuditKey(false, "two\nlines")).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void aStoreOpenDuringARotationSignsWithTheNewKeyAndAMachineWithoutItRefuses() throws Exception {
    StoreConfig config = fixture().freshConfig();
    try (LedgerStore server = LedgerStore.open(config)) {
      server.append(POLICY, null);
      server.checkpoint();
      try (LedgerStore cli = LedgerStore.open(config)) {
        cli.rotateAuditKey(false, null);
      }
      server.append(member("m1", "2024-02-01T00:00:00Z"), null);
      SignedCheckpoint cp = server.checkpoint();
      List<AuditKey> keys = server.auditKeys();
      assertThat(keys).hasSize(2);
      assertThat(keys.get(1).key().open(cp.note())).isEqualTo(cp.checkpoint());
      assertThat(keys.get(0).key().claims(cp.note())).isFalse();
      assertThat(server.verifyAudit().problems()).isEmpty();
    }
    // Another machine whose key file is not the current key reads, but does not sign.
    Path keyFile = config.dataDir().resolve(SigningKeyFiles.ACTIVE);
    Files.delete(keyFile);
    NoteKey.loadOrCreate(keyFile);
    try (LedgerStore other = LedgerStore.open(config)) {
      other.append(member("m2", "2024-02-01T00:00:00Z"), null);
      // Nor does it vouch for the log's key: that takes the key's own file.
      assertThat(other.verifyAudit().problems()).singleElement().asString().contains("is not the key in this data directory");
      assertThatThrownBy(other::checkpoint).isInstanceOf(StoreException.class).hasMessageContaining("is not this log's current key");
      assertThatThrownBy(() -> other.rotateAuditKey(false, null)).isInstanceOf(StoreException.class);
      assertThat(other.auditKeys()).hasSize(2);
    }
  }

  @Test
  void aRotationCutShortAfterItsCommitIsCompletedOnOpen() throws Exception {
    StoreConfig config = fixture().freshConfig();
    Path dir = config.dataDir();
    Path retired;
    try (LedgerStore store = LedgerStore.open(config)) {
      store.append(POLICY, null);
      retired = store.rotateAuditKey(true, null).retiredKeyFile().orElseThrow();
    }
    // As if the process died after the commit, before the new pair replaced the active one.
    Files.move(dir.resolve(SigningKeyFiles.ACTIVE), dir.resolve(SigningKeyFiles.NEXT));
    Files.copy(retired, dir.resolve(SigningKeyFiles.ACTIVE));
    try (LedgerStore store = LedgerStore.open(config)) {
      assertThat(dir.resolve(SigningKeyFiles.NEXT)).doesNotExist();
      store.append(member("m1", "2024-02-01T00:00:00Z"), null);
      SignedCheckpoint cp = store.checkpoint();
      assertThat(store.auditKey().open(cp.note())).isEqualTo(cp.checkpoint());
      assertThat(store.verifyAudit().problems()).isEmpty();
    }
  }

  @Test
  void tamperingWithARotationIsDetected() throws Exception {
    for (int t = 0; t < 4; t++) {
      StoreConfig config = fixture().freshConfig();
      try (LedgerStore store = LedgerStore.open(config)) {
        store.append(POLICY, null);
        store.append(member("m1", "2024-02-01T00:00:00Z"), null);
        store.checkpoint();
        KeyRotation rotation = store.rotateAuditKey(true, null);
        NoteKey oldSigner = NoteKey.of(rotation.retired().key().name(), NoteKey.load(rotation.retiredKeyFile().orElseThrow()));
        store.append(member("m2", "2024-02-01T00:00:00Z"), null);
        SignedCheckpoint later = store.checkpoint();
        assertThat(store.verifyAudit().problems()).isEmpty();
        String sql;
        Object value;
        String expected;
        switch (t) {
          case 0 -> { // the checkpoint after the rotation signed by the retired key instead
            sql = "UPDATE audit_checkpoint SET note = ? WHERE checkpoint_no = 3";
            value = oldSigner.sign(later.checkpoint());
            expected = "checkpoint 3: no signature by";
          }
          case 1 -> { // ... and by both
            sql = "UPDATE audit_checkpoint SET note = ? WHERE checkpoint_no = 3";
            value = later.note() + oldSigner.sign(later.checkpoint()).substring(later.checkpoint().body().length() + 1);
            expected = "checkpoint 3: signed by key 0 (";
          }
          case 2 -> { // the rotation checkpoint without the old key's signature
            String note = rotation.checkpoint().note();
            sql = "UPDATE audit_checkpoint SET note = ? WHERE checkpoint_no = 2";
            value = note.substring(0, note.indexOf("\n\n") + 2) + note.substring(note.indexOf("\n\n") + 2).split("\n", 2)[1];
            expected = "checkpoint 2: no signature by";
          }
          default -> { // the key history forgets the rotation
            sql = "DELETE FROM store_meta WHERE meta_name = 'audit_key.1'";
            value = null;
            expected = "audit leaf 2 records a key rotation the key history does not list";
          }
        }
        try (Connection c = fixture().raw(config);
            PreparedStatement ps = c.prepareStatement(sql)) {
          if (value != null) {
            ps.setObject(1, value);
          }
          assertThat(ps.executeUpdate()).as(sql).isEqualTo(1);
        }
        AuditReport report = store.verifyAudit();
        assertThat(report.problems()).as("case %d", t).anySatisfy(p -> assertThat(p).startsWith(expected));
      }
    }
  }

  /**
   * The versions in the store's Flyway history, in the order they were applied, and whether each
   * succeeded (without the row of no version Flyway writes on H2 when it creates the schema).
   */
  private List<String> appliedMigrations(StoreConfig config) throws Exception {
    List<String> applied = new ArrayList<>();
    try (Connection c = fixture().raw(config);
        Statement s = c.createStatement();
        java.sql.ResultSet rs = s.executeQuery(
            "SELECT version, success FROM lethe_schema_history WHERE version IS NOT NULL ORDER BY installed_rank")) {
      while (rs.next()) {
        applied.add("V" + rs.getString(1) + (rs.getBoolean(2) ? "" : " failed"));
      }
    }
    return applied;
  }

  /**
   * Main held V4 without V3 for a while (V4 landed first, V3 was rebased on top), so a store a
   * build of that window wrote has V1, V2 and V4. Made here from a current store by removing what
   * V3 created and its history row.
   */
  private StoreConfig storeWithoutV3() throws Exception {
    StoreConfig config = fixture().freshConfig();
    try (LedgerStore store = LedgerStore.open(config)) {
      store.append(POLICY, null);
      store.registerSnapshotRoot(Path.of("/srv/snapshots"));
    }
    try (Connection c = fixture().raw(config);
        Statement s = c.createStatement()) {
      s.execute("DROP TABLE snapshot_record");
      s.execute("DELETE FROM lethe_schema_history WHERE version = '3'");
    }
    assertThat(appliedMigrations(config)).containsExactly("V1", "V2", "V4");
    return config;
  }

  @Test
  void aStoreWrittenWithV4ButNotV3GetsV3AfterV4AndWorksAsAnyStore() throws Exception {
    StoreConfig config = storeWithoutV3();
    Path root = Path.of("/srv/snapshots");
    Instant asOf = Instant.parse("2024-10-01T00:00:00Z");
    // Reading opens it too: V3 is independent of V4, so it is applied after it.
    try (LedgerStore store = LedgerStore.openExisting(config)) {
      assertThat(store.eventCount()).isEqualTo(1);
      assertThat(store.recordedSnapshots()).isEmpty();
      assertThat(store.recordSnapshot(root, "s-1", "genai-training", asOf)).isTrue();
      assertThat(store.verifyAudit().problems()).isEmpty();
    }
    assertThat(appliedMigrations(config)).containsExactly("V1", "V2", "V4", "V3");
    // Flyway validates the out-of-order history on every later open, and it passes.
    try (LedgerStore store = LedgerStore.open(config)) {
      assertThat(store.recordedSnapshots()).extracting(RecordedSnapshot::snapshot).containsExactly("s-1");
      // The table is the one V3 makes: its records go with their root.
      assertThat(store.unregisterSnapshotRoot(root)).isTrue();
      assertThat(store.recordedSnapshots()).isEmpty();
    }
    assertThat(appliedMigrations(config)).containsExactly("V1", "V2", "V4", "V3");
  }

  @Test
  void aStoreMissingAMigrationThatMustPrecedeLaterOnesIsRefusedAndUnchanged() throws Exception {
    StoreConfig config = storeWithoutV3();
    // V2 (snapshot roots) missing below V4: V3 references its table, so it cannot simply come later.
    try (Connection c = fixture().raw(config);
        Statement s = c.createStatement()) {
      s.execute("DELETE FROM lethe_schema_history WHERE version = '2'");
    }
    for (boolean create : List.of(true, false)) {
      assertThatThrownBy(() -> {
        try (LedgerStore store = create ? LedgerStore.open(config) : LedgerStore.openExisting(config)) {
          store.eventCount();
        }
      })
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("the store at " + JdbcLedgerStore.describe(config))
          .hasMessageContaining("up to V4 applied but not V2 (snapshot roots)")
          .hasMessageContaining("nothing was changed")
          .hasMessageContaining("'lethe export'");
      assertThat(appliedMigrations(config)).containsExactly("V1", "V4");
    }
  }
}

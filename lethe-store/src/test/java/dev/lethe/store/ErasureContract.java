package dev.lethe.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lethe.core.event.Erasure;
import dev.lethe.core.event.LedgerEvent.ContentPosted;
import dev.lethe.core.ledger.ConsentLedger;
import dev.lethe.core.ledger.LedgerLine;
import dev.lethe.core.ledger.LedgerReader;
import dev.lethe.store.audit.AuditReport;
import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.roaringbitmap.RoaringBitmap;

/**
 * Erasure purges a member's stored rows (part of the store contract, run on every backend):
 * personal values leave the rows, export and reads, while decisions, eligible sets, idempotent
 * appends and the audit log stay what they were.
 */
abstract class ErasureContract {

  private static final String POLICY =
      "{\"type\":\"policy.published\",\"at\":\"2024-01-01T00:00:00Z\",\"policy\":{\"version\":\"v1\","
          + "\"effective\":\"2024-01-01T00:00:00Z\",\"notice_days\":0,\"regions\":{\"EEA\":[\"FR\"]},"
          + "\"purposes\":{\"genai-training\":{\"default\":\"opt-out\",\"min_age\":18,\"honor_gpc\":true,\"objectable\":true,"
          + "\"content_kinds\":[\"post\"],\"visibility\":[\"public\"],\"rules\":{\"EEA\":\"blocked\"}}}}}";

  /**
   * Personal values of m1 that erasure must remove from the store, her name included: only its
   * digest stays, as her suppression entry (see {@link Erasure}).
   */
  private static final List<String> SECRETS =
      List.of("my pin is 48213", "I am on sick leave", "her illness is temporary", "+44 20 7946 0000", "later pin 7731",
          "Jane Roe");

  protected abstract StoreFixture fixture();

  private static String registered(String member, String name) {
    return "{\"type\":\"member.registered\",\"at\":\"2024-02-01T00:00:00Z\",\"member\":\"" + member
        + "\",\"country\":\"US\",\"birth_date\":\"1990-01-01\",\"name\":\"" + name + "\"}";
  }

  private static String notice(String member) {
    return "{\"type\":\"notice.sent\",\"at\":\"2024-02-01T00:00:00Z\",\"member\":\"" + member + "\",\"policy_version\":\"v1\"}";
  }

  private static String posted(String content, String member, String at, String text) {
    return "{\"type\":\"content.posted\",\"at\":\"" + at + "\",\"content\":\"" + content + "\",\"member\":\"" + member
        + "\",\"kind\":\"post\",\"visibility\":\"public\",\"text\":\"" + text + "\"}";
  }

  private static final String ERASURE_M1 = "{\"type\":\"erasure.requested\",\"at\":\"2024-05-01T00:00:00Z\",\"member\":\"m1\"}";

  /** m1's and m2's lives before m1 asks for erasure: every kind of personal value m1 has. */
  private static List<Append> history() {
    return List.of(
        new Append(POLICY, "policy"),
        new Append(registered("m1", "Jane Roe"), "reg-m1"),
        new Append(registered("m2", "John Doe"), "reg-m2"),
        Append.of(notice("m1")),
        Append.of(notice("m2")),
        new Append(posted("c1", "m1", "2024-02-02T00:00:00Z", "my pin is 48213"), "post-c1"),
        Append.of(posted("c2", "m1", "2024-02-03T00:00:00Z", "second post")),
        Append.of(posted("c3", "m2", "2024-02-03T00:00:00Z", "John's own post")),
        Append.of("{\"type\":\"objection.filed\",\"at\":\"2024-03-01T00:00:00Z\",\"objection\":\"o1\",\"member\":\"m1\","
            + "\"purpose\":\"genai-training\",\"reason\":\"I am on sick leave\"}"),
        Append.of("{\"type\":\"objection.decided\",\"at\":\"2024-03-10T00:00:00Z\",\"objection\":\"o1\",\"outcome\":\"rejected\","
            + "\"justification\":\"her illness is temporary\"}"),
        Append.of("{\"type\":\"gpc.signal\",\"at\":\"2024-03-20T00:00:00Z\",\"member\":\"m1\",\"x-contact\":{\"phone\":\"+44 20 7946 0000\"}}"),
        Append.of("{\"type\":\"content.deleted\",\"at\":\"2024-04-01T00:00:00Z\",\"content\":\"c2\"}"));
  }

  private static final List<Instant> INSTANTS =
      List.of("2024-01-15T00:00:00Z", "2024-02-02T12:00:00Z", "2024-03-05T00:00:00Z", "2024-03-15T00:00:00Z",
              "2024-03-25T00:00:00Z", "2024-04-30T23:59:59Z", "2024-05-01T00:00:00Z", "2024-06-01T00:00:00Z")
          .stream().map(Instant::parse).toList();

  private static final Instant ERASED_AT = Instant.parse("2024-05-01T00:00:00Z");

  /** Decisions of both members and the eligible set, at every instant before the erasure. */
  private static Map<String, Object> answersBeforeErasure(LedgerStore store) {
    Map<String, Object> out = new TreeMap<>();
    for (Instant at : INSTANTS) {
      if (at.isBefore(ERASED_AT)) {
        for (String m : List.of("m1", "m2")) {
          out.put(m + "@" + at, store.decide(m, "genai-training", at));
        }
        RoaringBitmap eligible = store.eligibleMembers("genai-training", at);
        out.put("eligible@" + at, eligible.toString());
      }
    }
    return out;
  }

  private static String export(LedgerStore store) throws Exception {
    StringWriter out = new StringWriter();
    store.export(out);
    return out.toString();
  }

  private static String everything(LedgerStore store) throws Exception {
    StringBuilder all = new StringBuilder(export(store));
    for (String m : List.of("m1", "m2")) {
      store.memberHistory(m).forEach(e -> all.append(e.json()).append('\n'));
    }
    store.eventByClientId("post-c1").ifPresent(e -> all.append(e.json()));
    store.eventByClientId("reg-m1").ifPresent(e -> all.append(e.json()));
    return all.toString();
  }

  @Test
  void anErasurePurgesTheMembersRowsAndChangesNoDecision() throws Exception {
    StoreConfig config = fixture().freshConfig();
    try (LedgerStore store = LedgerStore.open(config); LedgerStore other = LedgerStore.open(config)) {
      store.appendBatch(history());
      Map<String, Object> before = answersBeforeErasure(store);
      assertThat(before.values()).contains("{0,1}");
      // Both stores cache m1's history now: the purge must reach a cached history too, including
      // that of another process's store on the same database.
      assertThat(store.memberHistory("m1").toString()).contains("Jane Roe");
      assertThat(other.memberHistory("m1").toString()).contains("my pin is 48213");

      store.append(ERASURE_M1, "erase-m1");
      // Later events of m1 are stored purged.
      store.append(posted("c4", "m1", "2024-05-02T00:00:00Z", "later pin 7731"), "post-c4");

      for (LedgerStore s : List.of(store, other)) {
        String seen = everything(s);
        for (String secret : SECRETS) {
          assertThat(seen).as(secret).doesNotContain(secret);
        }
        assertThat(seen).contains("John Doe", "John's own post");
        assertThat(answersBeforeErasure(s)).isEqualTo(before);
      }
      // Decisions at every instant are those of a replay of the ledger as appended, unpurged.
      List<String> appended = new ArrayList<>();
      history().forEach(a -> appended.add(a.json()));
      appended.add(ERASURE_M1);
      appended.add(posted("c4", "m1", "2024-05-02T00:00:00Z", "later pin 7731"));
      ConsentLedger replay = LedgerReader.load(new ByteArrayInputStream(String.join("\n", appended).getBytes(StandardCharsets.UTF_8))).ledger();
      for (Instant at : INSTANTS) {
        for (String m : List.of("m1", "m2")) {
          assertThat(store.decide(m, "genai-training", at)).as(m + " " + at).isEqualTo(replay.decide(m, "genai-training", at));
        }
        if (!at.isBefore(ERASED_AT)) {
          assertThat(store.decide("m1", "genai-training", at).reason().word()).isEqualTo("erasure-requested");
          assertThat(store.eligibleMembers("genai-training", at).contains(0)).isFalse();
        }
      }

      // What is left: free text is the marker, unknown fields are gone, the rest stays, and the
      // name becomes its digest, so that the member directory still finds her in other members'
      // posts.
      List<StoredEvent> h = store.memberHistory("m1");
      assertThat(h).hasSize(10);
      String digest = store.erasedNameKey().digest("Jane Roe").orElseThrow().toString();
      assertThat(h).filteredOn(e -> e.event() instanceof ContentPosted)
          .allSatisfy(e -> assertThat(((ContentPosted) e.event()).text()).isEqualTo(Erasure.MARKER));
      assertThat(h.get(0).json().toString())
          .isEqualTo("{\"type\":\"member.registered\",\"at\":\"2024-02-01T00:00:00Z\",\"member\":\"m1\",\"country\":\"US\",\"birth_date\":\"1990-01-01\",\"name_digest\":\"" + digest + "\"}");
      String exported = export(store);
      assertThat(exported).contains("\"text\":\"[erased]\"", "\"reason\":\"[erased]\"", "\"justification\":\"[erased]\"",
          "\"name_digest\":\"" + digest + "\"");
      ConsentLedger exportedLedger =
          LedgerReader.load(new ByteArrayInputStream(exported.getBytes(StandardCharsets.UTF_8))).ledger();
      assertThat(exportedLedger.erasedNameDigests()).containsExactly(store.erasedNameKey().digest("Jane Roe").orElseThrow());
      assertThat(exportedLedger.memberNames()).containsExactly("John Doe");
      assertThat(exported.lines().count()).isEqualTo(14);

      // Every row of m1 is marked with the seq of the erasure; m2's rows are not.
      try (Connection c = fixture().raw(config);
          Statement st = c.createStatement();
          ResultSet rs = st.executeQuery(
              "SELECT e.seq, e.purged_by, m.member_id FROM ledger_event e LEFT JOIN ledger_member m ON m.member_no = e.member_no ORDER BY e.seq")) {
        while (rs.next()) {
          Object by = rs.getObject(2);
          if ("m1".equals(rs.getString(3))) {
            assertThat(((Number) by).longValue()).as("seq %d", rs.getLong(1)).isEqualTo(13);
          } else {
            assertThat(by).as("seq %d", rs.getLong(1)).isNull();
          }
        }
      }

      // The audit log verifies: every retained field still matches what its leaf committed to.
      assertThat(store.verifyAudit().problems()).isEmpty();
      // 14 events and the record of the digest that replaced her name.
      assertThat(store.checkpoint().checkpoint().size()).isEqualTo(15);
    }
  }

  @Test
  void exportThenImportGivesTheSamePurgedEventsUnderTheSameDeploymentKey() throws Exception {
    String first;
    // The deployment's key as a file: the embedded store keeps it so, and a database store takes
    // its first key from it.
    byte[] key = new byte[32];
    new java.security.SecureRandom().nextBytes(key);
    StoreConfig source = fixture().freshConfig();
    java.nio.file.Files.createDirectories(source.dataDir());
    java.nio.file.Files.write(source.dataDir().resolve("deployment.key"), key);
    try (LedgerStore a = LedgerStore.open(source)) {
      a.appendBatch(history());
      a.append(ERASURE_M1, null);
      first = export(a);
    }
    List<LedgerLine> lines = LedgerReader.read(new ByteArrayInputStream(first.getBytes(StandardCharsets.UTF_8)));
    // Another deployment cannot honour m1's name digest, so it refuses her registration and
    // stores nothing of the batch.
    try (LedgerStore other = LedgerStore.open(fixture().freshConfig())) {
      List<Append> again = new ArrayList<>();
      lines.forEach(l -> again.add(Append.of(l.json().toString())));
      assertThatThrownBy(() -> other.appendBatch(again))
          .isInstanceOf(EventRejectedException.class)
          .hasMessageContaining("name_digest")
          .hasMessageContaining("another deployment");
      assertThat(other.eventCount()).isZero();
    }
    // The same deployment moved to a new database keeps its key file, and imports it whole.
    StoreConfig target = fixture().freshConfig();
    java.nio.file.Files.createDirectories(target.dataDir());
    java.nio.file.Files.write(target.dataDir().resolve("deployment.key"), key);
    try (LedgerStore b = LedgerStore.open(target)) {
      List<Append> again = new ArrayList<>();
      lines.forEach(l -> again.add(Append.of(l.json().toString())));
      b.appendBatch(again);
      assertThat(export(b)).isEqualTo(first);
      assertThat(b.verifyAudit().problems()).isEmpty();
    }
  }

  @Test
  void anExportedDeploymentKeyMovesTheStoreToAnEmbeddedOneAndIsNeverMadeUp() throws Exception {
    StoreConfig source = fixture().freshConfig();
    Path moved = source.dataDir().resolveSibling(source.dataDir().getFileName() + "-moved");
    Path keyFile = moved.resolve("deployment.key");
    // A store that was never opened has no key, and exporting one does not make one up.
    assertThatThrownBy(() -> LedgerStore.exportDeploymentKey(source, keyFile))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("has no deployment key yet");
    assertThat(keyFile).doesNotExist();
    assertThat(source.dataDir().resolve("deployment.key")).doesNotExist();

    String first;
    String keyId;
    String member;
    try (LedgerStore a = LedgerStore.open(source)) {
      a.appendBatch(history());
      a.append(ERASURE_M1, null);
      first = export(a);
      keyId = a.erasedNameKey().id();
      member = a.commitment("m1");
      // Read where the store keeps it, with the store open (an embedded one holds its database).
      assertThat(LedgerStore.exportDeploymentKey(source, keyFile)).isEqualTo(keyId);
    }
    assertThat(Files.size(keyFile)).isEqualTo(32);
    if (Files.getFileStore(keyFile).supportsFileAttributeView("posix")) {
      assertThat(Files.getPosixFilePermissions(keyFile))
          .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    }
    byte[] written = Files.readAllBytes(keyFile);
    assertThatThrownBy(() -> LedgerStore.exportDeploymentKey(source, keyFile))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("already exists");
    assertThat(Files.readAllBytes(keyFile)).isEqualTo(written);
    try (var files = Files.list(moved)) {
      assertThat(files).containsExactly(keyFile); // no temporary file left beside it
    }

    // An embedded store opened on that key is the same deployment: it imports the export whole,
    // m1's name digest included, and its audit log verifies.
    List<LedgerLine> lines = LedgerReader.read(new ByteArrayInputStream(first.getBytes(StandardCharsets.UTF_8)));
    try (LedgerStore b = LedgerStore.open(StoreConfig.embedded(moved))) {
      assertThat(b.erasedNameKey().id()).isEqualTo(keyId);
      assertThat(b.commitment("m1")).isEqualTo(member);
      List<Append> again = new ArrayList<>();
      lines.forEach(l -> again.add(Append.of(l.json().toString())));
      b.appendBatch(again);
      assertThat(export(b)).isEqualTo(first).contains("\"name_digest\":\"sip24:" + keyId + ":");
      assertThat(b.verifyAudit().problems()).isEmpty();
    }
  }

  @Test
  void anErasureInABatchPurgesTheWholeBatchBeforeAndAfterIt() throws Exception {
    try (LedgerStore store = LedgerStore.open(fixture().freshConfig())) {
      List<Append> batch = new ArrayList<>(history());
      batch.add(6, Append.of(ERASURE_M1)); // in the middle of the batch, events of m1 on both sides
      batch.add(Append.of(posted("c4", "m1", "2024-05-02T00:00:00Z", "later pin 7731")));
      store.appendBatch(batch);
      String seen = everything(store);
      for (String secret : SECRETS) {
        assertThat(seen).as(secret).doesNotContain(secret);
      }
      assertThat(store.verifyAudit().problems()).isEmpty();
    }
  }

  @Test
  void concurrentAppendsAroundAnErasureLeaveNothingUnpurged() throws Exception {
    try (LedgerStore store = LedgerStore.open(fixture().freshConfig())) {
      store.appendBatch(history());
      int threads = 6;
      CountDownLatch start = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < 20; i++) {
            if (thread == 0 && i == 10) {
              store.append(ERASURE_M1, null);
            }
            store.append(posted("t" + thread + "-" + i, "m1", "2024-04-2" + (i % 9) + "T00:00:00Z", "racing secret " + thread), null);
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get();
      }
      pool.shutdown();
      assertThat(everything(store)).doesNotContain("racing secret");
      assertThat(store.verifyAudit().problems()).isEmpty();
    }
  }

  @Test
  void retriesOfPurgedEventsAreNoOpsAndOtherEventsStillErrors() throws Exception {
    try (LedgerStore store = LedgerStore.open(fixture().freshConfig())) {
      List<AppendResult> first = store.appendBatch(history());
      store.append(ERASURE_M1, "erase-m1");
      long count = store.eventCount();
      AppendResult post = first.get(5);
      // The original event, with its keys in another order: the same event, so nothing is added.
      String reordered = "{\"text\":\"my pin is 48213\",\"visibility\":\"public\",\"kind\":\"post\",\"member\":\"m1\","
          + "\"content\":\"c1\",\"at\":\"2024-02-02T00:00:00Z\",\"type\":\"content.posted\"}";
      assertThat(store.append(reordered, "post-c1")).isEqualTo(new AppendResult(post.seq(), post.leafIndex(), true));
      assertThat(store.append(registered("m1", "Jane Roe"), "reg-m1").repeated()).isTrue();
      // The purged form the store now holds (what an export of it says) is the same event too.
      String purged = store.eventByClientId("post-c1").orElseThrow().json().toString();
      assertThat(purged).contains(Erasure.MARKER);
      assertThat(store.appendBatch(List.of(new Append(purged, "post-c1"))).get(0).repeated()).isTrue();
      String purgedRegistration = store.eventByClientId("reg-m1").orElseThrow().json().toString();
      assertThat(purgedRegistration).contains("name_digest").doesNotContain("Jane");
      assertThat(store.append(purgedRegistration, "reg-m1").repeated()).isTrue();
      // Another text, or another name, under the same client id is still an error.
      assertThatThrownBy(() -> store.append(posted("c1", "m1", "2024-02-02T00:00:00Z", "my pin is 48214"), "post-c1"))
          .isInstanceOf(EventRejectedException.class)
          .hasMessage("client id \"post-c1\" was already used for a different event (seq " + post.seq() + ")");
      assertThatThrownBy(() -> store.append(registered("m1", "Jane Rose"), "reg-m1"))
          .isInstanceOf(EventRejectedException.class)
          .hasMessageContaining("was already used for a different event");
      assertThatThrownBy(() -> store.append(registered("m1", "Jane Roe").replace("1990", "1991"), "reg-m1"))
          .isInstanceOf(EventRejectedException.class);
      assertThat(store.eventCount()).isEqualTo(count);
      assertThat(store.verifyAudit().problems()).isEmpty();
    }
  }

  @Test
  void tamperingWithAPurgedRowIsDetected() throws Exception {
    String[] tampering = {
      "UPDATE ledger_event SET body = REPLACE(body, '\"US\"', '\"FR\"') WHERE seq = 2",
      "UPDATE ledger_event SET purged_by = NULL WHERE seq = 6",
      "UPDATE ledger_event SET body = REPLACE(body, '[erased]', 'other words') WHERE seq = 6",
      // Another well-formed digest, or none: her name would no longer be found in others' posts.
      "UPDATE ledger_event SET body = REPLACE(body, SUBSTRING(body, POSITION(':2:' IN body) + 3, 16), '0123456789abcdef') WHERE seq = 2",
      "UPDATE ledger_event SET body = REPLACE(body, SUBSTRING(body, POSITION(',\"name_digest\"' IN body), 50), '') WHERE seq = 2",
    };
    String[] expected = {
      "ledger event seq 2 does not match its audit leaf 1",
      "ledger event seq 6 does not match its audit leaf 5",
      "ledger event seq 6 does not match its audit leaf 5",
      "ledger event seq 2: its name digest is not the one its purge recorded",
      "ledger event seq 2: its name digest is not the one its purge recorded",
    };
    for (int t = 0; t < tampering.length; t++) {
      StoreConfig config = fixture().freshConfig();
      try (LedgerStore store = LedgerStore.open(config)) {
        store.appendBatch(history());
        store.append(ERASURE_M1, null);
        assertThat(store.verifyAudit().ok()).isTrue();
        try (Connection c = fixture().raw(config);
            PreparedStatement ps = c.prepareStatement(tampering[t])) {
          assertThat(ps.executeUpdate()).as(tampering[t]).isEqualTo(1);
        }
        AuditReport report = store.verifyAudit();
        assertThat(report.problems()).as(tampering[t]).isNotEmpty();
        assertThat(report.problems().get(0)).as(tampering[t]).isEqualTo(expected[t]);
        if (t >= 3) {
          assertThat(store.eventByClientId("reg-m1").orElseThrow().json().toString()).as(tampering[t])
              .doesNotContain(store.erasedNameKey().digest("Jane Roe").orElseThrow().toString());
        }
        if (t == 1) {
          assertThat(report.problems()).contains("ledger event seq 6: it belongs to a member who asked for erasure (seq 13) but is not purged");
        }
      }
    }
  }

  @Test
  void rowsAnOlderVersionLeftUnpurgedArePurgedWhenTheStoreOpens() throws Exception {
    StoreConfig config = fixture().freshConfig();
    String purged;
    try (LedgerStore store = LedgerStore.open(config)) {
      store.appendBatch(history());
      store.append(ERASURE_M1, null);
      purged = export(store);
    }
    // As a store written before erasure purged rows holds it: m1's rows as appended, unmarked.
    List<Append> appended = history();
    try (Connection c = fixture().raw(config);
        PreparedStatement ps = c.prepareStatement("UPDATE ledger_event SET body = ?, purged_by = NULL WHERE seq = ?")) {
      for (int seq : new int[] {2, 6, 9, 10}) {
        ps.setString(1, appended.get(seq - 1).json());
        ps.setLong(2, seq);
        assertThat(ps.executeUpdate()).isEqualTo(1);
      }
    }
    try (LedgerStore store = LedgerStore.open(config)) {
      assertThat(export(store)).isEqualTo(purged);
      assertThat(store.verifyAudit().problems()).isEmpty();
    }
    // As a store written before erasure replaced names by digests holds it: m1's registration
    // purged, marked, and still with her name.
    try (Connection c = fixture().raw(config);
        PreparedStatement ps = c.prepareStatement("UPDATE ledger_event SET body = ? WHERE seq = 2")) {
      ps.setString(1, appended.get(1).json());
      assertThat(ps.executeUpdate()).isEqualTo(1);
    }
    try (LedgerStore store = LedgerStore.open(config)) {
      assertThat(export(store)).isEqualTo(purged).doesNotContain("Jane Roe");
      assertThat(store.verifyAudit().problems()).isEmpty();
    }
  }

  @Test
  void compactionKeepsTheStoreAsItWas() throws Exception {
    StoreConfig config = fixture().freshConfig();
    String before;
    try (LedgerStore store = LedgerStore.open(config)) {
      store.appendBatch(history());
      store.append(ERASURE_M1, null);
      store.checkpoint();
      before = export(store);
    }
    Compacted compacted = LedgerStore.compact(config);
    assertThat(compacted.bytesBefore()).isPositive();
    assertThat(compacted.bytesAfter()).isPositive();
    try (LedgerStore store = LedgerStore.open(config)) {
      assertThat(export(store)).isEqualTo(before);
      assertThat(store.verifyAudit().problems()).isEmpty();
      assertThat(store.decide("m2", "genai-training", Instant.parse("2024-06-01T00:00:00Z")).allowed()).isTrue();
    }
  }
}

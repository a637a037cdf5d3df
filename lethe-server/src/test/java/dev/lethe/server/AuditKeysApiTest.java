package dev.lethe.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lethe.store.audit.AuditKey;
import dev.lethe.store.audit.KeyRotation;
import dev.lethe.store.audit.Merkle;
import dev.lethe.store.audit.NoteKey;
import dev.lethe.store.audit.SignedCheckpoint;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The key history the auditor's API shows after real rotations of the store's signing key: which
 * key signs which tree sizes, the leaf that records each rotation, and which keys signed each
 * checkpoint. Every response is also checked against {@code /openapi.json}.
 */
class AuditKeysApiTest {

  @TempDir Path dir;
  TestServer t;
  String auditor;

  @BeforeEach
  void start() throws Exception {
    t = new TestServer(dir);
    auditor = t.token(Role.AUDITOR);
  }

  @AfterEach
  void stop() {
    t.close();
  }

  private static String hexId(NoteKey key) {
    return Merkle.hex(key.keyId());
  }

  @Test
  void aLogThatNeverRotatedListsOneActiveKey() throws Exception {
    JsonNode keys = t.get("/v1/audit/keys", auditor).json();
    NoteKey key = t.store.auditKey();
    assertThat(keys.get("verifier_key").asText()).isEqualTo(key.verifierKey());
    assertThat(keys.get("origin").asText()).isEqualTo(key.name());
    assertThat(keys.get("keys")).singleElement().satisfies(k -> {
      assertThat(k.get("number").asInt()).isZero();
      assertThat(k.get("verifier_key").asText()).isEqualTo(key.verifierKey());
      assertThat(k.get("key_id").asText()).isEqualTo(hexId(key));
      assertThat(k.get("active").asBoolean()).isTrue();
      assertThat(k.get("from_size").asLong()).isZero();
      assertThat(k.get("last_size").isNull()).isTrue();
      assertThat(k.get("rotation").isNull()).isTrue();
    });
    assertThat(t.store.checkpoints()).as("a log with one key needs no bundle, so reading its keys signs nothing").isEmpty();
  }

  @Test
  void afterTwoRotationsEveryKeyHasItsRangeItsRotationLeafAndTheCheckpointsItSigned() throws Exception {
    // An auditor downloaded a bundle before any rotation; it names only the key of that time.
    Path oldBundle = dir.resolve("old-bundle");
    SignedCheckpoint first = t.store.exportAuditBundle(oldBundle);
    String oldBundleKey = Files.readString(oldBundle.resolve("key.vkey"), StandardCharsets.UTF_8).strip();
    assertThat(first.checkpoint().size()).isEqualTo(9);

    KeyRotation yearly = t.store.rotateAuditKey(false, "scheduled yearly rotation");
    t.store.append("{\"type\":\"consent.set\",\"at\":\"2025-03-03T09:00:00Z\",\"member\":\"alice\",\"purpose\":\"genai-training\","
        + "\"choice\":\"withdraw\",\"source\":\"settings\"}", null);
    SignedCheckpoint byKey1 = t.store.checkpoint();
    KeyRotation drill = t.store.rotateAuditKey(true, null);
    t.store.append("{\"type\":\"consent.set\",\"at\":\"2025-03-03T09:30:00Z\",\"member\":\"bob\",\"purpose\":\"genai-training\","
        + "\"choice\":\"withdraw\",\"source\":\"settings\"}", null);
    SignedCheckpoint byKey2 = t.store.checkpoint();
    List<AuditKey> history = t.store.auditKeys();
    assertThat(history).extracting(AuditKey::fromSize).containsExactly(0L, 10L, 12L);

    JsonNode keys = t.get("/v1/audit/keys", auditor).json();
    assertThat(keys.get("verifier_key").asText()).as("the current key, as before").isEqualTo(history.get(2).key().verifierKey());
    JsonNode list = keys.get("keys");
    assertThat(list).hasSize(3);
    for (int i = 0; i < 3; i++) {
      assertThat(list.get(i).get("number").asInt()).isEqualTo(i);
      assertThat(list.get(i).get("verifier_key").asText()).isEqualTo(history.get(i).key().verifierKey());
      assertThat(list.get(i).get("key_id").asText()).isEqualTo(hexId(history.get(i).key()));
      assertThat(list.get(i).get("from_size").asLong()).isEqualTo(history.get(i).fromSize());
      assertThat(list.get(i).get("active").asBoolean()).isEqualTo(i == 2);
    }
    // A retired key signs up to and including the rotation's checkpoint, which it co-signs.
    assertThat(list.get(0).get("last_size").asLong()).isEqualTo(10);
    assertThat(list.get(1).get("last_size").asLong()).isEqualTo(12);
    assertThat(list.get(2).get("last_size").isNull()).isTrue();

    assertThat(list.get(0).get("rotation").isNull()).isTrue();
    JsonNode r1 = list.get(1).get("rotation");
    assertThat(r1.get("leaf_index").asLong()).isEqualTo(yearly.leafIndex()).isEqualTo(9);
    assertThat(r1.get("reason").asText()).isEqualTo("scheduled yearly rotation");
    assertThat(r1.get("checkpoint").asLong()).isEqualTo(yearly.checkpoint().number());
    assertThat(r1.get("at").asText()).isEqualTo("2025-03-03T10:00:00Z");
    JsonNode r2 = list.get(2).get("rotation");
    assertThat(r2.get("leaf_index").asLong()).isEqualTo(drill.leafIndex()).isEqualTo(11);
    assertThat(r2.get("reason").isNull()).isTrue();
    assertThat(r2.get("checkpoint").asLong()).isEqualTo(drill.checkpoint().number());

    // The rotation leaf the server points at is the log's record of it.
    JsonNode leaf = t.get("/v1/audit/log?from=9&limit=1", auditor).json().get("leaves").get(0).get("leaf");
    assertThat(leaf.get("kind").asText()).isEqualTo(AuditKey.ROTATION_KIND);
    assertThat(leaf.get("record").get("old_key").asText()).isEqualTo(list.get(0).get("verifier_key").asText());
    assertThat(leaf.get("record").get("new_key").asText()).isEqualTo(list.get(1).get("verifier_key").asText());

    // The old bundle's checkpoint: its key is key 0, whose range covers the bundle's tree size.
    assertThat(list.get(0).get("verifier_key").asText()).isEqualTo(oldBundleKey);
    assertThat(first.checkpoint().size()).isBetween(list.get(0).get("from_size").asLong(), list.get(0).get("last_size").asLong());

    JsonNode cps = t.get("/v1/audit/checkpoints", auditor).json();
    assertThat(cps.get("verifier_key").asText()).isEqualTo(keys.get("verifier_key").asText());
    assertThat(cps.get("keys")).isEqualTo(list);
    List<String> signers = new ArrayList<>();
    for (JsonNode c : cps.get("checkpoints")) {
      assertThat(c.get("signatures_ok").asBoolean()).as("checkpoint %s", c.get("number")).isTrue();
      StringBuilder s = new StringBuilder(c.get("size").asText()).append(':');
      for (JsonNode k : c.get("signed_by")) {
        int n = k.get("number").asInt();
        assertThat(k.get("key_id").asText()).isEqualTo(hexId(history.get(n).key()));
        // The listed key's signature really verifies.
        assertThat(history.get(n).key().open(c.get("note").asText()).size()).isEqualTo(c.get("size").asLong());
        s.append(n);
      }
      signers.add(s.toString());
    }
    assertThat(signers).containsExactly("9:0", "10:01", "11:1", "12:12", "13:2");
    assertThat(byKey1.checkpoint().size()).isEqualTo(11);
    assertThat(byKey2.checkpoint().size()).isEqualTo(13);

    JsonNode report = t.get("/v1/audit/report", auditor).json();
    assertThat(report.get("summary").get("audit_ok").asBoolean()).isTrue();
    assertThat(report.get("audit").get("signed_by")).singleElement()
        .satisfies(k -> assertThat(k.get("number").asInt()).isEqualTo(2));
  }

  @Test
  void theReportPageSaysWhichKeySignedItsCheckpoint() throws Exception {
    NoteKey before = t.store.auditKey();
    t.store.rotateAuditKey(false, null);
    String html = page("/audit/report");
    NoteKey after = t.store.auditKey();
    // The report's checkpoint is the rotation's (it covers every leaf), signed by both keys.
    assertThat(html).contains("<p id=\"checkpoint-signers\">Signed by key 0 (key id <code>" + hexId(before)
        + "</code>) and key 1 (key id <code>" + hexId(after) + "</code>).");
    assertThat(html.indexOf("checkpoint-signers")).isGreaterThan(html.indexOf("<h2 id=\"audit\">"));
  }

  @Test
  void aKeyNoRotationLeafRecordsIsShownAsUnrecordedAndItsCheckpointAsNotMatchingTheHistory() throws Exception {
    KeyRotation rotation = t.store.rotateAuditKey(false, null);
    // Replace the new key in the store's key history with one the log never recorded, through the
    // database the store has open (the same URL in the same JVM joins it).
    byte[] forged = NoteKey.of("x", KeyPairGenerator.getInstance("Ed25519").generateKeyPair()).rawPublicKey();
    try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + t.dir.resolve("data").toAbsolutePath().resolve("ledger")
            + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0;REUSE_SPACE=FALSE");
        PreparedStatement st = c.prepareStatement("UPDATE store_meta SET meta_value = ? WHERE meta_name = 'audit_key.1'")) {
      st.setString(1, Merkle.hex(forged) + " " + rotation.current().fromSize());
      assertThat(st.executeUpdate()).isEqualTo(1);
    }

    JsonNode keys = t.get("/v1/audit/keys", auditor).json().get("keys");
    assertThat(keys).hasSize(2);
    assertThat(keys.get(1).get("active").asBoolean()).isTrue();
    assertThat(keys.get(1).get("rotation").isNull()).as("the leaf names another new key").isTrue();

    JsonNode cps = t.get("/v1/audit/checkpoints", auditor).json().get("checkpoints");
    JsonNode dual = cps.get(cps.size() - 1);
    assertThat(dual.get("number").asLong()).isEqualTo(rotation.checkpoint().number());
    assertThat(dual.get("signed_by")).extracting(k -> k.get("number").asInt()).containsExactly(0);
    assertThat(dual.get("signatures_ok").asBoolean()).isFalse();
    assertThat(t.get("/v1/audit/report", auditor).json().get("summary").get("audit_ok").asBoolean()).isFalse();

    String html = page("/audit");
    assertThat(html).contains("no rotation to this key is recorded in the log")
        .contains("<p id=\"checkpoint-" + dual.get("number").asLong() + "-signers\" class=\"error\">Signed by");
  }

  private String page(String path) throws Exception {
    HttpResponse<String> page = t.http.send(HttpRequest.newBuilder(URI.create(t.base() + path))
        .header("Cookie", Auth.COOKIE + "=" + auditor).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(200);
    return page.body();
  }
}

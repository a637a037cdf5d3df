package dev.lethe.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.lethe.store.audit.Merkle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exported audit bundle read exactly as the lethe-audit-bundle/1 contract describes it, with
 * only the JDK: what an independent verifier sees.
 */
class AuditBundleTest {

  @TempDir Path dir;

  private static String member(String id) {
    return "{\"type\":\"member.registered\",\"at\":\"2024-02-01T00:00:00Z\",\"member\":\"" + id
        + "\",\"country\":\"US\",\"birth_date\":\"1990-01-01\",\"name\":\"Zoë \\\"Z\\\" \\u00e9\\n\"}";
  }

  @Test
  void bundleFollowsTheContract() throws Exception {
    Path bundle = dir.resolve("bundle");
    try (LedgerStore store = LedgerStore.open(StoreConfig.embedded(dir.resolve("data")))) {
      assertThat(store.exportAuditBundle(dir.resolve("empty")).checkpoint().size()).isZero();
      for (int i = 0; i < 5; i++) {
        store.append(member("m" + i), null);
      }
      store.checkpoint();
      store.checkpoint(); // covers every leaf already: no new checkpoint
      for (int i = 5; i < 13; i++) {
        store.append(member("m" + i), null);
      }
      store.appendAuditRecord("forget.request", JsonNodeFactory.instance.objectNode().put("member", store.commitment("m3")));
      store.checkpoint();
      store.append(member("m13"), null);
      // Export signs a fresh checkpoint because the latest does not cover the last leaf.
      assertThat(store.exportAuditBundle(bundle).checkpoint().size()).isEqualTo(15);
      assertThat(store.checkpoints()).hasSize(4);
    }

    ObjectMapper json = new ObjectMapper();
    JsonNode head = json.readTree(Files.readString(bundle.resolve("bundle.json")));
    String origin = head.get("origin").textValue();
    assertThat(head.get("format").textValue()).isEqualTo("lethe-audit-bundle/1");
    assertThat(origin).matches("lethe\\.dev/audit/[0-9a-f]{32}");
    assertThat(head.get("leaves").longValue()).isEqualTo(15);
    assertThat(head.get("checkpoints").longValue()).isEqualTo(4);

    byte[] leavesFile = Files.readAllBytes(bundle.resolve("leaves.jsonl"));
    assertThat(leavesFile[leavesFile.length - 1]).isEqualTo((byte) '\n');
    List<byte[]> leafHashes = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < leavesFile.length; i++) {
      if (leavesFile[i] == '\n') {
        leafHashes.add(Merkle.leafHash(Arrays.copyOfRange(leavesFile, start, i)));
        start = i + 1;
      }
    }
    assertThat(leafHashes).hasSize(15);
    List<String> hexes = Files.readAllLines(bundle.resolve("leaf-hashes.txt"), StandardCharsets.US_ASCII);
    assertThat(hexes).hasSize(15);
    for (int i = 0; i < 15; i++) {
      assertThat(hexes.get(i)).isEqualTo(HexFormat.of().formatHex(leafHashes.get(i)));
    }

    String vkey = Files.readString(bundle.resolve("key.vkey"));
    assertThat(vkey).endsWith("\n");
    String[] parts = vkey.strip().split("\\+", 3); // base64 may contain "+"
    assertThat(parts[0]).isEqualTo(origin);
    byte[] typed = Base64.getDecoder().decode(parts[2]);
    assertThat(typed).hasSize(33);
    assertThat(typed[0]).isEqualTo((byte) 1);
    byte[] raw = Arrays.copyOfRange(typed, 1, 33);
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    md.update(origin.getBytes(StandardCharsets.UTF_8));
    md.update(new byte[] {0x0A, 0x01});
    md.update(raw);
    byte[] keyId = Arrays.copyOf(md.digest(), 4);
    assertThat(parts[1]).isEqualTo(HexFormat.of().formatHex(keyId));
    PublicKey pub =
        KeyFactory.getInstance("Ed25519")
            .generatePublic(new X509EncodedKeySpec(concat(HexFormat.of().parseHex("302a300506032b6570032100"), raw)));

    List<Long> sizes = new ArrayList<>();
    List<byte[]> roots = new ArrayList<>();
    for (int n = 1; n <= 4; n++) {
      String note = Files.readString(bundle.resolve("checkpoints").resolve(String.format("%06d.note", n)), StandardCharsets.UTF_8);
      String[] lines = note.split("\n", -1);
      assertThat(lines).hasSize(6);
      assertThat(lines[0]).isEqualTo(origin);
      assertThat(lines[3]).isEmpty();
      assertThat(lines[5]).isEmpty();
      String body = lines[0] + "\n" + lines[1] + "\n" + lines[2] + "\n";
      assertThat(lines[4]).startsWith("\u2014 " + origin + " ");
      byte[] sig = Base64.getDecoder().decode(lines[4].substring(lines[4].lastIndexOf(' ') + 1));
      assertThat(Arrays.copyOf(sig, 4)).isEqualTo(keyId);
      Signature verify = Signature.getInstance("Ed25519");
      verify.initVerify(pub);
      verify.update(body.getBytes(StandardCharsets.UTF_8));
      assertThat(verify.verify(Arrays.copyOfRange(sig, 4, sig.length))).as("signature %d", n).isTrue();
      long size = Long.parseLong(lines[1]);
      byte[] root = Base64.getDecoder().decode(lines[2]);
      assertThat(root).isEqualTo(Merkle.root(leafHashes.subList(0, (int) size)));
      sizes.add(size);
      roots.add(root);
    }
    assertThat(sizes).containsExactly(0L, 5L, 14L, 15L);
    assertThat(Files.exists(bundle.resolve("checkpoints/000005.note"))).isFalse();

    List<String> consistency = Files.readAllLines(bundle.resolve("consistency.jsonl"));
    assertThat(consistency).hasSize(3);
    for (int i = 0; i < 3; i++) {
      JsonNode line = json.readTree(consistency.get(i));
      assertThat(line.get("from").longValue()).isEqualTo(sizes.get(i));
      assertThat(line.get("to").longValue()).isEqualTo(sizes.get(i + 1));
      List<byte[]> proof = new ArrayList<>();
      line.get("proof").forEach(p -> proof.add(Base64.getDecoder().decode(p.textValue())));
      if (sizes.get(i) == 0) {
        assertThat(proof).isEmpty();
      }
      assertThat(Merkle.verifyConsistency(sizes.get(i), sizes.get(i + 1), roots.get(i), roots.get(i + 1), proof)).isTrue();
    }
    String firstEventLeaf = new String(leavesFile, 0, indexOf(leavesFile, (byte) '\n'), StandardCharsets.UTF_8);
    assertThat(firstEventLeaf).startsWith("{\"event\":{\"at\":\"2024-02-01T00:00:00Z\"").doesNotContain("m0").doesNotContain("Zo");
  }

  private static int indexOf(byte[] bytes, byte b) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}

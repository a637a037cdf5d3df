package dev.lethe.store.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** C2SP signed notes and verifier keys, checked byte by byte against the formats' definitions. */
class NoteKeyTest {

  @TempDir Path dir;

  @Test
  void keyPairIsCreatedOnceAndReloaded() throws Exception {
    Path file = dir.resolve("k/audit-signing.key");
    KeyPair first = NoteKey.loadOrCreate(file);
    KeyPair again = NoteKey.loadOrCreate(file);
    assertThat(again.getPublic().getEncoded()).isEqualTo(first.getPublic().getEncoded());
    assertThat(Files.getPosixFilePermissions(file)).containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    assertThat(Files.list(file.getParent())).containsExactly(file);
  }

  @Test
  void signedNoteAndVerifierKeyFollowC2sp() throws Exception {
    NoteKey key = NoteKey.of("lethe.dev/audit/test", NoteKey.loadOrCreate(dir.resolve("key")));
    byte[] raw = key.rawPublicKey();
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    md.update("lethe.dev/audit/test".getBytes(StandardCharsets.UTF_8));
    md.update(new byte[] {0x0A, 0x01});
    md.update(raw);
    byte[] keyId = Arrays.copyOf(md.digest(), 4);
    assertThat(key.keyId()).isEqualTo(keyId);
    byte[] typed = new byte[33];
    typed[0] = 1;
    System.arraycopy(raw, 0, typed, 1, 32);
    assertThat(key.verifierKey())
        .isEqualTo("lethe.dev/audit/test+" + Merkle.hex(keyId) + "+" + Base64.getEncoder().encodeToString(typed));

    Checkpoint cp = new Checkpoint("lethe.dev/audit/test", 8, Merkle.emptyRoot());
    String note = key.sign(cp);
    assertThat(note).startsWith("lethe.dev/audit/test\n8\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n\n\u2014 lethe.dev/audit/test ");
    byte[] sig = Base64.getDecoder().decode(note.substring(note.lastIndexOf(' ') + 1).trim());
    assertThat(sig).hasSize(68);
    assertThat(Arrays.copyOf(sig, 4)).isEqualTo(keyId);
    assertThat(key.open(note)).isEqualTo(cp);

    NoteKey verifier = NoteKey.verifier("lethe.dev/audit/test", raw);
    assertThat(verifier.open(note)).isEqualTo(cp);
    assertThatThrownBy(() -> verifier.open(note.replace("\n8\n", "\n9\n")))
        .hasMessage("the signature of lethe.dev/audit/test does not verify");
    NoteKey other = NoteKey.of("lethe.dev/audit/test", NoteKey.loadOrCreate(dir.resolve("other")));
    assertThatThrownBy(() -> other.open(note)).hasMessage("no signature by lethe.dev/audit/test");
    assertThatThrownBy(() -> verifier.sign(cp)).isInstanceOf(IllegalStateException.class);
  }
}

package dev.lethe.store.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The key files of a rotation: pending pair, promotion, retired copies, signatures by both keys. */
class SigningKeyFilesTest {

  private static final String ORIGIN = "lethe.dev/audit/test";

  @TempDir Path dir;

  private static byte[] raw(KeyPair pair) {
    return NoteKey.of(ORIGIN, pair).rawPublicKey();
  }

  @Test
  void aPromotedPairReplacesTheActiveOneAtomicallyWithItsPermissions() throws Exception {
    SigningKeyFiles files = new SigningKeyFiles(dir);
    KeyPair first = files.loadOrCreateActive();
    Files.setPosixFilePermissions(files.active(), PosixFilePermissions.fromString("rw-r-----"));
    KeyPair stale = files.prepareNext();
    KeyPair next = files.prepareNext(); // a pending pair no rotation recorded is replaced
    assertThat(raw(next)).isNotEqualTo(raw(stale));
    assertThat(files.find(raw(stale))).isEmpty();
    assertThat(files.find(raw(first)).map(SigningKeyFilesTest::raw)).contains(raw(first));

    Path kept = files.keepRetired(NoteKey.of(ORIGIN, first));
    assertThat(raw(NoteKey.load(kept))).isEqualTo(raw(first));
    assertThat(Files.getPosixFilePermissions(kept)).isEqualTo(PosixFilePermissions.fromString("rw-------"));

    // The new key is found in the pending file and promoted, as after a crash between commit and rename.
    assertThat(files.find(raw(next)).map(SigningKeyFilesTest::raw)).contains(raw(next));
    assertThat(dir.resolve(SigningKeyFiles.NEXT)).doesNotExist();
    assertThat(raw(NoteKey.load(files.active()))).isEqualTo(raw(next));
    assertThat(Files.getPosixFilePermissions(files.active())).isEqualTo(PosixFilePermissions.fromString("rw-r-----"));
    assertThat(files.find(raw(first))).isEmpty();
  }

  @Test
  void aNoteSignedByTwoKeysOpensWithEitherAndClaimsOnlyItsSigners() throws Exception {
    NoteKey old = NoteKey.of(ORIGIN, NoteKey.loadOrCreate(dir.resolve("old")));
    NoteKey fresh = NoteKey.of(ORIGIN, NoteKey.loadOrCreate(dir.resolve("new")));
    NoteKey other = NoteKey.of(ORIGIN, NoteKey.loadOrCreate(dir.resolve("other")));
    Checkpoint cp = new Checkpoint(ORIGIN, 5, Merkle.emptyRoot());
    String note = NoteKey.signAll(cp, List.of(old, fresh));
    String[] lines = note.split("\n");
    assertThat(lines).hasSize(6);
    assertThat(note).startsWith(cp.body() + "\n");
    assertThat(note).isEqualTo(cp.body() + "\n" + old.sign(cp).substring(cp.body().length() + 1)
        .replaceAll("\n$", "") + "\n" + lines[5] + "\n");
    assertThat(old.open(note)).isEqualTo(cp);
    assertThat(fresh.open(note)).isEqualTo(cp);
    assertThat(old.claims(note)).isTrue();
    assertThat(fresh.claims(note)).isTrue();
    assertThat(other.claims(note)).isFalse();
    assertThat(NoteKey.verifier(ORIGIN, fresh.rawPublicKey()).sameKey(fresh)).isTrue();
    assertThat(other.sameKey(fresh)).isFalse();
  }
}

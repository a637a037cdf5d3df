package dev.lethe.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * C2SP signed notes and verifier keys, against the published example of golang/mod
 * {@code sumdb/note/note.go} (package documentation: the PeterNeumann key and signed note), which
 * the C2SP signed-note spec is derived from.
 */
class SignedNoteTest {

  private static final String PETER_KEY =
      "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
  private static final String PETER_TEXT =
      "If you think cryptography is the answer to your problem,\n"
          + "then you don't know what your problem is.\n";
  private static final String PETER_NOTE = PETER_TEXT + "\n"
      + "\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

  @Test
  void publishedKeyParsesAndItsKeyIdIsRecomputed() throws VerificationFailure {
    VerifierKey key = VerifierKey.parse(PETER_KEY);
    assertThat(key.name()).isEqualTo("PeterNeumann");
    assertThat(Encodings.hex(key.keyId())).isEqualTo("c74f20a3");
    assertThat(key.text()).isEqualTo(PETER_KEY);
  }

  @Test
  void publishedNoteVerifiesWithThePublishedKey() throws VerificationFailure {
    SignedNote note = SignedNote.parse(utf8(PETER_NOTE));
    assertThat(note.text()).isEqualTo(PETER_TEXT);
    assertThatCode(() -> note.requireSignedBy(VerifierKey.parse(PETER_KEY)))
        .doesNotThrowAnyException();
  }

  @Test
  void aChangedCharacterBreaksThePublishedSignature() throws VerificationFailure {
    SignedNote note = SignedNote.parse(utf8(PETER_NOTE.replace("cryptography", "cryptographY")));
    VerifierKey key = VerifierKey.parse(PETER_KEY);
    assertThatThrownBy(() -> note.requireSignedBy(key))
        .hasMessageContaining("signature by PeterNeumann+c74f20a3 does not verify");
  }

  @Test
  void aNoteWithoutTheKeysSignatureNamesTheSigners() throws VerificationFailure {
    TestSigner other = new TestSigner("PeterNeumann");
    SignedNote note = SignedNote.parse(utf8(other.sign(PETER_TEXT)));
    assertThatThrownBy(() -> note.requireSignedBy(VerifierKey.parse(PETER_KEY)))
        .hasMessageContaining("no signature by PeterNeumann+c74f20a3")
        .hasMessageContaining("signed by: PeterNeumann+");
  }

  @Test
  void otherSignersAreAllowedAlongsideTheKey() throws VerificationFailure {
    TestSigner witness = new TestSigner("witness.example");
    SignedNote note = SignedNote.parse(utf8(PETER_NOTE + witness.signatureLine(PETER_TEXT)));
    assertThat(note.signatures()).hasSize(2);
    note.requireSignedBy(VerifierKey.parse(PETER_KEY));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      // wrong key id, wrong type byte, truncated key, unpadded base64, no name, name with space
      "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
      "PeterNeumann+c74f20a3+Apc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
      "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy",
      "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T",
      "+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
      "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
      "PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
      "PeterNeumann"})
  void malformedVerifierKeysAreRejected(String text) {
    assertThatThrownBy(() -> VerifierKey.parse(text)).isInstanceOf(VerificationFailure.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "text\n",                                  // no signature block
      "text\n\n",                                // empty signature block
      "text\n\n\u2014 PeterNeumann AAAAAAAA",    // no final newline
      "text\n\n- PeterNeumann AAAAAAAA\n",       // hyphen instead of em dash
      "text\n\n\u2014 PeterNeumann AAAA\n",      // too short for key id and signature
      "text\r\n\n\u2014 PeterNeumann AAAAAAAA\n" // carriage return
  })
  void malformedNotesAreRejected(String text) {
    assertThatThrownBy(() -> SignedNote.parse(utf8(text))).isInstanceOf(VerificationFailure.class);
  }

  @Test
  void checkpointBodyParses() throws VerificationFailure {
    Checkpoint cp = Checkpoint.parse(
        "example.com/log\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n");
    assertThat(cp.origin()).isEqualTo("example.com/log");
    assertThat(cp.size()).isEqualTo(8);
    assertThat(Encodings.hex(cp.root()))
        .isEqualTo("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "example.com/log\n8\n",
      "example.com/log\n08\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
      "example.com/log\n-8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
      "example.com/log\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQy=\n",
      "example.com/log\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=",
      "\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
      "example.com/log\n99999999999999999999\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n"})
  void malformedCheckpointBodiesAreRejected(String text) {
    assertThatThrownBy(() -> Checkpoint.parse(text)).isInstanceOf(VerificationFailure.class);
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}

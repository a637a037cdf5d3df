package dev.lethe.verify;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A C2SP signed note: text ending in a newline, a blank line, then one or more signature lines.
 *
 * @param text the signed text, including its final newline (what the signatures cover)
 * @param signatures the signature lines in file order
 */
public record SignedNote(String text, List<NoteSignature> signatures) {

  private static final String SIGNATURE_PREFIX = "\u2014 ";
  private static final int KEY_ID_SIZE = 4;

  /** Copies the list so a parsed note cannot change afterwards. */
  public SignedNote {
    signatures = List.copyOf(signatures);
  }

  /**
   * Parses a signed note.
   *
   * @throws VerificationFailure when the bytes are not UTF-8, contain control characters other
   *     than newline, or the text / signature block is malformed
   */
  public static SignedNote parse(byte[] bytes) throws VerificationFailure {
    String note = strictUtf8(bytes);
    for (int i = 0; i < note.length(); i++) {
      char c = note.charAt(i);
      if (c != '\n' && Character.isISOControl(c)) {
        throw new VerificationFailure(
            "note contains control character U+%04X at offset %d".formatted((int) c, i));
      }
    }
    // Signature lines cannot contain a blank line, so the last blank line is the separator.
    int separator = note.lastIndexOf("\n\n");
    if (separator < 0) {
      throw new VerificationFailure("note has no blank line before its signatures");
    }
    String text = note.substring(0, separator + 1);
    String block = note.substring(separator + 2);
    if (block.isEmpty()) {
      throw new VerificationFailure("note has no signature lines");
    }
    if (!block.endsWith("\n")) {
      throw new VerificationFailure("note does not end with a newline");
    }
    List<NoteSignature> signatures = new ArrayList<>();
    for (String line : block.substring(0, block.length() - 1).split("\n", -1)) {
      signatures.add(parseSignature(line));
    }
    return new SignedNote(text, signatures);
  }

  private static NoteSignature parseSignature(String line) throws VerificationFailure {
    if (!line.startsWith(SIGNATURE_PREFIX)) {
      throw new VerificationFailure("signature line does not start with an em dash and a space: '"
          + line + "'");
    }
    String rest = line.substring(SIGNATURE_PREFIX.length());
    int space = rest.indexOf(' ');
    if (space < 0) {
      throw new VerificationFailure("signature line has no space between name and signature");
    }
    String name = rest.substring(0, space);
    if (!KeyNames.isValid(name)) {
      throw new VerificationFailure("signature line key name '" + name + "' is not valid");
    }
    byte[] blob = Encodings.base64(rest.substring(space + 1), "signature by " + name);
    if (blob.length <= KEY_ID_SIZE) {
      throw new VerificationFailure("signature by " + name + " is too short to hold a key id");
    }
    return new NoteSignature(name, Arrays.copyOf(blob, KEY_ID_SIZE),
        Arrays.copyOfRange(blob, KEY_ID_SIZE, blob.length));
  }

  private static String strictUtf8(byte[] bytes) throws VerificationFailure {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new VerificationFailure("note is not valid UTF-8");
    }
  }

  /**
   * Checks that every signature line claiming {@code key} verifies and that there is at least one.
   *
   * @throws VerificationFailure naming the key when it did not sign or a signature is bad
   */
  public void requireSignedBy(VerifierKey key) throws VerificationFailure {
    byte[] message = text.getBytes(StandardCharsets.UTF_8);
    int matching = 0;
    for (NoteSignature signature : signatures) {
      if (!key.matches(signature)) {
        continue;
      }
      matching++;
      if (!key.verifies(message, signature.signature())) {
        throw new VerificationFailure(
            "Ed25519 signature by " + describe(key) + " does not verify over the checkpoint text");
      }
    }
    if (matching == 0) {
      List<String> signers = new ArrayList<>();
      for (NoteSignature s : signatures) {
        signers.add(s.keyName() + "+" + Encodings.hex(s.keyId()));
      }
      throw new VerificationFailure(
          "no signature by " + describe(key) + " (signed by: " + String.join(", ", signers) + ")");
    }
  }

  private static String describe(VerifierKey key) {
    return key.name() + "+" + Encodings.hex(key.keyId());
  }
}

package dev.lethe.verify;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The log's signing keys, oldest first, each with the first tree size it signs.
 *
 * <p>Key 0 signs from tree size 0. Key {@code n > 0} comes from a rotation: the leaf at index
 * {@code fromSize - 1} records the rotation from key {@code n - 1} to key {@code n}, and the
 * checkpoint of exactly {@code fromSize} leaves must carry both keys' signatures. Smaller
 * checkpoints are signed by earlier keys, larger ones by key {@code n} until the next rotation.
 * A {@value BundleFiles#FORMAT} bundle has one key; a {@value BundleFiles#FORMAT_2} bundle lists
 * them in {@value BundleFiles#KEYS}, one {@code {"key":"<verifier key>","from_size":N}} per line.
 */
final class KeyHistory {

  /**
   * One key of the history.
   *
   * @param number its position, 0 for the first key
   * @param key the verifier key
   * @param fromSize the first tree size it signs
   */
  record Entry(int number, VerifierKey key, long fromSize) {

    /** How messages name the key: its number and verifier key. */
    String describe() {
      return "key " + number + " (" + key.name() + "+" + Encodings.hex(key.keyId()) + ")";
    }
  }

  private final List<Entry> entries;

  private KeyHistory(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  /** The history of a log that has had one key. */
  static KeyHistory single(VerifierKey key) {
    return new KeyHistory(List.of(new Entry(0, key, 0)));
  }

  /**
   * Reads and validates keys.jsonl.
   *
   * @throws VerificationFailure naming the line when the file is missing or malformed, its first
   *     key does not sign from size 0, sizes do not increase, a key repeats, a key is not named
   *     after the bundle's origin, or the count differs from bundle.json
   */
  static KeyHistory read(Path file, BundleManifest manifest) throws VerificationFailure {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new VerificationFailure(BundleFiles.KEYS + ": missing (a " + BundleFiles.FORMAT_2
          + " bundle lists its keys there)");
    } catch (IOException e) {
      throw new VerificationFailure(BundleFiles.KEYS + ": cannot be read (" + e.getMessage() + ")");
    }
    List<Entry> entries = new ArrayList<>();
    for (String line : lines) {
      String where = BundleFiles.KEYS + " line " + (entries.size() + 1);
      JsonNode json = Json.object(line, where);
      VerifierKey key;
      try {
        key = VerifierKey.parse(Json.text(json, "key", where));
      } catch (VerificationFailure e) {
        throw e.getMessage().startsWith(where) ? e : new VerificationFailure(where + ": " + e.getMessage());
      }
      long fromSize = Json.count(json, "from_size", where);
      if (!key.name().equals(manifest.origin())) {
        throw new VerificationFailure(where + ": key name '" + key.name()
            + "' is not the bundle's origin '" + manifest.origin() + "'");
      }
      if (entries.isEmpty() && fromSize != 0) {
        throw new VerificationFailure(where + ": the first key signs from tree size 0, not "
            + fromSize);
      }
      if (!entries.isEmpty() && fromSize <= entries.get(entries.size() - 1).fromSize()) {
        throw new VerificationFailure(where + ": from_size " + fromSize
            + " does not come after the previous key's " + entries.get(entries.size() - 1).fromSize());
      }
      for (Entry earlier : entries) {
        if (earlier.key().equals(key) || Encodings.hex(earlier.key().keyId()).equals(Encodings.hex(key.keyId()))) {
          throw new VerificationFailure(where + ": the key (or its key id) is already "
              + earlier.describe() + "; a rotation always introduces a new key");
        }
      }
      entries.add(new Entry(entries.size(), key, fromSize));
    }
    if (entries.size() != manifest.keys()) {
      throw new VerificationFailure(BundleFiles.KEYS + " lists " + entries.size() + " keys but "
          + BundleFiles.MANIFEST + " declares " + manifest.keys());
    }
    return new KeyHistory(entries);
  }

  List<Entry> entries() {
    return entries;
  }

  /** Every key introduced by a rotation: all but the first. */
  List<Entry> rotations() {
    return entries.subList(1, entries.size());
  }

  /** The entry of {@code key}, or null. */
  Entry find(VerifierKey key) {
    for (Entry e : entries) {
      if (e.key().equals(key)) {
        return e;
      }
    }
    return null;
  }

  /** The entry whose name and key id a signature line claims, or null. */
  Entry claimedBy(NoteSignature signature) {
    for (Entry e : entries) {
      if (e.key().matches(signature)) {
        return e;
      }
    }
    return null;
  }

  /**
   * The keys that must sign a checkpoint of {@code size} leaves: the key valid at that size and,
   * at a rotation's size, the key it retired first.
   */
  List<Entry> signersAt(long size) {
    int current = 0;
    while (current + 1 < entries.size() && entries.get(current + 1).fromSize() <= size) {
      current++;
    }
    Entry key = entries.get(current);
    return current > 0 && key.fromSize() == size
        ? List.of(entries.get(current - 1), key) : List.of(key);
  }
}

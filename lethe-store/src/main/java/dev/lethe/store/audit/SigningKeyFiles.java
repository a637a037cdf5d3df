package dev.lethe.store.audit;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.KeyPair;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * The audit signing key files under a data directory.
 *
 * <ul>
 *   <li>{@value #ACTIVE}: the pair that signs now;
 *   <li>{@value #NEXT}: a rotation's new pair, written before the rotation commits and moved over
 *       the active file after it did. If the process dies in between, the next {@link #find} for
 *       the new key promotes it; a pending pair the log never recorded is simply replaced by the
 *       next rotation, so a failed rotation never needs cleaning up;
 *   <li>{@value #RETIRED_DIR}{@code /audit-signing-<key id>.key}: retired pairs, only when the
 *       operator asked to keep them (the default deletes a retired private key: after a suspected
 *       compromise, a copy left on disk is exactly what must not exist).
 * </ul>
 *
 * All files are written whole or not at all, readable by the owner only; a promoted pair takes
 * over the permissions of the file it replaces. Not thread-safe: the store calls it from its
 * write transaction, which the database serializes.
 */
public final class SigningKeyFiles {

  /** The file of the active key pair. */
  public static final String ACTIVE = "audit-signing.key";

  /** The file of a rotation's new pair until the rotation has committed. */
  public static final String NEXT = "audit-signing.key.next";

  /** The directory of retired pairs that were kept. */
  public static final String RETIRED_DIR = "retired";

  private final Path dir;

  /** The key files under {@code dataDir}. */
  public SigningKeyFiles(Path dataDir) {
    this.dir = Objects.requireNonNull(dataDir, "dataDir");
  }

  /** The active key file. */
  public Path active() {
    return dir.resolve(ACTIVE);
  }

  /** Where a retired key is kept when kept. */
  public Path retired(NoteKey key) {
    return dir.resolve(RETIRED_DIR).resolve("audit-signing-" + Merkle.hex(key.keyId()) + ".key");
  }

  /**
   * Loads the active pair, creating it on first use.
   *
   * @throws IOException if the file cannot be read or written, or holds no Ed25519 key pair
   */
  public KeyPair loadOrCreateActive() throws IOException {
    return NoteKey.loadOrCreate(active());
  }

  /**
   * The pair whose public key is {@code rawPublicKey}: the active pair, or a pending next pair,
   * which is then made the active one (its rotation committed, the promotion was cut short).
   *
   * @return the pair, or empty if neither file holds it
   * @throws IOException if a file cannot be read or moved
   */
  public Optional<KeyPair> find(byte[] rawPublicKey) throws IOException {
    if (Files.exists(active())) {
      KeyPair pair = NoteKey.load(active());
      if (holds(pair, rawPublicKey)) {
        return Optional.of(pair);
      }
    }
    Path next = dir.resolve(NEXT);
    if (Files.exists(next)) {
      KeyPair pair = NoteKey.load(next);
      if (holds(pair, rawPublicKey)) {
        promoteNext();
        return Optional.of(pair);
      }
    }
    return Optional.empty();
  }

  /** The pending next pair's file (see {@link #promoteNext}). */
  public Path next() {
    return dir.resolve(NEXT);
  }

  /**
   * The kept retired pairs' files, by name; none if the directory does not exist.
   *
   * @throws IOException if the directory cannot be listed
   */
  public java.util.List<Path> retiredFiles() throws IOException {
    Path retired = dir.resolve(RETIRED_DIR);
    if (!Files.isDirectory(retired)) {
      return java.util.List.of();
    }
    try (java.util.stream.Stream<Path> files = Files.list(retired)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".key")).sorted().toList();
    }
  }

  /**
   * The raw public key of the pair in {@code file}, read without changing anything.
   *
   * @throws IOException if the file cannot be read or holds no Ed25519 key pair
   */
  public static byte[] publicKey(Path file) throws IOException {
    byte[] x509 = NoteKey.load(file).getPublic().getEncoded();
    return Arrays.copyOfRange(x509, x509.length - 32, x509.length);
  }

  private static boolean holds(KeyPair pair, byte[] rawPublicKey) {
    byte[] x509 = pair.getPublic().getEncoded();
    return Arrays.equals(Arrays.copyOfRange(x509, x509.length - 32, x509.length), rawPublicKey);
  }

  /**
   * Writes a fresh pair as the pending next pair, replacing one a rotation left that never
   * committed.
   *
   * @throws IOException if it cannot be written
   */
  public KeyPair prepareNext() throws IOException {
    Path next = dir.resolve(NEXT);
    Files.deleteIfExists(next);
    return NoteKey.create(next);
  }

  /**
   * Keeps a copy of the active pair under {@value #RETIRED_DIR}/ (before a rotation retires it).
   *
   * @param key the active key, naming the copy
   * @return the copy
   * @throws IOException if it cannot be written
   */
  public Path keepRetired(NoteKey key) throws IOException {
    Path copy = retired(key);
    Secrets.publish(copy, Files.readAllBytes(active()));
    return copy;
  }

  /**
   * Moves the pending next pair over the active one in one atomic rename, so the active file
   * always holds a whole pair (never none: a missing key file would make the store create a new,
   * unrelated key on its next start). The retired private key is then gone from this directory,
   * unless {@link #keepRetired} copied it.
   *
   * @throws IOException if the rename fails
   */
  public void promoteNext() throws IOException {
    Path next = dir.resolve(NEXT);
    Path active = active();
    if (Files.exists(active)) {
      try {
        Files.setPosixFilePermissions(next, Files.getPosixFilePermissions(active));
      } catch (UnsupportedOperationException e) {
        // Not a POSIX file system: the pair keeps what Secrets gave it.
      }
    }
    try {
      Files.move(next, active, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("the key directory " + dir + " cannot rename files atomically", e);
    }
    syncDirectory();
  }

  /** Makes the rename durable: on Linux a directory entry survives a crash only once synced. */
  private void syncDirectory() {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Some platforms cannot open a directory; the rename is then as durable as they make it.
    }
  }
}

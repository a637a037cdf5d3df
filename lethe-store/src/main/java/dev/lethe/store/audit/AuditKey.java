package dev.lethe.store.audit;

import java.util.List;
import java.util.Objects;

/**
 * One signing key of the audit log and the tree sizes it signs.
 *
 * <p>Key 0 signs from tree size 0. Key {@code n > 0} was introduced by a rotation: the rotation
 * appended a {@value #ROTATION_KIND} leaf at index {@code fromSize - 1} naming the old and the new
 * key, and signed the checkpoint of exactly {@code fromSize} leaves with both keys. Checkpoints of
 * fewer leaves are signed by earlier keys only, larger ones by this key (until the next rotation).
 *
 * @param number 0 for the log's first key, then 1, 2, ... per rotation
 * @param key the public key (name = the log's origin)
 * @param fromSize the first tree size this key signs
 */
public record AuditKey(int number, NoteKey key, long fromSize) {

  /** The kind of the audit leaf a key rotation appends. */
  public static final String ROTATION_KIND = "key.rotated";

  public AuditKey {
    Objects.requireNonNull(key, "key");
    if (number < 0 || fromSize < 0 || (number == 0) != (fromSize == 0)) {
      throw new IllegalArgumentException("key " + number + " cannot sign from tree size " + fromSize);
    }
  }

  /**
   * The keys that must sign a checkpoint of {@code size} leaves: the key valid at that size, and
   * at a rotation's size also the key it retired (listed first).
   *
   * @param history every key in order, as {@code LedgerStore.auditKeys()} returns them
   */
  public static List<AuditKey> signersAt(List<AuditKey> history, long size) {
    int current = 0;
    while (current + 1 < history.size() && history.get(current + 1).fromSize() <= size) {
      current++;
    }
    AuditKey key = history.get(current);
    return current > 0 && key.fromSize() == size ? List.of(history.get(current - 1), key) : List.of(key);
  }
}

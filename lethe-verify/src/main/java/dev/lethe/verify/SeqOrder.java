package dev.lethe.verify;

/**
 * Follows the {@code seq} of ledger-event leaves through leaves.jsonl and keeps the first place
 * where they stop counting 1, 2, 3, … — a diagnostic only, never a verdict.
 *
 * <p>The store numbers its ledger events from 1 without gaps and appends each one's leaf, in
 * order, in the transaction that stores it; other leaves (snapshot builds, erasure digests, key
 * rotations) carry no top-level {@code seq} and are skipped. So in a bundle the log wrote, the
 * leaves that carry a seq carry 1, 2, 3, … and a gap or a step back shows where a leaf was
 * removed or moved, even when leaves.jsonl and leaf-hashes.txt were edited alike and only the
 * signed roots notice. Whether the bundle verifies is decided by the cryptographic checks alone;
 * this only names the leaf once they failed.
 *
 * <p>Leaves stay opaque bytes: the seq is read only from a leaf that ends with {@code ,"seq":N}}
 * or {@code {"seq":N}}, which is where RFC 8785 puts it (keys sorted, {@code seq} after {@code
 * event} and {@code kind}), so reading it costs a few bytes per leaf and no JSON parse. A nested
 * {@code seq} (erasure digests have one) ends in {@code }}} and is not mistaken for it. O(1)
 * memory.
 */
final class SeqOrder {

  private static final byte[] KEY = {'"', 's', 'e', 'q', '"', ':'};
  /** Longest seq read; a longer digit run is not a seq the store wrote. */
  private static final int MAX_DIGITS = 18;

  private long previousLeaf = -1;
  private long previousSeq;
  private Anomaly first;
  /** After the first anomaly: the next seq-bearing leaf, and where the expected seq turned up. */
  private long nextSeqLeaf = -1;
  private long expectedAt = -1;

  /**
   * The first place the seqs stop counting up by one.
   *
   * @param leaf index of the first leaf whose seq is not the one expected
   * @param seq the seq it carries
   * @param previousLeaf the seq-bearing leaf before it, or -1 if it is the first
   * @param previousSeq the seq of {@code previousLeaf} (0 if none)
   * @param nextSeqLeaf the seq-bearing leaf after it, or -1
   * @param expectedAt the leaf that carries the expected seq ({@code previousSeq + 1}), or -1
   */
  record Anomaly(long leaf, long seq, long previousLeaf, long previousSeq, long nextSeqLeaf,
      long expectedAt) {

    long expected() {
      return previousSeq + 1;
    }

    /** The first leaf shown wrong; for a gap after leaves without a seq, where it may start. */
    long firstLeaf() {
      if (previousLeaf >= 0 && seq <= previousSeq) {
        return leaf;
      }
      return missing() && previousLeaf < leaf - 1 ? previousLeaf + 1 : leaf;
    }

    /** Whether seqs are gone rather than moved: the expected seq never turns up later. */
    boolean missing() {
      return expectedAt < 0 && seq > expected();
    }

    /** One sentence naming the leaf, in terms of leaf indices and seqs. */
    String describe() {
      String where = "leaf " + leaf + " (" + BundleFiles.LEAVES + " line " + (leaf + 1) + ")";
      String after = previousLeaf < 0 ? "it is the first leaf with a seq"
          : "leaf " + previousLeaf + " carries seq " + previousSeq;
      if (previousLeaf >= 0 && seq <= previousSeq) {
        return where + (seq == previousSeq ? " repeats seq " + seq + " of leaf " + previousLeaf
            : " is out of order: it carries seq " + seq + " after " + after);
      }
      if (expectedAt >= 0) {
        if (expectedAt == nextSeqLeaf && seq == expected() + 1) {
          return "leaves " + leaf + " and " + expectedAt + " (" + BundleFiles.LEAVES + " lines "
              + (leaf + 1) + " and " + (expectedAt + 1) + ") are out of order: they carry seq "
              + seq + " and " + expected() + ", in that order";
        }
        return where + " is out of order: it carries seq " + seq + " where seq " + expected()
            + " was expected (" + after + "); seq " + expected() + " is at leaf " + expectedAt;
      }
      long gone = seq - expected();
      String jump = previousLeaf < 0
          ? "the first seq is " + seq + " but the ledger numbers its events from 1"
          : "seq jumps from " + previousSeq + " to " + seq;
      if (previousLeaf == leaf - 1) {
        return (gone == 1 ? "leaf " + leaf + " is missing"
            : "leaves " + leaf + " to " + (leaf + gone - 1) + " are missing") + " (" + jump + ")";
      }
      // Leaves without a seq lie before this one: the lost event may have been removed, or
      // replaced by one of them, so name the seqs and the span rather than one leaf.
      return (gone == 1 ? "the leaf of seq " + expected() + " is missing"
          : "the leaves of seqs " + expected() + " to " + (seq - 1) + " are missing")
          + (previousLeaf < 0 ? " before leaf " + leaf
              : " between leaves " + previousLeaf + " and " + leaf) + " (" + jump + ")";
    }
  }

  /** Reads the seq of leaf {@code index}, if it has one. */
  void accept(long index, byte[] bytes, int length) {
    long seq = seq(bytes, length);
    if (seq < 0) {
      return;
    }
    if (first != null) {
      if (nextSeqLeaf < 0) {
        nextSeqLeaf = index;
      }
      if (expectedAt < 0 && seq == first.expected()) {
        expectedAt = index;
      }
      return;
    }
    long expected = previousLeaf < 0 ? 1 : previousSeq + 1;
    // The first seq may be 0 or 1 (a test or an older numbering); only a larger one is a gap.
    boolean fine = previousLeaf < 0 ? seq <= 1 : seq == expected;
    if (!fine) {
      first = new Anomaly(index, seq, previousLeaf, previousLeaf < 0 ? 0 : previousSeq, -1, -1);
      return;
    }
    previousLeaf = index;
    previousSeq = seq;
  }

  /** The first anomaly, with what came after it, or null if the seqs count up by one. */
  Anomaly result() {
    return first == null ? null : new Anomaly(first.leaf(), first.seq(), first.previousLeaf(),
        first.previousSeq(), nextSeqLeaf, expectedAt);
  }

  /** The top-level seq a leaf ends with, ignoring one trailing carriage return; -1 if none. */
  static long seq(byte[] bytes, int length) {
    int end = length;
    if (end > 0 && bytes[end - 1] == '\r') {
      end--;
    }
    if (end == 0 || bytes[end - 1] != '}') {
      return -1;
    }
    int digitsEnd = end - 1;
    int digitsStart = digitsEnd;
    while (digitsStart > 0 && bytes[digitsStart - 1] >= '0' && bytes[digitsStart - 1] <= '9') {
      digitsStart--;
    }
    int digits = digitsEnd - digitsStart;
    if (digits == 0 || digits > MAX_DIGITS || (digits > 1 && bytes[digitsStart] == '0')) {
      return -1;
    }
    int keyStart = digitsStart - KEY.length;
    if (keyStart < 1 || (bytes[keyStart - 1] != ',' && bytes[keyStart - 1] != '{')) {
      return -1;
    }
    for (int i = 0; i < KEY.length; i++) {
      if (bytes[keyStart + i] != KEY[i]) {
        return -1;
      }
    }
    long seq = 0;
    for (int i = digitsStart; i < digitsEnd; i++) {
      seq = seq * 10 + (bytes[i] - '0');
    }
    return seq;
  }
}

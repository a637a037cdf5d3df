package dev.lethe.verify;

import java.util.Map;

/**
 * What one pass over the leaves found.
 *
 * @param recordedCount well-formed hashes read from leaf-hashes.txt before its end or a problem
 * @param recordedProblem the first format problem in leaf-hashes.txt, or null
 * @param leafCount leaves read from leaves.jsonl before its end or a problem
 * @param leafProblem the first format problem in leaves.jsonl, or null
 * @param firstMismatch index of the first leaf whose hash differs from its recorded hash, or -1
 * @param mismatchRecorded the recorded hash at {@code firstMismatch}
 * @param mismatchActual the hash of the leaf bytes at {@code firstMismatch}
 * @param recordedRoots root from the recorded hashes, per checkpoint size reached
 * @param leafRoots root from the leaf bytes, per checkpoint size reached
 * @param rotationCandidates the bytes of every leaf that mentions a key rotation, by index
 * @param diagnostics what helps name a tampering precisely; never decides whether it verifies
 */
record LeafAuditResult(
    long recordedCount,
    String recordedProblem,
    long leafCount,
    String leafProblem,
    long firstMismatch,
    byte[] mismatchRecorded,
    byte[] mismatchActual,
    Map<Long, byte[]> recordedRoots,
    Map<Long, byte[]> leafRoots,
    Map<Long, byte[]> rotationCandidates,
    Diagnostics diagnostics) {

  /** Indices looked at from the first mismatch on, to tell a removed leaf from an altered one. */
  static final int WINDOW = 3;

  /**
   * Facts that say what kind of tampering a failure is.
   *
   * @param mismatchIsCarriageReturn the leaf at {@code firstMismatch} ends with a carriage return
   *     and, without it, hashes to its recorded hash
   * @param leafHashes hashes of the leaves at {@code firstMismatch + i}, i &lt; {@link #WINDOW}
   *     (null where leaves.jsonl had none or there is no mismatch)
   * @param recordedHashes the recorded hashes at the same indices (null likewise)
   * @param seq where the leaves' seqs first stop counting up by one, or null
   * @param firstCarriageReturn the first leaf ending with a carriage return, or -1
   * @param carriageReturns how many leaves end with a carriage return
   */
  record Diagnostics(
      boolean mismatchIsCarriageReturn,
      byte[][] leafHashes,
      byte[][] recordedHashes,
      SeqOrder.Anomaly seq,
      long firstCarriageReturn,
      long carriageReturns) {}
}

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
    Map<Long, byte[]> rotationCandidates) {}

package dev.lethe.store;

/**
 * What {@link LedgerStore#compact} rewrote.
 *
 * @param what the file (H2) or table (PostgreSQL) rewritten
 * @param bytesBefore its size before, in bytes
 * @param bytesAfter its size after, in bytes
 */
public record Compacted(String what, long bytesBefore, long bytesAfter) {}

package dev.lethe.spark;

import java.io.Serializable;
import java.util.Comparator;

/**
 * The shuffle key of the record step's output: the shard a training line goes to and its
 * sequence number, so that sorting within a shard restores input order. A partial count of a
 * processing partition travels with shard {@code -1} (sorting before every shard) and the
 * partition's index as its sequence.
 */
final class ShardKey implements Serializable {

  private static final long serialVersionUID = 1L;

  /** The shard of partial counts. */
  static final int COUNTS = -1;

  /** Shard, then sequence. */
  static final Comparator<ShardKey> ORDER = new Order();

  int shard;
  long sequence;

  ShardKey(int shard, long sequence) {
    this.shard = shard;
    this.sequence = sequence;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ShardKey k && k.shard == shard && k.sequence == sequence;
  }

  @Override
  public int hashCode() {
    return 31 * shard + Long.hashCode(sequence);
  }

  @Override
  public String toString() {
    return shard + "/" + sequence;
  }

  private static final class Order implements Comparator<ShardKey>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public int compare(ShardKey a, ShardKey b) {
      int c = Integer.compare(a.shard, b.shard);
      return c != 0 ? c : Long.compare(a.sequence, b.sequence);
    }
  }
}

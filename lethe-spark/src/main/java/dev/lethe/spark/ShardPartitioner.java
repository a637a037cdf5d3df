package dev.lethe.spark;

import org.apache.spark.Partitioner;

/**
 * Sends all of a shard's lines to one writing partition (shard number modulo the partition
 * count), so one task writes each shard file; partial counts are spread by their partition index.
 */
final class ShardPartitioner extends Partitioner {

  private static final long serialVersionUID = 1L;

  private final int partitions;

  ShardPartitioner(int partitions) {
    if (partitions < 1) {
      throw new IllegalArgumentException("at least one partition, not " + partitions);
    }
    this.partitions = partitions;
  }

  @Override
  public int numPartitions() {
    return partitions;
  }

  @Override
  public int getPartition(Object key) {
    ShardKey k = (ShardKey) key;
    long slot = k.shard == ShardKey.COUNTS ? k.sequence : k.shard;
    return (int) Math.floorMod(slot, (long) partitions);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ShardPartitioner p && p.partitions == partitions;
  }

  @Override
  public int hashCode() {
    return partitions;
  }
}

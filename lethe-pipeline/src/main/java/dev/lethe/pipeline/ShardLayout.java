package dev.lethe.pipeline;

import dev.lethe.core.policy.Policy;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Region-aware sharding: every region of the policy in force gets its own group of {@code
 * shardsPerGroup} shards, and members of no region share a last group named {@code rest}. Within
 * a group a member's shard is {@code SHA-256(member id) mod shardsPerGroup}, so all of a member's
 * records sit in one shard, and withdrawing a whole region touches only that region's group.
 *
 * <p>A country listed by several regions goes to the first of them in name order. Shard numbers
 * are {@code groupIndex × shardsPerGroup + bucket}. Immutable and thread-safe.
 */
public final class ShardLayout {

  /** Name of the group of members whose country is in no region of the policy. */
  public static final String REST = "rest";

  private final List<String> groups;
  private final Map<String, Integer> groupOfCountry;
  private final int shardsPerGroup;

  private ShardLayout(List<String> groups, Map<String, Integer> groupOfCountry, int shardsPerGroup) {
    this.groups = List.copyOf(groups);
    this.groupOfCountry = Map.copyOf(groupOfCountry);
    this.shardsPerGroup = shardsPerGroup;
  }

  /**
   * The layout for a policy (null: no policy in force, one group).
   *
   * @throws IllegalArgumentException if {@code shardsPerGroup} is not between 1 and 4096
   */
  public static ShardLayout of(Policy policy, int shardsPerGroup) {
    if (shardsPerGroup < 1 || shardsPerGroup > 4096) {
      throw new IllegalArgumentException("shards per group must be between 1 and 4096, not " + shardsPerGroup);
    }
    Map<String, Set<String>> regions = policy == null ? Map.of() : new TreeMap<>(policy.regions());
    List<String> groups = new ArrayList<>(regions.keySet());
    groups.add(REST);
    Map<String, Integer> byCountry = new TreeMap<>();
    int index = 0;
    for (Set<String> countries : regions.values()) {
      for (String country : countries) {
        byCountry.putIfAbsent(country, index);
      }
      index++;
    }
    return new ShardLayout(groups, byCountry, shardsPerGroup);
  }

  /** Group names in group order; the last is {@link #REST}. */
  public List<String> groups() {
    return groups;
  }

  public int shardsPerGroup() {
    return shardsPerGroup;
  }

  /** Total number of shard slots (most may stay empty). */
  public int shardCount() {
    return groups.size() * shardsPerGroup;
  }

  /** The group index of a country (null or unknown countries go to {@link #REST}). */
  public int groupOf(String country) {
    Integer group = country == null ? null : groupOfCountry.get(country);
    return group == null ? groups.size() - 1 : group;
  }

  /** The group name of a shard number. */
  public String groupName(int shard) {
    return groups.get(shard / shardsPerGroup);
  }

  /** The shard of a member living in {@code country}. */
  public int shardOf(String member, String country) {
    return groupOf(country) * shardsPerGroup + bucket(member);
  }

  private int bucket(String member) {
    byte[] h = sha256(member.getBytes(StandardCharsets.UTF_8));
    long first = ((h[0] & 0xFFL) << 24) | ((h[1] & 0xFFL) << 16) | ((h[2] & 0xFFL) << 8) | (h[3] & 0xFFL);
    return (int) (first % shardsPerGroup);
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }
}

package dev.lethe.unlearn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One shard's interpolated Kneser–Ney model, ready for queries. Contexts are stored in a trie keyed
 * by the most recent token first, so one walk from the root visits the contexts of length 0, 1,
 * ..., n−1 of a position; each node holds the counts of the tokens that follow its context.
 *
 * <p>With h' the context h without its oldest token, c the raw counts at order n and the
 * continuation counts N1+(• h w) below, total(h) = Σ_w c(h w) and distinct(h) = |{w : c(h w) &gt;
 * 0}|:
 *
 * <pre>
 *   P(w | h) = max(c(h w) − D_k, 0) / total(h) + D_k · distinct(h) / total(h) · P(w | h')   if total(h) &gt; 0
 *   P(w | h) = P(w | h')                                                                   otherwise
 *   P(w | ε) interpolates with the uniform distribution 1 / |V| over the model's vocabulary V
 * </pre>
 *
 * where k = |h| + 1. D_k = n1 / (n1 + 2 n2) from the counts-of-counts of table k (Ney, Essen and
 * Kneser 1994), or the customary fixed 0.75 when n1 or n2 is 0 (tiny shards). Every count is at
 * least 1 and 0 &lt; D_k ≤ 1, so each level's weights add up to 1 and the distribution over V
 * sums to 1. Immutable and thread-safe.
 */
final class KneserNeyShard {

  static final double FALLBACK_DISCOUNT = 0.75;

  final int order;
  final long records;
  final long tokens;
  final String[] vocabulary;
  /** discount[k] for n-grams of order k (index 0 unused). */
  final double[] discount;
  final Node root;

  private KneserNeyShard(KneserNeyCounts counts) {
    this.order = counts.order;
    this.records = counts.records;
    this.tokens = counts.tokens;
    this.vocabulary = counts.vocabulary;
    this.discount = new double[order + 1];
    Builder rootBuilder = new Builder();
    for (int k = 1; k <= order; k++) {
      int[] ids = counts.ids[k - 1];
      long[] c = counts.counts[k - 1];
      long n1 = 0;
      long n2 = 0;
      for (int i = 0; i < c.length; i++) {
        n1 += c[i] == 1 ? 1 : 0;
        n2 += c[i] == 2 ? 1 : 0;
        Builder node = rootBuilder;
        for (int j = k - 2; j >= 0; j--) {
          node = node.child(ids[i * k + j]);
        }
        node.add(ids[i * k + k - 1], c[i]);
      }
      discount[k] = n1 > 0 && n2 > 0 ? (double) n1 / (n1 + 2.0 * n2) : FALLBACK_DISCOUNT;
    }
    this.root = rootBuilder.freeze();
  }

  static KneserNeyShard of(KneserNeyCounts counts) {
    return new KneserNeyShard(counts);
  }

  /**
   * Collects the context nodes of a position: {@code nodes[j]} is the node of the last j context
   * tokens. {@code localContext} holds the n−1 context tokens oldest first (−1: unknown here).
   *
   * @return how many nodes were found (at least 1: the root)
   */
  int contexts(int[] localContext, Node[] nodes) {
    nodes[0] = root;
    int found = 1;
    for (int j = 1; j < order; j++) {
      int id = localContext[localContext.length - j];
      Node next = id < 0 ? null : nodes[j - 1].child(id);
      if (next == null) {
        break;
      }
      nodes[j] = next;
      found++;
    }
    return found;
  }

  /** P(token | context) for the context nodes found by {@link #contexts}, uniform base 1/vocabularySize. */
  double probability(Node[] nodes, int found, int token, double uniform) {
    double p = uniform;
    for (int j = 0; j < found; j++) {
      Node node = nodes[j];
      if (node.total == 0) {
        continue;
      }
      long c = token < 0 ? 0 : node.count(token);
      double d = discount[j + 1];
      p = Math.max(c - d, 0) / node.total + d * node.nextIds.length / node.total * p;
    }
    return p;
  }

  /** A context of the trie with the tokens that follow it. */
  static final class Node {
    private static final Node[] NO_CHILDREN = new Node[0];

    final int[] childIds;
    final Node[] children;
    final int[] nextIds;
    final long[] nextCounts;
    final long total;

    Node(int[] childIds, Node[] children, int[] nextIds, long[] nextCounts) {
      this.childIds = childIds;
      this.children = children.length == 0 ? NO_CHILDREN : children;
      this.nextIds = nextIds;
      this.nextCounts = nextCounts;
      long sum = 0;
      for (long c : nextCounts) {
        sum += c;
      }
      this.total = sum;
    }

    Node child(int id) {
      int i = Arrays.binarySearch(childIds, id);
      return i < 0 ? null : children[i];
    }

    long count(int id) {
      int i = Arrays.binarySearch(nextIds, id);
      return i < 0 ? 0 : nextCounts[i];
    }
  }

  /** A trie node under construction. */
  private static final class Builder {
    private final Map<Integer, Builder> children = new HashMap<>();
    private final List<long[]> next = new ArrayList<>();

    Builder child(int id) {
      return children.computeIfAbsent(id, i -> new Builder());
    }

    void add(int id, long count) {
      next.add(new long[] {id, count});
    }

    Node freeze() {
      int[] childIds = children.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
      Node[] frozen = new Node[childIds.length];
      for (int i = 0; i < childIds.length; i++) {
        frozen[i] = children.get(childIds[i]).freeze();
      }
      // Entries of one context arrive in id order (tables are sorted); sort anyway, it is cheap.
      next.sort((a, b) -> Long.compare(a[0], b[0]));
      int[] ids = new int[next.size()];
      long[] counts = new long[next.size()];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = (int) next.get(i)[0];
        counts[i] = next.get(i)[1];
      }
      return new Node(childIds, frozen, ids, counts);
    }
  }
}

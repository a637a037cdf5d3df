package dev.lethe.unlearn;

import java.util.Arrays;

/** An n-gram of token ids as a hash key with lexicographic order (ids compared as ints). */
final class Gram implements Comparable<Gram> {

  final int[] ids;
  private final int hash;

  Gram(int[] ids) {
    this.ids = ids;
    this.hash = Arrays.hashCode(ids);
  }

  Gram suffix(int length) {
    return new Gram(Arrays.copyOfRange(ids, ids.length - length, ids.length));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Gram g && g.hash == hash && Arrays.equals(g.ids, ids);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public int compareTo(Gram o) {
    return Arrays.compare(ids, o.ids);
  }
}

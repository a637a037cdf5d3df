package dev.lethe.redact;

import com.hankcs.algorithm.AhoCorasickDoubleArrayTrie;
import java.util.Collection;
import java.util.Objects;
import java.util.TreeMap;

/** Aho-Corasick over folded member names; the trie is read-only after build, so shareable. */
final class DirectoryMatcher implements MemberDirectory {
  static final DirectoryMatcher EMPTY = new DirectoryMatcher(null, 0);
  static final double SCORE = 0.95;

  private final AhoCorasickDoubleArrayTrie<Integer> trie;
  private final int size;

  private DirectoryMatcher(AhoCorasickDoubleArrayTrie<Integer> trie, int size) {
    this.trie = trie;
    this.size = size;
  }

  static DirectoryMatcher build(Collection<String> names) {
    Objects.requireNonNull(names, "names");
    TreeMap<String, Integer> keys = new TreeMap<>();
    for (String n : names) {
      if (n == null) {
        continue;
      }
      String k = normalise(n);
      // One-letter "names" would match initials everywhere.
      if (k.codePointCount(0, k.length()) >= 2) {
        keys.put(k, k.length());
      }
    }
    if (keys.isEmpty()) {
      return EMPTY;
    }
    AhoCorasickDoubleArrayTrie<Integer> trie = new AhoCorasickDoubleArrayTrie<>();
    trie.build(keys);
    return new DirectoryMatcher(trie, keys.size());
  }

  /** Folded, whitespace runs collapsed to one space; same folding as {@link #find}'s text. */
  private static String normalise(String name) {
    return TextFold.foldForIdentity(name);
  }

  @Override
  public int size() {
    return size;
  }

  /**
   * Adds a PERSON hit for each whole-word occurrence of a member name. The text is folded as the
   * names were, whitespace runs included ("Ada  Lovelace" or a line break between the two words
   * is still the member), and each hit is mapped back to the text's own offsets.
   */
  void find(String text, Hits out) {
    if (trie == null) {
      return;
    }
    int n = text.length();
    char[] folded = new char[n];
    int[] origin = new int[n + 1]; // folded index to text index
    int m = 0;
    boolean space = false;
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c)) {
        if (space) {
          continue; // a run of whitespace is one space, as in the folded names
        }
        space = true;
        folded[m] = ' ';
      } else {
        space = false;
        folded[m] = TextFold.foldChar(c);
      }
      origin[m++] = i;
    }
    trie.parseText(
        new String(folded, 0, m),
        (begin, end, value) -> {
          int from = origin[begin];
          int to = origin[end - 1] + 1;
          boolean left = from == 0 || !TextFold.isWordChar(text.charAt(from - 1));
          boolean right = to == n || !TextFold.isWordChar(text.charAt(to));
          if (left && right) {
            out.add(EntityType.PERSON, from, to, SCORE);
          }
        });
  }
}

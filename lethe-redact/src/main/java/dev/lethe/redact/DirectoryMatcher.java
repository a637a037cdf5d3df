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

  /** Adds a PERSON hit for each whole-word occurrence of a member name. */
  void find(String text, Hits out) {
    if (trie == null) {
      return;
    }
    char[] folded = new char[text.length()];
    for (int i = 0; i < folded.length; i++) {
      char c = text.charAt(i);
      folded[i] = Character.isWhitespace(c) ? ' ' : TextFold.foldChar(c);
    }
    trie.parseText(
        new String(folded),
        (begin, end, value) -> {
          boolean left = begin == 0 || !TextFold.isWordChar(text.charAt(begin - 1));
          boolean right = end == text.length() || !TextFold.isWordChar(text.charAt(end));
          if (left && right) {
            out.add(EntityType.PERSON, begin, end, SCORE);
          }
        });
  }
}

package dev.lethe.redact;

import com.hankcs.algorithm.AhoCorasickDoubleArrayTrie;
import dev.lethe.core.event.ErasedNameKey;
import dev.lethe.core.event.NameDigest;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Aho-Corasick over folded member names, and keyed digests of erased members' names tried on every
 * stretch of the folded text that could be one; read-only after build, so shareable.
 */
final class DirectoryMatcher implements MemberDirectory {
  static final DirectoryMatcher EMPTY = new DirectoryMatcher(null, 0, null, new long[0], 0);
  static final double SCORE = 0.95;

  private final AhoCorasickDoubleArrayTrie<Integer> trie;
  private final int names;
  private final ErasedNameKey key;
  /** The erased names' distinct hashes, in an open-addressing table (see {@link #holds}). */
  private final long[] erased;
  private final int erasedCount;
  /** Whether 0, the table's empty slot, is one of the hashes. */
  private final boolean erasedZero;
  /**
   * One bit per 16 hashes' worth of bits, set at each hash's high bits: most stretches tried are
   * not names, and this small a filter stays in the processor's nearest cache, where the table
   * would not; one in sixteen or fewer gets past it to the table.
   */
  private final long[] filter;
  /** Bit w set when some erased name has w words. */
  private final int erasedWords;
  private final int maxErasedWords;

  private DirectoryMatcher(AhoCorasickDoubleArrayTrie<Integer> trie, int names, ErasedNameKey key, long[] erased,
      int erasedWords) {
    this.trie = trie;
    this.names = names;
    this.key = key;
    this.erased = table(erased);
    this.erasedCount = erased.length;
    this.erasedZero = Arrays.stream(erased).anyMatch(h -> h == 0);
    this.filter = filter(erased);
    this.erasedWords = erasedWords;
    this.maxErasedWords = 31 - Integer.numberOfLeadingZeros(erasedWords);
  }

  static DirectoryMatcher build(Collection<String> names) {
    return build(names, null, List.of());
  }

  static DirectoryMatcher build(Collection<String> names, ErasedNameKey key, Collection<NameDigest> digests) {
    Objects.requireNonNull(names, "names");
    Objects.requireNonNull(digests, "digests");
    if (!digests.isEmpty()) {
      Objects.requireNonNull(key, "key");
    }
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
    long[] hashes = new long[digests.size()];
    int words = 0;
    int i = 0;
    for (NameDigest d : digests) {
      key.check(d);
      hashes[i++] = d.hash();
      words |= 1 << d.words();
    }
    hashes = Arrays.stream(hashes).sorted().distinct().toArray();
    if (keys.isEmpty() && hashes.length == 0) {
      return EMPTY;
    }
    AhoCorasickDoubleArrayTrie<Integer> trie = null;
    if (!keys.isEmpty()) {
      trie = new AhoCorasickDoubleArrayTrie<>();
      trie.build(keys);
    }
    return new DirectoryMatcher(trie, keys.size(), hashes.length == 0 ? null : key, hashes, words);
  }

  /** Folded, whitespace runs collapsed to one space; same folding as {@link #find}'s text. */
  private static String normalise(String name) {
    return TextFold.foldForIdentity(name);
  }

  @Override
  public int size() {
    return names + erasedCount;
  }

  /**
   * Adds a PERSON hit for each whole-word occurrence of a member name. The text is folded as the
   * names were, whitespace runs included ("Ada  Lovelace" or a line break between the two words
   * is still the member), and each hit is mapped back to the text's own offsets.
   */
  void find(String text, Hits out) {
    if (trie == null && erasedCount == 0) {
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
    if (trie != null) {
      trie.parseText(
          new String(folded, 0, m),
          (begin, end, value) -> {
            int from = origin[begin];
            int to = origin[end - 1] + 1;
            if (wholeWords(text, from, to)) {
              out.add(EntityType.PERSON, from, to, SCORE);
            }
          });
    }
    if (erasedCount > 0) {
      findErased(text, folded, m, origin, out);
    }
  }

  /**
   * The hashes in a linear-probing table at most half full, indexed by their low bits: they are
   * keyed hashes, so already uniform, and a look-up is one cache line where a binary search over
   * thousands of names costs a dozen misses, for every stretch of text tried.
   */
  private static long[] table(long[] hashes) {
    if (hashes.length == 0) {
      return hashes;
    }
    long[] t = new long[Integer.highestOneBit(hashes.length * 2 - 1) << 1];
    int mask = t.length - 1;
    for (long h : hashes) {
      if (h == 0) {
        continue; // the empty slot's value: answered by erasedZero
      }
      int i = (int) h & mask;
      while (t[i] != 0) {
        i = (i + 1) & mask;
      }
      t[i] = h;
    }
    return t;
  }

  private static long[] filter(long[] hashes) {
    if (hashes.length == 0) {
      return hashes;
    }
    long[] f = new long[Math.max(1, Integer.highestOneBit(hashes.length * 16 - 1) >>> 5)];
    int mask = f.length * 64 - 1;
    for (long h : hashes) {
      int bit = (int) (h >>> 40) & mask;
      f[bit >>> 6] |= 1L << bit;
    }
    return f;
  }

  private boolean holds(long h) {
    int bit = (int) (h >>> 40) & (filter.length * 64 - 1);
    if ((filter[bit >>> 6] & (1L << bit)) == 0) {
      return false;
    }
    if (h == 0) {
      return erasedZero;
    }
    int mask = erased.length - 1;
    for (int i = (int) h & mask; ; i = (i + 1) & mask) {
      long v = erased[i];
      if (v == h) {
        return true;
      }
      if (v == 0) {
        return false;
      }
    }
  }

  private static boolean wholeWords(String text, int from, int to) {
    return (from == 0 || !TextFold.isWordChar(text.charAt(from - 1)))
        && (to == text.length() || !TextFold.isWordChar(text.charAt(to)));
  }

  /**
   * Adds a PERSON hit wherever the folded text holds an erased member's name: the same places the
   * trie would find the name itself, tried by digest (a name with punctuation at either end is
   * digested without it, see {@link ErasedNameKey#digest}, so it matches there too). Every
   * stretch that starts and ends with an edge char, has no word char on either side and spans as
   * many words as some erased name is hashed and looked up, so the work grows with the text and
   * the longest name, not with the number of names. The ends are found once per text; each start
   * then walks the ends of its next few words only.
   */
  private void findErased(String text, char[] folded, int m, int[] origin, Hits out) {
    // One pass finds where a name may start and where it may stop. Whether the text's char behind
    // folded[i] is a word char (a space stands for whitespace, never one) decides both: a stretch
    // may start at p when folded[p - 1] is not a word char and end before q when folded[q] is not,
    // since the chars next to a stretch in the text are those behind its neighbours in the folded
    // text, a whitespace run being one space.
    int[] starts = new int[m];
    int[] startSpaces = new int[m];
    int[] ends = new int[m];
    int[] endSpaces = new int[m];
    int startCount = 0;
    int endCount = 0;
    int spaces = 0;
    boolean previousWord = false;
    for (int i = 0; i <= m; i++) {
      boolean word = i < m && folded[i] != ' ' && TextFold.isWordChar(text.charAt(origin[i]));
      if (i > 0 && !word && ErasedNameKey.isEdge(folded[i - 1])) {
        ends[endCount] = i;
        endSpaces[endCount++] = spaces;
      }
      if (i == m) {
        break;
      }
      if (folded[i] == ' ') {
        spaces++;
      } else if (!previousWord && ErasedNameKey.isEdge(folded[i])) {
        starts[startCount] = i;
        startSpaces[startCount++] = spaces;
      }
      previousWord = word;
    }
    int first = 0;
    for (int s = 0; s < startCount; s++) {
      int p = starts[s];
      while (first < endCount && ends[first] <= p) {
        first++;
      }
      for (int j = first; j < endCount; j++) {
        int words = endSpaces[j] - startSpaces[s] + 1;
        if (words > maxErasedWords) {
          break;
        }
        int q = ends[j];
        if ((erasedWords & (1 << words)) != 0 && holds(key.hash(folded, p, q))) {
          out.add(EntityType.PERSON, origin[p], origin[q - 1] + 1, SCORE);
        }
      }
    }
  }



}

package dev.lethe.redact;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Names announced by the text itself: "my name is ...", "Name: ...", "Mr. ...", "I'm ..." (the
 * last only for words in the name list). The name is the capitalised words (or listed names) that
 * follow, with middle initials.
 */
final class NameCues {
  private static final String[][] STRONG = {
    {"my", "name", "is"}, {"name", ":"}, {"name", "is"}, {"called"}, {"mr"}, {"mrs"}, {"ms"},
    {"dr"}, {"miss"}, {"dear"}, {"call", "me"}, {"said"}, {"signed"}, {"regards", ","},
    {"from", ":"}, {"to", ":"}, {"contact", ":"}, {"name", "?"}
  };
  private static final String[][] WEAK = {{"i", "'m"}, {"i", "am"}, {"im"}, {"this", "is"}, {"with"}, {"and"}, {"to"}};
  /** The longest first word of a cue: a longer token starts none. */
  private static final int MAX_FIRST = 7;
  /**
   * The cues of {@link #STRONG} and {@link #WEAK} by their first word, each list in the order of
   * its array: most tokens start no cue, and the token's {@link Lexicon#NAME_CUE} bit tells so,
   * where comparing it with every cue's first word was the costliest part of the person rules.
   */
  private static final Map<String, String[][]> STRONG_BY_FIRST = byFirstWord(STRONG);
  private static final Map<String, String[][]> WEAK_BY_FIRST = byFirstWord(WEAK);
  private static final String[][] NONE = new String[0][];
  /** The first words of all cues. */
  static final Set<String> FIRST_WORDS = firstWords();
  /**
   * The first words again, with their hashes and cues side by side, for an ASCII token that the
   * lexicon says starts a cue: its lower case's hash picks the word without making its string.
   */
  private static final String[] FIRST = FIRST_WORDS.stream().sorted().toArray(String[]::new);
  private static final int[] FIRST_HASHES = Arrays.stream(FIRST).mapToInt(String::hashCode).toArray();
  private static final String[][][] STRONG_OF =
      Arrays.stream(FIRST).map(w -> STRONG_BY_FIRST.getOrDefault(w, NONE)).toArray(String[][][]::new);
  private static final String[][][] WEAK_OF =
      Arrays.stream(FIRST).map(w -> WEAK_BY_FIRST.getOrDefault(w, NONE)).toArray(String[][][]::new);

  private static Set<String> firstWords() {
    Set<String> s = new HashSet<>(STRONG_BY_FIRST.keySet());
    s.addAll(WEAK_BY_FIRST.keySet());
    return Set.copyOf(s);
  }

  private static Map<String, String[][]> byFirstWord(String[][] cues) {
    Map<String, List<String[]>> lists = new HashMap<>();
    for (String[] cue : cues) {
      lists.computeIfAbsent(cue[0], w -> new ArrayList<>()).add(cue);
    }
    Map<String, String[][]> m = new HashMap<>();
    lists.forEach((w, l) -> m.put(w, l.toArray(new String[0][])));
    return Map.copyOf(m);
  }

  void scan(Tokens tk, Hits out) {
    boolean lowerText = tk.allLowerCase();
    for (int k = 0; k < tk.size; k++) {
      if (tk.length(k) > MAX_FIRST) {
        continue; // no cue starts with so long a word
      }
      int after;
      boolean strong;
      if (tk.ascii(k)) {
        // An ASCII token equals a cue word ignoring case exactly when its lower case does.
        if (!tk.mayBe(k, Lexicon.NAME_CUE)) {
          continue;
        }
        int w = firstWord(tk, k);
        if (w < 0) {
          continue;
        }
        after = match(tk, k, STRONG_OF[w]);
        strong = after > 0;
        if (!strong) {
          after = match(tk, k, WEAK_OF[w]);
        }
      } else {
        // Case-insensitive equality also holds for some non-ASCII chars (the long s is "s"):
        // compare with every cue, as the rule is written.
        after = match(tk, k, STRONG);
        strong = after > 0;
        if (!strong) {
          after = match(tk, k, WEAK);
        }
      }
      if (after <= 0) {
        continue;
      }
      if (after < tk.size && tk.is(after, ".")) {
        after++;
      }
      int e = name(tk, after, strong, lowerText);
      if (e > after) {
        out.add(EntityType.PERSON, tk.starts[after], tk.ends[e - 1], strong ? 0.75 : 0.55);
      }
    }
  }


  /** The index in {@link #FIRST} of the ASCII token k's lower case, or -1. */
  private static int firstWord(Tokens tk, int k) {
    int h = tk.lowerHash(k);
    for (int i = 0; i < FIRST.length; i++) {
      if (FIRST_HASHES[i] == h && tk.is(k, FIRST[i])) {
        return i;
      }
    }
    return -1;
  }

  private static int match(Tokens tk, int k, String[][] cues) {
    for (String[] cue : cues) {
      if (k + cue.length > tk.size) {
        continue;
      }
      boolean ok = true;
      for (int j = 0; j < cue.length && ok; j++) {
        ok = tk.is(k + j, cue[j]);
      }
      if (ok) {
        return k + cue.length;
      }
    }
    return -1;
  }

  /** End of the name starting at k: up to three name words, initials allowed between them. */
  private static int name(Tokens tk, int k, boolean strong, boolean lowerText) {
    int e = k;
    int words = 0;
    int listed = 0;
    while (e < tk.size && words < 3 && (e == k || !tk.newlineBefore(e))) {
      if (!tk.word(e)) {
        break;
      }
      boolean initial = tk.length(e) == 1 && tk.capitalized(e) && e + 1 < tk.size && tk.is(e + 1, ".");
      if (initial && e > k) {
        e += 2;
        continue;
      }
      boolean cap = tk.capitalized(e) && !(tk.length(e) > 1 && Character.isUpperCase(tk.text.charAt(tk.starts[e] + 1)));
      if (!cap && !lowerText && !strong) {
        break; // only a listed word could go on, and only in lower-case text or after a strong cue
      }
      boolean inList = tk.listedName(e) && !tk.commonWord(e);
      if (!(cap || inList)) {
        break;
      }
      listed += inList ? 1 : 0;
      e++;
      words++;
    }
    if (words == 0) {
      return k;
    }
    // After a weak cue ("I'm", "and") only names from the list count, and all words must be listed.
    if (!strong && listed < words) {
      return k;
    }
    return e;
  }
}

package dev.lethe.redact;

import dev.lethe.redact.nlp.CommonWords;
import dev.lethe.redact.nlp.NameGazetteer;

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

  void scan(Tokens tk, Hits out) {
    boolean lowerText = tk.allLowerCase();
    for (int k = 0; k < tk.size; k++) {
      int after = match(tk, k, STRONG);
      boolean strong = after > 0;
      if (!strong) {
        after = match(tk, k, WEAK);
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
      boolean inList = NameGazetteer.contains(tk.token(e)) && !CommonWords.contains(tk.token(e));
      boolean cap = tk.capitalized(e) && !(tk.length(e) > 1 && Character.isUpperCase(tk.text.charAt(tk.starts[e] + 1)));
      if (!(cap || (lowerText && inList) || (strong && inList))) {
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

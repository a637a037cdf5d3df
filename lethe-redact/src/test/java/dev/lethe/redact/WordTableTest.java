package dev.lethe.redact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class WordTableTest {

  @Test
  void answersItsWordsInAnyCaseAndNothingElse() {
    Map<String, Integer> words = new TreeMap<>();
    words.put("az", 1);
    words.put("hello", 2);
    words.put("abcdefgh", 4);
    words.put("abcdefghij", 8);
    words.put("internationally", 16);
    words.put("x", WordTable.MAX_BITS);
    words.put("www.a-b.io/x?y=1", 32); // any ASCII, as URL tokens are
    WordTable t = table(words);
    words.forEach((w, bits) -> {
      assertThat(bits(t, w)).as(w).isEqualTo(bits);
      assertThat(bits(t, w.toUpperCase(Locale.ROOT))).as(w).isEqualTo(bits);
      assertThat(t.mayHold(w.hashCode())).as(w).isTrue();
    });
    assertThat("b[".hashCode()).isEqualTo("az".hashCode()); // same hash, so same slot and filter bits
    for (String w : new String[] {"b[", "abcdefghik", "abcdefgi", "abcdefg", "abcdefghi", "abcdefghijk",
        "internationallx", "hell", "helloo", "xx", "", "aZ\u00e9", "ab\u0000"}) {
      assertThat(bits(t, w)).as(w).isZero();
    }
    assertThat(t.size()).isEqualTo(words.size());
  }

  /**
   * Many words and many more that are not in the table: the ones that pass the filter (sharing
   * its bits with some word) or share a home slot with one are still answered 0, and the batch
   * look-up answers as the single one.
   */
  @Test
  void wordsOutsideTheTableAnswerZeroThoughTheyShareFilterBitsOrSlots() {
    Random r = new Random(7);
    Map<String, Integer> words = new HashMap<>();
    while (words.size() < 5000) {
      words.put(word(r), 1 + r.nextInt(WordTable.MAX_BITS));
    }
    WordTable t = table(new TreeMap<>(words));
    StringBuilder text = new StringBuilder();
    for (String w : words.keySet()) {
      text.append(w.toUpperCase(Locale.ROOT)).append(' ');
    }
    int passed = 0;
    for (int i = 0; i < 100_000; i++) {
      String w = word(r);
      if (!words.containsKey(w)) {
        passed += t.mayHold(w.hashCode()) ? 1 : 0;
        assertThat(bits(t, w)).as(w).isZero();
        if (i < 20_000) {
          text.append(w).append(' ');
        }
      }
    }
    assertThat(passed).isPositive(); // the probe behind the filter was reached
    // Tokens as the rules probe them: capitalised, inside a text, by their lower case's hash.
    Tokens tk = Tokens.of(text.toString());
    for (int k = 0; k < tk.size; k++) {
      String w = tk.token(k).toLowerCase(Locale.ROOT);
      assertThat(t.bits(tk.chars, tk.starts[k], tk.ends[k], tk.lowerHash(k))).as(w)
          .isEqualTo(words.getOrDefault(w, 0));
    }
  }

  @Test
  void rejectsWhatItCannotHold() {
    assertThatThrownBy(() -> table(Map.of("Abc", 1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> table(Map.of("", 1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> table(Map.of("z\u00e9", 1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> table(Map.of("abc", 0))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> table(Map.of("abc", WordTable.MAX_BITS + 1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> table(Map.of("a".repeat(256), 1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new WordTable(new String[] {"abcdefghij", "abcdefghij"}, new int[] {1, 2}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** Letters mostly, sometimes a digit or a hyphen; 1 to 12 chars, so some have tails. */
  private static String word(Random r) {
    char[] c = new char[1 + r.nextInt(12)];
    for (int i = 0; i < c.length; i++) {
      int x = r.nextInt(40);
      c[i] = x < 26 ? (char) ('a' + x) : x < 36 ? (char) ('0' + x - 26) : i > 0 ? '-' : 'q';
    }
    return new String(c);
  }

  private static WordTable table(Map<String, Integer> words) {
    String[] w = words.keySet().toArray(new String[0]);
    Arrays.sort(w);
    return new WordTable(w, Arrays.stream(w).mapToInt(words::get).toArray());
  }

  private static int bits(WordTable t, String w) {
    char[] text = ("(" + w + ")").toCharArray();
    return t.bits(text, 1, 1 + w.length(), w.toLowerCase(Locale.ROOT).hashCode());
  }
}

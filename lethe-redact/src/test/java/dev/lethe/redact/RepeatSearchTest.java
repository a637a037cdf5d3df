package dev.lethe.redact;

import static org.assertj.core.api.Assertions.assertThat;

import com.hankcs.algorithm.AhoCorasickDoubleArrayTrie;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link PolicyRedactor#inTrieOrder} replaces the Aho-Corasick trie for short records; which of
 * two overlapping repeats is redacted depends on the order of the reports, so it must report
 * exactly what the trie reports, in the same order.
 */
class RepeatSearchTest {

  @Provide
  Arbitrary<String> texts() {
    return Arbitraries.strings().withChars("ab c").ofMinLength(0).ofMaxLength(80);
  }

  @Provide
  Arbitrary<List<String>> keys() {
    return Arbitraries.strings().withChars("ab c").ofMinLength(1).ofMaxLength(6).list().ofMinSize(1).ofMaxSize(30);
  }

  @Property(tries = 3000)
  void reportsWhatTheTrieReportsInItsOrder(@ForAll("texts") String text, @ForAll("keys") List<String> keys) {
    TreeMap<String, Integer> values = new TreeMap<>();
    for (String k : keys) {
      values.putIfAbsent(k, values.size());
    }
    List<String> expected = new ArrayList<>();
    AhoCorasickDoubleArrayTrie<Integer> trie = new AhoCorasickDoubleArrayTrie<>();
    trie.build(values);
    AhoCorasickDoubleArrayTrie.IHit<Integer> collect = (b, e, v) -> expected.add(b + "-" + e + ":" + v);
    trie.parseText(text, collect);
    List<String> actual = new ArrayList<>();
    PolicyRedactor.inTrieOrder(text, values, (b, e, v) -> actual.add(b + "-" + e + ":" + v));
    assertThat(actual).isEqualTo(expected);
  }
}

package dev.lethe.unlearn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class KneserNeyTest {

  /** A model that only has the three required methods, so every other method is the interface's reference implementation. */
  record Reference(Model model) implements Model {
    @Override
    public String digest() {
      return model.digest();
    }

    @Override
    public List<String> vocabulary() {
      return model.vocabulary();
    }

    @Override
    public double probability(List<String> context, String token) {
      return model.probability(context, token);
    }
  }

  static Model train(int order, List<List<String>> shards) {
    ShardTrainer trainer = ShardTrainer.kneserNey(order);
    List<ShardModel> artefacts = new ArrayList<>();
    for (int s = 0; s < shards.size(); s++) {
      artefacts.add(trainer.train(s, shards.get(s), 0));
    }
    return trainer.aggregate(artefacts);
  }

  @Test
  void handComputedTrigramExample() {
    // Sentences: <s> <s> a b </s> (twice), <s> <s> a c </s>.
    Model m = train(3, List.of(List.of("a b", "a c", "a b")));
    // Discounts: trigrams n1=2 (<s> a c, a c </s>), n2=2 (<s> a b, a b </s>): D3 = 2/(2+4) = 1/3.
    // Bigram continuation counts are all 1 (n2 = 0): D2 = 0.75. Unigram continuation counts
    // a=1 b=1 c=1 </s>=2: D1 = 3/(3+2) = 0.6; total 5, 4 distinct; |V| = {</s>,a,b,c,<unk>} = 5.
    double d1 = 0.6;
    double d2 = 0.75;
    double d3 = 1.0 / 3;
    double uniformShare = d1 * 4 / 5 * (1.0 / 5);
    double p1b = (1 - d1) / 5 + uniformShare;
    double p1a = (1 - d1) / 5 + uniformShare;
    double p1unk = uniformShare;
    double p2bGivenA = (1 - d2) / 2 + d2 * 2 / 2 * p1b;
    double p3bGivenSA = (2 - d3) / 3 + d3 * 2 / 3 * p2bGivenA;
    assertThat(m.vocabulary()).containsExactly("</s>", "a", "b", "c", "<unk>");
    assertThat(m.probability(List.of("a"), "b")).isCloseTo(p3bGivenSA, within(1e-12));
    assertThat(p3bGivenSA).isCloseTo(5.0 / 9 + 2.0 / 9 * 0.257, within(1e-12));
    double p2unkGivenA = d2 * 2 / 2 * p1unk;
    assertThat(m.probability(List.of("a"), "zebra")).isCloseTo(d3 * 2 / 3 * p2unkGivenA, within(1e-12));
    assertThat(m.probability(List.of("a"), Tokenizer.UNK)).isEqualTo(m.probability(List.of("a"), "zebra"));
    double p2aGivenS = (1 - d2) / 1 + d2 * 1 / 1 * p1a;
    assertThat(m.probability(List.of(), "a")).isCloseTo((3 - d3) / 3 + d3 * 1 / 3 * p2aGivenS, within(1e-12));
    assertThat(m.probability(List.of(), Tokenizer.BOS)).isZero();
    // Context outside the vocabulary backs off to the unigram level.
    assertThat(m.probability(List.of("zebra", "zebra"), "b")).isCloseTo(p1b, within(1e-12));
  }

  @Test
  void theAggregateIsTheTokenWeightedAverageOfTheShards() {
    List<String> one = List.of("a b", "a c");
    List<String> two = List.of("b b b c", "c a");
    Model whole = train(3, List.of(one, two));
    // The shards alone, but over the shared vocabulary (each shard saw all of a, b, c).
    Model first = train(3, List.of(one));
    Model second = train(3, List.of(two));
    double w1 = 6.0 / (6 + 8); // predicted tokens: 3 + 3 vs 5 + 3
    for (List<String> context : List.of(List.<String>of(), List.of("a"), List.of("b", "b"), List.of("c", "zebra"))) {
      for (String token : List.of("a", "b", "c", Tokenizer.EOS, "zebra")) {
        assertThat(whole.probability(context, token)).as("%s | %s", token, context)
            .isCloseTo(w1 * first.probability(context, token) + (1 - w1) * second.probability(context, token), within(1e-12));
      }
    }
  }

  @Provide
  Arbitrary<List<String>> texts() {
    Arbitrary<String> word = Arbitraries.of("x", "y", "z", "w", "v", "u", "1", "2", ",", ".", "!");
    Arbitrary<String> text = word.list().ofMinSize(0).ofMaxSize(12).map(ws -> String.join(" ", ws));
    return text.list().ofMinSize(0).ofMaxSize(15);
  }

  @Provide
  Arbitrary<List<List<String>>> contexts() {
    return Arbitraries.of("x", "y", "z", "w", "1", ",", "never-seen").list().ofMaxSize(5).list().ofMaxSize(4);
  }

  @Property(tries = 80)
  void nextTokenProbabilitiesSumToOneOverTheVocabulary(
      @ForAll("texts") List<String> shardA,
      @ForAll("texts") List<String> shardB,
      @ForAll @IntRange(min = 3, max = 5) int order,
      @ForAll("contexts") List<List<String>> contexts) {
    for (Model m : List.of(train(order, List.of(shardA)), train(order, List.of(shardA, shardB)))) {
      List<List<String>> all = new ArrayList<>(contexts);
      all.add(List.of());
      for (List<String> context : all) {
        double sum = 0;
        for (String token : m.vocabulary()) {
          double p = m.probability(context, token);
          assertThat(p).as("P(%s | %s)", token, context).isGreaterThan(0).isLessThanOrEqualTo(1);
          sum += p;
        }
        assertThat(sum).as("context %s", context).isCloseTo(1.0, within(1e-9));
      }
    }
  }

  @Property(tries = 30)
  void fastScoringAndGenerationAgreeExactlyWithTheReferenceImplementations(
      @ForAll("texts") List<String> shardA, @ForAll("texts") List<String> shardB, @ForAll long seed) {
    Model m = train(3, List.of(shardA, shardB, List.of("my pin is 12 3", "pin is 9")));
    Model reference = new Reference(m);
    for (String text : List.of("x y z. w!", "", "my pin is 123", "never seen words , 1")) {
      assertThat(m.score(text)).isEqualTo(reference.score(text));
    }
    assertThat(m.generate("x y", 20, seed)).isEqualTo(reference.generate("x y", 20, seed));
    CanaryFormat format = new CanaryFormat("my pin is ", 3, "!");
    assertThat(m.scoreCandidates(format)).containsExactly(reference.scoreCandidates(format));
  }

  @Test
  void generationIsDeterministicForASeedAndStopsAtTheLimit() {
    Model m = train(3, List.of(List.of("the cat sat on the mat.", "the dog sat on the log.", "a cat ate the fish.")));
    Generation g = m.generate("the", 30, 7);
    assertThat(m.generate("the", 30, 7)).isEqualTo(g);
    assertThat(g.tokens()).isNotEmpty().allMatch(t -> m.vocabulary().contains(t) && !t.equals(Tokenizer.UNK));
    assertThat(m.generate("the", 2, 7).tokens()).hasSizeLessThanOrEqualTo(2);
    assertThatThrownBy(() -> m.generate("the", -1, 7)).isInstanceOf(IllegalArgumentException.class);
    // Seeds matter: not every seed gives the same sentence.
    assertThat(java.util.stream.LongStream.range(0, 20).mapToObj(s -> m.generate("", 30, s).text()).distinct().count())
        .isGreaterThan(1);
  }

  @Test
  void artefactsAreCanonicalAndIndependentOfTextOrderWithinTheSameCounts() {
    ShardTrainer trainer = ShardTrainer.kneserNey(3);
    List<String> texts = List.of("b a c.", "a b!", "zz top 42");
    ShardModel first = trainer.train(0, texts, 1);
    ShardModel again = trainer.train(0, List.copyOf(texts), 99);
    assertThat(again.bytes()).isEqualTo(first.bytes());
    assertThat(again.sha256()).isEqualTo(first.sha256());
    // Counts do not depend on the order of records, so neither do the bytes.
    assertThat(trainer.train(0, List.of(texts.get(2), texts.get(0), texts.get(1)), 1).sha256()).isEqualTo(first.sha256());
    assertThat(trainer.train(0, List.of("b a c.", "a b!"), 1).sha256()).isNotEqualTo(first.sha256());
    assertThat(KneserNeyCounts.decode(first.bytes(), 3).encode()).isEqualTo(first.bytes());
    assertThat(ShardTrainer.kneserNey(4).train(0, texts, 1).sha256()).isNotEqualTo(first.sha256());
  }

  @Test
  void malformedOrForeignArtefactsAreRejected() {
    ShardTrainer three = ShardTrainer.kneserNey(3);
    ShardModel artefact = three.train(0, List.of("a b c"), 0);
    assertThatThrownBy(() -> ShardTrainer.kneserNey(4).aggregate(List.of(artefact)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("order 3");
    byte[] bytes = artefact.bytes();
    byte[] truncated = java.util.Arrays.copyOf(bytes, bytes.length - 3);
    assertThatThrownBy(() -> three.aggregate(List.of(ShardModel.of(0, 1, truncated)))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> three.aggregate(List.of(artefact, artefact))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ShardTrainer.kneserNey(2)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void trainersAreResolvedFromTheirRecordedNameVersionAndSettings() {
    ShardTrainer trainer = ShardTrainer.resolve("kneser-ney", "1", Map.of("order", "4"));
    assertThat(trainer.settings()).containsExactly(Map.entry("order", "4"));
    assertThat(trainer.name()).isEqualTo("kneser-ney");
    assertThatThrownBy(() -> ShardTrainer.resolve("kneser-ney", "0", Map.of("order", "3"))).hasMessageContaining("version");
    assertThatThrownBy(() -> ShardTrainer.resolve("gpt", "1", Map.of())).hasMessageContaining("no trainer");
    assertThatThrownBy(() -> ShardTrainer.resolve("kneser-ney", "1", Map.of("order", "x"))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aModelOfNoShardsIsUniformOverItsVocabulary() {
    Model empty = train(3, List.of());
    assertThat(empty.vocabulary()).containsExactly(Tokenizer.EOS, Tokenizer.UNK);
    assertThat(empty.probability(List.of("a"), "b")).isEqualTo(0.5);
    assertThat(empty.score("hello").perplexity()).isCloseTo(2.0, within(1e-12));
  }
}

package dev.lethe.redact.nlp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link PersonModelTrainer#writeCommonWords}: which words of the training text count as ordinary. */
class CommonWordsDerivationTest {

  @TempDir Path dir;

  @Test
  void aNameTheLabelsMarkIsNotCommonThoughWrittenInLowerCase() throws Exception {
    Path conll = dir.resolve("train.conll");
    Files.writeString(conll, String.join("\n",
        "omg\tO", "emily\tB-person", "is\tO", "here\tO", "",
        "emily\tB-PER", "and\tO", "will\tO", "hope\tO", "",
        "i\tO", "will\tO", "see\tO", "Will\tB-person", "",
        "hope\tO", "and\tO", "John\tO", "john\tO", "",
        ""));
    Path out = dir.resolve("common-words.txt");

    PersonModelTrainer.writeCommonWords(java.util.List.of(conll), out);

    // "emily": twice in lower case, both labeled a person. "will": twice lower case, once capitalised
    // mid-sentence. "john": once lower case against once capitalised, under the two needed.
    assertThat(Files.readAllLines(out)).contains("will", "hope", "and").doesNotContain("emily", "john");
  }
}

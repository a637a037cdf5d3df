package dev.lethe.redact.nlp;

import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import opennlp.tools.util.Span;

/**
 * Replaces the words of person spans in a training sentence by other names, deterministically.
 * Half of the replacements are names from the {@code @faker-js/faker} list (so the name-list
 * feature fires, as it does for most names in real text); the other half are made-up names that
 * are in no list, joined from the first half of one listed name and the second half of another
 * ("Gael" + "ane"), so that the model also learns to find names it has never seen from their
 * context and shape alone. Initials, @handles and words that are not letters are kept, and so is
 * each word's capitalisation. Not thread-safe: one instance per training run.
 */
final class NameSwap {
  private static final long SEED = 0x1e7e_2017L;
  private final List<String> names;
  private final SplittableRandom random = new SplittableRandom(SEED);

  NameSwap() {
    this.names = NameGazetteer.read(NameGazetteer.FAKER).stream()
        .filter(n -> n.length() > 2 && n.chars().allMatch(Character::isLetter))
        .toList();
  }

  /** A copy of {@code tokens} with the words inside {@code spans} replaced. */
  String[] swap(String[] tokens, Span[] spans) {
    String[] out = tokens.clone();
    for (Span s : spans) {
      for (int i = s.getStart(); i < s.getEnd(); i++) {
        String t = tokens[i];
        if (t.length() < 2 || !t.chars().allMatch(Character::isLetter)) {
          continue;
        }
        out[i] = shaped(random.nextBoolean() ? listed() : madeUp(), t);
      }
    }
    return out;
  }

  private String listed() {
    return names.get(random.nextInt(names.size()));
  }

  /** A name-like word in no list and not a common word, or a listed name after a few tries. */
  private String madeUp() {
    for (int attempt = 0; attempt < 8; attempt++) {
      String a = listed();
      String b = listed();
      String w = a.substring(0, (a.length() + 1) / 2) + b.substring(b.length() / 2).toLowerCase(Locale.ROOT);
      if (!NameGazetteer.contains(w) && !CommonWords.contains(w)) {
        return w;
      }
    }
    return listed();
  }

  /** {@code name} written like {@code original}: all lower case, all capitals, or capitalised. */
  private static String shaped(String name, String original) {
    if (original.chars().allMatch(Character::isLowerCase)) {
      return name.toLowerCase(Locale.ROOT);
    }
    if (original.chars().allMatch(Character::isUpperCase)) {
      return name.toUpperCase(Locale.ROOT);
    }
    return name;
  }
}

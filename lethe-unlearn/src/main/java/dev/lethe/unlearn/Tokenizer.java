package dev.lethe.unlearn;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The reference trainer's tokenizer: deterministic, locale-independent and reversible enough for
 * reading generated text.
 *
 * <ul>
 *   <li>Text is lower-cased with {@link Locale#ROOT}.
 *   <li>A word is a maximal run of letters and combining marks; an apostrophe between two letters
 *       stays inside the word ({@code don't}).
 *   <li>Every digit is a token of its own, so that numbers of a fixed format (PINs, the canaries
 *       of exposure tests) are sequences over a ten-token alphabet the model can learn, as in
 *       digit-splitting tokenizers of large models.
 *   <li>Every other non-space code point (punctuation, symbols) is a token of its own.
 *   <li>A sentence ends after {@code .}, {@code !} or {@code ?} followed by white space or the end
 *       of the text, and at every line break. Empty sentences are dropped.
 * </ul>
 *
 * <p>Sentence boundary tokens ({@link #BOS}, {@link #EOS}) are added by the model, not here; the
 * tokenizer never produces them, because {@code <} and {@code >} are separate symbol tokens.
 * Stateless and thread-safe.
 */
public final class Tokenizer {

  /** Sentence-start padding token: context only, never predicted. */
  public static final String BOS = "<s>";
  /** End-of-sentence token: predicted after every sentence. */
  public static final String EOS = "</s>";
  /** The token standing for every token outside a model's vocabulary. */
  public static final String UNK = "<unk>";

  private Tokenizer() {}

  /** The sentences of {@code text}, each a non-empty list of tokens. */
  public static List<List<String>> sentences(String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    List<List<String>> sentences = new ArrayList<>();
    List<String> current = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    int n = lower.length();
    int i = 0;
    while (i < n) {
      int cp = lower.codePointAt(i);
      int width = Character.charCount(cp);
      if (isWordChar(cp)) {
        word.appendCodePoint(cp);
      } else if (isApostrophe(cp) && word.length() > 0 && i + width < n && isLetter(lower.codePointAt(i + width))) {
        word.appendCodePoint(cp);
      } else {
        flush(word, current);
        if (cp == '\n' || cp == '\r') {
          endSentence(current, sentences);
          current = new ArrayList<>();
        } else if (!Character.isWhitespace(cp) && !Character.isSpaceChar(cp)) {
          current.add(new String(Character.toChars(cp)));
          boolean terminal = cp == '.' || cp == '!' || cp == '?';
          boolean atBreak = i + width >= n || Character.isWhitespace(lower.codePointAt(i + width));
          if (terminal && atBreak) {
            endSentence(current, sentences);
            current = new ArrayList<>();
          }
        }
      }
      i += width;
    }
    flush(word, current);
    endSentence(current, sentences);
    return sentences;
  }

  /** All tokens of {@code text}, sentence after sentence, without boundary tokens. */
  public static List<String> tokens(String text) {
    List<String> all = new ArrayList<>();
    sentences(text).forEach(all::addAll);
    return all;
  }

  /**
   * Joins tokens back into readable text: a space between tokens, except before closing
   * punctuation, after opening brackets and between consecutive digits. Boundary tokens are
   * dropped.
   */
  public static String detokenize(List<String> tokens) {
    StringBuilder out = new StringBuilder();
    String previous = null;
    for (String token : tokens) {
      if (token.equals(BOS) || token.equals(EOS)) {
        continue;
      }
      if (previous != null && spaceBetween(previous, token)) {
        out.append(' ');
      }
      out.append(token);
      previous = token;
    }
    return out.toString();
  }

  private static boolean spaceBetween(String previous, String next) {
    if (isDigitToken(previous) && isDigitToken(next)) {
      return false;
    }
    if (next.length() == 1 && ".,;:!?)]}%".indexOf(next.charAt(0)) >= 0) {
      return false;
    }
    return !(previous.length() == 1 && "([{".indexOf(previous.charAt(0)) >= 0);
  }

  private static boolean isDigitToken(String token) {
    return token.codePointCount(0, token.length()) == 1 && Character.isDigit(token.codePointAt(0));
  }

  private static boolean isWordChar(int cp) {
    int type = Character.getType(cp);
    return isLetter(cp) || type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK;
  }

  private static boolean isLetter(int cp) {
    return Character.isLetter(cp);
  }

  private static boolean isApostrophe(int cp) {
    return cp == '\'' || cp == '\u2019';
  }

  private static void flush(StringBuilder word, List<String> sentence) {
    if (word.length() > 0) {
      sentence.add(word.toString());
      word.setLength(0);
    }
  }

  private static void endSentence(List<String> sentence, List<List<String>> sentences) {
    if (!sentence.isEmpty()) {
      sentences.add(List.copyOf(sentence));
    }
  }
}

package dev.lethe.redact.eval;

import java.util.List;
import java.util.Objects;

/**
 * One labeled text of an evaluation set.
 *
 * @param id position or identifier within its file
 * @param text the text
 * @param gold the labeled spans (code-point offsets)
 */
public record LabeledText(String id, String text, List<GoldSpan> gold) {
  public LabeledText {
    Objects.requireNonNull(id);
    Objects.requireNonNull(text);
    gold = List.copyOf(gold);
  }

  /**
   * A labeled span. Types are the dataset's own, mapped to Presidio names where one exists
   * ({@code person}/{@code PER} become PERSON).
   */
  public record GoldSpan(String type, int start, int end) {}
}

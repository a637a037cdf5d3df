package dev.lethe.server;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * What a member is told about a forget request that was completed and then found undone by a
 * re-check: when it had been completed, when and in which training data or model their data was
 * found again, and that it is being removed again under the original deadline. Names snapshots by
 * purpose, id and date and models by id, as the rest of the member's page does; never a
 * directory, a digest or a shard.
 */
final class ReopeningWords {

  private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);

  private ReopeningWords() {}

  /**
   * One sentence group per reopening of {@code r}, oldest first: completed (and verified) on a
   * day, found undone on a day by what, and what happened next (removed again on a day, being
   * removed again by the original deadline, or not yet removed again).
   */
  static List<String> explain(ForgetQueueView.ForgetRequest r, Instant now) {
    List<String> out = new ArrayList<>();
    List<ForgetQueueView.Reopening> all = r.reopenings();
    for (int i = 0; i < all.size(); i++) {
      ForgetQueueView.Reopening ro = all.get(i);
      StringBuilder b = new StringBuilder();
      if (ro.completedAt() != null) {
        b.append("Completed on ").append(day(ro.completedAt())).append(ro.verified() ? " and verified" : "").append(". ");
      }
      b.append("A check on ").append(day(ro.foundAt())).append(" found your data again");
      if (ro.found().isEmpty()) {
        b.append(" in our training data or models. ");
      } else {
        List<String> what = new ArrayList<>();
        String previous = null;
        for (ForgetQueueView.Found f : ro.found()) {
          // A model of the snapshot just named refers back to it rather than naming it twice.
          what.add(describe(f, f.snapshot() != null && f.snapshot().equals(previous)));
          previous = f.snapshot();
        }
        b.append(": ").append(String.join("; ", what)).append(". ");
      }
      if (i + 1 < all.size()) {
        Instant again = all.get(i + 1).completedAt();
        b.append(again == null ? "It was removed again." : "It was removed again on " + day(again) + ".");
      } else {
        switch (r.status()) {
          case "completed" -> b.append("It was removed again")
              .append(r.completedAt() == null ? "." : " on " + day(r.completedAt()) + ".");
          case "failed" -> b.append("Removing it again has not succeeded yet; the administrators have it in their queue. It was due by ")
              .append(day(r.deadline())).append(", the deadline of your original request.");
          default -> b.append("We are removing it again. It is due by ").append(day(r.deadline()))
              .append(", the deadline of your original request (").append(days(r.deadline(), now)).append(").");
        }
      }
      out.add(b.toString());
    }
    return out;
  }

  /** One finding in a member's words, naming its snapshot in full. */
  static String describe(ForgetQueueView.Found f) {
    return describe(f, false);
  }

  /** One finding in a member's words; {@code named} when its snapshot was named just before ("it"). */
  private static String describe(ForgetQueueView.Found f, boolean named) {
    String on = named ? "it" : data(f);
    return switch (f.kind()) {
      case "restored-snapshot" -> "a copy of " + data(f) + " that we had deleted was restored, for example from a backup";
      case "snapshot-in-use" -> "a copy of " + data(f) + " that still held your data was in use again";
      case "restored-model" -> "model " + f.model() + ", trained on " + on
          + " before your data was removed and deleted by us, was restored" + (named ? " too" : "");
      case "model-in-use" -> "model " + f.model() + " had been trained on " + on;
      case "content-in-rebuild" -> f.items() + (f.items() == 1 ? " item" : " items") + " of yours were in " + data(f)
          + ", which had replaced the training data that held your data";
      case "model-changed" -> "model " + f.model() + " no longer matched a model trained without your data";
      default -> (f.model() != null ? "model " + f.model() : data(f))
          + " could not be checked, so we could not confirm your data was gone from it";
    };
  }

  /** "the genai-training training data (snapshot S, data as of D)", leaving out what is not known. */
  private static String data(ForgetQueueView.Found f) {
    StringBuilder b = new StringBuilder(f.purpose() == null ? "training data" : "the " + f.purpose() + " training data");
    if (f.snapshot() != null) {
      b.append(" (snapshot ").append(f.snapshot());
      if (f.asOf() != null) {
        b.append(", data as of ").append(day(f.asOf()));
      }
      b.append(')');
    }
    return b.toString();
  }

  private static String day(Instant at) {
    return DAY.format(at);
  }

  private static String days(Instant deadline, Instant now) {
    long left = Math.floorDiv(deadline.getEpochSecond() - now.getEpochSecond(), 86_400L);
    return left < 0 ? "overdue by " + (-left) + (left == -1 ? " day" : " days") : left + (left == 1 ? " day" : " days") + " left";
  }
}

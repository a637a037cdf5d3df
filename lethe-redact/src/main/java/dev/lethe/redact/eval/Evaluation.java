package dev.lethe.redact.eval;

import dev.lethe.redact.DetectionContext;
import dev.lethe.redact.Detector;
import dev.lethe.redact.Span;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Span-level scoring of a {@link Detector} against labeled texts. A prediction matches a gold
 * span of the same type when they overlap; exact matches (same boundaries) are counted too.
 * Precision counts matched predictions, recall matched gold spans, and F2 weighs recall twice.
 * Stateless; thread-safe.
 */
public final class Evaluation {
  private Evaluation() {}

  /**
   * What to score.
   *
   * @param types the types scored (after aliasing); gold and predictions of other types are ignored
   * @param goldAliases dataset type to Lethe type, e.g. DOMAIN_NAME to URL
   * @param predictionAliases Lethe type to the type it counts as, e.g. ZIP_CODE to STREET_ADDRESS
   *     for a corpus that labels a postcode as part of the address
   */
  public record Options(Set<String> types, Map<String, String> goldAliases, Map<String, String> predictionAliases) {
    public Options {
      types = Set.copyOf(types);
      goldAliases = Map.copyOf(goldAliases);
      predictionAliases = Map.copyOf(predictionAliases);
    }
  }

  /** Counts and scores for one type, or for all scored types together. */
  public record Metrics(
      int gold, int predicted, int matchedGold, int matchedPredicted, int exact) {
    public double precision() {
      return predicted == 0 ? (gold == 0 ? 1 : 0) : (double) matchedPredicted / predicted;
    }

    public double recall() {
      return gold == 0 ? 1 : (double) matchedGold / gold;
    }

    public double f2() {
      double p = precision();
      double r = recall();
      return p + r == 0 ? 0 : 5 * p * r / (4 * p + r);
    }

    public double exactPrecision() {
      return predicted == 0 ? (gold == 0 ? 1 : 0) : (double) exact / predicted;
    }

    public double exactRecall() {
      return gold == 0 ? 1 : (double) exact / gold;
    }

    public double exactF2() {
      double p = exactPrecision();
      double r = exactRecall();
      return p + r == 0 ? 0 : 5 * p * r / (4 * p + r);
    }

    Metrics plus(Metrics o) {
      return new Metrics(gold + o.gold, predicted + o.predicted, matchedGold + o.matchedGold,
          matchedPredicted + o.matchedPredicted, exact + o.exact);
    }
  }

  /** The outcome: per type, overall, and the size of the input. */
  public record Report(
      String dataset, int texts, long codePoints, double seconds, Map<String, Metrics> perType, Metrics overall) {}

  /**
   * One scoring mistake, for reading what a detector gets wrong.
   *
   * @param text the labeled text it occurred in
   * @param start start of the span, in code points
   * @param end end of the span (exclusive), in code points
   */
  public record Mistake(Kind kind, String type, LabeledText text, int start, int end) {
    /** Whether a labeled span was not found, or a found span has no label under it. */
    public enum Kind {
      /** A gold span no prediction of its type overlaps: personal data left in the text. */
      MISSED,
      /** A prediction no gold span of its type overlaps: text removed that was not personal data. */
      SPURIOUS
    }

    /** The text of the span itself. */
    public String covered() {
      String t = text.text();
      return t.substring(t.offsetByCodePoints(0, start), t.offsetByCodePoints(0, end));
    }
  }

  private record Typed(String type, int start, int end) {
    boolean overlaps(Typed o) {
      return type.equals(o.type) && start < o.end && o.start < end;
    }
  }

  /** Same as {@link #run(String, Detector, List, Options, Consumer)} without listing the mistakes. */
  public static Report run(String name, Detector detector, List<LabeledText> texts, Options options) {
    return run(name, detector, texts, options, e -> { });
  }

  /**
   * Scores {@code detector} on {@code texts}, and passes every {@link Mistake} to {@code mistakes} in
   * text order: for each text its missed gold spans, then its spurious predictions.
   */
  public static Report run(String name, Detector detector, List<LabeledText> texts, Options options,
      Consumer<? super Mistake> mistakes) {
    Objects.requireNonNull(detector);
    Objects.requireNonNull(mistakes);
    Map<String, int[]> counts = new TreeMap<>();
    long cps = 0;
    long t0 = System.nanoTime();
    for (LabeledText lt : texts) {
      cps += lt.text().codePointCount(0, lt.text().length());
      List<Typed> gold = new ArrayList<>();
      for (LabeledText.GoldSpan g : lt.gold()) {
        String type = options.goldAliases().getOrDefault(g.type(), g.type());
        if (options.types().contains(type) && g.end() > g.start()) {
          gold.add(new Typed(type, g.start(), g.end()));
        }
      }
      List<Typed> pred = new ArrayList<>();
      for (Span s : detector.detect(lt.text(), DetectionContext.none())) {
        String type = options.predictionAliases().getOrDefault(s.type().name(), s.type().name());
        if (options.types().contains(type)) {
          pred.add(new Typed(type, s.start(), s.end()));
        }
      }
      for (Typed g : gold) {
        int[] c = counts.computeIfAbsent(g.type(), k -> new int[5]);
        c[0]++;
        if (pred.stream().anyMatch(g::overlaps)) {
          c[2]++;
        } else {
          mistakes.accept(new Mistake(Mistake.Kind.MISSED, g.type(), lt, g.start(), g.end()));
        }
        if (pred.contains(g)) {
          c[4]++;
        }
      }
      for (Typed p : pred) {
        int[] c = counts.computeIfAbsent(p.type(), k -> new int[5]);
        c[1]++;
        if (gold.stream().anyMatch(p::overlaps)) {
          c[3]++;
        } else {
          mistakes.accept(new Mistake(Mistake.Kind.SPURIOUS, p.type(), lt, p.start(), p.end()));
        }
      }
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    Map<String, Metrics> per = new TreeMap<>();
    Metrics all = new Metrics(0, 0, 0, 0, 0);
    for (Map.Entry<String, int[]> e : counts.entrySet()) {
      int[] c = e.getValue();
      Metrics m = new Metrics(c[0], c[1], c[2], c[3], c[4]);
      per.put(e.getKey(), m);
      all = all.plus(m);
    }
    return new Report(name, texts.size(), cps, seconds, per, all);
  }

  /** A fixed-width table of the report, one line per type and one for all. */
  public static String table(Report r) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%s: %d texts, %d code points, %.1f s (%.1f KB/s)%n",
        r.dataset(), r.texts(), r.codePoints(), r.seconds(), r.codePoints() / 1000.0 / Math.max(r.seconds(), 1e-9)));
    sb.append(String.format(Locale.ROOT, "%-15s %6s %6s %6s %6s %6s | %6s %6s %6s%n",
        "type", "gold", "pred", "P", "R", "F2", "xP", "xR", "xF2"));
    Set<String> keys = new TreeSet<>(r.perType().keySet());
    for (String k : keys) {
      sb.append(row(k, r.perType().get(k)));
    }
    sb.append(row("ALL", r.overall()));
    return sb.toString();
  }

  private static String row(String k, Metrics m) {
    return String.format(Locale.ROOT, "%-15s %6d %6d %6.3f %6.3f %6.3f | %6.3f %6.3f %6.3f%n",
        k, m.gold(), m.predicted(), m.precision(), m.recall(), m.f2(),
        m.exactPrecision(), m.exactRecall(), m.exactF2());
  }
}

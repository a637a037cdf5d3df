package dev.lethe.redact;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The phone numbers libphonenumber found in recently seen digit runs, for one thread. The answer
 * for a run is a function of the characters the library reads (the run and one character either
 * side), the member's region and whether a phone word precedes the run, so a run seen again with
 * the same key gets the same spans without asking the library: the same numbers recur across
 * records (a shop's line, a signature, a template), and asking costs tens of microseconds per run
 * (the matcher, then up to 28 regions). Bounded: the least recently used answers are dropped.
 * Not thread-safe; {@link PatternScanner} keeps one per thread.
 */
final class PhoneAnswers {
  /** A phone number found, in offsets relative to the start of the window that was read. */
  record Found(int start, int end, double score) {}

  private static final int CAPACITY = 1024;

  private final Map<String, List<Found>> answers =
      new LinkedHashMap<>(CAPACITY * 2, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, List<Found>> eldest) {
          return size() > CAPACITY;
        }
      };

  /**
   * The key of a run: the region, the window, where the run sits in it, and the cue. Lengths and
   * fixed-width fields keep distinct inputs distinct.
   */
  static String key(String home, String window, int lead, int trail, boolean cue) {
    return new StringBuilder(window.length() + home.length() + 8)
        .append(home.length()).append(':').append(home)
        .append(lead).append(trail).append(cue ? '1' : '0')
        .append(window)
        .toString();
  }

  /** The answer stored for {@code key}, or null. */
  List<Found> get(String key) {
    return answers.get(key);
  }

  void put(String key, List<Found> found) {
    answers.put(key, List.copyOf(found));
  }
}

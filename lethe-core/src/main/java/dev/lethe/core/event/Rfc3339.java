package dev.lethe.core.event;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Strict RFC 3339 instants and ISO dates as the ledger format uses them.
 *
 * <p>{@code java.time}'s ISO parsers are more lenient than RFC 3339 (seconds optional, offsets
 * without a colon, no offset at all), so the shape is checked with a pattern first and each
 * problem is named precisely. Thread-safe; all methods are static.
 */
public final class Rfc3339 {

  /**
   * RFC 3339's {@code date-time}: any number of fraction digits ({@code time-secfrac = "." 1*DIGIT})
   * and offsets up to ±23:59 ({@code time-numoffset}), both wider than {@code java.time} reads.
   */
  private static final Pattern DATE_TIME =
      Pattern.compile(
          "(\\d{4})-(\\d{2})-(\\d{2})[Tt](\\d{2}):(\\d{2}):(\\d{2})(\\.\\d+)?([Zz]|([+-])(\\d{2}):(\\d{2}))?");
  private static final Pattern LOCAL_DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
  /** The first and last instants RFC 3339 can write in UTC: years 0000 to 9999. */
  private static final Instant FIRST = Instant.parse("0000-01-01T00:00:00Z");
  private static final Instant LAST = Instant.parse("9999-12-31T23:59:59.999999999Z");

  private Rfc3339() {}

  /**
   * Parses an RFC 3339 date-time with a mandatory offset ({@code Z} or {@code ±hh:mm}, hours up to
   * 23 as the RFC allows). Fraction digits beyond the ninth are dropped (the instant is truncated to
   * the nanosecond, {@link Instant}'s resolution). A leap second ({@code :60}, which the RFC allows at
   * the end of a UTC minute 59, in whatever offset it is written) is read as second 59 with its fraction, as
   * {@code java.time} reads it, since an {@link Instant} has no leap seconds.
   *
   * @throws DateTimeException naming the problem: malformed, impossible date or time, no offset, or
   *     an instant outside the years 0000 to 9999 in UTC (which {@link #format} could not write)
   */
  public static Instant parseInstant(String text) {
    Matcher m = DATE_TIME.matcher(text);
    if (!m.matches()) {
      throw new DateTimeException("malformed instant \"" + text + "\" (expected RFC 3339, e.g. 2024-09-20T12:00:00Z)");
    }
    if (m.group(8) == null) {
      throw new DateTimeException("instant \"" + text + "\" has no offset (add Z or ±hh:mm)");
    }
    try {
      String fraction = m.group(7);
      int nanos = 0;
      if (fraction != null) {
        String digits = fraction.substring(1);
        nanos = Integer.parseInt((digits + "000000000").substring(0, 9));
      }
      long offsetSeconds = 0;
      if (m.group(9) != null) {
        int hours = Integer.parseInt(m.group(10));
        int minutes = Integer.parseInt(m.group(11));
        if (hours > 23 || minutes > 59) {
          throw new DateTimeException("the offset " + m.group(8) + " is not ±hh:mm with hours 00 to 23 and minutes 00 to 59");
        }
        offsetSeconds = (m.group(9).equals("-") ? -1 : 1) * (hours * 3600L + minutes * 60L);
      }
      int minute = Integer.parseInt(m.group(5));
      int second = Integer.parseInt(m.group(6));
      // A leap second ends a UTC minute 59: in the writer's offset that is the minute whose UTC
      // minute is 59 ("05:29:60+05:30" is 23:59:60Z).
      if (second == 60 && Math.floorMod(minute - offsetSeconds / 60, 60) == 59) {
        second = 59;
      }
      LocalDateTime local =
          LocalDateTime.of(
              Integer.parseInt(m.group(1)),
              Integer.parseInt(m.group(2)),
              Integer.parseInt(m.group(3)),
              Integer.parseInt(m.group(4)),
              minute,
              second,
              nanos);
      Instant instant = local.toInstant(ZoneOffset.UTC).minusSeconds(offsetSeconds);
      if (instant.isBefore(FIRST) || instant.isAfter(LAST)) {
        throw new DateTimeException("it falls outside the years 0000 to 9999 in UTC, which RFC 3339 cannot write");
      }
      return instant;
    } catch (DateTimeException e) {
      throw new DateTimeException("malformed instant \"" + text + "\": " + e.getMessage(), e);
    }
  }

  /** Formats an instant in UTC with {@code Z}, without a fraction when it is zero. */
  public static String format(Instant instant) {
    // Instant.toString is ISO-8601 in UTC and prints 0, 3, 6 or 9 fraction digits as needed.
    return instant.toString();
  }

  /**
   * Parses a calendar date {@code YYYY-MM-DD}.
   *
   * @throws DateTimeException if the text is not of that shape or names no real date
   */
  public static LocalDate parseDate(String text) {
    if (!LOCAL_DATE.matcher(text).matches()) {
      throw new DateTimeException("malformed date \"" + text + "\" (expected YYYY-MM-DD)");
    }
    try {
      return LocalDate.parse(text);
    } catch (DateTimeException e) {
      throw new DateTimeException("malformed date \"" + text + "\": no such day", e);
    }
  }
}

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

  private static final Pattern DATE_TIME =
      Pattern.compile(
          "(\\d{4})-(\\d{2})-(\\d{2})[Tt](\\d{2}):(\\d{2}):(\\d{2})(\\.\\d{1,9})?([Zz]|[+-]\\d{2}:\\d{2})?");
  private static final Pattern LOCAL_DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

  private Rfc3339() {}

  /**
   * Parses an RFC 3339 date-time with a mandatory offset ({@code Z} or {@code ±hh:mm}).
   *
   * @throws DateTimeException naming the problem: malformed, impossible date or time, or no offset
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
      LocalDateTime local =
          LocalDateTime.of(
              Integer.parseInt(m.group(1)),
              Integer.parseInt(m.group(2)),
              Integer.parseInt(m.group(3)),
              Integer.parseInt(m.group(4)),
              Integer.parseInt(m.group(5)),
              Integer.parseInt(m.group(6)),
              nanos);
      String offset = m.group(8);
      ZoneOffset zone = offset.equalsIgnoreCase("Z") ? ZoneOffset.UTC : ZoneOffset.of(offset);
      return local.toInstant(zone);
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

package dev.lethe.core.json;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What is wrong with a line that does not parse as JSON, for people: a few words and the column,
 * instead of Jackson's message, which names parser internals and carries a source excerpt
 * ({@code [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1,
 * column: 1]}). The one place every reader of JSON Lines (ledger files, content exports, the
 * detector's input) formats a syntax error, so that they all say it alike.
 *
 * <p>Each line of a JSON Lines file is parsed on its own, so the caller knows the line number and
 * this class gives the column within that line. Everything it returns is one line of text.
 */
public final class JsonSyntax {

  private JsonSyntax() {}

  /** Jackson's location suffixes, which may appear inside the original message too. */
  private static final Pattern SOURCE = Pattern.compile("\\s*\\(?(start marker at )?\\[Source: .*$", Pattern.DOTALL);
  /** {@code ('a' (code 97))}: the character once is enough. */
  private static final Pattern CHARACTER_CODE = Pattern.compile("\\('(.{1,2}?)' \\(code \\d+\\)\\)");
  private static final String ANY_VALUE = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')";

  /**
   * The problem in a few words, without location: for example {@code the object is not closed},
   * {@code text after the JSON value}, {@code unexpected character '}': expected double-quote to
   * start field name}.
   */
  public static String problem(JsonProcessingException e) {
    String original = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
    if (e instanceof JsonEOFException) {
      return unexpectedEnd(original);
    }
    if (original.startsWith("No content to map due to end-of-input")) {
      return "no JSON value";
    }
    if (original.startsWith("Trailing token")) {
      return "text after the JSON value";
    }
    if (original.startsWith("Illegal unquoted character")) {
      return "a control character inside a string must be escaped (\\t, \\n, \\u0000)";
    }
    String text = SOURCE.matcher(original).replaceFirst("");
    text = CHARACTER_CODE.matcher(text).replaceAll("'$1'");
    text = text.replace("was expecting " + ANY_VALUE, "expected a JSON value").replace("was expecting", "expected");
    int newline = text.indexOf('\n');
    if (newline >= 0) {
      text = text.substring(0, newline);
    }
    text = text.strip();
    if (text.isEmpty()) {
      return "not valid JSON";
    }
    return text.substring(0, 1).toLowerCase(Locale.ROOT) + text.substring(1);
  }

  private static String unexpectedEnd(String original) {
    if (original.contains("VALUE_STRING") || original.contains("field name") || original.contains("FIELD_NAME")
        || original.contains("closing quote")) {
      return "the string is not closed";
    }
    if (original.contains("Object")) {
      return "the object is not closed";
    }
    if (original.contains("Array")) {
      return "the array is not closed";
    }
    return "the line ends inside a value";
  }

  /**
   * The 1-based column (in UTF-16 chars) of the problem within the parsed text, or 0 if it is not
   * known. Counted from Jackson's character offset, not taken from its column: Jackson starts a
   * new row at a bare {@code \r}, which inside a JSON Lines line is whitespace, so its column
   * would count from there. A parse of bytes has no character offset, and then no column is
   * given rather than a wrong one.
   */
  public static int column(JsonProcessingException e) {
    JsonLocation at = e.getLocation();
    if (at == null || at.getCharOffset() < 0 || at.getCharOffset() >= Integer.MAX_VALUE) {
      return 0;
    }
    return (int) at.getCharOffset() + 1;
  }

  /**
   * {@code malformed JSON at column C: <problem>} (without the column when unknown), to follow the
   * line's number: {@code line 6: malformed JSON at column 19: the object is not closed}.
   */
  public static String describe(JsonProcessingException e) {
    return describe(e, 0);
  }

  /**
   * As {@link #describe(JsonProcessingException)} for a parse of the line from char {@code
   * offset} on (the line with its leading whitespace stripped, say): the column still counts from
   * the start of the line.
   */
  public static String describe(JsonProcessingException e, int offset) {
    int column = column(e);
    return "malformed JSON" + (column > 0 ? " at column " + (column + offset) : "") + ": " + problem(e);
  }
}

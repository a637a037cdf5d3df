package dev.lethe.pipeline;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.lethe.core.event.Rfc3339;
import dev.lethe.core.event.UnicodeText;
import dev.lethe.core.event.Visibility;
import dev.lethe.core.json.JsonSyntax;
import dev.lethe.core.text.ByteLines;
import java.io.InputStream;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Optional;

/**
 * Parses lines of a content export: JSON objects with {@code content}, {@code member}, {@code
 * kind}, {@code visibility}, {@code posted_at}, optional {@code deleted_at}, and {@code text}.
 * A line that is not such an object is not an error of the build: the record is excluded as
 * {@code malformed} (fail closed) and the problem is kept for the report. Thread-safe.
 */
public final class ContentLines {

  /** Exclusion reason for a line that is not a well-formed content record. */
  public static final String MALFORMED = "malformed";

  /** Exclusion reason for a line longer than {@link #MAX_LINE_BYTES}. */
  public static final String TOO_LONG = "too-long";

  /**
   * The longest line read as a record, 8 MiB: far above any post or article, and low enough that
   * a file without line breaks cannot exhaust the heap. A longer line is excluded as {@link
   * #TOO_LONG} without being held whole.
   */
  public static final int MAX_LINE_BYTES = 8 << 20;

  /**
   * As strict as the ledger's reader: a repeated key or anything after the object makes the line
   * malformed, since a lenient reader would have to guess which member a record belongs to.
   */
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private ContentLines() {}

  /**
   * Whether a raw line holds only spaces, tabs and carriage returns. Every engine skips such
   * lines: they are not records, so they are neither included nor counted.
   */
  public static boolean isBlank(byte[] line) {
    for (byte b : line) {
      if (b != ' ' && b != '\t' && b != '\r') {
        return false;
      }
    }
    return true;
  }

  /**
   * The lines of a content export in {@code in} (which the caller closes), split as every reader
   * of content exports splits them (the build's engines, forgetting's leak check): at {@code \n}
   * only, a {@code \r} just before it dropped, a bare {@code \r} kept inside the line as JSON
   * whitespace. A line longer than {@link #MAX_LINE_BYTES} comes back cut to one byte more than
   * that, so memory stays bounded whatever the file holds and the line still reads as {@link
   * #TOO_LONG}.
   */
  public static ByteLines lines(InputStream in) {
    return new ByteLines(in, MAX_LINE_BYTES + 1);
  }

  /** The record of one line, or the problem with it. */
  public sealed interface Parsed permits Parsed.Ok, Parsed.Bad {
    /** A well-formed record. */
    record Ok(ContentRecord record) implements Parsed {}

    /**
     * A line that could not be read as a record: excluded under {@code reason} ({@link
     * #MALFORMED} or {@link #TOO_LONG}) for {@code problem}.
     */
    record Bad(String reason, String problem) implements Parsed {
      /** A malformed line. */
      public Bad(String problem) {
        this(MALFORMED, problem);
      }
    }
  }

  /**
   * Parses one line (without its terminator). Blank lines are reported as bad too. A byte order
   * mark before the object (as an editor leaves at the start of a file) is skipped.
   */
  public static Parsed parse(String line) {
    JsonNode node;
    try {
      node = MAPPER.readTree(line.startsWith("\uFEFF") ? line.substring(1) : line);
    } catch (Exception e) {
      return new Parsed.Bad(e instanceof com.fasterxml.jackson.core.JsonProcessingException j
          ? JsonSyntax.describe(j) : "malformed JSON");
    }
    if (node == null || !node.isObject()) {
      return new Parsed.Bad("not a JSON object");
    }
    try {
      return fields(
          text(node, "content"),
          text(node, "member"),
          text(node, "kind"),
          text(node, "visibility"),
          text(node, "posted_at"),
          node.hasNonNull("deleted_at") ? text(node, "deleted_at") : null,
          text(node, "text"));
    } catch (MissingField e) {
      return new Parsed.Bad(e.getMessage());
    }
  }

  /**
   * Checks a record given field by field (a null argument: the field is absent or null) exactly
   * as {@link #parse} checks a line's fields, for inputs that are not JSON Lines (Parquet rows):
   * every field but {@code deleted_at} is required, {@code content} and {@code member} must not
   * be empty or blank, every field must be Unicode text (no unpaired surrogate), {@code visibility} must
   * be one of the words, and the instants must be RFC 3339 with an offset.
   */
  public static Parsed fields(
      String content, String member, String kind, String visibility, String postedAt, String deletedAt, String text) {
    try {
      Optional<Visibility> v = Visibility.fromWord(required("visibility", visibility));
      if (v.isEmpty()) {
        return new Parsed.Bad("\"visibility\": \"" + visibility + "\" is not one of public, connections, private");
      }
      Instant deleted = deletedAt != null ? Rfc3339.parseInstant(deletedAt) : null;
      return new Parsed.Ok(
          new ContentRecord(
              required("content", content),
              required("member", member),
              required("kind", kind),
              v.get(),
              Rfc3339.parseInstant(required("posted_at", postedAt)),
              deleted,
              required("text", text)));
    } catch (MissingField e) {
      return new Parsed.Bad(e.getMessage());
    } catch (DateTimeException e) {
      return new Parsed.Bad(e.getMessage());
    }
  }

  private static String required(String field, String value) {
    if (value == null) {
      throw new MissingField("missing required field \"" + field + "\"");
    }
    if (value.isBlank() && (field.equals("content") || field.equals("member"))) {
      throw new MissingField("\"" + field + "\" must not be empty or blank");
    }
    String problem = UnicodeText.problem("\"" + field + "\"", value);
    if (problem != null) {
      throw new MissingField(problem);
    }
    return value;
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      throw new MissingField("missing required field \"" + field + "\"");
    }
    if (!value.isTextual()) {
      throw new MissingField("\"" + field + "\" must be a string");
    }
    return value.textValue();
  }

  private static final class MissingField extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MissingField(String message) {
      super(message, null, false, false);
    }
  }
}

package dev.lethe.core.ledger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.core.event.EventCodec;
import dev.lethe.core.event.InvalidEventException;
import dev.lethe.core.event.LedgerEvent;
import dev.lethe.core.json.JsonSyntax;
import dev.lethe.core.text.ByteLines;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the ledger's JSON Lines format: UTF-8, one event per line, blank lines and lines starting
 * with {@code #} ignored. Lines end at {@code \n} (a {@code \r} before it is dropped; a bare
 * {@code \r} is whitespace inside a line), exactly as the content reader splits them ({@link
 * ByteLines}).
 *
 * <p>{@link #read} checks each line on its own (JSON syntax, event shape) and stops at the first
 * bad line in file order; {@link #load} then also checks how the events fit together, in applied
 * order. Either way the error names the line. Thread-safe.
 */
public final class LedgerReader {

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private LedgerReader() {}

  /** The shared JSON mapper configured for ledger lines (strict duplicates, no trailing tokens). */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /**
   * Reads every event of a stream, in file order. Does not close the stream.
   *
   * @throws LedgerFormatException at the first line that is not a well-formed event
   * @throws IOException if the stream cannot be read
   */
  public static List<LedgerLine> read(InputStream in) throws IOException, LedgerFormatException {
    List<LedgerLine> lines = new ArrayList<>();
    scan(in, lines::add);
    return lines;
  }

  /** Receives each event line of a stream as it is parsed; may refuse it, naming its line. */
  @FunctionalInterface
  public interface LineSink {
    void accept(LedgerLine line) throws LedgerFormatException;
  }

  /**
   * Reads every event of a stream, in file order, handing each line to {@code sink} as soon as
   * it is parsed, so that a caller keeping only what it needs of each line never holds the whole
   * file's JSON trees. Checks what {@link #read} checks. Does not close the stream.
   *
   * @throws LedgerFormatException at the first line that is not a well-formed event, or that
   *     {@code sink} refuses
   * @throws IOException if the stream cannot be read
   */
  public static void scan(InputStream in, LineSink sink) throws IOException, LedgerFormatException {
    // Split bytes first and decode each line on its own: decoding ahead through a buffered
    // reader would report invalid UTF-8 at whichever line the reader had reached, and would also
    // break lines at a bare '\r', which the content reader (ByteLines too) keeps inside a line.
    ByteLines split = new ByteLines(in, ByteLines.UNLIMITED);
    CharsetDecoder utf8 =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    int number = 0;
    for (byte[] bytes = split.next(); bytes != null; bytes = split.next()) {
      number++;
      if (bytes.length == ByteLines.UNLIMITED) {
        throw new LedgerFormatException(number, "line too long (" + ByteLines.UNLIMITED + " bytes or more)");
      }
      String text;
      try {
        text = utf8.decode(ByteBuffer.wrap(bytes)).toString();
      } catch (CharacterCodingException e) {
        throw new LedgerFormatException(number, "not valid UTF-8");
      }
      if (number == 1 && text.startsWith("\uFEFF")) {
        text = text.substring(1);
      }
      LedgerLine line = parseLine(number, text);
      if (line != null) {
        sink.accept(line);
      }
    }
  }

  /**
   * Parses one line of a ledger file.
   *
   * @return the event, or {@code null} for a blank or comment line
   * @throws LedgerFormatException if the line is not a well-formed event
   */
  public static LedgerLine parseLine(int number, String text) throws LedgerFormatException {
    String stripped = text.strip();
    if (stripped.isEmpty() || stripped.startsWith("#")) {
      return null;
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(stripped);
    } catch (JsonProcessingException e) {
      // Columns count from the start of the line as written, leading whitespace included.
      throw new LedgerFormatException(number, JsonSyntax.describe(e, text.length() - text.stripLeading().length()));
    }
    try {
      LedgerEvent event = EventCodec.decode(node);
      return new LedgerLine(number, event, (ObjectNode) node);
    } catch (InvalidEventException e) {
      throw new LedgerFormatException(number, e.problem());
    }
  }

  /**
   * Reads a stream and builds the ledger, checking references in applied order.
   *
   * @throws LedgerFormatException naming the line of the first problem
   * @throws IOException if the stream cannot be read
   */
  public static LoadedLedger load(InputStream in) throws IOException, LedgerFormatException {
    return load(read(in));
  }

  /**
   * Builds the ledger from lines already read.
   *
   * @throws LedgerFormatException naming the line of the first event that does not fit
   */
  public static LoadedLedger load(List<LedgerLine> lines) throws LedgerFormatException {
    List<LedgerEvent> events = new ArrayList<>(lines.size());
    lines.forEach(l -> events.add(l.event()));
    try {
      return new LoadedLedger(lines, ConsentLedger.of(events));
    } catch (LedgerException e) {
      throw new LedgerFormatException(lines.get(e.index()).line(), e.problem());
    }
  }

  /**
   * A ledger together with the lines it was built from.
   *
   * @param lines the events in file order
   * @param ledger the ledger built from them
   */
  /**
   * Reads a stream and builds the ledger as {@link #load(InputStream)} does, keeping only the
   * typed events: each line's JSON tree, which only a store's import needs (it keeps unknown
   * fields), is dropped as soon as the line is decoded. The trees take several times the memory
   * of the events, so builds, decisions and listings over a large ledger use this.
   *
   * @throws LedgerFormatException naming the line of the first problem
   * @throws IOException if the stream cannot be read
   */
  public static LoadedEvents loadEvents(InputStream in) throws IOException, LedgerFormatException {
    List<LedgerEvent> events = new ArrayList<>();
    LineNumbers lineOf = new LineNumbers();
    scan(in, line -> {
      lineOf.add(line.line());
      events.add(line.event());
    });
    try {
      return new LoadedEvents(events, ConsentLedger.of(events));
    } catch (LedgerException e) {
      throw new LedgerFormatException(lineOf.of(e.index()), e.problem());
    }
  }

  /** A ledger and its events in file order, as {@link #loadEvents} read them. */
  public record LoadedEvents(List<LedgerEvent> events, ConsentLedger ledger) {
    public LoadedEvents {
      events = java.util.Collections.unmodifiableList(events);
    }
  }

  public record LoadedLedger(List<LedgerLine> lines, ConsentLedger ledger) {
    public LoadedLedger {
      lines = List.copyOf(lines);
    }
  }

}

package dev.lethe.spark;

import dev.lethe.core.event.Visibility;
import dev.lethe.core.ledger.ConsentLedger.PostedContent;
import dev.lethe.pipeline.ContentLines;
import dev.lethe.pipeline.ContentRecord;
import java.io.Serializable;
import java.time.Instant;

/**
 * One input of the record step with its place in the input order: a raw line of a JSON Lines
 * export, a row of a Parquet export (its fields as text), or one of the ledger's own {@code
 * content.posted} items. The sequence number orders all
 * inputs as the embedded engine reads them: the ledger's items first (in content id order), then
 * each export in turn, line by line. Plain fields (no records, no {@code java.time}) so Java and
 * Kryo serialization both handle it without opening JDK modules.
 */
final class InputRecord implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Bits of the sequence number that hold the byte offset within a source. */
  static final int OFFSET_BITS = 48;

  /** The most sources one build reads: the ledger's items are source 0, exports 1, 2, .... */
  static final int MAX_SOURCES = (1 << (63 - OFFSET_BITS)) - 1;

  long sequence;
  /** A raw export line without its terminator, or null for a ledger item. */
  byte[] line;
  String content;
  String member;
  String kind;
  String visibility;
  long postedSecond;
  int postedNano;
  boolean deleted;
  long deletedSecond;
  int deletedNano;
  String text;
  /**
   * A Parquet row's fields in {@link ContentLines#fields} order (an entry is null when absent or
   * null), or null for other inputs.
   */
  String[] fields;
  /** A Parquet row with a field that cannot be text (invalid UTF-8, a number, a struct, ...). */
  boolean malformed;

  /** The sequence number of byte offset {@code offset} of source {@code source} (0: the ledger). */
  static long sequence(int source, long offset) {
    if (source < 0 || source > MAX_SOURCES || offset < 0 || offset >= 1L << OFFSET_BITS) {
      throw new IllegalArgumentException("no sequence number for source " + source + ", offset " + offset);
    }
    return ((long) source << OFFSET_BITS) | offset;
  }

  static InputRecord line(long sequence, byte[] line) {
    InputRecord r = new InputRecord();
    r.sequence = sequence;
    r.line = line;
    return r;
  }

  /** A Parquet row: {@code fields} as {@link ContentLines#fields} takes them, or a malformed row. */
  static InputRecord row(long sequence, String[] fields, boolean malformed) {
    InputRecord r = new InputRecord();
    r.sequence = sequence;
    r.fields = fields;
    r.malformed = malformed;
    return r;
  }

  /** The ledger item at {@code index} of {@code ConsentLedger.postedContent()}. */
  static InputRecord posted(int index, PostedContent c) {
    InputRecord r = new InputRecord();
    r.sequence = sequence(0, index);
    r.content = c.content();
    r.member = c.member();
    r.kind = c.kind();
    r.visibility = c.visibility().word();
    r.postedSecond = c.postedAt().getEpochSecond();
    r.postedNano = c.postedAt().getNano();
    if (c.deletedAt() != null) {
      r.deleted = true;
      r.deletedSecond = c.deletedAt().getEpochSecond();
      r.deletedNano = c.deletedAt().getNano();
    }
    r.text = c.text();
    return r;
  }

  boolean isLine() {
    return line != null;
  }

  boolean isRow() {
    return fields != null;
  }

  /** The Parquet row checked as a JSON line's fields are checked. */
  ContentLines.Parsed parsedRow() {
    if (malformed) {
      return new ContentLines.Parsed.Bad("a field is not text");
    }
    return ContentLines.fields(fields[0], fields[1], fields[2], fields[3], fields[4], fields[5], fields[6]);
  }

  /** The ledger item as the record the embedded engine makes of it. */
  ContentRecord record() {
    Visibility v = Visibility.fromWord(visibility)
        .orElseThrow(() -> new IllegalStateException("the ledger held visibility " + visibility));
    return new ContentRecord(
        content, member, kind, v, Instant.ofEpochSecond(postedSecond, postedNano),
        deleted ? Instant.ofEpochSecond(deletedSecond, deletedNano) : null, text);
  }
}

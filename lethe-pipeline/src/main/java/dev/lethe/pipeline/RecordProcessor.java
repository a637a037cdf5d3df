package dev.lethe.pipeline;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.lethe.core.decision.ContentRule;
import dev.lethe.core.event.Erasure;
import dev.lethe.pipeline.ConsentView.MemberGate;
import dev.lethe.redact.DetectionContext;
import dev.lethe.redact.MemberDirectory;
import dev.lethe.redact.Redaction;
import dev.lethe.redact.Redactor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;

/**
 * The record-level step every engine runs: gate a record by the content-eligibility rule, redact
 * it, and place it in its member's shard. Holds no mutable state; safe for concurrent use, so the
 * embedded engine's workers and Spark's partitions share one instance per build.
 */
public final class RecordProcessor {

  /** Exclusion reason for a record the redaction policy drops. */
  public static final String REDACTION_DROPPED = "redaction-dropped";

  /** Exclusion reason for a record of a member a rebuild forgets. */
  public static final String FORGOTTEN = "forgotten";

  /**
   * Exclusion reason for a record of a member whom forgetting obliged us to remove from snapshots
   * after the as-of instant (an erasure, a retroactive withdrawal, a region block: see {@link
   * ForgetObligations}). The decision at the as-of instant may allow the member, but a snapshot
   * built now must not hold data that forgetting would at once have to remove again.
   */
  public static final String FORGOTTEN_SINCE_AS_OF = "forgotten-since-as-of";

  /**
   * Exclusion reason for a record whose text is the {@linkplain Erasure#MARKER erasure marker}:
   * content a store purged after its member asked for erasure. Such content is never eligible
   * after the erasure; a snapshot as of an earlier instant still must not include it, and the
   * marker is what is left of its text, so the record is left out whatever the decision says.
   */
  public static final String ERASED = "erased";

  /**
   * Exclusion reason for a copy of content read before: an export record whose content id the
   * ledger itself posted (the ledger's item is the record, with its member and its deletion), or
   * that an earlier export record had. The first record of an id in input order is the record;
   * a later copy cannot restore deleted content, claim it for another member, or put it in the
   * snapshot twice. (The engines compare export records with each other; this class compares
   * them with the ledger.)
   */
  public static final String DUPLICATE_CONTENT = "duplicate-content";

  private static final JsonFactory JSON = new JsonFactory();

  private final ConsentView view;
  private final Redactor redactor;
  private final MemberDirectory directory;
  private final Set<String> forgotten;
  private final Set<String> forgottenSinceAsOf;
  private final Set<String> ledgerContent;

  public RecordProcessor(ConsentView view, Redactor redactor, MemberDirectory directory) {
    this(view, redactor, directory, Set.of(), Set.of(), Set.of());
  }

  /** As the six-argument constructor, leaving out no member as forgotten since the as-of instant. */
  public RecordProcessor(
      ConsentView view, Redactor redactor, MemberDirectory directory, Set<String> forgotten, Set<String> ledgerContent) {
    this(view, redactor, directory, forgotten, Set.of(), ledgerContent);
  }

  /**
   * A processor that also leaves out every record of the {@code forgotten} members (a rebuild's,
   * as {@link #FORGOTTEN}) and of the {@code forgottenSinceAsOf} members (as {@link
   * #FORGOTTEN_SINCE_AS_OF}), and every export record whose content id is in {@code
   * ledgerContent} (the ids of the ledger's own {@code content.posted} items, which are processed
   * as such).
   */
  public RecordProcessor(
      ConsentView view,
      Redactor redactor,
      MemberDirectory directory,
      Set<String> forgotten,
      Set<String> forgottenSinceAsOf,
      Set<String> ledgerContent) {
    this.view = view;
    this.redactor = redactor;
    this.directory = directory;
    this.forgotten = Set.copyOf(forgotten);
    this.forgottenSinceAsOf = Set.copyOf(forgottenSinceAsOf);
    this.ledgerContent = Set.copyOf(ledgerContent);
  }

  /**
   * A strict UTF-8 decoder for {@link #processExportLine}: it rejects invalid
   * input instead of replacing it. Not thread-safe: one per thread.
   */
  public static CharsetDecoder strictUtf8() {
    return StandardCharsets.UTF_8
        .newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
  }

  /**
   * An export record's outcome with its content id: null when the line could not be read as a
   * record (malformed, too long), whose id cannot be trusted. An engine uses the id to exclude
   * later copies of a content id (see {@link #DUPLICATE_CONTENT}).
   */
  public record ExportOutcome(String content, RecordOutcome outcome) {}

  /**
   * Processes one raw line of a content export (without its terminator), and says which content
   * id it had: a line that is not valid UTF-8 is excluded as {@code malformed} on its own, never
   * decoded with replacement.
   *
   * @param utf8 a decoder from {@link #strictUtf8()} owned by the calling thread
   */
  public ExportOutcome processExportLine(byte[] line, CharsetDecoder utf8) {
    ContentLines.Parsed parsed = parse(line, utf8);
    if (parsed instanceof ContentLines.Parsed.Ok ok) {
      return new ExportOutcome(ok.record().content(), processExport(ok.record()));
    }
    ContentLines.Parsed.Bad bad = (ContentLines.Parsed.Bad) parsed;
    return new ExportOutcome(null, new RecordOutcome.Excluded(bad.reason(), bad.problem()));
  }

  /**
   * Reads one raw export line as a record without processing it: what {@link
   * #processExportLine} reads, for an engine that must know a line's content id first.
   */
  public static ContentLines.Parsed parse(byte[] line, CharsetDecoder utf8) {
    if (line.length > ContentLines.MAX_LINE_BYTES) {
      return new ContentLines.Parsed.Bad(ContentLines.TOO_LONG, "longer than " + ContentLines.MAX_LINE_BYTES + " bytes");
    }
    String text;
    try {
      // A byte order mark decodes to U+FEFF, which ContentLines.parse skips.
      text = utf8.decode(ByteBuffer.wrap(line)).toString();
    } catch (CharacterCodingException e) {
      return new ContentLines.Parsed.Bad("not valid UTF-8");
    }
    return ContentLines.parse(text);
  }

  /**
   * Processes one record of a content export (a line or a row): as {@link #process}, but a
   * record whose content id the ledger posted is left out as {@link #DUPLICATE_CONTENT}.
   */
  public RecordOutcome processExport(ContentRecord r) {
    if (ledgerContent.contains(r.content())) {
      return new RecordOutcome.Excluded(DUPLICATE_CONTENT);
    }
    return process(r);
  }

  /** Processes one record of the ledger's own content (or one already checked by the caller). */
  public RecordOutcome process(ContentRecord r) {
    MemberGate gate = view.member(r.member());
    Optional<String> exclusion =
        ContentRule.exclusion(
            gate.decision(), view.purposePolicy(), r.kind(), r.visibility(), r.postedAt(), r.deletedAt(), view.asOf());
    if (exclusion.isPresent()) {
      return new RecordOutcome.Excluded(exclusion.get());
    }
    if (Erasure.isMarker(r.text())) {
      return new RecordOutcome.Excluded(ERASED);
    }
    if (forgotten.contains(r.member())) {
      return new RecordOutcome.Excluded(FORGOTTEN);
    }
    if (forgottenSinceAsOf.contains(r.member())) {
      return new RecordOutcome.Excluded(FORGOTTEN_SINCE_AS_OF);
    }
    if (gate.number() < 0) {
      // An allowed decision implies a registered member; never include a record we cannot trace.
      return new RecordOutcome.Excluded(ContentLines.MALFORMED);
    }
    Redaction redaction =
        redactor.redact(r.text(), DetectionContext.ofCountry(gate.country()).withDirectory(directory));
    if (redaction.dropped()) {
      return new RecordOutcome.Excluded(REDACTION_DROPPED);
    }
    return new RecordOutcome.Included(gate.shard(), gate.number(), trainingLine(r, redaction.text()), redaction.counts());
  }

  /** {@code {"content":…,"kind":…,"text":…}\n}: no member id ever reaches a training file. */
  static byte[] trainingLine(ContentRecord r, String redactedText) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(redactedText.length() + 64);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("content", r.content());
      g.writeStringField("kind", r.kind());
      g.writeStringField("text", redactedText);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.write('\n');
    return out.toByteArray();
  }
}

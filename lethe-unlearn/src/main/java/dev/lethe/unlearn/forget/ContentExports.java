package dev.lethe.unlearn.forget;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.lethe.core.text.ByteLines;
import dev.lethe.pipeline.ContentLines;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Reads the content ids of some members from content exports (JSON Lines), keeping exactly the
 * records {@link ContentLines#parse} reads as well-formed and whose member is one of them, while
 * parsing in full only the lines that may be theirs.
 *
 * <p>Forgetting looks for a few members' content in exports of every member: most lines belong to
 * someone else. A line {@link ContentLines#parse} accepts has exactly one top-level {@code member}
 * field, a string (a repeated key makes the line malformed), and its record's member is that
 * string. So a line whose first top-level {@code member} field is a string naming none of the
 * members cannot yield one of their records, whatever the rest of it holds, and is skipped after
 * reading up to that field; every other line (that field a member's, absent, not a string, or
 * the JSON broken before it) is parsed in full as before. The records kept are the same as
 * parsing every line, at a fraction of the cost (no tree, no timestamps, no text copied).
 *
 * <p>Lines are split exactly as the build splits them ({@link ContentLines#lines}: at {@code \n} only, a
 * {@code \r} just before it dropped), and a line the build excludes before parsing (blank, longer
 * than {@link ContentLines#MAX_LINE_BYTES}, not valid UTF-8) yields no record here either. A bare
 * {@code \r} is JSON whitespace inside a record: splitting there would cut one record the build
 * keeps into two broken halves, and its content id would escape the leak check.
 */
final class ContentExports {

  private static final JsonFactory FACTORY = new JsonFactory();

  private ContentExports() {}

  /**
   * Calls {@code sink} with the content id and member of every well-formed record of one of
   * {@code members} in {@code file}, in file order.
   */
  static void read(Path file, Set<String> members, BiConsumer<String, String> sink) throws IOException {
    scan(file, (line, index) -> {
      String named = firstMember(line);
      if (named != null && !members.contains(named)) {
        return true;
      }
      if (ContentLines.parse(line) instanceof ContentLines.Parsed.Ok ok && members.contains(ok.record().member())) {
        sink.accept(ok.record().content(), ok.record().member());
      }
      return true;
    });
  }

  /**
   * Calls {@code sink} with the content id and member of every record of one of {@code members}
   * that a build reading {@code files} in this order attributes to that member: a well-formed
   * record whose content id the ledger did not post and that no earlier well-formed line (of any
   * file, any member) had. The build keeps the first copy of a content id and excludes later ones
   * as {@code duplicate-content} (and export records of an id the ledger posted), so a line naming
   * a member for someone else's content id is not that member's content: counting it would find
   * the other member's record in every rebuild and fail every forgetting of the member.
   *
   * <p>Reads each file once for the members' records ({@link #read}); only if there are any, reads
   * again up to the last of them for earlier lines claiming the same ids, parsing in full only the
   * lines whose first top-level {@code content} field is one of those ids (or not a string).
   *
   * @param ledgerContent the content ids the ledger posted (any member's)
   */
  static void attributed(List<Path> files, Set<String> members, Set<String> ledgerContent, BiConsumer<String, String> sink)
      throws IOException {
    // Content id -> where the members' first record of it is (file index, line index) and whose it is.
    Map<String, long[]> firstAt = new HashMap<>();
    Map<String, String> memberOf = new HashMap<>();
    long[] last = {-1, -1};
    for (int f = 0; f < files.size(); f++) {
      int fileIndex = f;
      scan(files.get(f), (line, index) -> {
        String named = firstString(line, "member");
        if (named != null && !members.contains(named)) {
          return true;
        }
        if (ContentLines.parse(line) instanceof ContentLines.Parsed.Ok ok && members.contains(ok.record().member())
            && !ledgerContent.contains(ok.record().content()) && !firstAt.containsKey(ok.record().content())) {
          firstAt.put(ok.record().content(), new long[] {fileIndex, index});
          memberOf.put(ok.record().content(), ok.record().member());
          last[0] = fileIndex;
          last[1] = index;
        }
        return true;
      });
    }
    if (firstAt.isEmpty()) {
      return;
    }
    // Ids an earlier line of someone else claimed first: the build excluded the members' copies.
    Set<String> claimed = new java.util.HashSet<>();
    for (int f = 0; f <= last[0]; f++) {
      int fileIndex = f;
      scan(files.get(f), (line, index) -> {
        if (fileIndex == last[0] && index >= last[1]) {
          return false;
        }
        String id = firstString(line, "content");
        if (id != null && !firstAt.containsKey(id)) {
          return true;
        }
        if (ContentLines.parse(line) instanceof ContentLines.Parsed.Ok ok) {
          long[] at = firstAt.get(ok.record().content());
          if (at != null && (fileIndex < at[0] || (fileIndex == at[0] && index < at[1]))) {
            claimed.add(ok.record().content());
          }
        }
        return true;
      });
    }
    for (Map.Entry<String, String> e : memberOf.entrySet()) {
      if (!claimed.contains(e.getKey())) {
        sink.accept(e.getKey(), e.getValue());
      }
    }
  }

  /** What {@link #scan} calls with each line the build would read; false stops the scan. */
  private interface LineVisitor {
    boolean visit(String line, long index);
  }

  /**
   * Calls {@code visitor} with each line of {@code file} that the build parses (split as it
   * splits, neither blank, too long nor invalid UTF-8) and its index among all lines.
   */
  private static void scan(Path file, LineVisitor visitor) throws IOException {
    CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    try (InputStream in = Files.newInputStream(file)) {
      ByteLines lines = ContentLines.lines(in);
      long index = -1;
      for (byte[] raw; (raw = lines.next()) != null; ) {
        index++;
        if (ContentLines.isBlank(raw) || raw.length > ContentLines.MAX_LINE_BYTES) {
          continue;
        }
        String line;
        try {
          line = utf8.decode(ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
          continue;
        }
        if (!visitor.visit(line, index)) {
          return;
        }
      }
    }
  }

  /**
   * The value of the line's first top-level {@code member} field if the line is a JSON object up
   * to it and the value is a string; null if not (the line must then be parsed in full to know).
   * A byte order mark before the object is skipped, as {@link ContentLines#parse} does.
   */
  static String firstMember(String line) {
    return firstString(line, "member");
  }

  /** As {@link #firstMember}, for the first top-level field named {@code field}. */
  static String firstString(String line, String field) {
    String json = line.startsWith("\uFEFF") ? line.substring(1) : line;
    try (JsonParser p = FACTORY.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
        boolean member = field.equals(p.currentName());
        JsonToken value = p.nextToken();
        if (member) {
          return value == JsonToken.VALUE_STRING ? p.getText() : null;
        }
        // A nested object or array may hold a "member" of its own: not the record's.
        p.skipChildren();
      }
      return null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}

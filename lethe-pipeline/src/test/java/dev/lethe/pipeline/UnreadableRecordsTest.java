package dev.lethe.pipeline;

import static dev.lethe.pipeline.SnapshotAssert.assertThatSnapshot;
import static dev.lethe.pipeline.SnapshotScenarioTest.record;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.core.text.ByteLines;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Export lines that must not be read as records, or not as the records they seem to be: each is
 * excluded under a named reason, the operator learns where it is and what is wrong, and the rest
 * of the build goes on.
 */
class UnreadableRecordsTest {

  private static final Instant POSTED = Instant.parse("2024-01-10T00:00:00Z");

  @TempDir Path temp;

  private static String ann(String id) {
    return record(id, "ann", "post", "public", POSTED, null);
  }

  @Test
  void linesAReaderWouldHaveToGuessAboutAreMalformed() {
    assertThat(ContentLines.parse(ann("a1"))).isInstanceOf(ContentLines.Parsed.Ok.class);
    assertBad(ann("a1") + " xyz", "malformed JSON");
    assertBad(ann("a1") + "{\"a\":1}", "malformed JSON");
    assertBad(ann("a1").replace("{\"content\"", "{\"member\":\"ghost\",\"content\""), "duplicate field 'member'");
    // A truncated line: what is wrong and where, in words, without the parser's internals.
    String truncated = ann("a1").substring(0, ann("a1").length() - 1);
    assertThat(ContentLines.parse(truncated)).isInstanceOfSatisfying(ContentLines.Parsed.Bad.class, bad ->
        assertThat(bad.problem()).isEqualTo("malformed JSON at column " + ann("a1").length() + ": the object is not closed"));
    assertBad(ann("a1").replace("\"content\":\"a1\"", "\"content\":\"\""), "\"content\" must not be empty");
    assertBad(ann("a1").replace("\"member\":\"ann\"", "\"member\":\"\""), "\"member\" must not be empty");
    assertBad(ann("a1").replace("\"content\":\"a1\"", "\"content\":\" \\t\""), "\"content\" must not be empty or blank");
    assertBad(ann("a1").replace("by a member", "lone \\ud800 high"), "\"text\" holds an unpaired surrogate U+D800");
    assertBad(ann("a1").replace("by a member", "backwards \\udc00\\ud800"), "unpaired surrogate U+DC00");
    assertBad(ann("a1").replace("\"content\":\"a1\"", "\"content\":\"a1\\ud800\""), "\"content\" holds");
    // A pair is text: an emoji written as two escapes.
    assertThat(ContentLines.parse(ann("a1").replace("by a member", "\\ud83d\\ude00"))).isInstanceOf(ContentLines.Parsed.Ok.class);
  }

  @Test
  void aByteOrderMarkBeforeTheObjectIsNotPartOfTheRecord() {
    assertThat(ContentLines.parse("\uFEFF" + ann("a1"))).isInstanceOf(ContentLines.Parsed.Ok.class);
  }

  private static void assertBad(String line, String problem) {
    assertThat(ContentLines.parse(line))
        .as(line)
        .isInstanceOfSatisfying(ContentLines.Parsed.Bad.class, bad -> assertThat(bad.problem()).contains(problem));
  }

  @Test
  void theFirstRecordOfAContentIdIsTheRecordAndLaterCopiesAreLeftOut() throws Exception {
    Path first = temp.resolve("first.jsonl");
    Path second = temp.resolve("second.jsonl");
    Files.writeString(first, String.join("\n",
        ann("c1"),
        ann("c2").replace("\"ann\"", "\"uma\""), // uma's c2
        ann("c1"), // the same record again
        "{\"content\":\"c3\"}", // unreadable: its id does not count
        ann("c3")) + "\n");
    Files.writeString(second, String.join("\n",
        ann("c2"), // c2 claimed for ann: uma's record was first
        ann("c4")) + "\n");
    SnapshotResult result = SnapshotEngine.embedded(PipelineFixtures.DETECTOR).build(SnapshotEngineTest.ledger(),
        PipelineFixtures.request("genai-training", SnapshotEngineTest.AS_OF, List.of(first, second), temp.resolve("out"), 3),
        ProgressListener.NONE);
    assertThatSnapshot(result.directory())
        .isConsistent()
        .includesExactly(List.of("L1", "c1", "c2", "c3", "c4"))
        .hasExcluded("duplicate-content", 2)
        .hasExcluded("malformed", 1);
  }

  @Test
  void aLineWithoutEndIsCutAtTheLimitAndTheRestSkipped() throws Exception {
    int huge = ContentLines.MAX_LINE_BYTES * 2 + 17;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.write(new byte[huge]);
    bytes.write("\r\nnext\n".getBytes(StandardCharsets.US_ASCII));
    ByteLines lines = ContentLines.lines(new ByteArrayInputStream(bytes.toByteArray()));
    assertThat(lines.next()).hasSize(ContentLines.MAX_LINE_BYTES + 1);
    assertThat(new String(lines.next(), StandardCharsets.US_ASCII)).isEqualTo("next");
    assertThat(lines.next()).isNull();
    assertThat(lines.consumed()).isEqualTo(bytes.size());
  }

  @Test
  void eachUnreadableLineIsCountedAndReportedWhereItIs() throws Exception {
    List<String> lines = new ArrayList<>();
    lines.add("\uFEFF" + ann("a1")); // line 1: included despite the mark
    lines.add(ann("a2") + " trailing"); // 2
    lines.add(""); // 3: blank, not a record
    lines.add(ann("a3").replace("by a member", "\\ud800")); // 4
    lines.add(ann("L1")); // 5: the ledger's own content id, deleted there: it must not come back
    lines.add(ann("L2")); // 6: the ledger's, claimed here for another member
    lines.add("{\"content\":\"a4\",\"member\":\"ann\",\"member\":\"uma\",\"kind\":\"post\",\"visibility\":\"public\","
        + "\"posted_at\":\"2024-01-10T00:00:00Z\",\"text\":\"which member?\"}"); // 7
    StringBuilder tooLong = new StringBuilder(ann("a5"));
    tooLong.insert(tooLong.length() - 2, "x".repeat(ContentLines.MAX_LINE_BYTES));
    lines.add(tooLong.toString()); // 8
    lines.add(ann("a6")); // 9
    Path file = temp.resolve("content.jsonl");
    Files.write(file, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));

    List<String> reported = new ArrayList<>();
    ProgressListener listener = new ProgressListener() {
      @Override
      public void unreadable(String f, long line, String reason, String problem) {
        assertThat(f).isEqualTo(file.toString());
        reported.add(Path.of(f).getFileName() + ":" + line + ": " + reason + ": " + problem);
      }
    };
    String ledger = SnapshotEngineTest.LEDGER
        + "{\"type\":\"content.deleted\",\"at\":\"2024-01-05T00:00:00Z\",\"content\":\"L1\"}\n";
    SnapshotResult result = SnapshotEngine.embedded(PipelineFixtures.DETECTOR).build(
        dev.lethe.core.ledger.LedgerReader.load(new ByteArrayInputStream(ledger.getBytes(StandardCharsets.UTF_8))).ledger(),
        PipelineFixtures.request("genai-training", SnapshotEngineTest.AS_OF, List.of(file), temp.resolve("out"), 2),
        listener);

    assertThatSnapshot(result.directory())
        .isConsistent()
        .includesExactly(List.of("a1", "a6"))
        .hasExcluded("malformed", 3)
        .hasExcluded("too-long", 1)
        .hasExcluded("duplicate-content", 2)
        .hasExcluded("content-deleted", 1) // the ledger's L1 itself
        .hasExcluded("jurisdiction-blocked", 1); // the ledger's L2, by dirk in Germany
    assertThat(reported).hasSize(4);
    assertThat(reported.get(0)).startsWith("content.jsonl:2: malformed: malformed JSON");
    assertThat(reported.get(1)).startsWith("content.jsonl:4: malformed: \"text\" holds an unpaired surrogate");
    assertThat(reported.get(2)).startsWith("content.jsonl:7: malformed: malformed JSON").contains("member");
    assertThat(reported.get(3)).isEqualTo("content.jsonl:8: too-long: longer than " + ContentLines.MAX_LINE_BYTES + " bytes");
  }
}

package dev.lethe.unlearn.forget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stored form of forget requests: the run's counts are kept, and requests stored before counts were kept read back without them. */
class ForgetQueueTest {

  private static final Instant AT = Instant.parse("2025-03-03T10:00:00Z");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private static ForgetRequest completed(ForgetRequest.Tally tally, String detail) {
    return ForgetRequests.pending("m1", ForgetReason.WITHDRAWAL, "genai-training", AT)
        .executed(ForgetRequest.Status.COMPLETED, new ForgetRequest.Outcome(AT, List.of(), List.of(), true, detail, tally));
  }

  @Test
  void theCountsOfAnOutcomeAreStoredAndReadBack() throws Exception {
    ForgetQueue queue = ForgetQueue.open(dir);
    ForgetRequest r = completed(new ForgetRequest.Tally(0, 2, 0, 0), "any wording at all");
    queue.save(r);
    ForgetRequest back = queue.find(r.id()).orElseThrow();
    assertThat(back).isEqualTo(r);
    assertThat(back.outcome().tally().onlyLeftAlone()).isTrue();
    assertThat(back.outcome().tally().nothingHeld()).isFalse();
    assertThat(JSON.readTree(dir.resolve(r.id() + ".json").toFile()).get("counts").toString())
        .isEqualTo("{\"snapshots_rebuilt\":0,\"snapshots_left_alone\":2,\"retired_snapshots_cleared\":0,\"models_retrained\":0}");
  }

  @Test
  void anOutcomeStoredBeforeCountsWereKeptReadsBackWithoutCountsAndIsWrittenAsItWas() throws Exception {
    ForgetQueue queue = ForgetQueue.open(dir);
    ForgetRequest old = completed(null, "no snapshot or model held the member's data");
    queue.save(old);
    Path file = dir.resolve(old.id() + ".json");
    assertThat(JSON.readTree(file.toFile()).has("counts")).as("nothing is written for an outcome without counts").isFalse();
    ForgetRequest back = queue.find(old.id()).orElseThrow();
    assertThat(back.outcome().tally()).isNull();
    assertThat(back.outcome().detail()).isEqualTo("no snapshot or model held the member's data");
    // A reopened request keeps its earlier outcome, counts and all.
    ForgetRequest counted = completed(new ForgetRequest.Tally(1, 0, 0, 1), "removed");
    ForgetRequest reopened = counted.reopened(AT.plusSeconds(60), List.of("back"));
    queue.save(reopened);
    assertThat(queue.find(reopened.id()).orElseThrow().reopenings().get(0).previous().tally())
        .isEqualTo(new ForgetRequest.Tally(1, 0, 0, 1));
  }

  @Test
  void damagedCountsAreRefusedRatherThanReadAsNothing() throws Exception {
    ForgetQueue queue = ForgetQueue.open(dir);
    ForgetRequest r = completed(new ForgetRequest.Tally(0, 0, 0, 0), "nothing");
    queue.save(r);
    Path file = dir.resolve(r.id() + ".json");
    ObjectNode o = (ObjectNode) JSON.readTree(file.toFile());
    ((ObjectNode) o.get("counts")).put("snapshots_left_alone", "two");
    Files.writeString(file, o.toString());
    assertThatThrownBy(() -> queue.find(r.id())).isInstanceOf(IOException.class)
        .hasMessageContaining(file.toString()).hasMessageContaining("counts.snapshots_left_alone must be a whole number, 0 or more");
    ((ObjectNode) o.get("counts")).remove("snapshots_left_alone");
    Files.writeString(file, o.toString());
    assertThatThrownBy(() -> queue.find(r.id())).isInstanceOf(IOException.class).hasMessageContaining("missing");
    ((ObjectNode) o.get("counts")).put("snapshots_left_alone", -1);
    Files.writeString(file, o.toString());
    assertThatThrownBy(queue::list).isInstanceOf(IOException.class).hasMessageContaining(file.toString());
  }

  @Test
  void aDamagedRequestFileIsNamedNeverSkipped() throws Exception {
    ForgetQueue queue = ForgetQueue.open(dir);
    ForgetRequest r = completed(new ForgetRequest.Tally(0, 0, 0, 0), "nothing");
    queue.save(r);
    queue.save(ForgetRequests.pending("m2", ForgetReason.ERASURE, null, AT));
    Path file = dir.resolve(r.id() + ".json");
    String whole = Files.readString(file);
    Files.writeString(file, whole.substring(0, whole.length() / 2)); // torn by hand: save itself never tears
    assertThatThrownBy(queue::list).isInstanceOf(IOException.class)
        .hasMessageStartingWith("forget request file " + file + " is damaged: not JSON (line ");
    ObjectNode o = (ObjectNode) JSON.readTree(whole);
    o.remove("member");
    Files.writeString(file, o.toString());
    assertThatThrownBy(() -> queue.find(r.id())).isInstanceOf(IOException.class)
        .hasMessageStartingWith("forget request file " + file + " is damaged: ");
    Files.writeString(file, "[1, 2]");
    assertThatThrownBy(queue::list).isInstanceOf(IOException.class).hasMessageEndingWith("is damaged: not a JSON object");
    assertThat(Files.list(dir).filter(p -> p.toString().endsWith(".tmp")).count()).isZero();
  }

  @Test
  void aTallyCountsNothingNegative() {
    assertThatThrownBy(() -> new ForgetRequest.Tally(0, -1, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThat(new ForgetRequest.Tally(0, 0, 0, 0).nothingHeld()).isTrue();
    assertThat(new ForgetRequest.Tally(0, 0, 0, 0).onlyLeftAlone()).isFalse();
    assertThat(new ForgetRequest.Tally(1, 1, 0, 0).onlyLeftAlone()).isFalse();
    assertThat(new ForgetRequest.Tally(0, 0, 1, 0).nothingHeld()).isFalse();
  }

  /** A build reads the operators' requests with lethe-pipeline's reader, which must read what the queue writes. */
  @Test
  void aBuildReadsTheOperatorsRequestsTheQueueWrites() throws Exception {
    ForgetQueue queue = ForgetQueue.open(dir);
    ForgetRequest all = ForgetRequests.pending("m1", ForgetReason.MANUAL, null, AT);
    ForgetRequest one = ForgetRequests.pending("m2", ForgetReason.MANUAL, "genai-training", AT.plusSeconds(1))
        .executed(ForgetRequest.Status.COMPLETED, new ForgetRequest.Outcome(AT, List.of(), List.of(), true, "done", null));
    queue.addAll(List.of(all, ForgetRequests.pending("m3", ForgetReason.ERASURE, null, AT)));
    queue.save(one);
    assertThat(dev.lethe.pipeline.ManualForgets.read(dir)).containsExactlyInAnyOrder(
        new dev.lethe.pipeline.ForgetObligations.Obligation("m1", dev.lethe.pipeline.ForgetObligations.Reason.MANUAL, null, AT),
        new dev.lethe.pipeline.ForgetObligations.Obligation("m2", dev.lethe.pipeline.ForgetObligations.Reason.MANUAL,
            "genai-training", AT.plusSeconds(1)));
    assertThat(dev.lethe.pipeline.ForgetObligations.Reason.MANUAL.word()).isEqualTo(ForgetReason.MANUAL.word());
    assertThat(dev.lethe.pipeline.ManualForgets.read(dir.resolve("none"))).isEmpty();
    Files.writeString(dir.resolve(all.id() + ".json"), "{\"reason\":\"manual\",\"member\":\"m1\"}");
    assertThatThrownBy(() -> dev.lethe.pipeline.ManualForgets.read(dir)).isInstanceOf(IOException.class)
        .hasMessageContaining(all.id() + ".json").hasMessageContaining("damaged");
  }
}

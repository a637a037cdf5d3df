package dev.lethe.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a member reads about a forget request found undone by a re-check. */
class ReopeningWordsTest {

  private static final Instant RECEIVED = Instant.parse("2025-03-03T10:00:00Z");
  private static final Instant DEADLINE = Instant.parse("2025-04-03T10:00:00Z");
  private static final Instant DONE = Instant.parse("2025-03-04T08:00:00Z");
  private static final Instant FOUND = Instant.parse("2025-04-12T09:00:00Z");
  private static final Instant AS_OF = Instant.parse("2025-03-01T00:00:00Z");

  private static ForgetQueueView.ForgetRequest request(String status, Instant completedAt, List<ForgetQueueView.Reopening> r) {
    return new ForgetQueueView.ForgetRequest("fr-1", "alice", "erasure", null, RECEIVED, DEADLINE, status, true, completedAt,
        completedAt == null ? null : true, null, List.of(), null, r, 0, 0);
  }

  @Test
  void aPendingRequestSaysWhatCameBackAndThatItIsDueByTheOriginalDeadline() {
    var reopening = new ForgetQueueView.Reopening(FOUND, DONE, true, List.of(
        new ForgetQueueView.Found("restored-snapshot", "s1", "genai-training", AS_OF, null, 0),
        new ForgetQueueView.Found("restored-model", "s1", "genai-training", AS_OF, "m1", 0)));
    List<String> words = ReopeningWords.explain(request("pending", null, List.of(reopening)), FOUND);
    assertThat(words).containsExactly("Completed on 2025-03-04 and verified. A check on 2025-04-12 found your data again:"
        + " a copy of the genai-training training data (snapshot s1, data as of 2025-03-01) that we had deleted was restored,"
        + " for example from a backup; model m1, trained on it before your data was removed and deleted by us, was restored too."
        + " We are removing it again. It is due by 2025-04-03, the deadline of your original request (overdue by 9 days).");
  }

  @Test
  void eachReopeningSaysWhatFollowedIt() {
    var first = new ForgetQueueView.Reopening(FOUND, DONE, true,
        List.of(new ForgetQueueView.Found("snapshot-in-use", "s2", "genai-training", AS_OF, null, 0)));
    Instant again = Instant.parse("2025-04-13T00:00:00Z");
    var second = new ForgetQueueView.Reopening(Instant.parse("2025-05-01T00:00:00Z"), again, true, List.of());
    List<String> done = ReopeningWords.explain(request("completed", Instant.parse("2025-05-02T00:00:00Z"), List.of(first, second)),
        Instant.parse("2025-05-03T00:00:00Z"));
    assertThat(done.get(0)).contains("a copy of the genai-training training data (snapshot s2, data as of 2025-03-01) that still"
        + " held your data was in use again").endsWith("It was removed again on 2025-04-13.");
    assertThat(done.get(1)).isEqualTo("Completed on 2025-04-13 and verified. A check on 2025-05-01 found your data again in our"
        + " training data or models. It was removed again on 2025-05-02.");
    assertThat(ReopeningWords.explain(request("failed", null, List.of(first)), FOUND).get(0))
        .endsWith("Removing it again has not succeeded yet; the administrators have it in their queue. It was due by 2025-04-03,"
            + " the deadline of your original request.");
    assertThat(ReopeningWords.explain(request("pending", null, List.of(first)), Instant.parse("2025-04-01T10:00:00Z")).get(0))
        .endsWith("(2 days left).");
  }

  @Test
  void everyKindReadsWithoutInternalTerms() {
    List<ForgetQueueView.Found> all = List.of(
        new ForgetQueueView.Found("restored-snapshot", "s", "p", AS_OF, null, 0),
        new ForgetQueueView.Found("snapshot-in-use", "s", "p", AS_OF, null, 0),
        new ForgetQueueView.Found("restored-model", "s", "p", AS_OF, "m", 0),
        new ForgetQueueView.Found("model-in-use", "s", "p", AS_OF, "m", 0),
        new ForgetQueueView.Found("content-in-rebuild", "s", "p", AS_OF, null, 3),
        new ForgetQueueView.Found("model-changed", "s", "p", AS_OF, "m", 0),
        new ForgetQueueView.Found("uncheckable", "s", null, null, null, 0));
    assertThat(all).extracting(ReopeningWords::describe).containsExactly(
        "a copy of the p training data (snapshot s, data as of 2025-03-01) that we had deleted was restored, for example from a backup",
        "a copy of the p training data (snapshot s, data as of 2025-03-01) that still held your data was in use again",
        "model m, trained on the p training data (snapshot s, data as of 2025-03-01) before your data was removed and deleted by us,"
            + " was restored",
        "model m had been trained on the p training data (snapshot s, data as of 2025-03-01)",
        "3 items of yours were in the p training data (snapshot s, data as of 2025-03-01), which had replaced the training data that"
            + " held your data",
        "model m no longer matched a model trained without your data",
        "training data (snapshot s) could not be checked, so we could not confirm your data was gone from it");
  }
}

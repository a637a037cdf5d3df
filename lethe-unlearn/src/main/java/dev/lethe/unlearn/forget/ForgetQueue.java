package dev.lethe.unlearn.forget;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.core.event.Rfc3339;
import dev.lethe.pipeline.DurableFiles;
import dev.lethe.unlearn.forget.ForgetRequest.CanaryExposure;
import dev.lethe.unlearn.forget.ForgetRequest.Outcome;
import dev.lethe.unlearn.forget.ForgetRequest.Replacement;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The forget requests of a deployment, one JSON file per request under a directory, each
 * replaced atomically (written to a temporary file, forced, renamed) so a crash never leaves a
 * half-written request. Adding a request that exists already changes nothing. Safe for one
 * writer process; readers see whole files only.
 */
public final class ForgetQueue {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path directory;

  private ForgetQueue(Path directory) {
    this.directory = directory;
  }

  /** The queue stored in {@code directory} (created on first write). */
  public static ForgetQueue open(Path directory) {
    return new ForgetQueue(directory);
  }

  public Path directory() {
    return directory;
  }

  /**
   * Adds the requests not yet queued.
   *
   * @return the newly added ones
   */
  public List<ForgetRequest> addAll(List<ForgetRequest> requests) throws IOException {
    List<ForgetRequest> added = new ArrayList<>();
    for (ForgetRequest r : requests) {
      if (!Files.exists(file(r.id()))) {
        save(r);
        added.add(r);
      }
    }
    return added;
  }

  /** Writes (or replaces) a request. */
  public void save(ForgetRequest r) throws IOException {
    Files.createDirectories(directory);
    // The directory is forced too: a request acknowledged to a member must still be queued after a crash.
    DurableFiles.replace(file(r.id()), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(toJson(r)));
  }

  /** Every request, by deadline then id. */
  public List<ForgetRequest> list() throws IOException {
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    List<ForgetRequest> all = new ArrayList<>();
    try (Stream<Path> files = Files.list(directory)) {
      for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList()) {
        all.add(read(f));
      }
    }
    all.sort(Comparator.comparing(ForgetRequest::deadline).thenComparing(ForgetRequest::id));
    return all;
  }

  /** The request with this id, if queued. */
  public Optional<ForgetRequest> find(String id) throws IOException {
    Path f = file(id);
    return Files.isRegularFile(f) ? Optional.of(read(f)) : Optional.empty();
  }

  /**
   * One request's file. A damaged file is an error naming it, never a request skipped: a queue
   * that silently dropped a request would leave a member's data unforgotten.
   *
   * @throws IOException if the file cannot be read, is not JSON or is not a request
   */
  private static ForgetRequest read(Path f) throws IOException {
    JsonNode json;
    try {
      json = JSON.readTree(f.toFile());
    } catch (JsonProcessingException e) {
      throw new IOException("forget request file " + f + " is damaged: not JSON (line " + e.getLocation().getLineNr()
          + ", column " + e.getLocation().getColumnNr() + ")", e);
    }
    try {
      if (json == null || !json.isObject()) {
        throw new IllegalArgumentException("not a JSON object");
      }
      return fromJson(json);
    } catch (RuntimeException e) {
      String why = e.getMessage() == null ? "a required field is missing or of the wrong type" : e.getMessage();
      throw new IOException("forget request file " + f + " is damaged: " + why, e);
    }
  }

  private Path file(String id) {
    if (!id.matches("[A-Za-z0-9-]{1,64}")) {
      throw new IllegalArgumentException("not a request id: " + id);
    }
    return directory.resolve(id + ".json");
  }

  /** The JSON form of a request (also what {@code lethe forget-status} prints). */
  public static ObjectNode toJson(ForgetRequest r) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("id", r.id());
    o.put("member", r.member());
    o.put("reason", r.reason().word());
    o.put("purpose", r.purpose());
    o.put("received", Rfc3339.format(r.receivedAt()));
    o.put("deadline", Rfc3339.format(r.deadline()));
    o.put("status", r.status().word());
    Outcome out = r.outcome();
    if (out != null) {
      putOutcome(o, out);
    } else {
      o.putArray("affected_models");
      o.putNull("new_snapshot");
    }
    // Written only once a request was reopened, so the files of other requests are as they were.
    if (!r.reopenings().isEmpty()) {
      ArrayNode reopenings = o.putArray("reopenings");
      for (ForgetRequest.Reopening ro : r.reopenings()) {
        ObjectNode n = reopenings.addObject();
        n.put("at", Rfc3339.format(ro.at()));
        ArrayNode problems = n.putArray("problems");
        ro.problems().forEach(problems::add);
        putOutcome(n.putObject("previous"), ro.previous());
        // Written only when the re-check kept findings, so reopenings recorded before read back the same.
        if (!ro.findings().isEmpty()) {
          ArrayNode found = n.putArray("found");
          for (ForgetRequest.Finding f : ro.findings()) {
            ObjectNode x = found.addObject();
            x.put("kind", f.kind().word());
            x.put("snapshot", f.snapshot());
            x.put("purpose", f.purpose());
            x.put("as_of", f.asOf() == null ? null : Rfc3339.format(f.asOf()));
            x.put("model", f.model());
            x.put("items", f.items());
          }
        }
      }
    }
    return o;
  }

  private static void putOutcome(ObjectNode o, Outcome out) {
    o.put("completed", out.completedAt() == null ? null : Rfc3339.format(out.completedAt()));
    o.put("verified", out.verified());
    o.put("detail", out.detail());
    ArrayNode models = o.putArray("affected_models");
    out.affectedModels().forEach(models::add);
    ArrayNode replacements = o.putArray("replacements");
    for (Replacement rep : out.replacements()) {
      ObjectNode n = replacements.addObject();
      n.put("old_snapshot", rep.oldSnapshot());
      n.put("new_snapshot", rep.newSnapshot());
      n.put("old_model", rep.oldModel());
      n.put("new_model", rep.newModel());
      n.put("digests_equal", rep.digestsEqual());
      n.put("content_absent", rep.contentAbsent());
      n.put("records_retrained", rep.recordsRetrained());
      n.put("records_full_retrain", rep.recordsFullRetrain());
      n.put("millis", rep.millis());
      ArrayNode canaries = n.putArray("canaries");
      for (CanaryExposure c : rep.canaries()) {
        canaries.addObject().put("canary_sha256", c.canary()).put("exposure_before", c.before())
            .put("exposure_after", c.after()).put("exposure_scratch", c.scratch());
      }
    }
    o.put("new_snapshot", out.replacements().isEmpty() ? null : out.replacements().get(out.replacements().size() - 1).newSnapshot());
    // Written only when counted, so an outcome recorded before counts were kept reads back without them.
    ForgetRequest.Tally t = out.tally();
    if (t != null) {
      o.putObject("counts").put("snapshots_rebuilt", t.snapshotsRebuilt()).put("snapshots_left_alone", t.snapshotsLeftAlone())
          .put("retired_snapshots_cleared", t.retiredSnapshotsCleared()).put("models_retrained", t.modelsRetrained());
    }
  }

  static ForgetRequest fromJson(JsonNode o) {
    List<ForgetRequest.Reopening> reopenings = new ArrayList<>();
    for (JsonNode n : o.path("reopenings")) {
      List<String> problems = new ArrayList<>();
      n.get("problems").forEach(p -> problems.add(p.asText()));
      List<ForgetRequest.Finding> found = new ArrayList<>();
      for (JsonNode f : n.path("found")) {
        String asOf = text(f, "as_of");
        found.add(new ForgetRequest.Finding(ForgetRequest.FindingKind.fromWord(f.get("kind").asText()), text(f, "snapshot"),
            text(f, "purpose"), asOf == null ? null : Rfc3339.parseInstant(asOf), text(f, "model"), f.path("items").asInt()));
      }
      reopenings.add(new ForgetRequest.Reopening(Rfc3339.parseInstant(n.get("at").asText()), problems, outcome(n.get("previous")),
          found));
    }
    return new ForgetRequest(o.get("id").asText(), o.get("member").asText(),
        ForgetReason.fromWord(o.get("reason").asText()).orElseThrow(), text(o, "purpose"),
        Rfc3339.parseInstant(o.get("received").asText()), Rfc3339.parseInstant(o.get("deadline").asText()),
        ForgetRequest.Status.fromWord(o.get("status").asText()), o.has("replacements") ? outcome(o) : null, reopenings);
  }

  private static Outcome outcome(JsonNode o) {
    List<Replacement> reps = new ArrayList<>();
    for (JsonNode n : o.get("replacements")) {
      List<CanaryExposure> canaries = new ArrayList<>();
      n.get("canaries").forEach(c -> canaries.add(new CanaryExposure(c.get("canary_sha256").asText(),
          c.get("exposure_before").asDouble(), c.get("exposure_after").asDouble(), c.get("exposure_scratch").asDouble())));
      reps.add(new Replacement(text(n, "old_snapshot"), text(n, "new_snapshot"), text(n, "old_model"), text(n, "new_model"),
          n.get("digests_equal").asBoolean(), n.get("content_absent").asBoolean(), canaries,
          n.get("records_retrained").asLong(), n.get("records_full_retrain").asLong(), n.get("millis").asLong()));
    }
    List<String> models = new ArrayList<>();
    o.get("affected_models").forEach(m -> models.add(m.asText()));
    return new Outcome(o.get("completed").isNull() ? null : Rfc3339.parseInstant(o.get("completed").asText()),
        models, reps, o.get("verified").asBoolean(), text(o, "detail"), tally(o.get("counts")));
  }

  /**
   * The counts of an outcome, or null where none were recorded (an outcome written before counts
   * were kept). Counts that are there but not whole numbers of 0 or more are refused rather than
   * read as 0: a 0 read from a damaged file would tell a member nothing of theirs was held.
   */
  private static ForgetRequest.Tally tally(JsonNode counts) {
    if (counts == null || counts.isNull()) {
      return null;
    }
    return new ForgetRequest.Tally(count(counts, "snapshots_rebuilt"), count(counts, "snapshots_left_alone"),
        count(counts, "retired_snapshots_cleared"), count(counts, "models_retrained"));
  }

  private static int count(JsonNode counts, String field) {
    JsonNode v = counts.get(field);
    if (v == null || !v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 0) {
      throw new IllegalArgumentException("a forget request's counts." + field + " must be a whole number, 0 or more; it is "
          + (v == null ? "missing" : v.toString()));
    }
    return v.asInt();
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

}

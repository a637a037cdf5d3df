package dev.lethe.bench.unlearn;

import dev.lethe.core.ledger.ConsentLedger;
import dev.lethe.core.ledger.LedgerReader;
import dev.lethe.pipeline.ProgressListener;
import dev.lethe.pipeline.SnapshotEngine;
import dev.lethe.pipeline.SnapshotRequest;
import dev.lethe.pipeline.SnapshotResult;
import dev.lethe.redact.Detector;
import dev.lethe.redact.EntityType;
import dev.lethe.redact.RedactionPolicy;
import dev.lethe.unlearn.CanaryFormat;
import dev.lethe.unlearn.Exposure;
import dev.lethe.unlearn.Model;
import dev.lethe.unlearn.ModelRegistry;
import dev.lethe.unlearn.ShardTrainer;
import dev.lethe.unlearn.TextScore;
import dev.lethe.unlearn.Training;
import dev.lethe.unlearn.TrainingReport;
import dev.lethe.unlearn.Verification;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Forgetting against full retraining, end to end: for S = 1, 4, 16 shards per region group, build
 * a synthetic snapshot with the embedded engine, train the reference model from scratch, then
 * forget one member (and, separately, a whole region) by rebuilding the snapshot without them and
 * retraining only the changed shards. Reports records retrained against a full retrain and the
 * time ratio (retrain vs a from-scratch training of the same new snapshot, which is also the
 * digest verification), held-out perplexity against S (the utility cost of sharding), and the
 * exposure of a planted canary before and after forgetting (plus a control canary of a member who
 * stays).
 *
 * <p>Run: {@code java -cp lethe-bench/target/lethe-bench.jar dev.lethe.bench.unlearn.ForgetBenchDriver
 * DIR [members=3000] [posts=60000] [threads=2] [canary digits=6]}
 */
public final class ForgetBenchDriver {

  private static final Instant AS_OF = Instant.parse("2024-12-01T00:00:00Z");
  private static final String[] COUNTRIES = {"US", "US", "US", "CA", "IN", "GB", "GB", "DE", "FR", "BR"};
  private static final String[][] TOPIC_NOUNS = {
    {"roadmap", "release", "sprint", "backlog", "feature", "deadline"},
    {"budget", "forecast", "invoice", "margin", "audit", "revenue"},
    {"garden", "tomatoes", "roses", "compost", "seedlings", "harvest"},
    {"marathon", "training", "pace", "shoes", "race", "recovery"},
    {"recipe", "sourdough", "oven", "flour", "dinner", "spices"},
    {"concert", "album", "guitar", "setlist", "drummer", "tour"},
  };
  private static final String[] SUBJECTS = {"i", "we", "my team", "our manager", "a friend", "everyone", "my sister", "the group"};
  private static final String[] VERBS = {"finished", "started", "planned", "reviewed", "loved", "improved", "shared", "talked about"};
  private static final String[] ADJECTIVES = {"new", "old", "big", "quick", "careful", "weekly", "final", "first"};
  private static final String[] TAILS = {"today", "this week", "last night", "after work", "with the team", "again", "at last", "on sunday"};
  private static final String[] OPENERS = {"honestly,", "so", "well,", "finally", "today", "again"};

  private ForgetBenchDriver() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int members = args.length > 1 ? Integer.parseInt(args[1]) : 3000;
    int posts = args.length > 2 ? Integer.parseInt(args[2]) : 60_000;
    int threads = args.length > 3 ? Integer.parseInt(args[3]) : Runtime.getRuntime().availableProcessors();
    int digits = args.length > 4 ? Integer.parseInt(args[4]) : 6;
    Files.createDirectories(dir);
    Path ledgerFile = dir.resolve("ledger.jsonl");
    Path content = dir.resolve("content.jsonl");
    Path heldOut = dir.resolve("held-out.txt");
    writeLedger(ledgerFile, members);
    CanaryFormat format = new CanaryFormat("my pin is ", digits, "");
    SplittableRandom secrets = new SplittableRandom(2019);
    String canary = format.candidate(secrets.nextInt(format.size()));
    String control = format.candidate(secrets.nextInt(format.size()));
    String forgotten = "m17";
    String staying = "m18";
    writeContent(content, members, posts, 11, List.of(new String[] {forgotten, canary}, new String[] {staying, control}));
    writeHeldOut(heldOut, members, posts / 20, 99);
    ConsentLedger ledger;
    try (InputStream in = Files.newInputStream(ledgerFile)) {
      ledger = LedgerReader.load(in).ledger();
    }
    Set<String> region = new LinkedHashSet<>();
    for (int m = 0; m < members; m++) {
      if (COUNTRIES[m % COUNTRIES.length].equals("GB")) {
        region.add("m" + m);
      }
    }
    List<String> held = Files.readAllLines(heldOut);
    System.out.printf("%,d members, %,d posts (%.1f MB), held-out %,d texts, %d threads, canary format %s (|R| = %,d)%n",
        members, posts, Files.size(content) / 1e6, held.size(), threads, format, format.size());
    System.out.printf("%-3s %6s | %9s %9s | %-34s | %-34s | %10s | %-32s%n", "S", "shards", "records", "train s",
        "forget 1 member: records, time", "forget region UK: records, time", "held-out", "canary exposure: before/after/ctl");
    Detector detector = Detector.of(EnumSet.allOf(EntityType.class), false);
    for (int s : new int[] {1, 4, 16}) {
      Path root = dir.resolve("S" + s);
      Path snapshots = root.resolve("snapshots");
      ModelRegistry registry = ModelRegistry.open(root.resolve("models"));
      Training training = Training.of(registry, threads);
      ShardTrainer trainer = ShardTrainer.kneserNey(3);
      SnapshotRequest request = SnapshotRequest.builder("genai-training", AS_OF).content(List.of(content)).outDir(snapshots)
          .shardsPerGroup(s).redaction(RedactionPolicy.pseudonymousPeople())
          .deploymentKey("bench-deployment-key-0123456789".getBytes(StandardCharsets.UTF_8)).threads(threads)
          .ledger("ledger", "0".repeat(64)).build();
      SnapshotEngine engine = SnapshotEngine.embedded(detector);
      SnapshotResult full = engine.build(ledger, request, ProgressListener.NONE);
      TrainingReport scratch = training.train(full.directory(), trainer, 1);
      Model before = registry.load(scratch.model().id());
      TextScore ppl = TextScore.EMPTY;
      for (String text : held) {
        ppl = ppl.plus(before.score(text));
      }
      Exposure exposedBefore = Exposure.of(before, format, canary);

      Result member = forget(engine, ledger, request, full, Set.of(forgotten), training, scratch);
      Model after = registry.load(member.retrain.model().id());
      Exposure exposedAfter = Exposure.of(after, format, canary);
      Exposure controlAfter = Exposure.of(after, format, control);
      Result uk = forget(engine, ledger, request, full, region, training, scratch);

      System.out.printf("%-3d %6d | %,9d %9.2f | %-34s | %-34s | %10.2f | %5.1f / %4.1f / %4.1f bits%n",
          s, full.metadata().shards().size(), full.metadata().included(), seconds(scratch), member, uk, ppl.perplexity(),
          exposedBefore.exposure(), exposedAfter.exposure(), controlAfter.exposure());
      if (!member.verification.holds() || !uk.verification.holds()) {
        throw new IllegalStateException("a retrained model's digest differs from the from-scratch training's");
      }
    }
    System.out.println("records: share of a full retrain's records read; time: retrain / from-scratch training of the same new snapshot;");
    System.out.println("every retrained model's digest equalled the from-scratch model's (verification held).");
  }

  /** A forgetting run: the rebuild, the retrain and the from-scratch verification. */
  private record Result(TrainingReport retrain, Verification verification) {
    @Override
    public String toString() {
      return String.format("%,d/%,d (%.4f), %.2fs/%.2fs=%.3f", retrain.recordsTrained(), retrain.recordsFullRetrain(),
          retrain.recordRatio(), seconds(retrain), verification.elapsed().toNanos() / 1e9,
          retrain.elapsed().toNanos() / (double) verification.elapsed().toNanos());
    }
  }

  private static Result forget(SnapshotEngine engine, ConsentLedger ledger, SnapshotRequest request, SnapshotResult full,
      Set<String> members, Training training, TrainingReport scratch) throws IOException {
    SnapshotResult rebuilt = engine.build(ledger, request.asRebuild(new SnapshotRequest.Rebuild(full.metadata().snapshot(),
        full.metadata().inputs(), members)), ProgressListener.NONE);
    TrainingReport retrain = training.retrain(scratch.model().id(), rebuilt.directory());
    Verification verification = training.verify(retrain.model().id(), rebuilt.directory());
    return new Result(retrain, verification);
  }

  private static double seconds(TrainingReport r) {
    return r.elapsed().toNanos() / 1e9;
  }

  private static void writeLedger(Path file, int members) throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(file)) {
      w.write("{\"type\":\"policy.published\",\"at\":\"2024-08-01T00:00:00Z\",\"policy\":{\"version\":\"v1\",\"effective\":\"2024-08-01T00:00:00Z\",\"notice_days\":0,"
          + "\"regions\":{\"EEA\":[\"DE\",\"FR\"],\"UK\":[\"GB\"]},\"purposes\":{\"genai-training\":{\"title\":\"Data for Generative AI Improvement\",\"default\":\"opt-out\",\"min_age\":18,\"honor_gpc\":true,"
          + "\"content_kinds\":[\"post\"],\"visibility\":[\"public\"],\"rules\":{}}}}}\n");
      for (int m = 0; m < members; m++) {
        w.write("{\"type\":\"member.registered\",\"at\":\"2024-01-01T00:00:00Z\",\"member\":\"m" + m + "\",\"country\":\""
            + COUNTRIES[m % COUNTRIES.length] + "\",\"birth_date\":\"" + (1950 + m % 50) + "-03-04\"}\n");
        w.write("{\"type\":\"notice.sent\",\"at\":\"2024-09-01T00:00:00Z\",\"member\":\"m" + m + "\",\"policy_version\":\"v1\"}\n");
      }
    }
  }

  /** A post: each member writes mostly about their own topic, so members differ as real authors do. */
  private static String post(SplittableRandom random, int member) {
    String[] nouns = TOPIC_NOUNS[random.nextInt(4) == 0 ? random.nextInt(TOPIC_NOUNS.length) : member % TOPIC_NOUNS.length];
    StringBuilder text = new StringBuilder();
    int sentences = 1 + random.nextInt(3);
    for (int i = 0; i < sentences; i++) {
      if (random.nextInt(3) == 0) {
        text.append(OPENERS[random.nextInt(OPENERS.length)]).append(' ');
      }
      text.append(SUBJECTS[random.nextInt(SUBJECTS.length)]).append(' ').append(VERBS[random.nextInt(VERBS.length)])
          .append(" the ").append(ADJECTIVES[random.nextInt(ADJECTIVES.length)]).append(' ')
          .append(nouns[random.nextInt(nouns.length)]);
      if (random.nextBoolean()) {
        text.append(" and the ").append(nouns[random.nextInt(nouns.length)]);
      }
      if (random.nextInt(5) == 0) {
        text.append(" in ").append(1 + random.nextInt(59)).append(" minutes");
      }
      text.append(' ').append(TAILS[random.nextInt(TAILS.length)]).append(random.nextInt(6) == 0 ? "!" : ".");
      if (i + 1 < sentences) {
        text.append(' ');
      }
    }
    return text.toString();
  }

  private static void writeContent(Path file, int members, int posts, long seed, List<String[]> canaries) throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (int i = 0; i < posts; i++) {
        int m = random.nextInt(members);
        w.write(line("c" + i, "m" + m, post(random, m)));
      }
      // Carlini et al. insert a canary a few times; four posts each here.
      int id = 0;
      for (String[] c : canaries) {
        for (int k = 0; k < 4; k++) {
          w.write(line("k" + id++, c[0], c[1]));
        }
      }
    }
  }

  private static void writeHeldOut(Path file, int members, int texts, long seed) throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < texts; i++) {
      lines.add(post(random, random.nextInt(members)));
    }
    Files.write(file, lines);
  }

  private static String line(String id, String member, String text) {
    return "{\"content\":\"" + id + "\",\"member\":\"" + member + "\",\"kind\":\"post\",\"visibility\":\"public\","
        + "\"posted_at\":\"2024-10-01T12:00:00Z\",\"text\":\"" + text + "\"}\n";
  }
}

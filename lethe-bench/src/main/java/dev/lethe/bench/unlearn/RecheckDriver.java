package dev.lethe.bench.unlearn;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.core.ledger.ConsentLedger;
import dev.lethe.core.ledger.LedgerReader;
import dev.lethe.pipeline.ProgressListener;
import dev.lethe.pipeline.SnapshotEngine;
import dev.lethe.pipeline.SnapshotRequest;
import dev.lethe.pipeline.SnapshotResult;
import dev.lethe.redact.Detector;
import dev.lethe.redact.EntityType;
import dev.lethe.redact.RedactionPolicy;
import dev.lethe.testkit.Trees;
import dev.lethe.unlearn.ModelRegistry;
import dev.lethe.unlearn.ShardTrainer;
import dev.lethe.unlearn.Training;
import dev.lethe.unlearn.TrainingReport;
import dev.lethe.unlearn.forget.AuditSink;
import dev.lethe.unlearn.forget.ForgetQueue;
import dev.lethe.unlearn.forget.ForgetReason;
import dev.lethe.unlearn.forget.ForgetRequest;
import dev.lethe.unlearn.forget.ForgetRequests;
import dev.lethe.unlearn.forget.ForgetRunner;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What re-checking completed forget requests costs ({@code lethe verify-forgetting --all}, the
 * server's re-check after each run): a snapshot of {@code members} members and {@code posts}
 * posts with a model trained on it, {@code requests} members forgotten in {@code batches} runs
 * (so later runs replace the rebuilds of earlier ones), then
 *
 * <ul>
 *   <li>every completed request re-checked at once, against a third of them (the cost should
 *       grow with the data, not with requests × snapshots);
 *   <li>a few requests re-checked one at a time (what checking each with {@code --request}
 *       costs, per request);
 *   <li>the original snapshot's and model's files restored from a copy taken before forgetting:
 *       the re-check (every request fails), reopening, and the run that deletes again what came
 *       back.
 * </ul>
 *
 * Prints seconds and the load average; exits non-zero if a result is not the expected one.
 *
 * <p>Run: {@code java -cp lethe-bench/target/lethe-bench.jar dev.lethe.bench.unlearn.RecheckDriver
 * DIR [members=3000] [posts=60000] [requests=300] [batches=3] [threads=2]}
 */
public final class RecheckDriver {

  private static final Instant AS_OF = Instant.parse("2024-11-01T00:00:00Z");
  private static final Instant RECEIVED = Instant.parse("2024-12-01T00:00:00Z");
  private static final byte[] KEY = "recheck-bench-deployment-key-0123".getBytes(StandardCharsets.UTF_8);
  private static final String[] NOUNS = {"roadmap", "release", "budget", "garden", "marathon", "recipe", "concert", "invoice",
    "tomatoes", "guitar", "sourdough", "sprint"};
  private static final String[] VERBS = {"finished", "started", "planned", "reviewed", "loved", "improved", "shared", "talked about"};
  private static final String[] SUBJECTS = {"i", "we", "my team", "our manager", "a friend", "everyone"};

  private RecheckDriver() {}

  /** Keyed commitments as the store makes them (HMAC-SHA-256 under a key), counting the leaves. */
  private static final class CountingAudit implements AuditSink {
    final AtomicLong leaves = new AtomicLong();

    @Override
    public long record(String kind, ObjectNode payload) {
      return leaves.getAndIncrement();
    }

    @Override
    public String commitment(String member) {
      try {
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(KEY, "HmacSHA256"));
        return "hmac-sha256:" + java.util.HexFormat.of().formatHex(mac.doFinal(member.getBytes(StandardCharsets.UTF_8)));
      } catch (java.security.GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int members = args.length > 1 ? Integer.parseInt(args[1]) : 3000;
    int posts = args.length > 2 ? Integer.parseInt(args[2]) : 60_000;
    int requests = args.length > 3 ? Integer.parseInt(args[3]) : 300;
    int batches = args.length > 4 ? Integer.parseInt(args[4]) : 3;
    int threads = args.length > 5 ? Integer.parseInt(args[5]) : 2;
    if (Files.exists(dir)) {
      throw new IllegalArgumentException(dir + " exists; give a new directory");
    }
    Files.createDirectories(dir);
    Path ledgerFile = dir.resolve("ledger.jsonl");
    Path content = dir.resolve("content.jsonl");
    writeInputs(ledgerFile, content, members, posts);
    ConsentLedger ledger;
    try (InputStream in = Files.newInputStream(ledgerFile)) {
      ledger = LedgerReader.load(in).ledger();
    }
    Path root = dir.resolve("snapshots");
    Detector detector = Detector.of(EnumSet.allOf(EntityType.class), false);
    long t0 = System.nanoTime();
    SnapshotResult snapshot = SnapshotEngine.embedded(detector).build(ledger,
        SnapshotRequest.builder("genai-training", AS_OF).content(List.of(content)).outDir(root)
            .redaction(RedactionPolicy.placeholders()).deploymentKey(KEY).threads(threads).ledger("ledger", "0".repeat(64))
            .build(), ProgressListener.NONE);
    ModelRegistry registry = ModelRegistry.open(dir.resolve("models"));
    Training training = Training.of(registry, threads);
    TrainingReport model = training.train(snapshot.directory(), ShardTrainer.kneserNey(3), 1);
    System.out.printf("%,d members, %,d posts (%.1f MB), %d shards; snapshot and model in %.1f s; %d threads%n", members, posts,
        Files.size(content) / 1e6, snapshot.metadata().shards().size(), seconds(t0), threads);
    Path backup = dir.resolve("backup");
    Trees.copy(snapshot.directory(), backup.resolve("snapshot"));
    Trees.copy(model.model().directory(), backup.resolve("model"));

    ForgetQueue queue = ForgetQueue.open(dir.resolve("forget"));
    CountingAudit audit = new CountingAudit();
    Clock clock = Clock.fixed(Instant.parse("2024-12-20T00:00:00Z"), ZoneOffset.UTC);
    ForgetRunner runner = new ForgetRunner(queue, registry, training, List.of(root), SnapshotEngine.embedded(detector), audit,
        clock, List.of());
    ForgetRunner.Rebuild context = new ForgetRunner.Rebuild(ledger, "0".repeat(64), KEY, threads);
    List<Integer> chosen = new ArrayList<>();
    SplittableRandom random = new SplittableRandom(5);
    while (chosen.size() < requests) {
      int m = random.nextInt(members);
      if (!chosen.contains(m)) {
        chosen.add(m);
      }
    }
    int per = (requests + batches - 1) / batches;
    for (int b = 0; b < batches; b++) {
      List<ForgetRequest> batch = new ArrayList<>();
      for (int i = b * per; i < Math.min(requests, (b + 1) * per); i++) {
        batch.add(ForgetRequests.pending("m" + chosen.get(i), ForgetReason.MANUAL, null, RECEIVED.plusSeconds(b)));
      }
      queue.addAll(batch);
      long t = System.nanoTime();
      ForgetRunner.RunReport report = runner.run(context);
      System.out.printf("run %d: %d completed in %.1f s%n", b + 1, report.completed(), seconds(t));
      expect(report.completed() == batch.size(), "every request of run " + (b + 1) + " completes");
    }
    List<ForgetRequest> completed = queue.list();
    System.out.printf("load average %.2f%n", load());

    long t = System.nanoTime();
    List<ForgetRunner.Recheck> all = runner.recheck(completed, ledger);
    double allSeconds = seconds(t);
    expect(all.stream().allMatch(ForgetRunner.Recheck::holds), "every request holds");
    t = System.nanoTime();
    runner.recheck(completed.subList(0, completed.size() / 3), ledger);
    double thirdSeconds = seconds(t);
    int sample = Math.min(5, completed.size());
    t = System.nanoTime();
    for (int i = 0; i < sample; i++) {
      expect(runner.verifyAgain(completed.get(i), ledger).isEmpty(), "a single request holds");
    }
    double oneSeconds = seconds(t) / sample;
    System.out.printf("re-check, all %d completed requests together: %.2f s; a third of them: %.2f s%n", completed.size(),
        allSeconds, thirdSeconds);
    System.out.printf("re-check, one request alone (mean of %d): %.2f s, so %d one at a time ~ %.0f s%n", sample, oneSeconds,
        completed.size(), oneSeconds * completed.size());

    // The backup taken before forgetting is restored over the retired snapshot and model.
    Trees.restoreMissing(backup.resolve("snapshot"), snapshot.directory());
    Trees.restoreMissing(backup.resolve("model"), model.model().directory());
    t = System.nanoTime();
    List<ForgetRunner.Recheck> back = runner.recheck(completed, ledger);
    double backSeconds = seconds(t);
    expect(back.stream().noneMatch(ForgetRunner.Recheck::holds), "every request fails once the backup is restored");
    t = System.nanoTime();
    ForgetRunner.RecheckReport reopened = runner.recheckCompleted(ledger, Set.of(), true);
    double reopenSeconds = seconds(t);
    expect(reopened.reopened().size() == completed.size(), "every request is reopened");
    t = System.nanoTime();
    ForgetRunner.RunReport again = runner.run(context);
    double againSeconds = seconds(t);
    expect(again.completed() == completed.size(), "the next run completes every reopened request");
    t = System.nanoTime();
    List<ForgetRunner.Recheck> after = runner.recheck(queue.list(), ledger);
    double afterSeconds = seconds(t);
    expect(after.stream().allMatch(ForgetRunner.Recheck::holds), "every request holds again");
    System.out.printf("backup restored: re-check %.2f s (%d of %d fail), re-check and reopen %.2f s, the run deleting it"
        + " again %.2f s, re-check after %.2f s (all hold)%n", backSeconds, back.size(), completed.size(), reopenSeconds,
        againSeconds, afterSeconds);
    System.out.printf("load average %.2f; audit leaves %d%n", load(), audit.leaves.get());
  }

  private static void expect(boolean condition, String what) {
    if (!condition) {
      throw new IllegalStateException("expected: " + what);
    }
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }

  private static double load() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  private static void writeInputs(Path ledger, Path content, int members, int posts) throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(ledger)) {
      w.write("{\"type\":\"policy.published\",\"at\":\"2024-08-01T00:00:00Z\",\"policy\":{\"version\":\"v1\",\"effective\":\"2024-08-01T00:00:00Z\",\"notice_days\":0,"
          + "\"regions\":{\"EEA\":[\"DE\",\"FR\"]},\"purposes\":{\"genai-training\":{\"title\":\"t\",\"default\":\"opt-out\",\"min_age\":18,\"honor_gpc\":true,"
          + "\"content_kinds\":[\"post\"],\"visibility\":[\"public\"],\"rules\":{}}}}}\n");
      for (int m = 0; m < members; m++) {
        w.write("{\"type\":\"member.registered\",\"at\":\"2024-01-01T00:00:00Z\",\"member\":\"m" + m
            + "\",\"country\":\"US\",\"birth_date\":\"1980-03-04\"}\n");
        w.write("{\"type\":\"notice.sent\",\"at\":\"2024-09-01T00:00:00Z\",\"member\":\"m" + m + "\",\"policy_version\":\"v1\"}\n");
      }
    }
    SplittableRandom random = new SplittableRandom(7);
    try (BufferedWriter w = Files.newBufferedWriter(content)) {
      for (int i = 0; i < posts; i++) {
        StringBuilder text = new StringBuilder();
        for (int s = 0, n = 1 + random.nextInt(3); s < n; s++) {
          text.append(s == 0 ? "" : " ").append(SUBJECTS[random.nextInt(SUBJECTS.length)]).append(' ')
              .append(VERBS[random.nextInt(VERBS.length)]).append(" the ").append(NOUNS[random.nextInt(NOUNS.length)]);
        }
        w.write("{\"content\":\"c" + i + "\",\"member\":\"m" + (i % members) + "\",\"kind\":\"post\",\"visibility\":\"public\","
            + "\"posted_at\":\"2024-10-01T00:00:00Z\",\"text\":\"" + text + ".\"}\n");
      }
    }
  }
}

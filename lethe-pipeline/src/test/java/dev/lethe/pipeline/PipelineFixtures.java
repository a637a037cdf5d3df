package dev.lethe.pipeline;

import dev.lethe.core.ledger.LedgerReader;
import dev.lethe.core.ledger.LedgerReader.LoadedLedger;
import dev.lethe.redact.Detector;
import dev.lethe.redact.EntityType;
import dev.lethe.redact.RedactionPolicy;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;

/** Shared inputs of the pipeline tests. */
final class PipelineFixtures {

  static final byte[] KEY = "lethe-test-deployment-key-32-bytes!".getBytes(java.nio.charset.StandardCharsets.UTF_8);

  /** A detector without the statistical name finder: exact, fast, enough for engine tests. */
  static final Detector DETECTOR = Detector.of(EnumSet.allOf(EntityType.class), false);

  private PipelineFixtures() {}

  static Path scenarios() {
    return Path.of("..", "lethe-core", "src", "test", "resources", "scenarios").toAbsolutePath().normalize();
  }

  static LoadedLedger load(Path file) throws Exception {
    try (InputStream in = Files.newInputStream(file)) {
      return LedgerReader.load(in);
    }
  }

  static SnapshotRequest request(String purpose, Instant asOf, List<Path> content, Path out, int threads) {
    return SnapshotRequest.builder(purpose, asOf).content(content).outDir(out).shardsPerGroup(2)
        .redaction(RedactionPolicy.pseudonymousPeople()).deploymentKey(KEY).threads(threads)
        .ledger("ledger", "0".repeat(64)).build();
  }
}

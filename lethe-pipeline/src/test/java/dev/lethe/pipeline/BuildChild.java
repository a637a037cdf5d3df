package dev.lethe.pipeline;

import dev.lethe.core.ledger.ConsentLedger;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** A child JVM that builds one snapshot; the crash test kills it mid-build. */
public final class BuildChild {

  private BuildChild() {}

  public static void main(String[] args) throws Exception {
    ConsentLedger ledger = PipelineFixtures.load(Path.of(args[0])).ledger();
    SnapshotRequest request =
        PipelineFixtures.request("genai-training", Instant.parse(args[3]), List.of(Path.of(args[1])), Path.of(args[2]), 2);
    System.out.println("building");
    System.out.flush();
    SnapshotEngine.embedded(PipelineFixtures.DETECTOR).build(ledger, request, ProgressListener.NONE);
    System.out.println("published");
  }
}

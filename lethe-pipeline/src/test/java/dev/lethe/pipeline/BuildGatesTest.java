package dev.lethe.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.core.event.LedgerEvent;
import dev.lethe.core.ledger.ConsentLedger;
import dev.lethe.core.ledger.LedgerLine;
import dev.lethe.core.ledger.LedgerReader;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two gates of a build below the CLI: members forgotten since the as-of instant ({@link
 * ForgetObligations}, {@link SnapshotRequest#forgottenSinceAsOf}) and the deployment that built
 * a snapshot ({@link Deployments}).
 */
class BuildGatesTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String POLICY = "{\"type\":\"policy.published\",\"at\":\"2024-01-01T00:00:00Z\",\"policy\":{\"version\":\"v1\","
      + "\"effective\":\"2024-01-01T00:00:00Z\",\"notice_days\":0,\"regions\":{\"EEA\":[\"DE\"],\"UK\":[\"GB\"]},\"purposes\":{"
      + "\"genai-training\":{\"title\":\"T\",\"default\":\"opt-out\",\"min_age\":18,\"honor_gpc\":true,\"retroactive_withdrawal\":true,"
      + "\"content_kinds\":[\"post\"],\"visibility\":[\"public\"],\"rules\":{}},"
      + "\"ads\":{\"title\":\"A\",\"default\":\"opt-out\",\"min_age\":18,\"honor_gpc\":false,\"retroactive_withdrawal\":false,"
      + "\"content_kinds\":[\"post\"],\"visibility\":[\"public\"],\"rules\":{}}}}}";
  /** v2 blocks the UK for genai-training from 2024-09-01. */
  private static final String POLICY_V2 = POLICY.replace("\"v1\"", "\"v2\"").replace("\"at\":\"2024-01-01T00:00:00Z\"", "\"at\":\"2024-08-01T00:00:00Z\"")
      .replace("\"effective\":\"2024-01-01T00:00:00Z\"", "\"effective\":\"2024-09-01T00:00:00Z\"")
      .replaceFirst("\"rules\":\\{\\}", "\"rules\":{\"UK\":\"blocked\"}");

  private static String member(String id, String country) {
    return "{\"type\":\"member.registered\",\"at\":\"2024-01-02T00:00:00Z\",\"member\":\"" + id + "\",\"country\":\"" + country
        + "\",\"birth_date\":\"1980-01-01\"}";
  }

  private static String notice(String id) {
    return "{\"type\":\"notice.sent\",\"at\":\"2024-01-03T00:00:00Z\",\"member\":\"" + id + "\",\"policy_version\":\"v1\"}";
  }

  private static LedgerReader.LoadedLedger ledger(String... lines) throws Exception {
    return LedgerReader.load(new ByteArrayInputStream((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8)));
  }

  private static List<LedgerEvent> events(LedgerReader.LoadedLedger l) {
    return l.lines().stream().map(LedgerLine::event).toList();
  }

  private static LedgerReader.LoadedLedger story() throws Exception {
    return ledger(POLICY,
        member("er", "US"), member("wd", "US"), member("gpc", "US"), member("uk", "GB"), member("ads", "US"), member("keep", "US"),
        notice("er"), notice("wd"), notice("gpc"), notice("uk"), notice("ads"), notice("keep"),
        "{\"type\":\"erasure.requested\",\"at\":\"2024-06-01T00:00:00Z\",\"member\":\"er\"}",
        "{\"type\":\"consent.set\",\"at\":\"2024-07-01T00:00:00Z\",\"member\":\"wd\",\"purpose\":\"genai-training\",\"choice\":\"withdraw\",\"source\":\"settings\"}",
        "{\"type\":\"consent.set\",\"at\":\"2024-07-01T00:00:00Z\",\"member\":\"ads\",\"purpose\":\"ads\",\"choice\":\"withdraw\",\"source\":\"settings\"}",
        "{\"type\":\"gpc.signal\",\"at\":\"2024-07-02T00:00:00Z\",\"member\":\"gpc\"}",
        POLICY_V2);
  }

  @Test
  void membersForgottenSinceTheAsOfInstantFollowTheForgetRule() throws Exception {
    LedgerReader.LoadedLedger l = story();
    Instant now = Instant.parse("2024-12-01T00:00:00Z");
    // Erasure (every purpose), retroactive withdrawal, honoured GPC, and the UK block of v2.
    assertThat(ForgetObligations.membersForgottenSince(events(l), l.ledger(), now, "genai-training", Instant.parse("2024-02-01T00:00:00Z")))
        .containsExactly("er", "gpc", "uk", "wd");
    // ads has no retroactive withdrawal: withdrawing from it obliges nothing; the erasure still does.
    assertThat(ForgetObligations.membersForgottenSince(events(l), l.ledger(), now, "ads", Instant.parse("2024-02-01T00:00:00Z")))
        .containsExactly("er");
    // Obligations at or before the as-of instant are the decision's business, not this set's.
    assertThat(ForgetObligations.membersForgottenSince(events(l), l.ledger(), now, "genai-training", Instant.parse("2024-07-01T00:00:00Z")))
        .containsExactly("gpc", "uk");
    // Only what the ledger knows by now: the block is not in force yet in August.
    assertThat(ForgetObligations.membersForgottenSince(events(l), l.ledger(), Instant.parse("2024-08-15T00:00:00Z"), "genai-training",
        Instant.parse("2024-02-01T00:00:00Z"))).containsExactly("er", "gpc", "wd");
    assertThat(ForgetObligations.derive(events(l), l.ledger(), now))
        .contains(new ForgetObligations.Obligation("uk", ForgetObligations.Reason.REGION_BLOCKED, "genai-training",
            Instant.parse("2024-09-01T00:00:00Z")));
  }

  private static Path content(Path dir) throws Exception {
    StringBuilder b = new StringBuilder();
    for (String m : List.of("er", "wd", "gpc", "uk", "ads", "keep")) {
      b.append("{\"content\":\"c-").append(m).append("\",\"member\":\"").append(m)
          .append("\",\"kind\":\"post\",\"visibility\":\"public\",\"posted_at\":\"2024-01-05T00:00:00Z\",\"text\":\"a post\"}\n");
    }
    return Files.writeString(dir.resolve("c.jsonl"), b);
  }

  @Test
  void aBuildLeavesThemOutUnderANamedReasonAndARebuildKeepsThemOut(@TempDir Path dir) throws Exception {
    LedgerReader.LoadedLedger l = story();
    ConsentLedger ledger = l.ledger();
    Instant asOf = Instant.parse("2024-02-01T00:00:00Z");
    Set<String> since = ForgetObligations.membersForgottenSince(events(l), ledger, Instant.parse("2024-12-01T00:00:00Z"),
        "genai-training", asOf);
    Path out = dir.resolve("out");
    SnapshotRequest request = PipelineFixtures.request("genai-training", asOf, List.of(content(dir)), out, 2)
        .toBuilder().forgottenSinceAsOf(since).build();
    SnapshotEngine engine = SnapshotEngine.embedded(PipelineFixtures.DETECTOR);
    SnapshotResult built = engine.build(ledger, request, ProgressListener.NONE);
    assertThat(built.metadata().excluded()).containsEntry(RecordProcessor.FORGOTTEN_SINCE_AS_OF, 4L);
    SnapshotAssert.assertThatSnapshot(built.directory()).isConsistent().includesExactly(List.of("c-ads", "c-keep"));
    // Deterministic: the same inputs publish the same snapshot.
    assertThat(engine.build(ledger, request, ProgressListener.NONE).metadata().snapshot()).isEqualTo(built.metadata().snapshot());

    // A forget rebuild, which names only the members it forgets, still leaves the others out.
    SnapshotRequest rebuild = request.toBuilder().forgottenSinceAsOf(Set.of())
        .rebuild(new SnapshotRequest.Rebuild(built.metadata().snapshot(), built.metadata().inputs(), Set.of("keep"))).build();
    SnapshotResult rebuilt = engine.build(ledger, rebuild, ProgressListener.NONE);
    assertThat(rebuilt.metadata().excluded())
        .containsEntry(RecordProcessor.FORGOTTEN_SINCE_AS_OF, 4L).containsEntry(RecordProcessor.FORGOTTEN, 1L);
    SnapshotAssert.assertThatSnapshot(rebuilt.directory()).isConsistent().includesExactly(List.of("c-ads"));
  }

  @Test
  void aSnapshotNamesItsDeploymentAndAnotherDeploymentsIsNeitherBuiltBesideNorCatalogued(@TempDir Path dir) throws Exception {
    LedgerReader.LoadedLedger l = story();
    Instant asOf = Instant.parse("2024-02-01T00:00:00Z");
    Path c = content(dir);
    Path out = dir.resolve("out");
    byte[] otherKey = "another-deployment-key-of-32-bytes!".getBytes(StandardCharsets.UTF_8);
    SnapshotEngine engine = SnapshotEngine.embedded(PipelineFixtures.DETECTOR);
    SnapshotResult ours = engine.build(l.ledger(), PipelineFixtures.request("genai-training", asOf, List.of(c), out, 1), ProgressListener.NONE);
    String fingerprint = Deployments.fingerprint(PipelineFixtures.KEY);
    assertThat(fingerprint).matches("dep-[0-9a-f]{16}").isEqualTo(Deployments.fingerprint(PipelineFixtures.KEY.clone()))
        .isNotEqualTo(Deployments.fingerprint(otherKey));
    assertThat(JSON.readTree(ours.directory().resolve("manifest.json").toFile()).get("deployment").asText()).isEqualTo(fingerprint);

    SnapshotRequest theirs = PipelineFixtures.request("genai-training", asOf, List.of(c), out, 1).toBuilder().deploymentKey(otherKey).build();
    assertThatThrownBy(() -> engine.build(l.ledger(), theirs, ProgressListener.NONE))
        .isInstanceOf(ForeignSnapshotsException.class).hasMessageContaining(out.toString()).hasMessageContaining(fingerprint);
    try (var list = Files.list(out)) {
      assertThat(list.filter(p -> !p.getFileName().toString().startsWith(".")).filter(Files::isDirectory).count()).isEqualTo(1);
    }

    // Copied in by hand, the other deployment's snapshot is left out of our catalog and named.
    Path elsewhere = dir.resolve("elsewhere");
    SnapshotResult other = engine.build(l.ledger(), theirs.toBuilder().outDir(elsewhere).build(), ProgressListener.NONE);
    dev.lethe.testkit.Trees.copy(other.directory(), out.resolve(other.metadata().snapshot()));
    SnapshotCatalog catalog = SnapshotCatalog.open(out, fingerprint);
    assertThat(catalog.snapshots()).extracting(SnapshotCatalog.Entry::snapshot).containsExactly(ours.metadata().snapshot());
    assertThat(catalog.foreign()).singleElement().satisfies(f -> {
      assertThat(f.snapshot()).isEqualTo(other.metadata().snapshot());
      assertThat(f.deployment()).isEqualTo(Deployments.fingerprint(otherKey));
    });
    assertThat(Deployments.foreign(out, fingerprint, new ManifestReads())).extracting(Deployments.Foreign::snapshot)
        .containsExactly(other.metadata().snapshot());
    // A new build is still refused there, but a forget rebuild of our snapshot is published beside it.
    assertThatThrownBy(() -> engine.build(l.ledger(), PipelineFixtures.request("genai-training", asOf.minusSeconds(60), List.of(c), out, 1),
        ProgressListener.NONE)).isInstanceOf(ForeignSnapshotsException.class);
    SnapshotRequest rebuild = PipelineFixtures.request("genai-training", asOf, List.of(c), out, 1).toBuilder()
        .rebuild(new SnapshotRequest.Rebuild(ours.metadata().snapshot(), ours.metadata().inputs(), Set.of("m1"))).build();
    SnapshotResult rebuilt = engine.build(l.ledger(), rebuild, ProgressListener.NONE);
    assertThat(JSON.readTree(rebuilt.directory().resolve("manifest.json").toFile()).get("rebuild_of").asText())
        .isEqualTo(ours.metadata().snapshot());
    // A manifest naming no deployment (an older build) is everyone's own.
    assertThat(Deployments.ours(JSON.createObjectNode(), fingerprint)).isTrue();
  }
}

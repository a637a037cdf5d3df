package dev.lethe.pipeline;

import dev.lethe.core.event.ErasedNameKey;
import dev.lethe.core.event.NameDigest;
import dev.lethe.core.event.Visibility;
import dev.lethe.pipeline.meta.SnapshotMetadata;
import dev.lethe.redact.MemberDirectory;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The steps of a snapshot build that do not depend on the engine: the output directory's lock
 * and hidden build directory, the input digests, the pseudonym key, and the metadata and atomic
 * publication at the end. Every engine calls these, so that for the same shards and counts they
 * publish byte-identical snapshots.
 */
public final class SnapshotBuilds {

  private SnapshotBuilds() {}

  /** What an engine does inside the hidden build directory; returns the published result. */
  @FunctionalInterface
  public interface Body {
    SnapshotResult build(Path building) throws IOException;
  }

  /**
   * Runs {@code body} in a fresh hidden {@code .building-*} directory of {@code outDir} while
   * holding the output directory's lock, after removing directories that crashed builds left.
   * If {@code body} fails, its directory is deleted, so nothing half-written stays.
   *
   * @throws SnapshotConflictException if another build holds the lock
   */
  public static SnapshotResult underLock(Path outDir, Body body) throws IOException {
    return underLock(outDir, null, body);
  }

  /**
   * As {@link #underLock(Path, Body)} for a build of the deployment with fingerprint {@code
   * deployment}: once the lock is held, an output directory holding another deployment's
   * snapshots is refused ({@link Deployments#outDirProblem}) before anything is written. A
   * rebuild that forgets members ({@link SnapshotRequest#rebuild}) is not: it is published next to
   * the snapshot it replaces, so that forgetting is not held up by another deployment's snapshot
   * that was copied in among ours (forgetting completes no request while one is there).
   *
   * @throws ForeignSnapshotsException if {@code outDir} holds another deployment's snapshots
   *     and the build is not a rebuild
   */
  public static SnapshotResult underLock(SnapshotRequest request, Body body) throws IOException {
    return underLock(request.outDir(), request.rebuild() != null ? null : Deployments.fingerprint(request.deploymentKey()), body);
  }

  private static SnapshotResult underLock(Path outDir, String deployment, Body body) throws IOException {
    Files.createDirectories(outDir);
    try (FileChannel lockChannel =
            FileChannel.open(outDir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = lockChannel.tryLock()) {
      if (lock == null) {
        throw new SnapshotConflictException("another build is writing to " + outDir);
      }
      if (deployment != null) {
        String problem = Deployments.outDirProblem(outDir, deployment);
        if (problem != null) {
          throw new ForeignSnapshotsException(problem);
        }
      }
      Publisher.removeAbandoned(outDir);
      Path building = outDir.resolve(Publisher.BUILDING_PREFIX + UUID.randomUUID());
      Files.createDirectory(building);
      try {
        return body.build(building);
      } catch (IOException | RuntimeException | Error e) {
        DurableFiles.deleteTree(building);
        throw e;
      }
    }
  }

  /**
   * The manifest's inputs for a request whose content files are local: the ledger as the request
   * names it, then each content file's name and SHA-256, in request order.
   */
  public static List<SnapshotMetadata.Input> inputs(SnapshotRequest request) throws IOException {
    List<String> names = new ArrayList<>();
    for (Path file : request.contentFiles()) {
      names.add(file.getFileName().toString());
    }
    String problem = inputNameProblem(request.ledgerName(), names);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    List<SnapshotMetadata.Input> inputs = new ArrayList<>();
    inputs.add(new SnapshotMetadata.Input(request.ledgerName(), request.ledgerSha256()));
    for (Path file : request.contentFiles()) {
      inputs.add(new SnapshotMetadata.Input(file.getFileName().toString(), Hashing.sha256Hex(file)));
    }
    return inputs;
  }

  /**
   * Why these inputs cannot be named in a manifest, or null: the manifest names each input by its
   * file name, so two content files with the same name (or one named as the ledger's input) would
   * be two entries a reader cannot tell apart.
   */
  public static String inputNameProblem(String ledgerName, List<String> contentNames) {
    java.util.Set<String> seen = new java.util.HashSet<>();
    seen.add(ledgerName);
    for (String name : contentNames) {
      if (!seen.add(name)) {
        return "two inputs are named " + name + " (the manifest names inputs by file name" 
            + (name.equals(ledgerName) ? ", and the ledger's input is named so" : "") + "); rename one";
      }
    }
    return null;
  }

  /**
   * The snapshot's pseudonym key: derived from the deployment key and {@code inputs}, or from the
   * parent's inputs for a rebuild, so that a rebuild's untouched shards stay byte-identical.
   */
  public static byte[] pseudonymKey(SnapshotRequest request, List<SnapshotMetadata.Input> inputs) {
    List<SnapshotMetadata.Input> keyInputs = request.rebuild() == null ? inputs : request.rebuild().parentInputs();
    return SnapshotSecrets.pseudonymKey(request.deploymentKey(), request.purpose(), request.asOf(), keyInputs);
  }

  /**
   * The member directory a build redacts with: the ledger's display names, and the digests erasure
   * left of erased members' names (matched under the key derived from the request's deployment
   * key, {@link ErasedNameKey#derive}).
   *
   * @param names display names, sorted
   * @param erased erased members' name digests, sorted
   * @throws IllegalArgumentException if a digest was made under another deployment's key: the
   *     build cannot honour that erasure, so it does not start
   */
  public static MemberDirectory directory(List<String> names, List<NameDigest> erased, byte[] deploymentKey) {
    if (erased.isEmpty()) {
      return MemberDirectory.of(names);
    }
    return MemberDirectory.of(names, ErasedNameKey.derive(deploymentKey), erased);
  }

  /** The members a request leaves out as forgotten (empty unless it is a rebuild). */
  public static Set<String> forgotten(SnapshotRequest request) {
    return request.rebuild() == null ? Set.of() : request.rebuild().forgottenMembers();
  }

  /**
   * The members a request leaves out as forgotten since its as-of instant: those it names, and
   * for a rebuild also those its parent left out so (recorded beside the parent, {@link
   * SnapshotSources}), so that forgetting, which rebuilds a snapshot from the same inputs, never
   * brings back a member the original build left out.
   */
  public static Set<String> forgottenSinceAsOf(SnapshotRequest request) throws IOException {
    if (request.rebuild() == null) {
      return request.forgottenSinceAsOf();
    }
    java.util.TreeSet<String> members = new java.util.TreeSet<>(request.forgottenSinceAsOf());
    members.addAll(SnapshotSources.forgottenSinceAsOf(request.outDir(), request.rebuild().parentSnapshot()));
    return members;
  }

  /**
   * Writes {@code manifest.json} and {@code croissant.json} into {@code building} (whose shard
   * and bitmap files are complete) and publishes it atomically as {@code outDir/<snapshot id>}.
   *
   * @param shards the shards written, in shard order
   * @throws SnapshotConflictException if a different snapshot already has the same id
   */
  public static SnapshotResult publish(
      Path building,
      SnapshotRequest request,
      ConsentView view,
      List<SnapshotMetadata.Input> inputs,
      List<SnapshotMetadata.Shard> shards,
      BuildCounts counts)
      throws IOException {
    SnapshotMetadata withoutId = metadata("", request, view, inputs, shards, counts);
    String parent = request.rebuild() == null ? null : request.rebuild().parentSnapshot();
    String deployment = Deployments.fingerprint(request.deploymentKey());
    String id = Manifest.id(withoutId, view.layout(), parent, deployment);
    SnapshotMetadata metadata = metadata(id, request, view, inputs, shards, counts);
    byte[] manifest = CanonicalJson.bytes(Manifest.toJson(metadata, view.layout(), parent, deployment));
    SnapshotFiles.writeMetadata(building, metadata, manifest, request.license());
    boolean existed = Publisher.publish(building, request.outDir(), id);
    return new SnapshotResult(request.outDir().resolve(id), metadata, Hashing.sha256Hex(manifest), existed);
  }

  /**
   * Records beside the snapshots where the request's content files are and whom it forgot, so a
   * later forget rebuild reads the same inputs (see {@link SnapshotSources}).
   */
  public static void recordSources(SnapshotRequest request, String snapshot) throws IOException {
    SnapshotSources.record(
        request.outDir(), snapshot, request.contentFiles(), forgotten(request), forgottenSinceAsOf(request));
  }

  private static SnapshotMetadata metadata(
      String id,
      SnapshotRequest request,
      ConsentView view,
      List<SnapshotMetadata.Input> inputs,
      List<SnapshotMetadata.Shard> shards,
      BuildCounts counts) {
    var purpose = view.purposePolicy();
    List<String> kinds = purpose == null ? List.of() : purpose.contentKinds().stream().sorted().toList();
    List<String> visibility =
        purpose == null ? List.of() : purpose.visibility().stream().map(Visibility::word).sorted().toList();
    return new SnapshotMetadata(
        id,
        request.purpose(),
        purpose == null ? null : purpose.title(),
        request.asOf(),
        view.policy() == null ? null : view.policy().version(),
        kinds,
        visibility,
        counts.included(),
        new TreeMap<>(counts.excluded()),
        new TreeMap<>(counts.redactions()),
        RedactionPolicies.describe(request.redaction()),
        shards,
        inputs,
        request.format().encoding());
  }
}

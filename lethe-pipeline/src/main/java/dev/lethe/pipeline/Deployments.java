package dev.lethe.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lethe.store.LedgerStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Which deployment (which store and its deployment key) built a snapshot. Each manifest names its
 * builder's {@linkplain #fingerprint fingerprint} in {@code deployment}; member bitmaps hold a
 * deployment's own dense member numbers, which mean other members in another deployment, so
 * lineage, listings and forgetting read only their own deployment's snapshots, and a build never
 * publishes into a directory holding another deployment's.
 *
 * <p>A manifest without {@code deployment} (written before it was recorded) counts as every
 * deployment's own, as it always did.
 */
public final class Deployments {

  /** The manifest key naming the deployment that built a snapshot. */
  public static final String MANIFEST_KEY = "deployment";

  private Deployments() {}

  /**
   * The fingerprint of a deployment: {@code dep-} and 16 hex digits of an HMAC-SHA-256 under the
   * deployment's snapshot key of a fixed label. The same key always gives the same fingerprint (so
   * rebuilds stay byte-identical); the key cannot be recovered from it, and without the key no
   * one can make a fingerprint that matches.
   *
   * @param deploymentKey the deployment's snapshot key, as {@link SnapshotRequest#deploymentKey}
   */
  public static String fingerprint(byte[] deploymentKey) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(deploymentKey, "HmacSHA256"));
      byte[] tag = mac.doFinal("lethe/deployment-fingerprint/1".getBytes(StandardCharsets.UTF_8));
      return "dep-" + HexFormat.of().formatHex(tag, 0, 8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks HmacSHA256", e);
    }
  }

  /** The fingerprint of the deployment whose store this is. */
  public static String of(LedgerStore store) {
    return fingerprint(StoreSnapshots.deploymentKey(store));
  }

  /** The deployment a manifest names, or null if it names none (an older build). */
  public static String ofManifest(JsonNode manifest) {
    JsonNode d = manifest.get(MANIFEST_KEY);
    return d == null || !d.isTextual() ? null : d.asText();
  }

  /** Whether a snapshot with this manifest is {@code deployment}'s own (an older one is anyone's). */
  public static boolean ours(JsonNode manifest, String deployment) {
    String built = ofManifest(manifest);
    return built == null || built.equals(deployment);
  }

  /**
   * A published snapshot another deployment built.
   *
   * @param deployment the fingerprint its manifest names
   */
  public record Foreign(Path root, String snapshot, String deployment) {
    /** One line for an operator. */
    public String describe() {
      return "snapshot " + snapshot + " in " + root + " was built by deployment " + deployment;
    }

    /**
     * The line forgetting reports while this snapshot sits among ours: its member bitmaps count
     * another deployment's members, so forgetting could only delete the wrong members' data or
     * another deployment's snapshot; it is left alone, and no request completes until it is moved
     * where it belongs (after a lost key it may well hold our members).
     */
    public String forgettingProblem() {
      return describe() + ", not this one: forgetting never reads or replaces another deployment's snapshots;"
          + " move it out of " + root + " into a directory of its own deployment";
    }
  }

  /**
   * The published snapshots in {@code root} whose manifests name a deployment other than {@code
   * deployment}, by id (none if {@code root} does not exist). Manifests that cannot be read are
   * left to the checks that report them.
   */
  public static List<Foreign> foreign(Path root, String deployment, ManifestReads manifests) throws IOException {
    List<Foreign> out = new ArrayList<>();
    if (!Files.isDirectory(root)) {
      return out;
    }
    for (Path dir : SnapshotFiles.snapshotDirectories(root)) {
      Path file = dir.resolve(SnapshotFiles.MANIFEST);
      if (!Files.isRegularFile(file)) {
        continue;
      }
      JsonNode manifest;
      try {
        manifest = manifests.read(file);
      } catch (IOException unreadable) {
        continue;
      }
      if (!ours(manifest, deployment)) {
        out.add(new Foreign(root, dir.getFileName().toString(), ofManifest(manifest)));
      }
    }
    out.sort(java.util.Comparator.comparing(Foreign::snapshot));
    return out;
  }

  /**
   * Why a build of {@code deployment} must not publish into {@code outDir}, or null: it already
   * holds another deployment's snapshots, whose forgetting and lineage would then mix with ours.
   */
  public static String outDirProblem(Path outDir, String deployment) throws IOException {
    List<Foreign> foreign = foreign(outDir, deployment, new ManifestReads());
    if (foreign.isEmpty()) {
      return null;
    }
    java.util.TreeSet<String> others = new java.util.TreeSet<>();
    foreign.forEach(f -> others.add(f.deployment()));
    return outDir + " holds " + foreign.size() + " snapshot(s) of another deployment (" + String.join(", ", others)
        + "; this one is " + deployment + "), e.g. " + foreign.get(0).snapshot()
        + ": publish into a directory of this deployment's own";
  }
}

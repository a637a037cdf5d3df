package dev.lethe.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where each snapshot's content exports were read from, and which members a rebuild left out,
 * kept beside (not inside) the snapshots in {@code OUT/.sources/<id>.json}, so that a later
 * forget rebuild reads the same inputs and keeps every earlier forgotten member out. Outside the
 * snapshot directory because paths depend on the machine (a snapshot's bytes must not) and
 * member ids must never travel with a training set.
 */
public final class SnapshotSources {

  private static final ObjectMapper JSON = new ObjectMapper();

  private SnapshotSources() {}

  static void record(
      Path outDir,
      String snapshot,
      List<Path> contentFiles,
      java.util.Set<String> forgotten,
      java.util.Set<String> forgottenSinceAsOf)
      throws IOException {
    Path dir = outDir.resolve(".sources");
    Files.createDirectories(dir);
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    ArrayNode content = o.putArray("content");
    contentFiles.forEach(p -> content.add(p.toAbsolutePath().normalize().toString()));
    ArrayNode members = o.putArray("forgotten");
    new java.util.TreeSet<>(forgotten).forEach(members::add);
    ArrayNode since = o.putArray("forgotten_since_as_of");
    new java.util.TreeSet<>(forgottenSinceAsOf).forEach(since::add);
    // Forced with its directory: a forget rebuild needs this record long after the build.
    DurableFiles.replace(dir.resolve(snapshot + ".json"), CanonicalJson.bytes(o));
  }

  /** The members a snapshot's build left out as forgotten (empty if none or not recorded). */
  public static java.util.Set<String> forgotten(Path outDir, String snapshot) throws IOException {
    return members(outDir, snapshot, "forgotten");
  }

  /**
   * The members a snapshot's build left out as forgotten since its as-of instant (empty if none,
   * or recorded by an older lethe, whose builds left out no one so).
   */
  public static java.util.Set<String> forgottenSinceAsOf(Path outDir, String snapshot) throws IOException {
    return members(outDir, snapshot, "forgotten_since_as_of");
  }

  private static java.util.Set<String> members(Path outDir, String snapshot, String field) throws IOException {
    Path file = outDir.resolve(".sources").resolve(snapshot + ".json");
    java.util.Set<String> members = new java.util.TreeSet<>();
    if (Files.isRegularFile(file)) {
      JSON.readTree(file.toFile()).path(field).forEach(m -> members.add(m.asText()));
    }
    return members;
  }

  /** The content exports a snapshot was built from, if recorded. */
  public static Optional<List<Path>> contentFiles(Path outDir, String snapshot) throws IOException {
    Path file = outDir.resolve(".sources").resolve(snapshot + ".json");
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    JsonNode node = JSON.readTree(file.toFile());
    List<Path> paths = new ArrayList<>();
    node.get("content").forEach(p -> paths.add(Path.of(p.asText())));
    return Optional.of(paths);
  }
}

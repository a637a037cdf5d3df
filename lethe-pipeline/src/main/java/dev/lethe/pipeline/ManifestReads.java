package dev.lethe.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The manifests one command has read, each read from disk at most once: a listing that both
 * checks the store's records against the roots ({@link SnapshotRoots#check(dev.lethe.store.LedgerStore,
 * java.util.Collection, ManifestReads)}) and reads what forgetting replaced
 * ({@link ReplacedSnapshots#read(Path, ManifestReads)}) parses each manifest once, and both see
 * the same bytes.
 *
 * <p>Only for the span of one command: a manifest changed on disk after its first read is not
 * read again. A read that failed fails again with the same exception, so every caller sees what
 * the first saw. Not thread-safe.
 */
public final class ManifestReads {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** By absolute, normalized path: the parsed manifest or the exception its read threw. */
  private final Map<Path, Object> read = new HashMap<>();

  /**
   * The manifest file at {@code file}, parsed (read from disk the first time only).
   *
   * @throws IOException if it cannot be read or parsed (the first read's exception, each time)
   */
  public JsonNode read(Path file) throws IOException {
    Path key = file.toAbsolutePath().normalize();
    Object known = read.get(key);
    if (known == null) {
      try {
        known = JSON.readTree(key.toFile());
      } catch (IOException e) {
        known = e;
      }
      read.put(key, known);
    }
    if (known instanceof IOException e) {
      throw e;
    }
    return (JsonNode) known;
  }
}

package dev.lethe.verify;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * bundle.json: what the exporter claims the bundle holds. Every claim is checked against the
 * files; the manifest itself is unsigned, so it is never trusted on its own.
 *
 * @param origin the checkpoint origin (and key name) of the log
 * @param leaves the number of leaves exported
 * @param checkpoints the number of checkpoint files exported
 * @param version 1 for {@value BundleFiles#FORMAT}, 2 for {@value BundleFiles#FORMAT_2}
 * @param keys the number of keys in keys.jsonl (format 2), 1 for format 1
 */
public record BundleManifest(String origin, long leaves, long checkpoints, int version,
    long keys) {

  /**
   * Reads and validates bundle.json.
   *
   * @throws VerificationFailure when it is missing, not JSON, of another format, or a field is
   *     missing or ill-typed
   */
  public static BundleManifest read(Path file) throws VerificationFailure {
    String where = BundleFiles.MANIFEST;
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new VerificationFailure(where + ": missing");
    } catch (IOException e) {
      throw new VerificationFailure(where + ": cannot be read (" + e.getMessage() + ")");
    }
    JsonNode json = Json.object(text, where);
    String format = Json.text(json, "format", where);
    int version = BundleFiles.FORMAT.equals(format) ? 1 : BundleFiles.FORMAT_2.equals(format) ? 2 : 0;
    if (version == 0) {
      throw new VerificationFailure(where + ": format is '" + format + "', this verifier reads '"
          + BundleFiles.FORMAT + "' and '" + BundleFiles.FORMAT_2 + "'");
    }
    long keys = version == 1 ? 1 : Json.count(json, "keys", where);
    if (version == 2 && keys < 2) {
      throw new VerificationFailure(where + ": a " + BundleFiles.FORMAT_2
          + " bundle has at least 2 keys, not " + keys);
    }
    return new BundleManifest(Json.text(json, "origin", where), Json.count(json, "leaves", where),
        Json.count(json, "checkpoints", where), version, keys);
  }
}

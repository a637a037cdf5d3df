package dev.lethe.verify;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads checkpoints/ and checks each note: file naming and count, signed-note and checkpoint
 * syntax, origin, and the Ed25519 signatures of the key history: each checkpoint by the key valid
 * at its tree size, a rotation's checkpoint by both the retiring and the new key, and no
 * checkpoint by another key of the log (a retired key, a key before its rotation, or a key the
 * history does not list).
 */
final class CheckpointLoader {

  static final String CHECK = "checkpoints";

  private static final Pattern NAME = Pattern.compile("([0-9]{6,18})\\.note");

  /**
   * The loaded checkpoints and the verdict on them.
   *
   * @param checkpoints the checkpoints that parsed, in file order; a bad signature or origin still
   *     loads (later checks then test the claimed values too), unreadable syntax does not
   * @param complete whether every file 1..K is present and parsed, so successive pairs are real
   * @param result the checkpoints check
   */
  record Outcome(List<LoadedCheckpoint> checkpoints, boolean complete, CheckResult result) {}

  private final BundleManifest manifest;
  private final KeyHistory history;
  private final List<String> problems = new ArrayList<>();

  private CheckpointLoader(BundleManifest manifest, KeyHistory history) {
    this.manifest = manifest;
    this.history = history;
  }

  /**
   * Loads and checks all checkpoints.
   *
   * @param history the trusted key history, or null when it is unusable (signatures then fail)
   */
  static Outcome load(BundleFiles files, BundleManifest manifest, KeyHistory history) {
    return new CheckpointLoader(manifest, history).load(files.checkpoints());
  }

  private Outcome load(Path dir) {
    TreeMap<Long, Path> numbered = list(dir);
    long expected = 1;
    List<LoadedCheckpoint> loaded = new ArrayList<>();
    boolean complete = problems.isEmpty();
    for (var entry : numbered.entrySet()) {
      if (entry.getKey() != expected) {
        problems.add(fileName(expected) + " is missing (next file is "
            + fileName(entry.getKey()) + ")");
        complete = false;
        expected = entry.getKey();
      }
      expected++;
      LoadedCheckpoint checkpoint = read(entry.getValue(), fileName(entry.getKey()));
      if (checkpoint == null) {
        complete = false;
      } else {
        loaded.add(checkpoint);
      }
    }
    if (numbered.size() != manifest.checkpoints()) {
      problems.add(BundleFiles.MANIFEST + " declares " + manifest.checkpoints()
          + " checkpoints but " + BundleFiles.CHECKPOINTS + "/ holds " + numbered.size()
          + (numbered.size() < manifest.checkpoints()
              ? " (" + fileName(numbered.size() + 1) + " is missing)" : ""));
      complete = false;
    }
    if (numbered.isEmpty()) {
      problems.add("the bundle has no checkpoint, so nothing in it is signed");
      complete = false;
    }
    if (history != null) {
      for (KeyHistory.Entry key : history.rotations()) {
        if (loaded.stream().noneMatch(c -> c.size() == key.fromSize())) {
          problems.add(BundleFiles.KEYS + " line " + (key.number() + 1) + ": " + key.describe()
              + " signs from tree size " + key.fromSize() + ", but no checkpoint of that size carries"
              + " the rotation's signatures by the retiring and the new key");
        }
      }
    }
    return new Outcome(List.copyOf(loaded), complete, verdict(loaded));
  }

  private TreeMap<Long, Path> list(Path dir) {
    TreeMap<Long, Path> numbered = new TreeMap<>();
    if (!Files.isDirectory(dir)) {
      return numbered;
    }
    try (Stream<Path> entries = Files.list(dir)) {
      for (Path file : entries.sorted().toList()) {
        String name = file.getFileName().toString();
        Matcher m = NAME.matcher(name);
        long number = m.matches() ? Long.parseLong(m.group(1)) : -1;
        // One spelling per number, so two files cannot both claim to be checkpoint 1.
        if (number < 1 || !fileName(number).equals(BundleFiles.CHECKPOINTS + "/" + name)) {
          problems.add(BundleFiles.CHECKPOINTS + "/" + name
              + ": unexpected file (checkpoints are named 000001.note, 000002.note, ...)");
        } else {
          numbered.put(number, file);
        }
      }
    } catch (IOException e) {
      problems.add(BundleFiles.CHECKPOINTS + "/: cannot be listed (" + e.getMessage() + ")");
    }
    return numbered;
  }

  private LoadedCheckpoint read(Path path, String file) {
    Checkpoint checkpoint;
    SignedNote note;
    try {
      note = SignedNote.parse(Files.readAllBytes(path));
      checkpoint = Checkpoint.parse(note.text());
    } catch (VerificationFailure e) {
      problems.add(file + ": " + e.getMessage());
      return null;
    } catch (IOException e) {
      problems.add(file + ": cannot be read (" + e.getMessage() + ")");
      return null;
    }
    if (!checkpoint.origin().equals(manifest.origin())) {
      problems.add(file + ": origin '" + checkpoint.origin() + "' is not the bundle's origin '"
          + manifest.origin() + "'");
    }
    if (history == null) {
      problems.add(file + ": signature not checked, there is no valid verifier key");
    } else {
      checkSignatures(note, new LoadedCheckpoint(file, checkpoint));
    }
    return new LoadedCheckpoint(file, checkpoint);
  }

  private void checkSignatures(SignedNote note, LoadedCheckpoint checkpoint) {
    List<KeyHistory.Entry> signers = history.signersAt(checkpoint.size());
    KeyHistory.Entry current = signers.get(signers.size() - 1);
    // A signature line by another key of the log is refused even when the expected key signed
    // too: a retired key signing after its rotation is exactly what a stolen key would do.
    for (NoteSignature line : note.signatures()) {
      KeyHistory.Entry claimed = history.claimedBy(line);
      if (claimed != null && !signers.contains(claimed)) {
        problems.add(checkpoint.describe() + ": signed by " + claimed.describe()
            + (claimed.fromSize() > checkpoint.size()
                ? ", which signs only from tree size " + claimed.fromSize()
                : ", which was retired at tree size "
                    + history.entries().get(claimed.number() + 1).fromSize())
            + "; this tree size is signed by " + current.describe());
      }
    }
    for (KeyHistory.Entry signer : signers) {
      try {
        note.requireSignedBy(signer.key());
      } catch (VerificationFailure e) {
        problems.add(checkpoint.file() + ": " + (signers.size() == 2
            ? "the rotation to " + current.describe() + " at tree size " + checkpoint.size()
                + " must be signed by the retiring and the new key: " : "")
            + e.getMessage());
      }
    }
    // Lines under other names (witness cosignatures) are not the log's and are ignored; a line
    // in the log's name by a key its history does not list is not.
    for (NoteSignature line : note.signatures()) {
      if (line.keyName().equals(manifest.origin()) && history.claimedBy(line) == null) {
        problems.add(checkpoint.describe() + ": signed by unknown key " + line.keyName() + "+"
            + Encodings.hex(line.keyId()) + ", which is not in the log's key history");
      }
    }
  }

  private CheckResult verdict(List<LoadedCheckpoint> loaded) {
    if (!problems.isEmpty()) {
      String more = problems.size() > 1 ? " (and " + (problems.size() - 1) + " more)" : "";
      return CheckResult.fail(CHECK, problems.get(0) + more);
    }
    List<KeyHistory.Entry> keys = history.entries();
    return CheckResult.pass(CHECK, loaded.size() + " checkpoint(s) well-formed, origin '"
        + manifest.origin() + "', " + (keys.size() == 1
            ? "each signed by " + keys.get(0).key().name() + "+" + Encodings.hex(keys.get(0).key().keyId())
            : "each signed by the key valid at its tree size (" + keys.size() + " keys; each rotation's"
                + " checkpoint by both the retiring and the new key)"));
  }

  private static String fileName(long number) {
    return BundleFiles.CHECKPOINTS + "/" + String.format("%06d.note", number);
  }
}

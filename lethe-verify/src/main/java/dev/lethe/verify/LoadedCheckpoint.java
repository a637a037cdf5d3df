package dev.lethe.verify;

/**
 * A checkpoint as read from the bundle, with the file it came from for messages.
 *
 * @param file the path inside the bundle, e.g. {@code checkpoints/000002.note}
 * @param checkpoint the parsed checkpoint body
 */
record LoadedCheckpoint(String file, Checkpoint checkpoint) {

  long size() {
    return checkpoint.size();
  }

  /** How messages name this checkpoint: file and size. */
  String describe() {
    return file + " (tree size " + checkpoint.size() + ")";
  }
}

package dev.lethe.verify;

import java.nio.file.Path;

/**
 * The parsed arguments of {@code lethe-verify}.
 *
 * @param bundle the bundle directory, or null when only help was asked for
 * @param pinnedKey the verifier key file given with --key, or null
 * @param json whether to print the JSON report
 * @param help whether --help was given
 */
record CommandLine(Path bundle, Path pinnedKey, boolean json, boolean help) {

  static final String USAGE = """
      Usage: java -jar lethe-verify.jar BUNDLE_DIR [--key FILE] [--json]

      Verifies a Lethe audit bundle (lethe audit export --out BUNDLE_DIR) on its own:
      checkpoint signatures, consistency between successive checkpoints, every root
      recomputed from the leaves, and every leaf against its recorded hash.

        BUNDLE_DIR   the exported bundle directory
        --key FILE   verify against this verifier key (<name>+<id>+<key>) instead of the
                     bundle's key.vkey; use a key obtained independently of the bundle.
                     After key rotations it may be any key of the log's history; the
                     others are accepted only through the rotation chain
        --json       print the report as JSON
        --help       print this help

      Exit status: 0 everything verifies, 1 verification failed, 2 usage error.
      """;

  /** Thrown for arguments that do not make a command (exit status 2). */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  static CommandLine parse(String[] args) throws UsageException {
    Path bundle = null;
    Path key = null;
    boolean json = false;
    boolean optionsEnded = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!optionsEnded && arg.startsWith("-")) {
        switch (arg) {
          case "--help", "-h" -> {
            return new CommandLine(null, null, false, true);
          }
          case "--json" -> json = true;
          case "--key" -> {
            if (i + 1 >= args.length) {
              throw new UsageException("--key needs a FILE");
            }
            key = setOnce(key, args[++i]);
          }
          case "--" -> optionsEnded = true;
          default -> {
            if (arg.startsWith("--key=") && arg.length() > "--key=".length()) {
              key = setOnce(key, arg.substring("--key=".length()));
            } else {
              throw new UsageException("unknown option " + arg);
            }
          }
        }
      } else if (bundle == null) {
        bundle = Path.of(arg);
      } else {
        throw new UsageException("only one BUNDLE_DIR may be given, got also " + arg);
      }
    }
    if (bundle == null) {
      throw new UsageException("BUNDLE_DIR is required");
    }
    return new CommandLine(bundle, key, json, false);
  }

  private static Path setOnce(Path current, String value) throws UsageException {
    if (current != null) {
      throw new UsageException("--key may be given only once");
    }
    return Path.of(value);
  }
}

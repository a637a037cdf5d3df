package dev.lethe.verify;

import java.nio.file.Path;

/**
 * The parsed arguments of {@code lethe-verify}.
 *
 * @param bundle the bundle directory, or null when only help was asked for
 * @param pinnedKey the verifier key file given with --key, or null
 * @param since the checkpoint note given with --since, or null
 * @param proof the inclusion proof given with --proof, or null
 * @param json whether to print the JSON report
 * @param help whether --help was given
 */
record CommandLine(Path bundle, Path pinnedKey, Path since, Path proof, boolean json, boolean help) {

  static final String USAGE = """
      Usage: java -jar lethe-verify.jar BUNDLE_DIR [--key FILE] [--since NOTE] [--proof FILE] [--json]
             java -jar lethe-verify.jar --proof FILE --since NOTE --key FILE

      Verifies a Lethe audit bundle (lethe audit export --out BUNDLE_DIR) on its own:
      checkpoint signatures, consistency between successive checkpoints, every root
      recomputed from the leaves, and every leaf against its recorded hash.

        BUNDLE_DIR   the exported bundle directory
        --key FILE   verify against this verifier key (<name>+<id>+<key>) instead of the
                     bundle's key.vkey; use a key obtained independently of the bundle.
                     After key rotations it may be any key of the log's history; the
                     others are accepted only through the rotation chain
        --since NOTE a checkpoint kept from an earlier bundle (its latest
                     checkpoints/NNNNNN.note): its signature is checked with the key
                     above, and this bundle must hold at least its tree size of
                     leaves whose first that-many give its root; otherwise the log
                     was rolled back or rewritten since (FAIL names both sizes)
        --proof FILE an inclusion proof (lethe audit prove): its leaf hash and path
                     must give a root the log signed for its tree size, from the
                     bundle or, without BUNDLE_DIR, from the --since note signed by
                     the --key key
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
    Path since = null;
    Path proof = null;
    boolean json = false;
    boolean optionsEnded = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!optionsEnded && arg.startsWith("-")) {
        switch (arg) {
          case "--help", "-h" -> {
            return new CommandLine(null, null, null, null, false, true);
          }
          case "--json" -> json = true;
          case "--key" -> {
            if (i + 1 >= args.length) {
              throw new UsageException("--key needs a FILE");
            }
            key = setOnce("--key", key, args[++i]);
          }
          case "--since" -> {
            if (i + 1 >= args.length) {
              throw new UsageException("--since needs a NOTE file");
            }
            since = setOnce("--since", since, args[++i]);
          }
          case "--proof" -> {
            if (i + 1 >= args.length) {
              throw new UsageException("--proof needs a FILE");
            }
            proof = setOnce("--proof", proof, args[++i]);
          }
          case "--" -> optionsEnded = true;
          default -> {
            if (arg.startsWith("--key=") && arg.length() > "--key=".length()) {
              key = setOnce("--key", key, arg.substring("--key=".length()));
            } else if (arg.startsWith("--proof=") && arg.length() > "--proof=".length()) {
              proof = setOnce("--proof", proof, arg.substring("--proof=".length()));
            } else if (arg.startsWith("--since=") && arg.length() > "--since=".length()) {
              since = setOnce("--since", since, arg.substring("--since=".length()));
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
    if (bundle == null && proof != null) {
      if (since == null || key == null) {
        throw new UsageException("--proof without BUNDLE_DIR needs --since NOTE and --key FILE: the note's"
            + " signature by the key you trust is what vouches for the proof's root");
      }
      if (json) {
        throw new UsageException("--json reports on a bundle; give BUNDLE_DIR");
      }
    } else if (bundle == null) {
      throw new UsageException("BUNDLE_DIR is required");
    }
    return new CommandLine(bundle, key, since, proof, json, false);
  }

  private static Path setOnce(String option, Path current, String value) throws UsageException {
    if (current != null) {
      throw new UsageException(option + " may be given only once");
    }
    return Path.of(value);
  }
}

package dev.lethe.pipeline;

import dev.lethe.store.LedgerStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The directories holding published snapshots ("snapshot roots"): every directory a build
 * registered in the store, plus a default directory (the CLI's {@code DATA/snapshots}, the
 * server's {@code --snapshots}) that builds from before the registry published into without
 * registering it. Everything that answers "where is a member's data" or forgets a member must
 * cover all of them, and must say so when one cannot be read rather than count it as empty.
 * Stateless.
 */
public final class SnapshotRoots {

  private SnapshotRoots() {}

  /**
   * The form a root is registered and compared in: its real path (symbolic links resolved) when it
   * exists, else absolute and normalized. One directory reached through a link and through its
   * own name is one root, so forgetting does not rebuild its snapshots twice, each run undoing
   * the other's check.
   */
  public static Path canonical(Path root) {
    Path absolute = root.toAbsolutePath().normalize();
    try {
      return absolute.toRealPath();
    } catch (java.io.IOException e) {
      return absolute; // gone or unreadable: callers check reachable() and report it
    }
  }

  /** Records that a build published into {@code root}; idempotent. */
  public static void register(LedgerStore ledger, Path root) {
    ledger.registerSnapshotRoot(canonical(root));
  }

  /**
   * Every root to answer over or forget in, sorted and without duplicates: the registered ones
   * (which may no longer exist; callers must check {@link #reachable} and say so) and {@code
   * defaultDir} when it exists.
   */
  public static List<Path> roots(LedgerStore ledger, Path defaultDir) {
    Objects.requireNonNull(defaultDir, "defaultDir");
    TreeSet<Path> roots = new TreeSet<>();
    ledger.snapshotRoots().forEach(root -> roots.add(canonical(root)));
    Path fallback = canonical(defaultDir);
    if (Files.isDirectory(fallback)) {
      roots.add(fallback);
    }
    return List.copyOf(roots);
  }

  /** Whether a root can be listed; one that cannot must never count as holding nothing. */
  public static boolean reachable(Path root) {
    return Files.isDirectory(root) && Files.isReadable(root);
  }
}

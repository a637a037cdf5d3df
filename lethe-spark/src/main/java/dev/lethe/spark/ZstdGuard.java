package dev.lethe.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * Refuses to write shards with another zstd-jni than the one Lethe was built and tested with.
 * zstd-jni binds native methods to its package, so unlike Jackson it cannot be relocated inside
 * lethe-spark.jar, and Spark 3.5 ships an older zstd-jni of its own, first on the class path. A
 * different zstd version may compress the same lines to different bytes, and a snapshot whose
 * shards differ from the embedded engine's is worse than no snapshot; so the build fails, naming
 * both versions, and the README says how to put Lethe's first.
 */
final class ZstdGuard {

  private static volatile boolean checked;

  private ZstdGuard() {}

  /** The zstd-jni version Lethe was built with. */
  static String expected() {
    Properties p = new Properties();
    try (InputStream in = ZstdGuard.class.getResourceAsStream("lethe-spark.properties")) {
      if (in == null) {
        throw new IllegalStateException("lethe-spark.properties is missing from the class path");
      }
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p.getProperty("zstd-jni.version");
  }

  /** The zstd-jni version on the class path (read reflectively: the constant would be inlined). */
  static String loaded() {
    try {
      return (String) Class.forName("com.github.luben.zstd.util.ZstdVersion").getField("VERSION").get(null);
    } catch (ReflectiveOperationException e) {
      return "unknown (" + e + ")";
    }
  }

  /**
   * @throws IllegalStateException if the loaded zstd-jni is not the expected one
   */
  static void require() {
    if (checked) {
      return;
    }
    String expected = expected();
    String loaded = loaded();
    if (!expected.equals(loaded)) {
      throw new IllegalStateException(
          "zstd-jni " + loaded + " is on the class path, but Lethe writes shards with zstd-jni " + expected
              + ", so shard bytes could differ from the embedded engine's; put zstd-jni-" + expected
              + ".jar first on the class path (spark.driver.extraClassPath and spark.executor.extraClassPath, "
              + "or spark.driver.userClassPathFirst and spark.executor.userClassPathFirst)");
    }
    checked = true;
  }
}

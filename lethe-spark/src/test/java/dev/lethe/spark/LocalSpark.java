package dev.lethe.spark;

import dev.lethe.core.ledger.ConsentLedger;
import dev.lethe.core.ledger.LedgerFormatException;
import dev.lethe.core.ledger.LedgerReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.apache.spark.sql.SparkSession;

/** What the Spark tests share: a loopback-only local[2] session, the deployment key, the generated ledger. */
final class LocalSpark {

  static final byte[] KEY = "lethe-spark-test-deployment-key!".getBytes(StandardCharsets.UTF_8);

  private LocalSpark() {}

  /** A local[2] session bound to loopback, without UI, with Kryo as a cluster would configure it. */
  static SparkSession start(String appName) {
    return SparkSession.builder()
        .master("local[2]")
        .appName(appName)
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
        .config("spark.default.parallelism", "2")
        .getOrCreate();
  }

  /** The ledger a generated input was written with. */
  static ConsentLedger ledger(SyntheticInput input) throws IOException, LedgerFormatException {
    try (InputStream in = Files.newInputStream(input.ledger)) {
      return LedgerReader.load(in).ledger();
    }
  }
}

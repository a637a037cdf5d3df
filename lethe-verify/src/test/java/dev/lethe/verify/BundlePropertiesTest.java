package dev.lethe.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;

/** For random logs: honest bundles verify, and any single-byte leaf change is found at its leaf. */
class BundlePropertiesTest {

  private static final TestSigner SIGNER = new TestSigner(TestBundleWriter.ORIGIN);

  private final Path temp;

  BundlePropertiesTest() throws IOException {
    temp = Files.createTempDirectory("lethe-verify-props");
  }

  /**
   * A random log.
   *
   * @param leaves number of leaves
   * @param sizes non-decreasing checkpoint sizes, at least one
   */
  record Log(int leaves, int[] sizes) {
    @Override
    public String toString() {
      return leaves + " leaves, checkpoints at " + Arrays.toString(sizes);
    }
  }

  @Provide
  Arbitrary<Log> logs() {
    return Arbitraries.integers().between(0, 150).flatMap(n ->
        Arbitraries.integers().between(0, n).list().ofMinSize(1).ofMaxSize(6)
            .map(sizes -> new Log(n, sizes.stream().mapToInt(Integer::intValue).sorted().toArray())));
  }

  @Property(tries = 150)
  void honestBundlesAlwaysVerify(@ForAll("logs") Log log) {
    Path dir = write(log);
    VerificationReport report = BundleVerifier.verify(dir, null);
    assertThat(report.failures()).isEmpty();
    assertThat(report.verified()).isTrue();
  }

  @Provide
  Arbitrary<Object[]> tamperings() {
    return logs().filter(log -> log.leaves() > 0).flatMap(log -> {
      List<byte[]> leaves = TestBundleWriter.leaves(log.leaves());
      return Arbitraries.integers().between(0, log.leaves() - 1).flatMap(index ->
          Combinators.combine(
                  Arbitraries.integers().between(0, leaves.get(index).length - 1),
                  Arbitraries.integers().between(1, 255))
              .as((position, delta) -> new Object[] {log, index, position, delta}));
    });
  }

  @Property(tries = 200)
  void anySingleByteChangeIsDetectedAtThatLeaf(@ForAll("tamperings") Object[] tampering) {
    Log log = (Log) tampering[0];
    int index = (int) tampering[1];
    int position = (int) tampering[2];
    int delta = (int) tampering[3];
    Path dir = write(log);
    byte original = TestBundleWriter.leaves(log.leaves()).get(index)[position];
    // A non-zero delta makes a different byte, whatever it is (even a newline).
    Tamper.setLeafByte(dir, index, position, (byte) (original + delta));

    VerificationReport report = BundleVerifier.verify(dir, null);
    assertThat(report.verified()).isFalse();
    assertThat(report.firstTamperedLeaf()).isEqualTo(index);
    assertThat(report.failures()).extracting(CheckResult::detail)
        .anyMatch(d -> d.startsWith("leaf " + index + " (leaves.jsonl line " + (index + 1) + ")"));
  }

  private Path write(Log log) {
    Path dir = temp.resolve("b" + System.nanoTime());
    return new TestBundleWriter(SIGNER).write(dir, TestBundleWriter.leaves(log.leaves()),
        log.sizes());
  }

  @AfterProperty
  void deleteBundles() {
    try (Stream<Path> files = Files.walk(temp)) {
      files.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(temp)).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

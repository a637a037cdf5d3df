package dev.lethe.verify;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * One streaming pass over leaves.jsonl and leaf-hashes.txt in lockstep.
 *
 * <p>Reading both files once yields three independent facts: the roots the recorded hashes give at
 * every checkpoint size, the roots the leaf bytes themselves give, and the first leaf whose bytes
 * no longer hash to its recorded hash. Memory stays O(log n + checkpoints) for any bundle size.
 */
final class LeafAudit {

  /** Every key rotation leaf contains its kind; leaves without it need no parsing. */
  private static final byte[] ROTATION_MARKER =
      KeyRotationCheck.ROTATION_KIND.getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private final MerkleHasher hasher = new MerkleHasher();
  private final long[] sizes;
  private final RootAccumulator recorded = new RootAccumulator(hasher);
  private final RootAccumulator fromLeaves = new RootAccumulator(hasher);
  private final Map<Long, byte[]> recordedRoots = new HashMap<>();
  private final Map<Long, byte[]> leafRoots = new HashMap<>();
  private int nextRecordedSize;
  private int nextLeafSize;
  private String recordedProblem;
  private String leafProblem;
  private long mismatch = -1;
  private byte[] mismatchRecorded;
  private byte[] mismatchActual;
  private boolean mismatchCarriageReturn;
  /** Leaf and recorded hashes at the first mismatch and the two indices after it. */
  private final byte[][] leafWindow = new byte[LeafAuditResult.WINDOW][];
  private final byte[][] recordedWindow = new byte[LeafAuditResult.WINDOW][];
  private final SeqOrder seqOrder = new SeqOrder();
  private long firstCarriageReturn = -1;
  private long carriageReturns;
  /** Leaves that mention a key rotation, by index: the only leaves ever parsed as JSON. */
  private final Map<Long, byte[]> rotationCandidates = new TreeMap<>();

  private LeafAudit(long[] checkpointSizes) {
    this.sizes = Arrays.stream(checkpointSizes).sorted().distinct().toArray();
  }

  /**
   * Runs the pass.
   *
   * @param checkpointSizes the tree sizes whose roots are wanted (any order, duplicates allowed)
   */
  static LeafAuditResult run(BundleFiles files, long[] checkpointSizes) {
    return new LeafAudit(checkpointSizes).scan(files);
  }

  private LeafAuditResult scan(BundleFiles files) {
    captureRoots();
    try (ByteLineReader hashes = open(files.leafHashes(), true);
        ByteLineReader leaves = open(files.leaves(), false)) {
      long index = 0;
      while (true) {
        boolean hasRecorded = hashes != null && recordedProblem == null && next(hashes, true, index);
        boolean hasLeaf = leaves != null && leafProblem == null && next(leaves, false, index);
        if (!hasRecorded && !hasLeaf) {
          break;
        }
        byte[] recordedHash = hasRecorded ? readRecorded(hashes, index) : null;
        if (hasLeaf) {
          readLeaf(leaves, index, recordedHash);
        }
        if (mismatch >= 0 && index - mismatch < LeafAuditResult.WINDOW) {
          recordedWindow[(int) (index - mismatch)] = recordedHash;
        }
        index++;
      }
    } catch (IOException e) {
      String problem = "reading failed after " + fromLeaves.size() + " leaves: " + e.getMessage();
      recordedProblem = recordedProblem == null ? problem : recordedProblem;
      leafProblem = leafProblem == null ? problem : leafProblem;
    }
    return new LeafAuditResult(recorded.size(), recordedProblem, fromLeaves.size(), leafProblem,
        mismatch, mismatchRecorded, mismatchActual, Map.copyOf(recordedRoots),
        Map.copyOf(leafRoots), Collections.unmodifiableMap(rotationCandidates),
        new LeafAuditResult.Diagnostics(mismatchCarriageReturn, leafWindow.clone(),
            recordedWindow.clone(), seqOrder.result(), firstCarriageReturn, carriageReturns));
  }

  /**
   * Opens one of the two files; a file that cannot be opened is that file's problem alone, so the
   * checks built on the other file still name the right one.
   */
  private ByteLineReader open(Path file, boolean isHashes) {
    try {
      InputStream in = Files.newInputStream(file);
      return new ByteLineReader(in);
    } catch (NoSuchFileException e) {
      setProblem(isHashes, file.getFileName() + ": missing");
      return null;
    } catch (IOException e) {
      setProblem(isHashes, file.getFileName() + ": cannot be read (" + e.getMessage() + ")");
      return null;
    }
  }

  /** The next line of one file; a read error (a directory, say) is that file's problem alone. */
  private boolean next(ByteLineReader reader, boolean isHashes, long index) {
    try {
      return reader.next();
    } catch (IOException e) {
      setProblem(isHashes, (isHashes ? BundleFiles.LEAF_HASHES : BundleFiles.LEAVES)
          + ": cannot be read after " + index + " lines (" + e.getMessage() + ")");
      return false;
    }
  }

  private void setProblem(boolean isHashes, String problem) {
    if (isHashes) {
      recordedProblem = problem;
    } else {
      leafProblem = problem;
    }
  }

  private byte[] readRecorded(ByteLineReader hashes, long index) {
    String where = BundleFiles.LEAF_HASHES + " line " + (index + 1) + " (leaf " + index + ")";
    byte[] hash = Encodings.lowercaseHex(hashes.bytes(), hashes.length(), MerkleHasher.HASH_SIZE);
    if (hash == null && hashes.length() == 2 * MerkleHasher.HASH_SIZE + 1
        && hashes.bytes()[hashes.length() - 1] == '\r') {
      recordedProblem = where + ": ends with a carriage return: " + BundleFiles.LEAF_HASHES
          + " has CRLF (Windows) line endings, but each line must end with a bare newline";
      return null;
    }
    if (hash == null) {
      recordedProblem = where + ": not 64 lowercase hex digits";
      return null;
    }
    if (!hashes.terminated()) {
      recordedProblem = where + ": not terminated by a newline";
      return null;
    }
    recorded.append(hash);
    captureRoots();
    return hash;
  }

  private void readLeaf(ByteLineReader leaves, long index, byte[] recordedHash) {
    if (!leaves.terminated()) {
      leafProblem = BundleFiles.LEAVES + " line " + (index + 1) + " (leaf " + index
          + "): not terminated by a newline";
      return;
    }
    byte[] hash = hasher.leaf(leaves.bytes(), 0, leaves.length());
    if (contains(leaves.bytes(), leaves.length(), ROTATION_MARKER)) {
      rotationCandidates.put(index, Arrays.copyOf(leaves.bytes(), leaves.length()));
    }
    fromLeaves.append(hash);
    captureRoots();
    seqOrder.accept(index, leaves.bytes(), leaves.length());
    boolean carriageReturn = leaves.length() > 0 && leaves.bytes()[leaves.length() - 1] == '\r';
    if (carriageReturn) {
      // Canonical JSON has no whitespace outside strings, so no leaf the log wrote ends in one.
      carriageReturns++;
      if (firstCarriageReturn < 0) {
        firstCarriageReturn = index;
      }
    }
    if (recordedHash != null && mismatch < 0 && !Arrays.equals(hash, recordedHash)) {
      mismatch = index;
      mismatchRecorded = recordedHash;
      mismatchActual = hash;
      mismatchCarriageReturn = carriageReturn
          && Arrays.equals(hasher.leaf(leaves.bytes(), 0, leaves.length() - 1), recordedHash);
    }
    if (mismatch >= 0 && index - mismatch < LeafAuditResult.WINDOW) {
      leafWindow[(int) (index - mismatch)] = hash;
    }
  }

  private static boolean contains(byte[] bytes, int length, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (bytes[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  private void captureRoots() {
    while (nextRecordedSize < sizes.length && sizes[nextRecordedSize] == recorded.size()) {
      recordedRoots.put(sizes[nextRecordedSize++], recorded.root());
    }
    while (nextLeafSize < sizes.length && sizes[nextLeafSize] == fromLeaves.size()) {
      leafRoots.put(sizes[nextLeafSize++], fromLeaves.root());
    }
  }
}

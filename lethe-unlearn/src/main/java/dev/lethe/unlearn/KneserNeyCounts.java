package dev.lethe.unlearn;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The integer counts of one shard's Kneser–Ney model and their canonical serialization, the
 * shard artefact. Only integers are stored (probabilities and discounts are computed when the
 * model is loaded), so the bytes depend on nothing but the texts and the order.
 *
 * <p>For order n, every sentence is padded with n−1 {@link Tokenizer#BOS} tokens and closed with
 * {@link Tokenizer#EOS}; each real token and the EOS is a predicted position, and the n-gram
 * ending there is counted. Table n holds these raw counts. Table k &lt; n holds, for every k-gram
 * that is the suffix of some (k+1)-gram type, its continuation count N1+(• g): the number of
 * distinct (k+1)-gram types that end with it.
 *
 * <p>Format (big-endian, {@link DataOutputStream}): int magic {@code "LKN1"}, int order, long
 * records, long tokens (predicted positions), int vocabulary size, then each token as int length
 * + UTF-8 bytes in {@link String#compareTo} order (ids are positions in this list); then for k =
 * 1..n: int entries, then each entry as k int ids + long count, entries in lexicographic id order.
 */
final class KneserNeyCounts {

  static final int MAGIC = 0x4C4B4E31; // "LKN1"

  final int order;
  final long records;
  final long tokens;
  final String[] vocabulary;
  /** tables[k - 1]: entries of order k, ids flattened (k per entry), and their counts. */
  final int[][] ids;
  final long[][] counts;

  private KneserNeyCounts(int order, long records, long tokens, String[] vocabulary, int[][] ids, long[][] counts) {
    this.order = order;
    this.records = records;
    this.tokens = tokens;
    this.vocabulary = vocabulary;
    this.ids = ids;
    this.counts = counts;
  }

  /** Counts the n-grams of {@code texts}. */
  static KneserNeyCounts count(int order, List<String> texts) {
    Map<String, Integer> provisional = new HashMap<>();
    List<String> names = new ArrayList<>();
    int bos = intern(Tokenizer.BOS, provisional, names);
    int eos = intern(Tokenizer.EOS, provisional, names);
    Map<Gram, long[]> top = new HashMap<>();
    long tokens = 0;
    for (String text : texts) {
      for (List<String> sentence : Tokenizer.sentences(text)) {
        int[] seq = new int[order - 1 + sentence.size() + 1];
        Arrays.fill(seq, 0, order - 1, bos);
        for (int i = 0; i < sentence.size(); i++) {
          seq[order - 1 + i] = intern(sentence.get(i), provisional, names);
        }
        seq[seq.length - 1] = eos;
        for (int end = order - 1; end < seq.length; end++) {
          top.computeIfAbsent(new Gram(Arrays.copyOfRange(seq, end - order + 1, end + 1)), g -> new long[1])[0]++;
          tokens++;
        }
      }
    }
    // Final ids are positions in the sorted vocabulary, so nothing depends on first-seen order.
    String[] vocabulary = names.toArray(String[]::new);
    Arrays.sort(vocabulary);
    int[] remap = new int[names.size()];
    for (int i = 0; i < remap.length; i++) {
      remap[i] = Arrays.binarySearch(vocabulary, names.get(i));
    }
    List<Gram> grams = new ArrayList<>(top.size());
    Map<Gram, long[]> remapped = new HashMap<>(top.size() * 2);
    for (Map.Entry<Gram, long[]> e : top.entrySet()) {
      int[] g = e.getKey().ids.clone();
      for (int i = 0; i < g.length; i++) {
        g[i] = remap[g[i]];
      }
      Gram gram = new Gram(g);
      grams.add(gram);
      remapped.put(gram, e.getValue());
    }
    grams.sort(null);
    int[][] ids = new int[order][];
    long[][] counts = new long[order][];
    fill(order, grams, remapped, ids, counts);
    for (int k = order - 1; k >= 1; k--) {
      Map<Gram, long[]> continuation = new HashMap<>();
      for (Gram g : grams) {
        continuation.computeIfAbsent(g.suffix(k), s -> new long[1])[0]++;
      }
      List<Gram> lower = new ArrayList<>(continuation.keySet());
      lower.sort(null);
      fill(k, lower, continuation, ids, counts);
      grams = lower;
    }
    return new KneserNeyCounts(order, texts.size(), tokens, vocabulary, ids, counts);
  }

  private static int intern(String token, Map<String, Integer> ids, List<String> names) {
    Integer id = ids.get(token);
    if (id == null) {
      id = names.size();
      ids.put(token, id);
      names.add(token);
    }
    return id;
  }

  private static void fill(int k, List<Gram> sorted, Map<Gram, long[]> values, int[][] ids, long[][] counts) {
    int[] flat = new int[sorted.size() * k];
    long[] c = new long[sorted.size()];
    for (int i = 0; i < sorted.size(); i++) {
      Gram g = sorted.get(i);
      System.arraycopy(g.ids, 0, flat, i * k, k);
      c[i] = values.get(g)[0];
    }
    ids[k - 1] = flat;
    counts[k - 1] = c;
  }

  /** The canonical bytes. */
  byte[] encode() {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(buffer)) {
      out.writeInt(MAGIC);
      out.writeInt(order);
      out.writeLong(records);
      out.writeLong(tokens);
      out.writeInt(vocabulary.length);
      for (String token : vocabulary) {
        byte[] utf8 = token.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
      }
      for (int k = 1; k <= order; k++) {
        long[] c = counts[k - 1];
        int[] flat = ids[k - 1];
        out.writeInt(c.length);
        for (int i = 0; i < c.length; i++) {
          for (int j = 0; j < k; j++) {
            out.writeInt(flat[i * k + j]);
          }
          out.writeLong(c[i]);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return buffer.toByteArray();
  }

  /**
   * Reads canonical bytes back, checking that they are canonical (sorted, in range, positive).
   *
   * @throws IllegalArgumentException if they are not the artefact of a model of {@code order}
   */
  static KneserNeyCounts decode(byte[] bytes, int order) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      if (in.readInt() != MAGIC) {
        throw new IllegalArgumentException("not a Kneser–Ney shard artefact");
      }
      int stored = in.readInt();
      if (stored != order) {
        throw new IllegalArgumentException("artefact of order " + stored + ", expected " + order);
      }
      long records = in.readLong();
      long tokens = in.readLong();
      int size = in.readInt();
      check(size >= 0 && size <= bytes.length, "vocabulary size");
      String[] vocabulary = new String[size];
      for (int i = 0; i < size; i++) {
        int length = in.readInt();
        check(length >= 0 && length <= bytes.length, "token length");
        byte[] utf8 = in.readNBytes(length);
        check(utf8.length == length, "truncated token");
        vocabulary[i] = new String(utf8, StandardCharsets.UTF_8);
        check(i == 0 || vocabulary[i - 1].compareTo(vocabulary[i]) < 0, "vocabulary not sorted");
      }
      int[][] ids = new int[order][];
      long[][] counts = new long[order][];
      for (int k = 1; k <= order; k++) {
        int entries = in.readInt();
        check(entries >= 0 && (long) entries * (4L * k + 8) <= bytes.length, "entry count");
        int[] flat = new int[entries * k];
        long[] c = new long[entries];
        for (int i = 0; i < entries; i++) {
          for (int j = 0; j < k; j++) {
            int id = in.readInt();
            check(id >= 0 && id < size, "token id");
            flat[i * k + j] = id;
          }
          c[i] = in.readLong();
          check(c[i] > 0, "count");
          check(i == 0 || Arrays.compare(flat, (i - 1) * k, i * k, flat, i * k, (i + 1) * k) < 0, "entries not sorted");
        }
        ids[k - 1] = flat;
        counts[k - 1] = c;
      }
      check(in.read() < 0, "trailing bytes");
      return new KneserNeyCounts(order, records, tokens, vocabulary, ids, counts);
    } catch (IOException e) {
      throw new IllegalArgumentException("truncated Kneser–Ney shard artefact", e);
    }
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new IllegalArgumentException("malformed Kneser–Ney shard artefact: " + what);
    }
  }
}

package dev.lethe.parquet;

import com.github.luben.zstd.Zstd;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * ZSTD page compression straight through zstd-jni. Parquet's own codec factory builds a Hadoop
 * {@code Configuration} to find its codecs, which would pull in the whole Hadoop client runtime
 * (tens of MiB); pages compressed here are ordinary single zstd frames any Parquet reader reads.
 * Uncompressed pages are read too; other codecs are refused, since shards never use them.
 */
final class ZstdCodecs implements CompressionCodecFactory {

  private final int level;

  ZstdCodecs(int level) {
    this.level = level;
  }

  @Override
  public BytesInputCompressor getCompressor(CompressionCodecName codec) {
    if (codec != CompressionCodecName.ZSTD) {
      throw new IllegalArgumentException("Parquet shards are written with ZSTD, not " + codec);
    }
    return new BytesInputCompressor() {
      @Override
      public BytesInput compress(BytesInput bytes) throws IOException {
        return BytesInput.from(Zstd.compress(bytes.toByteArray(), level));
      }

      @Override
      public CompressionCodecName getCodecName() {
        return CompressionCodecName.ZSTD;
      }

      @Override
      public void release() {}
    };
  }

  @Override
  public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
    if (codec != CompressionCodecName.ZSTD && codec != CompressionCodecName.UNCOMPRESSED) {
      throw new IllegalArgumentException("a Parquet shard compressed with " + codec + " (only ZSTD or none is read)");
    }
    boolean zstd = codec == CompressionCodecName.ZSTD;
    return new BytesInputDecompressor() {
      @Override
      public BytesInput decompress(BytesInput bytes, int uncompressedSize) throws IOException {
        return zstd ? BytesInput.from(inflate(bytes.toByteArray(), uncompressedSize)) : bytes;
      }

      @Override
      public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output, int uncompressedSize)
          throws IOException {
        byte[] compressed = new byte[compressedSize];
        input.duplicate().get(compressed);
        output.put(zstd ? inflate(compressed, uncompressedSize) : compressed);
      }

      @Override
      public void release() {}
    };
  }

  private static byte[] inflate(byte[] compressed, int uncompressedSize) throws IOException {
    byte[] out = new byte[uncompressedSize];
    long n = Zstd.decompress(out, compressed);
    if (Zstd.isError(n) || n != uncompressedSize) {
      throw new IOException("a ZSTD page does not decompress to its " + uncompressedSize + " bytes"
          + (Zstd.isError(n) ? ": " + Zstd.getErrorName(n) : ""));
    }
    return out;
  }

  @Override
  public void release() {}
}

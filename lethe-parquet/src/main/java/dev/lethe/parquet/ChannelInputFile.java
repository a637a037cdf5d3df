package dev.lethe.parquet;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

/**
 * A Parquet input over an open file channel (the one the shard's digest was computed through).
 * Streams read with positional reads and never close the channel: its owner does.
 */
final class ChannelInputFile implements InputFile {

  private final FileChannel channel;

  ChannelInputFile(FileChannel channel) {
    this.channel = channel;
  }

  @Override
  public long getLength() throws IOException {
    return channel.size();
  }

  @Override
  public SeekableInputStream newStream() {
    Positional in = new Positional(channel);
    return new DelegatingSeekableInputStream(in) {
      @Override
      public long getPos() {
        return in.position;
      }

      @Override
      public void seek(long newPos) {
        in.position = newPos;
      }
    };
  }

  private static final class Positional extends InputStream {
    private final FileChannel channel;
    long position;

    Positional(FileChannel channel) {
      this.channel = channel;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      int n = channel.read(ByteBuffer.wrap(b, off, len), position);
      if (n > 0) {
        position += n;
      }
      return n;
    }

    @Override
    public void close() {
      // The channel belongs to the caller of ParquetShardFormat.read.
    }
  }
}

package dev.lethe.parquet;

import java.io.IOException;
import java.io.OutputStream;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

/**
 * A Parquet output over a stream the pipeline opened (and hashes): the writer only appends, so a
 * byte count is all the position it needs. It can be created once.
 */
final class StreamOutputFile implements OutputFile {

  private OutputStream out;

  StreamOutputFile(OutputStream out) {
    this.out = out;
  }

  @Override
  public PositionOutputStream create(long blockSizeHint) throws IOException {
    if (out == null) {
      throw new IOException("a shard's Parquet output can be created only once");
    }
    OutputStream target = out;
    out = null;
    return new PositionOutputStream() {
      private long position;

      @Override
      public long getPos() {
        return position;
      }

      @Override
      public void write(int b) throws IOException {
        target.write(b);
        position++;
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        target.write(b, off, len);
        position += len;
      }

      @Override
      public void flush() throws IOException {
        target.flush();
      }

      @Override
      public void close() throws IOException {
        target.close();
      }
    };
  }

  @Override
  public PositionOutputStream createOrOverwrite(long blockSizeHint) throws IOException {
    return create(blockSizeHint);
  }

  @Override
  public boolean supportsBlockSize() {
    return false;
  }

  @Override
  public long defaultBlockSize() {
    return 0;
  }
}

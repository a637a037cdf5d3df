package dev.lethe.parquet;

import dev.lethe.pipeline.ShardFormat.Row;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.io.InputFile;

/** A {@link ParquetReader} builder for {@link Row}s, configured without Hadoop. */
final class RowReaderBuilder extends ParquetReader.Builder<Row> {

  RowReaderBuilder(InputFile file) {
    super(file, new PlainParquetConfiguration());
  }

  @Override
  protected ReadSupport<Row> getReadSupport() {
    return new RowSchema.Read();
  }
}

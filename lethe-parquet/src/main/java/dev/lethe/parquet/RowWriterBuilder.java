package dev.lethe.parquet;

import dev.lethe.pipeline.ShardFormat.Row;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.OutputFile;

/** A {@link ParquetWriter} builder for {@link Row}s. */
final class RowWriterBuilder extends ParquetWriter.Builder<Row, RowWriterBuilder> {

  RowWriterBuilder(OutputFile file) {
    super(file);
  }

  @Override
  protected RowWriterBuilder self() {
    return this;
  }

  @Override
  protected WriteSupport<Row> getWriteSupport(org.apache.hadoop.conf.Configuration configuration) {
    return new RowSchema.Write();
  }

  @Override
  protected WriteSupport<Row> getWriteSupport(ParquetConfiguration configuration) {
    return new RowSchema.Write();
  }
}

package dev.lethe.parquet;

import dev.lethe.pipeline.ShardFormat.Row;
import java.util.Map;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.hadoop.api.InitContext;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.io.api.RecordMaterializer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/** The shard schema and the glue that writes and reads {@link Row}s with it. */
final class RowSchema {

  static final String CONTENT = "content";
  static final String KIND = "kind";
  static final String TEXT = "text";

  /** {@code message lethe_shard { required binary content (STRING); … kind …; … text …; }} */
  static final MessageType SCHEMA =
      Types.buildMessage()
          .required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(CONTENT)
          .required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(KIND)
          .required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(TEXT)
          .named("lethe_shard");

  private RowSchema() {}

  /** Writes rows with {@link #SCHEMA} and no key-value metadata. */
  static final class Write extends WriteSupport<Row> {
    private RecordConsumer out;

    @Override
    public WriteContext init(org.apache.hadoop.conf.Configuration configuration) {
      return new WriteContext(SCHEMA, Map.of());
    }

    @Override
    public WriteContext init(ParquetConfiguration configuration) {
      return new WriteContext(SCHEMA, Map.of());
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
      this.out = recordConsumer;
    }

    @Override
    public void write(Row row) {
      out.startMessage();
      field(0, CONTENT, row.content());
      field(1, KIND, row.kind());
      field(2, TEXT, row.text());
      out.endMessage();
    }

    private void field(int index, String name, String value) {
      out.startField(name, index);
      out.addBinary(Binary.fromString(value));
      out.endField(name, index);
    }
  }

  /**
   * Reads rows of a file whose schema has the three string columns (other columns, if a foreign
   * writer added any, are not read).
   */
  static final class Read extends ReadSupport<Row> {

    @Override
    public ReadContext init(InitContext context) {
      MessageType file = context.getFileSchema();
      for (String column : new String[] {CONTENT, KIND, TEXT}) {
        if (!file.containsField(column)
            || !file.getType(column).isPrimitive()
            || file.getType(column).asPrimitiveType().getPrimitiveTypeName() != PrimitiveTypeName.BINARY) {
          throw new IllegalArgumentException("the file has no string column \"" + column + "\": " + file);
        }
      }
      return new ReadContext(SCHEMA);
    }

    @Override
    public RecordMaterializer<Row> prepareForRead(
        org.apache.hadoop.conf.Configuration configuration,
        Map<String, String> metadata,
        MessageType fileSchema,
        ReadContext readContext) {
      return new Materializer();
    }

    @Override
    public RecordMaterializer<Row> prepareForRead(
        ParquetConfiguration configuration, Map<String, String> metadata, MessageType fileSchema, ReadContext readContext) {
      return new Materializer();
    }
  }

  private static final class Materializer extends RecordMaterializer<Row> {
    private final String[] values = new String[3];
    private final GroupConverter root =
        new GroupConverter() {
          private final Converter[] fields = {column(0), column(1), column(2)};

          @Override
          public Converter getConverter(int fieldIndex) {
            return fields[fieldIndex];
          }

          @Override
          public void start() {
            java.util.Arrays.fill(values, null);
          }

          @Override
          public void end() {}
        };

    private PrimitiveConverter column(int index) {
      return new PrimitiveConverter() {
        @Override
        public void addBinary(Binary value) {
          values[index] = value.toStringUsingUTF8();
        }
      };
    }

    @Override
    public Row getCurrentRecord() {
      return new Row(values[0], values[1], values[2]);
    }

    @Override
    public GroupConverter getRootConverter() {
      return root;
    }
  }
}

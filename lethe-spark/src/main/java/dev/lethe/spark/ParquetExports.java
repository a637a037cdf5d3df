package dev.lethe.spark;

import static org.apache.spark.sql.functions.col;

import dev.lethe.core.event.Rfc3339;
import dev.lethe.pipeline.RecordProcessor;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.TimestampType;

/**
 * Content exports in Parquet: one row per record, with columns named like the JSON Lines fields
 * ({@code content}, {@code member}, {@code kind}, {@code visibility}, {@code posted_at}, {@code
 * deleted_at}, {@code text}). Rows are checked exactly as JSON lines are ({@code
 * ContentLines.fields}), so a row fails closed under the same reason, {@code malformed}: a
 * missing or null required column, invalid UTF-8 (string columns are read as bytes and decoded
 * strictly, never with replacement), a column of another type (a number, a struct, a timestamp
 * without time zone), an unknown visibility or an instant that is not RFC 3339 with an offset.
 * {@code posted_at} and {@code deleted_at} may also be Parquet timestamps (instants). Other
 * columns are ignored, as other JSON fields are. Column names match exactly (case included).
 *
 * <p>A row's place in the input order is its row index in the file (Spark's {@code
 * _metadata.row_index}), so the order does not depend on how Spark splits or orders the file's
 * row groups.
 */
final class ParquetExports {

  /** The fields in {@code ContentLines.fields} order. */
  static final List<String> FIELDS = List.of("content", "member", "kind", "visibility", "posted_at", "deleted_at", "text");

  /** How a column is read. */
  private static final byte ABSENT = 0;
  private static final byte TEXT = 1;
  private static final byte TIMESTAMP = 2;
  private static final byte OTHER = 3;

  private ParquetExports() {}

  /** Whether a content file is read as Parquet: its name ends in {@code .parquet}. */
  static boolean isParquet(URI file) {
    return file.getPath().toLowerCase(Locale.ROOT).endsWith(".parquet");
  }

  /**
   * The rows of one Parquet file as inputs of source {@code source}.
   *
   * @param maxSplitBytes largest split in bytes (0: the session's {@code
   *     spark.sql.files.maxPartitionBytes})
   */
  static JavaRDD<InputRecord> rows(SparkSession session, URI file, int source, long maxSplitBytes) {
    String key = "spark.sql.files.maxPartitionBytes";
    String before = session.conf().contains(key) ? session.conf().get(key) : null;
    if (maxSplitBytes > 0) {
      session.conf().set(key, Long.toString(maxSplitBytes));
    }
    try {
      Dataset<Row> frame = session.read().parquet(file.toString());
      byte[] modes = new byte[FIELDS.size()];
      List<Column> columns = new ArrayList<>();
      for (StructField field : frame.schema().fields()) {
        int i = FIELDS.indexOf(field.name());
        if (i >= 0) {
          modes[i] = mode(field.dataType(), field.name());
        }
      }
      for (int i = 0; i < modes.length; i++) {
        String name = FIELDS.get(i);
        switch (modes[i]) {
          case TEXT -> columns.add(col(name).cast("binary").as(name));
          case TIMESTAMP -> columns.add(col(name));
          // Only whether it holds a value matters: a value of another type makes the row malformed.
          case OTHER -> columns.add(col(name).isNotNull().as(name));
          default -> { }
        }
      }
      columns.add(col("_metadata.row_index").as("__lethe_row_index"));
      // The RDD (and its splits) is planned here, while the split size is set.
      JavaRDD<Row> rows = frame.select(columns.toArray(Column[]::new)).javaRDD();
      return rows.mapPartitions(part -> new Converted(part, modes, source));
    } finally {
      if (maxSplitBytes > 0) {
        if (before == null) {
          session.conf().unset(key);
        } else {
          session.conf().set(key, before);
        }
      }
    }
  }

  private static byte mode(DataType type, String field) {
    if (type instanceof StringType || type instanceof BinaryType) {
      return TEXT;
    }
    if (type instanceof TimestampType && (field.equals("posted_at") || field.equals("deleted_at"))) {
      return TIMESTAMP;
    }
    return OTHER;
  }

  /** Rows to inputs, one partition at a time, with one strict decoder per partition. */
  private static final class Converted implements Iterator<InputRecord> {

    private final Iterator<Row> rows;
    private final byte[] modes;
    private final int source;
    private final CharsetDecoder utf8 = RecordProcessor.strictUtf8();

    Converted(Iterator<Row> rows, byte[] modes, int source) {
      this.rows = rows;
      this.modes = modes;
      this.source = source;
    }

    @Override
    public boolean hasNext() {
      return rows.hasNext();
    }

    @Override
    public InputRecord next() {
      Row row = rows.next();
      String[] fields = new String[modes.length];
      boolean malformed = false;
      int column = 0;
      for (int i = 0; i < modes.length; i++) {
        switch (modes[i]) {
          case TEXT -> {
            byte[] bytes = (byte[]) row.get(column++);
            if (bytes != null) {
              try {
                fields[i] = utf8.decode(ByteBuffer.wrap(bytes)).toString();
              } catch (CharacterCodingException e) {
                malformed = true;
              }
            }
          }
          case TIMESTAMP -> {
            Object value = row.get(column++);
            if (value != null) {
              Instant at = value instanceof Instant instant ? instant : ((Timestamp) value).toInstant();
              fields[i] = Rfc3339.format(at);
            }
          }
          case OTHER -> malformed |= row.getBoolean(column++);
          default -> { }
        }
      }
      long index = row.getLong(column);
      return InputRecord.row(InputRecord.sequence(source, index), fields, malformed);
    }
  }
}

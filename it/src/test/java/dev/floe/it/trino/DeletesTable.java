package dev.floe.it.trino;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.RowDelta;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.deletes.EqualityDeleteWriter;
import org.apache.iceberg.deletes.PositionDelete;
import org.apache.iceberg.deletes.PositionDeleteWriter;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Types;

/**
 * A format-2 table of small files with position and equality deletes, written with Iceberg's own
 * writers the way an upserting writer leaves it.
 */
final class DeletesTable {
    static final Schema SCHEMA = new Schema(
            Types.NestedField.required(1, "id", Types.LongType.get()),
            Types.NestedField.required(2, "region", Types.StringType.get()),
            Types.NestedField.optional(3, "amount", Types.LongType.get()));

    private DeletesTable() {}

    static Table create(Catalog catalog, String name) {
        TableIdentifier identifier = TableIdentifier.parse(name);
        if (catalog instanceof SupportsNamespaces namespaces && !namespaces.namespaceExists(identifier.namespace())) {
            namespaces.createNamespace(Namespace.of(identifier.namespace().levels()));
        }
        return catalog.buildTable(identifier, SCHEMA)
                .withPartitionSpec(
                        PartitionSpec.builderFor(SCHEMA).identity("region").build())
                .withProperty("format-version", "2")
                .create();
    }

    /** {@code files} appends per region of {@code rows} rows each. */
    static void fill(Table table, List<String> regions, int files, int rows) {
        long id = 0;
        for (int file = 0; file < files; file++) {
            for (String region : regions) {
                List<Record> records = new ArrayList<>();
                for (int row = 0; row < rows; row++) {
                    Record record = GenericRecord.create(SCHEMA);
                    record.setField("id", id);
                    record.setField("region", region);
                    record.setField("amount", id % 97);
                    records.add(record);
                    id++;
                }
                table.newAppend().appendFile(write(table, records)).commit();
            }
        }
    }

    /** Per partition: the first three rows of one file by position, and every tenth id by equality. */
    static void deleteSome(Table table) {
        table.refresh();
        RowDelta delta = table.newRowDelta();
        List<String> seen = new ArrayList<>();
        try (var tasks = table.newScan().planFiles()) {
            for (var task : tasks) {
                DataFile file = task.file();
                String partition = table.spec().partitionToPath(file.partition());
                if (seen.contains(partition)) {
                    continue;
                }
                seen.add(partition);
                delta.addDeletes(positionDeletes(table, file, List.of(0L, 1L, 2L)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        delta.commit();
        table.refresh();
        RowDelta equality = table.newRowDelta();
        for (String region : seen) {
            Record probe = GenericRecord.create(SCHEMA);
            probe.setField("region", region.substring("region=".length()));
            List<Long> ids = new ArrayList<>();
            for (long id = 0; id < 10_000; id += 10) {
                ids.add(id);
            }
            equality.addDeletes(equalityDeletes(table, partition(table, probe), ids));
        }
        equality.commit();
    }

    private static StructLike partition(Table table, Record row) {
        PartitionKey key = new PartitionKey(table.spec(), table.schema());
        key.partition(row);
        return key.copy();
    }

    private static OutputFile newFile(Table table, StructLike partition, String prefix) {
        return table.io()
                .newOutputFile(table.locationProvider()
                        .newDataLocation(table.spec(), partition, prefix + UUID.randomUUID() + ".parquet"));
    }

    private static DataFile write(Table table, List<Record> rows) {
        StructLike partition = partition(table, rows.get(0));
        try {
            DataWriter<Record> writer = Parquet.writeData(newFile(table, partition, "data-"))
                    .schema(table.schema())
                    .createWriterFunc(GenericParquetWriter::create)
                    .withSpec(table.spec())
                    .withPartition(partition)
                    .build();
            try (writer) {
                rows.forEach(writer::write);
            }
            return writer.toDataFile();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static DeleteFile positionDeletes(Table table, DataFile file, List<Long> positions) {
        try {
            PositionDeleteWriter<Record> writer = Parquet.writeDeletes(newFile(table, file.partition(), "pos-"))
                    .setAll(table.properties())
                    .withSpec(table.spec())
                    .withPartition(file.partition())
                    .overwrite()
                    .buildPositionWriter();
            try (writer) {
                for (long position : positions) {
                    writer.write(PositionDelete.<Record>create().set(file.location(), position));
                }
            }
            return writer.toDeleteFile();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static DeleteFile equalityDeletes(Table table, StructLike partition, List<Long> ids) {
        Schema idSchema = table.schema().select("id");
        try {
            EqualityDeleteWriter<Record> writer = Parquet.writeDeletes(newFile(table, partition, "eq-"))
                    .forTable(table)
                    .withSpec(table.spec())
                    .withPartition(partition)
                    .rowSchema(idSchema)
                    .equalityFieldIds(1)
                    .createWriterFunc(GenericParquetWriter::create)
                    .overwrite()
                    .buildEqualityWriter();
            try (writer) {
                for (long id : ids) {
                    Record key = GenericRecord.create(idSchema);
                    key.setField("id", id);
                    writer.write(key);
                }
            }
            return writer.toDeleteFile();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package dev.floe.compaction;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.deletes.EqualityDeleteWriter;
import org.apache.iceberg.deletes.PositionDelete;
import org.apache.iceberg.deletes.PositionDeleteWriter;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Types;

/** Iceberg tables on a SQLite JDBC catalog and a local warehouse, written with Iceberg's own writers. */
final class TestTables {
    static final Schema SCHEMA = new Schema(
            Types.NestedField.required(1, "id", Types.LongType.get()),
            Types.NestedField.required(2, "region", Types.StringType.get()),
            Types.NestedField.optional(3, "amount", Types.LongType.get()));

    private final Catalog catalog;

    TestTables(Path directory) {
        this.catalog = CatalogUtil.buildIcebergCatalog(
                "floe",
                Map.of(
                        CatalogUtil.ICEBERG_CATALOG_TYPE,
                        "jdbc",
                        CatalogProperties.URI,
                        "jdbc:sqlite:" + directory.resolve("catalog.db"),
                        CatalogProperties.WAREHOUSE_LOCATION,
                        directory.resolve("warehouse").toUri().toString(),
                        "jdbc.schema-version",
                        "V1"),
                new Configuration());
        ((SupportsNamespaces) catalog).createNamespace(Namespace.of("sales"));
    }

    Catalog catalog() {
        return catalog;
    }

    Table create(String name, PartitionSpec spec, SortOrder order, int formatVersion) {
        return catalog.buildTable(TableIdentifier.of("sales", name), SCHEMA)
                .withPartitionSpec(spec)
                .withSortOrder(order)
                .withProperty("format-version", Integer.toString(formatVersion))
                .create();
    }

    static PartitionSpec byRegion() {
        return PartitionSpec.builderFor(SCHEMA).identity("region").build();
    }

    static Record row(long id, String region, long amount) {
        Record record = GenericRecord.create(SCHEMA);
        record.setField("id", id);
        record.setField("region", region);
        record.setField("amount", amount);
        return record;
    }

    /** Writes rows (all of one partition) as one data file. */
    static DataFile writeData(Table table, List<Record> rows) {
        StructLike partition = partition(table, rows.get(0));
        OutputFile out = table.io()
                .newOutputFile(table.locationProvider()
                        .newDataLocation(table.spec(), partition, "test-" + UUID.randomUUID() + ".parquet"));
        try {
            DataWriter<Record> writer = Parquet.writeData(out)
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

    /** Appends rows (all of one partition) as one data file in one commit with Floe's summary. */
    static DataFile append(Table table, List<Record> rows, String pipeline, long checkpointId) {
        DataFile file = writeData(table, rows);
        AppendFiles append = table.newAppend().appendFile(file);
        append.set("floe.pipeline", pipeline);
        append.set("floe.checkpoint-id", Long.toString(checkpointId));
        append.set("floe.offsets", "{\"orders\":{\"0\":" + checkpointId * 100 + "}}");
        append.commit();
        return file;
    }

    static DeleteFile positionDeletes(Table table, DataFile file, List<Long> positions) {
        OutputFile out = table.io()
                .newOutputFile(table.locationProvider()
                        .newDataLocation(table.spec(), file.partition(), "pos-" + UUID.randomUUID() + ".parquet"));
        try {
            PositionDeleteWriter<Record> writer = Parquet.writeDeletes(out)
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

    static DeleteFile equalityDeletes(Table table, StructLike partition, List<Long> ids) {
        Schema idSchema = table.schema().select("id");
        OutputFile out = table.io()
                .newOutputFile(table.locationProvider()
                        .newDataLocation(table.spec(), partition, "eq-" + UUID.randomUUID() + ".parquet"));
        try {
            EqualityDeleteWriter<Record> writer = Parquet.writeDeletes(out)
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

    static StructLike partition(Table table, Record row) {
        PartitionKey key = new PartitionKey(table.spec(), table.schema());
        key.partition(row);
        return key.copy();
    }

    /** Every row of the table's current snapshot, id to amount. */
    static Map<Long, Long> contents(Table table) {
        table.refresh();
        Map<Long, Long> rows = new TreeMap<>();
        try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
            for (Record record : records) {
                rows.put((Long) record.getField("id"), (Long) record.getField("amount"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows;
    }

    static List<DataFile> dataFiles(Table table) {
        table.refresh();
        List<DataFile> files = new ArrayList<>();
        try (var tasks = table.newScan().planFiles()) {
            tasks.forEach(task -> files.add(task.file()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }
}

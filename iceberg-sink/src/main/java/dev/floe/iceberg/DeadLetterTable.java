package dev.floe.iceberg;

import dev.floe.engine.spi.deadletter.DeadLetter;
import dev.floe.engine.spi.deadletter.DeadLetterDelivery;
import dev.floe.engine.spi.error.FatalException;
import dev.floe.engine.spi.error.RetriableException;
import dev.floe.engine.spi.sink.CommittedPosition;
import dev.floe.engine.spi.sink.SourceOffsets;
import dev.floe.engine.spi.sink.SourcePartition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Types;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pipeline's dead letters kept in an Iceberg table of the sink's catalog (docs/iceberg-sink.md,
 * "Dead-letter tables").
 *
 * <p>Each checkpoint with dead letters is one append whose summary carries the usual {@code floe.*}
 * marker: the pipeline, the checkpoint id, and as offsets the delivery marker (below them, every
 * dead letter of the pipeline is in the table). The checkpoint's commit sequence delivers dead
 * letters before it commits the data, and a letter below the table's marker is never appended
 * again, so after any crash each dead letter is in the table once. Dead letters are rare: they are
 * written through Iceberg's generic records, off the hot path.
 */
public final class DeadLetterTable implements DeadLetterDelivery {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterTable.class);

    /** How many dead letters an append holds, in its summary: tells its snapshots from data commits. */
    public static final String SUMMARY_DEAD_LETTERS = "floe.dead-letters";

    public static final String PIPELINE = "pipeline";
    public static final String CHECKPOINT_ID = "checkpoint_id";
    public static final String SOURCE_TOPIC = "source_topic";
    public static final String SOURCE_PARTITION = "source_partition";
    public static final String SOURCE_OFFSET = "source_offset";
    public static final String SOURCE_TIMESTAMP = "source_timestamp";
    public static final String KEY = "key";
    public static final String VALUE = "value";
    public static final String HEADERS = "headers";
    public static final String STAGE = "stage";
    public static final String ERROR_CODE = "error_code";
    public static final String ERROR_MESSAGE = "error_message";
    public static final String FAILED_AT = "failed_at";

    /** The columns of a dead-letter table. */
    public static final Schema SCHEMA = new Schema(
            Types.NestedField.required(1, PIPELINE, Types.StringType.get(), "the pipeline that refused the record"),
            Types.NestedField.required(2, CHECKPOINT_ID, Types.LongType.get(), "the checkpoint that delivered it"),
            Types.NestedField.required(3, SOURCE_TOPIC, Types.StringType.get()),
            Types.NestedField.required(4, SOURCE_PARTITION, Types.IntegerType.get()),
            Types.NestedField.required(5, SOURCE_OFFSET, Types.LongType.get()),
            Types.NestedField.optional(
                    6, SOURCE_TIMESTAMP, Types.TimestampType.withZone(), "the record's Kafka timestamp"),
            Types.NestedField.optional(7, KEY, Types.BinaryType.get(), "the original key bytes"),
            Types.NestedField.optional(8, VALUE, Types.BinaryType.get(), "the original value bytes"),
            Types.NestedField.optional(
                    9,
                    HEADERS,
                    Types.MapType.ofOptional(10, 11, Types.StringType.get(), Types.StringType.get()),
                    "the original headers, values as UTF-8"),
            Types.NestedField.required(12, STAGE, Types.StringType.get(), "where it failed: decode, transform, write"),
            Types.NestedField.required(13, ERROR_CODE, Types.StringType.get(), "the error's code"),
            Types.NestedField.required(14, ERROR_MESSAGE, Types.StringType.get(), "what was wrong with it"),
            Types.NestedField.required(15, FAILED_AT, Types.TimestampType.withZone(), "when it failed"));

    private final String pipelineId;
    private final String name;
    private final Table table;

    private DeadLetterTable(String pipelineId, String name, Table table) {
        this.pipelineId = pipelineId;
        this.name = name;
        this.table = table;
    }

    /**
     * The dead-letter table {@code name} of {@code pipelineId}, created when missing.
     *
     * @throws RetriableException when the catalog does not answer
     * @throws FatalException when an existing table has not the columns of a dead-letter table
     */
    static DeadLetterTable open(Catalog catalog, String pipelineId, String name, int formatVersion) {
        TableIdentifier identifier = TableIdentifier.parse(name);
        Table table;
        try {
            table = loadOrCreate(catalog, identifier, formatVersion, pipelineId);
        } catch (NoSuchTableException | AlreadyExistsException e) {
            throw new RetriableException(
                    IcebergErrorCode.CATALOG_UNAVAILABLE,
                    "Cannot open dead-letter table " + name + " of pipeline " + pipelineId + ": " + e.getMessage(),
                    e);
        } catch (RuntimeException e) {
            if (e instanceof FatalException) {
                throw e;
            }
            throw new RetriableException(
                    IcebergErrorCode.CATALOG_UNAVAILABLE,
                    "Cannot open dead-letter table " + name + " of pipeline " + pipelineId + ": " + e.getMessage(),
                    e);
        }
        for (Types.NestedField column : SCHEMA.columns()) {
            Types.NestedField existing = table.schema().findField(column.name());
            // by type name: a created table numbers the map's key and value fields itself
            if (existing == null
                    || !existing.type().toString().equals(column.type().toString())) {
                throw new FatalException(
                        IcebergErrorCode.SCHEMA_MISMATCH,
                        "Cannot keep the dead letters of pipeline " + pipelineId + " in table " + name + ": it has no"
                                + " column " + column.name() + " of type " + column.type() + "; name a new table or"
                                + " one Floe created for dead letters");
            }
        }
        return new DeadLetterTable(pipelineId, name, table);
    }

    private static Table loadOrCreate(
            Catalog catalog, TableIdentifier identifier, int formatVersion, String pipelineId) {
        try {
            return catalog.loadTable(identifier);
        } catch (NoSuchTableException e) {
            // created below
        }
        if (catalog instanceof SupportsNamespaces namespaces) {
            Namespace namespace = identifier.namespace();
            if (!namespaces.namespaceExists(namespace)) {
                try {
                    namespaces.createNamespace(namespace);
                } catch (AlreadyExistsException e) {
                    // created concurrently
                }
            }
        }
        try {
            Table created = catalog.buildTable(identifier, SCHEMA)
                    .withPartitionSpec(PartitionSpec.unpartitioned())
                    .withProperty(TableProperties.FORMAT_VERSION, Integer.toString(formatVersion))
                    .create();
            LOG.info("Created dead-letter table {} for pipeline {}", identifier, pipelineId);
            return created;
        } catch (AlreadyExistsException e) {
            return catalog.loadTable(identifier);
        }
    }

    /**
     * The source offsets that {@code pipelineIds} dead-lettered into table {@code name}, by source
     * partition, for audits; empty when the table does not exist.
     */
    public static Map<SourcePartition, Set<Long>> deadLettered(
            Catalog catalog, String name, Collection<String> pipelineIds) {
        Table table;
        try {
            table = catalog.loadTable(TableIdentifier.parse(name));
        } catch (NoSuchTableException e) {
            return Map.of();
        }
        Map<SourcePartition, Set<Long>> offsets = new HashMap<>();
        try (CloseableIterable<Record> rows = IcebergGenerics.read(table)
                .select(PIPELINE, SOURCE_TOPIC, SOURCE_PARTITION, SOURCE_OFFSET)
                .build()) {
            for (Record row : rows) {
                if (SnapshotMarkers.isLineageOf((String) row.getField(PIPELINE), pipelineIds)) {
                    offsets.computeIfAbsent(
                                    new SourcePartition((String) row.getField(SOURCE_TOPIC), (Integer)
                                            row.getField(SOURCE_PARTITION)),
                                    key -> new HashSet<>())
                            .add((Long) row.getField(SOURCE_OFFSET));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read dead-letter table " + name + ": " + e.getMessage(), e);
        }
        return offsets;
    }

    /** The table, as it was when last refreshed. */
    Table table() {
        return table;
    }

    @Override
    public String describe() {
        return "iceberg table " + name;
    }

    @Override
    public SourceOffsets delivered() {
        refresh();
        return SnapshotMarkers.latest(table, pipelineId)
                .map(CommittedPosition::offsets)
                .orElse(SourceOffsets.empty());
    }

    /**
     * Appends those of {@code letters} the table's marker does not cover yet, and moves the marker
     * to {@code marker}. Nothing below the marker is appended again: a delivery repeated after a
     * restart, or after a commit whose outcome was unknown but landed, adds nothing. A delivery with
     * nothing left to append commits nothing: the marker stays where the last dead letter left it,
     * which is still true, and the table gets no empty snapshot every checkpoint.
     */
    @Override
    public void deliver(long checkpointId, List<DeadLetter> letters, SourceOffsets marker) {
        refresh();
        SourceOffsets held = SnapshotMarkers.latest(table, pipelineId)
                .map(CommittedPosition::offsets)
                .orElse(SourceOffsets.empty());
        List<DeadLetter> fresh = new ArrayList<>(letters.size());
        for (DeadLetter letter : letters) {
            SourcePartition partition = new SourcePartition(letter.topic(), letter.partition());
            if (letter.offset() >= held.offset(partition).orElse(-1)) {
                fresh.add(letter);
            }
        }
        if (fresh.size() < letters.size()) {
            LOG.info(
                    "Dead-letter table {} holds {} of the {} dead letters of checkpoint {} of pipeline {} already",
                    name,
                    letters.size() - fresh.size(),
                    letters.size(),
                    checkpointId,
                    pipelineId);
        }
        if (fresh.isEmpty()) {
            return;
        }
        long started = System.nanoTime();
        DataFile file = write(checkpointId, fresh);
        // another instance of the pipeline delivers other partitions: keep their marker; and never
        // move a partition's marker back, or letters below its old place would be appended again
        Map<SourcePartition, Long> merged = new HashMap<>(held.asMap());
        marker.asMap().forEach((partition, offset) -> merged.merge(partition, offset, Math::max));
        AppendFiles append = table.newAppend().appendFile(file);
        append.set(SnapshotMarkers.PIPELINE, pipelineId);
        append.set(SnapshotMarkers.CHECKPOINT_ID, Long.toString(checkpointId));
        append.set(SnapshotMarkers.OFFSETS, OffsetsJson.write(SourceOffsets.of(merged)));
        append.set(SUMMARY_DEAD_LETTERS, Integer.toString(fresh.size()));
        try {
            append.commit();
        } catch (CommitStateUnknownException e) {
            // the next attempt reads the history first: a landed append is never repeated
            throw new RetriableException(
                    IcebergErrorCode.COMMIT_STATE_UNKNOWN,
                    "Cannot tell yet whether the dead letters of checkpoint " + checkpointId + " of pipeline "
                            + pipelineId + " reached table " + name + ": " + e.getMessage(),
                    e);
        } catch (CommitFailedException e) {
            deleteQuietly(file);
            throw new RetriableException(
                    IcebergErrorCode.COMMIT_FAILED,
                    "Cannot commit the dead letters of checkpoint " + checkpointId + " to table " + name + ": "
                            + e.getMessage(),
                    e);
        } catch (ValidationException e) {
            deleteQuietly(file);
            throw new FatalException(
                    IcebergErrorCode.COMMIT_REJECTED,
                    "Cannot commit the dead letters of checkpoint " + checkpointId + " to table " + name + ": "
                            + e.getMessage(),
                    e);
        } catch (RuntimeException e) {
            throw new RetriableException(
                    IcebergErrorCode.COMMIT_FAILED,
                    "Cannot commit the dead letters of checkpoint " + checkpointId + " to table " + name + ": " + e,
                    e);
        }
        tag();
        LOG.info(
                "Delivered {} dead letters of checkpoint {} of pipeline {} to table {} in {} ms",
                fresh.size(),
                checkpointId,
                pipelineId,
                name,
                (System.nanoTime() - started) / 1_000_000);
    }

    private DataFile write(long checkpointId, List<DeadLetter> letters) {
        OutputFile out = table.io()
                .newOutputFile(table.locationProvider()
                        .newDataLocation("dead-letters-" + pipelineId + "-" + checkpointId + "-" + UUID.randomUUID()
                                + ".parquet"));
        try {
            DataWriter<Record> writer = Parquet.writeData(out)
                    .schema(table.schema())
                    .createWriterFunc(GenericParquetWriter::create)
                    .withSpec(table.spec())
                    .overwrite()
                    .build();
            try (writer) {
                Record template = GenericRecord.create(table.schema());
                for (DeadLetter letter : letters) {
                    writer.write(row(template.copy(), checkpointId, letter));
                }
            }
            return writer.toDataFile();
        } catch (IOException | UncheckedIOException e) {
            throw new RetriableException(
                    IcebergErrorCode.WRITE_FAILED,
                    "Cannot write the dead letters of checkpoint " + checkpointId + " of pipeline " + pipelineId
                            + " for table " + name + " to " + out.location() + ": " + e.getMessage(),
                    e);
        }
    }

    private Record row(Record row, long checkpointId, DeadLetter letter) {
        row.setField(PIPELINE, pipelineId);
        row.setField(CHECKPOINT_ID, checkpointId);
        row.setField(SOURCE_TOPIC, letter.topic());
        row.setField(SOURCE_PARTITION, letter.partition());
        row.setField(SOURCE_OFFSET, letter.offset());
        row.setField(
                SOURCE_TIMESTAMP,
                letter.timestamp() < 0
                        ? null
                        : Instant.ofEpochMilli(letter.timestamp()).atOffset(ZoneOffset.UTC));
        row.setField(
                KEY, letter.key() == null ? null : ByteBuffer.wrap(letter.key().toArray()));
        row.setField(
                VALUE,
                letter.value() == null ? null : ByteBuffer.wrap(letter.value().toArray()));
        Map<String, String> headers = new LinkedHashMap<>();
        for (DeadLetter.Header header : letter.headers()) {
            headers.put(
                    header.key(),
                    header.value() == null ? null : new String(header.value().toArray(), StandardCharsets.UTF_8));
        }
        row.setField(HEADERS, headers);
        row.setField(STAGE, letter.stage());
        row.setField(ERROR_CODE, letter.errorCode());
        row.setField(ERROR_MESSAGE, letter.reason());
        row.setField(FAILED_AT, letter.failedAt().atOffset(ZoneOffset.UTC));
        return row;
    }

    private void refresh() {
        try {
            table.refresh();
        } catch (RuntimeException e) {
            throw new RetriableException(
                    IcebergErrorCode.CATALOG_UNAVAILABLE,
                    "Cannot read dead-letter table " + name + " of pipeline " + pipelineId + ": " + e.getMessage(),
                    e);
        }
    }

    /** Points the pipeline's tag at its newest append, so snapshot expiry cannot erase the marker. */
    private void tag() {
        String tag = SnapshotMarkers.tag(pipelineId);
        try {
            table.refresh();
            Optional<Snapshot> newest = SnapshotMarkers.newestSnapshot(table, List.of(pipelineId));
            if (newest.isEmpty()) {
                return;
            }
            SnapshotRef ref = table.refs().get(tag);
            if (ref == null) {
                table.manageSnapshots()
                        .createTag(tag, newest.get().snapshotId())
                        .commit();
            } else if (ref.snapshotId() != newest.get().snapshotId()) {
                table.manageSnapshots()
                        .replaceTag(tag, newest.get().snapshotId())
                        .commit();
            }
        } catch (RuntimeException e) {
            // the next append moves the tag; until then the history still holds the marker
            LOG.warn("Cannot move tag {} of dead-letter table {}: {}", tag, name, e.toString());
        }
    }

    private void deleteQuietly(DataFile file) {
        try {
            table.io().deleteFile(file.location());
        } catch (RuntimeException e) {
            LOG.warn(
                    "Cannot delete {}, written for table {} and not committed: {}",
                    file.location(),
                    name,
                    e.toString());
        }
    }
}

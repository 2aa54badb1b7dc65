package dev.floe.iceberg;

import dev.floe.engine.spi.row.Row;
import dev.floe.engine.spi.row.Utf8Slice;
import dev.floe.engine.spi.sink.SinkWriter;
import dev.floe.engine.spi.sink.WriteResult;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes one subtask's rows into the tables they route to. Every table gets its own {@link
 * TableFiles}; all of them share one bound on open data files ({@code maxOpenFiles}): past it the
 * least recently written file of any table is closed and a new one is started when its partition
 * gets rows again, so a fan-out into many tables and partitions never holds more than the bound.
 */
final class IcebergSinkWriter implements SinkWriter {
    private final IcebergSink sink;
    private final int subtask;
    private final TableRouter router;
    private final OpenFiles openFiles;
    private final Map<String, TableFiles> byTable = new LinkedHashMap<>();
    private final Map<Object, TableFiles> byRoute = new HashMap<>();
    private TableFiles fixed;

    IcebergSinkWriter(IcebergSink sink, int subtask) {
        this.sink = sink;
        this.subtask = subtask;
        this.router = sink.router();
        this.openFiles =
                new OpenFiles(sink.config().maxOpenFiles(), sink.config().sortBufferRows());
        sink.observer().openFiles(subtask, openFiles::open, openFiles::mostOpen);
    }

    @Override
    public void write(Row row) {
        TableFiles files;
        if (router.isFixed()) {
            files = fixed;
            if (files == null) {
                files = fixed = tableFiles(router.template());
            }
        } else {
            Object key = router.routeKey(row);
            files = byRoute.get(key);
            if (files == null) {
                files = tableFiles(router.tableNameOfKey(key));
                byRoute.put(ownedKey(key), files);
            }
        }
        files.write(row);
    }

    private TableFiles tableFiles(String table) {
        return byTable.computeIfAbsent(table, name -> new TableFiles(sink, sink.target(name), subtask, openFiles));
    }

    /** A route key that owns its bytes, so the route cache pins no fetch buffer. */
    private static Object ownedKey(Object key) {
        if (key instanceof Utf8Slice) {
            return Utf8Slice.of(key.toString());
        }
        if (key instanceof ByteBuffer) {
            ByteBuffer source = ((ByteBuffer) key).duplicate();
            ByteBuffer copy = ByteBuffer.allocate(source.remaining());
            copy.put(source).flip();
            return copy;
        }
        return key;
    }

    /** The most rows this writer has held at once to sort them. */
    long mostBufferedRows() {
        return openFiles.mostBuffered();
    }

    /** The most data files this writer has had open at once. */
    int mostOpenFiles() {
        return openFiles.mostOpen();
    }

    @Override
    public WriteResult prepareCommit(long checkpointId) {
        Map<String, IcebergWriteResult.TableWrite> written = new LinkedHashMap<>();
        for (TableFiles files : byTable.values()) {
            IcebergWriteResult.TableWrite write = files.finish();
            if (write != null) {
                written.put(files.tableName(), write);
            }
        }
        return new IcebergWriteResult(written, openFiles.mostOpen());
    }

    @Override
    public void close() {
        for (TableFiles files : byTable.values()) {
            files.abandon();
        }
        byTable.clear();
        byRoute.clear();
        fixed = null;
    }
}

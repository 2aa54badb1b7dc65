package dev.floe.engine.pipeline;

import dev.floe.engine.dataflow.ExchangeOutput;
import dev.floe.engine.dataflow.RowConformer;
import dev.floe.engine.source.SourceRecord;
import dev.floe.engine.spi.row.Row;
import dev.floe.engine.spi.row.RowKind;
import dev.floe.engine.spi.row.RowType;
import dev.floe.engine.spi.sink.Sink;
import dev.floe.engine.spi.sink.SinkWriter;
import dev.floe.engine.spi.sink.WriteResult;
import java.util.IdentityHashMap;
import java.util.Map;

/** Where a subtask's rows go: a sink writer on the same thread, or a keyBy exchange. */
interface SubtaskOutput {
    /** Takes a row; the caller may reuse it afterwards. */
    void emit(Row row);

    /** Takes a row decoded from {@code origin}, a view valid during the call. */
    default void emit(Row row, SourceRecord origin) {
        emit(row);
    }

    /** Barrier {@code checkpointId}: what this output finished for the checkpoint, or null. */
    WriteResult barrier(long checkpointId, boolean finalBarrier);

    /** Event time on this subtask reached {@code time}. */
    void watermark(long time);

    /** Every partition of this subtask is idle: event time downstream need not wait for it. */
    default void idle() {}

    /** The subtask's input ended. */
    void endOfInput();

    /** Abandons what was not checkpointed. */
    void close();

    /** Rows to a sink writer, reshaped to the table's type when an operator changed them. */
    final class ToSink implements SubtaskOutput {
        private final Sink sink;
        private final SinkWriter writer;
        private final boolean decodedForTheTable;
        private final RowConformer conformer = new RowConformer();
        private final Map<RowType, RowType> tableTypes = new IdentityHashMap<>();

        /**
         * @param decodedForTheTable whether rows arrive already of the table's type (decoded for it)
         */
        ToSink(Sink sink, SinkWriter writer, boolean decodedForTheTable) {
            this.sink = sink;
            this.writer = writer;
            this.decodedForTheTable = decodedForTheTable;
        }

        @Override
        public void emit(Row row) {
            if (decodedForTheTable || row.kind() == RowKind.DELETE) {
                // a delete needs only its key columns, which the sink finds by name in any row type
                writer.write(row);
                return;
            }
            RowType table = tableTypes.get(row.type());
            if (table == null) {
                table = sink.rowType(row.type().schema());
                tableTypes.put(row.type(), table);
            }
            writer.write(conformer.conform(row, table));
        }

        @Override
        public WriteResult barrier(long checkpointId, boolean finalBarrier) {
            return writer.prepareCommit(checkpointId);
        }

        @Override
        public void watermark(long time) {
            // the sink keeps no event-time state
        }

        @Override
        public void endOfInput() {
            // nothing is held: the final checkpoint finishes the files
        }

        @Override
        public void close() {
            writer.close();
        }
    }

    /** Rows routed by key to the keyed subtasks. */
    final class ToExchange implements SubtaskOutput {
        private final ExchangeOutput exchange;

        ToExchange(ExchangeOutput exchange) {
            this.exchange = exchange;
        }

        @Override
        public void emit(Row row) {
            exchange.emit(row);
        }

        @Override
        public void emit(Row row, SourceRecord origin) {
            exchange.emit(row, origin.retain());
        }

        @Override
        public void idle() {
            exchange.idle();
        }

        @Override
        public WriteResult barrier(long checkpointId, boolean finalBarrier) {
            exchange.barrier(checkpointId, finalBarrier);
            return null;
        }

        @Override
        public void watermark(long time) {
            exchange.watermark(time);
        }

        @Override
        public void endOfInput() {
            exchange.endOfInput();
        }

        @Override
        public void close() {
            // the exchange is closed by the pipeline, for every producer at once
        }
    }
}

package dev.floe.engine.dataflow;

import dev.floe.engine.source.SourceRecord;
import dev.floe.engine.spi.dataflow.KeySelector;
import dev.floe.engine.spi.row.Row;
import java.util.concurrent.CancellationException;

/**
 * One producer's side of a keyBy exchange: rows are routed by the key group of their key to the
 * subtask that owns it, collected in a batch per target, and handed over a batch at a time.
 * Markers (barriers, watermarks, end of input) follow the batches already filled, on every channel.
 */
public final class ExchangeOutput {
    private final int producer;
    private final Exchange exchange;
    private final KeySelector keys;
    private final Element.Batch[] pending;

    ExchangeOutput(int producer, Exchange exchange, KeySelector keys) {
        this.producer = producer;
        this.exchange = exchange;
        this.keys = keys;
        this.pending = new Element.Batch[exchange.consumers()];
    }

    /** Routes a row; the caller may reuse the row afterwards. */
    public void emit(Row row) {
        emit(row, null);
    }

    /**
     * Routes a row decoded from {@code origin} (retained: valid after the call), or null when the
     * row comes from no one record; the caller may reuse the row afterwards.
     */
    public void emit(Row row, SourceRecord origin) {
        byte[] key = keys.key(row);
        int keyGroup = KeyGroups.keyGroup(key, exchange.maxParallelism());
        int target = KeyGroups.subtask(keyGroup, exchange.maxParallelism(), pending.length);
        Element.Batch batch = pending[target];
        if (batch == null) {
            batch = new Element.Batch(producer, exchange.batchSize());
            pending[target] = batch;
        }
        // the row crosses threads: it must not be the decoder's reused row (slices may stay slices)
        batch.add(row.copy(), key, keyGroup, origin);
        if (batch.isFull()) {
            pending[target] = null;
            put(target, batch);
        }
    }

    private void put(int target, Element element) {
        try {
            if (!exchange.gate(target).put(element)) {
                throw new CancellationException("the exchange of the pipeline is closed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while the exchange was full");
        }
    }

    /** Hands over every partly filled batch. */
    public void flush() {
        for (int target = 0; target < pending.length; target++) {
            Element.Batch batch = pending[target];
            if (batch != null && batch.size > 0) {
                pending[target] = null;
                put(target, batch);
            }
        }
    }

    /** Flushes, then sends barrier {@code checkpointId} to every consumer. */
    public void barrier(long checkpointId, boolean finalBarrier) {
        flush();
        for (int target = 0; target < pending.length; target++) {
            put(target, new Element.Barrier(producer, checkpointId, finalBarrier));
        }
    }

    /** Flushes, then tells every consumer that event time on this producer reached {@code time}. */
    public void watermark(long time) {
        flush();
        for (int target = 0; target < pending.length; target++) {
            put(target, new Element.Watermark(producer, time));
        }
    }

    /** Flushes, then tells every consumer that every partition of this producer is idle. */
    public void idle() {
        flush();
        for (int target = 0; target < pending.length; target++) {
            put(target, new Element.Idle(producer));
        }
    }

    /** Flushes, then tells every consumer this producer's input ended. */
    public void endOfInput() {
        flush();
        for (int target = 0; target < pending.length; target++) {
            put(target, new Element.EndOfInput(producer));
        }
    }
}

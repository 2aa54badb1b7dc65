package dev.floe.engine.dataflow;

import dev.floe.engine.source.SourceRecord;
import dev.floe.engine.spi.row.Row;

/** What travels through an exchange channel: rows in batches, and the markers between them. */
abstract class Element {
    /** The producer that sent it, the index of its channel at the consumer. */
    final int channel;

    Element(int channel) {
        this.channel = channel;
    }

    /**
     * Rows with their keys and key groups, computed once by the producer that routed them, and the
     * records they came from, for a dead letter the keyed stage may make of one.
     */
    static final class Batch extends Element {
        final Row[] rows;
        final byte[][] keys;
        final int[] keyGroups;
        final SourceRecord[] origins;
        int size;

        Batch(int channel, int capacity) {
            super(channel);
            this.rows = new Row[capacity];
            this.keys = new byte[capacity][];
            this.keyGroups = new int[capacity];
            this.origins = new SourceRecord[capacity];
        }

        boolean isFull() {
            return size == rows.length;
        }

        void add(Row row, byte[] key, int keyGroup, SourceRecord origin) {
            rows[size] = row;
            keys[size] = key;
            keyGroups[size] = keyGroup;
            origins[size] = origin;
            size++;
        }
    }

    /** Checkpoint barrier: everything before it belongs to the checkpoint. */
    static final class Barrier extends Element {
        final long checkpointId;
        final boolean finalBarrier;

        Barrier(int channel, long checkpointId, boolean finalBarrier) {
            super(channel);
            this.checkpointId = checkpointId;
            this.finalBarrier = finalBarrier;
        }
    }

    /** Event time on this channel reached {@code time}: rows after it at or below it are late. */
    static final class Watermark extends Element {
        final long time;

        Watermark(int channel, long time) {
            super(channel);
            this.time = time;
        }
    }

    /**
     * Every partition of the producer is idle: the consumer's watermark no longer waits for this
     * channel, until the next {@link Watermark} on it.
     */
    static final class Idle extends Element {
        Idle(int channel) {
            super(channel);
        }
    }

    /** The producer's input ended (bounded runs). */
    static final class EndOfInput extends Element {
        EndOfInput(int channel) {
            super(channel);
        }
    }
}

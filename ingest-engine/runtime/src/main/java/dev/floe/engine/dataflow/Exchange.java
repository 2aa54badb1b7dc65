package dev.floe.engine.dataflow;

/**
 * A keyBy between the source subtasks and the keyed subtasks: a gate per consumer with a bounded
 * channel per producer.
 */
public final class Exchange {
    private final InputGate[] gates;
    private final int maxParallelism;
    private final int batchSize;

    /**
     * @param producers source subtasks
     * @param consumers keyed subtasks
     * @param maxParallelism key groups
     * @param batchSize rows per batch
     * @param channelCapacity batches a channel holds before its producer waits
     */
    public Exchange(int producers, int consumers, int maxParallelism, int batchSize, int channelCapacity) {
        this.gates = new InputGate[consumers];
        for (int i = 0; i < consumers; i++) {
            gates[i] = new InputGate(producers, channelCapacity);
        }
        this.maxParallelism = maxParallelism;
        this.batchSize = batchSize;
    }

    public ExchangeOutput output(int producer, dev.floe.engine.spi.dataflow.KeySelector keys) {
        return new ExchangeOutput(producer, this, keys);
    }

    InputGate gate(int consumer) {
        return gates[consumer];
    }

    int consumers() {
        return gates.length;
    }

    public int maxParallelism() {
        return maxParallelism;
    }

    int batchSize() {
        return batchSize;
    }

    /** Rows queued in batches and markers over all gates, and what they can hold. */
    public int queued() {
        int queued = 0;
        for (InputGate gate : gates) {
            queued += gate.queued();
        }
        return queued;
    }

    public int capacity() {
        int capacity = 0;
        for (InputGate gate : gates) {
            capacity += gate.capacity();
        }
        return capacity;
    }

    /** Time producers spent waiting for a full channel, over every gate. */
    public long backpressureNanos() {
        long nanos = 0;
        for (InputGate gate : gates) {
            nanos += gate.backpressureNanos();
        }
        return nanos;
    }

    /** Releases every waiting producer and consumer: the pipeline is stopping. */
    public void close() {
        for (InputGate gate : gates) {
            gate.close();
        }
    }
}

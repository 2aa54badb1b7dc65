package dev.floe.engine.dataflow;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The inputs of one consumer subtask: a bounded channel per producer. A producer whose channel is
 * full waits (backpressure); nothing is ever buffered beyond the channels' capacity. The consumer
 * can block a channel, which it does while aligning barriers: the producer that delivered a barrier
 * first is held back until every channel delivered it.
 *
 * <p>Operations lock once per element, and elements are batches, so there is no lock per row.
 */
final class InputGate {
    private final ArrayDeque<Element>[] channels;
    private final boolean[] blocked;
    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition available = lock.newCondition();
    private final Condition[] space;
    /** Time producers waited, for waits that ended. */
    private long waitedNanos;
    /** When each channel's producer started waiting, or 0 when it is not waiting. */
    private final long[] waitingSince;

    private int next;
    private boolean closed;

    @SuppressWarnings("unchecked")
    InputGate(int producers, int capacity) {
        this.channels = new ArrayDeque[producers];
        this.blocked = new boolean[producers];
        this.space = new Condition[producers];
        this.waitingSince = new long[producers];
        this.capacity = capacity;
        for (int i = 0; i < producers; i++) {
            channels[i] = new ArrayDeque<>(capacity);
            space[i] = lock.newCondition();
        }
    }

    int channels() {
        return channels.length;
    }

    /**
     * Puts an element into its channel, waiting while the channel is full.
     *
     * @return false when the gate was closed (the consumer is gone)
     */
    boolean put(Element element) throws InterruptedException {
        int channel = element.channel;
        lock.lock();
        try {
            if (channels[channel].size() >= capacity && !closed) {
                waitingSince[channel] = System.nanoTime();
                try {
                    while (channels[channel].size() >= capacity && !closed) {
                        space[channel].await();
                    }
                } finally {
                    waitedNanos += System.nanoTime() - waitingSince[channel];
                    waitingSince[channel] = 0;
                }
            }
            if (closed) {
                return false;
            }
            channels[channel].addLast(element);
            if (!blocked[channel]) {
                available.signal();
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The next element of an unblocked channel, taking channels in turn, or null when none arrives
     * within the timeout.
     */
    Element take(long timeout, TimeUnit unit) throws InterruptedException {
        long remaining = unit.toNanos(timeout);
        lock.lock();
        try {
            while (true) {
                for (int i = 0; i < channels.length; i++) {
                    int channel = (next + i) % channels.length;
                    if (!blocked[channel] && !channels[channel].isEmpty()) {
                        Element element = channels[channel].pollFirst();
                        next = (channel + 1) % channels.length;
                        space[channel].signal();
                        return element;
                    }
                }
                if (remaining <= 0 || closed) {
                    return null;
                }
                remaining = available.awaitNanos(remaining);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Holds back a channel's elements until {@link #unblockAll()}. */
    void block(int channel) {
        lock.lock();
        try {
            blocked[channel] = true;
        } finally {
            lock.unlock();
        }
    }

    void unblockAll() {
        lock.lock();
        try {
            java.util.Arrays.fill(blocked, false);
            available.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Wakes every waiting producer and consumer for good: a stopping pipeline. */
    void close() {
        lock.lock();
        try {
            closed = true;
            available.signalAll();
            for (Condition condition : space) {
                condition.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Elements queued now, over all channels. */
    int queued() {
        lock.lock();
        try {
            int total = 0;
            for (ArrayDeque<Element> channel : channels) {
                total += channel.size();
            }
            return total;
        } finally {
            lock.unlock();
        }
    }

    int capacity() {
        return capacity * channels.length;
    }

    /** Time producers spent waiting for space, in total, including waits going on now. */
    long backpressureNanos() {
        lock.lock();
        try {
            long total = waitedNanos;
            long now = System.nanoTime();
            for (long since : waitingSince) {
                if (since != 0) {
                    total += now - since;
                }
            }
            return total;
        } finally {
            lock.unlock();
        }
    }
}

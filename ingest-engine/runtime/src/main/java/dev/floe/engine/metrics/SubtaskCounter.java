package dev.floe.engine.metrics;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A count kept by one thread and read by others: the writer adds with an opaque store (a plain
 * store on x86, no lock, no fence), readers see a recent, untorn value. Cheaper than an atomic
 * counter on the per-record path; correct only while one thread at a time writes it (a subtask,
 * and after a restart the subtask that replaced it).
 */
public final class SubtaskCounter {
    private static final VarHandle VALUE;

    static {
        try {
            VALUE = MethodHandles.lookup().findVarHandle(SubtaskCounter.class, "value", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // accessed through VALUE
    private long value;

    /** Adds {@code amount}; only from the one writing thread. */
    public void add(long amount) {
        VALUE.setOpaque(this, (long) VALUE.getOpaque(this) + amount);
    }

    public void increment() {
        add(1);
    }

    /** The count now, from any thread. */
    public long get() {
        return (long) VALUE.getOpaque(this);
    }
}

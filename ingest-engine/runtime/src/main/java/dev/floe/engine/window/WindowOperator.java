package dev.floe.engine.window;

import dev.floe.engine.spi.dataflow.Collector;
import dev.floe.engine.spi.dataflow.KeyedOperator;
import dev.floe.engine.spi.dataflow.KeyedOperatorContext;
import dev.floe.engine.spi.error.BadRecordException;
import dev.floe.engine.spi.row.Row;
import dev.floe.engine.spi.row.RowType;
import dev.floe.engine.spi.state.MapState;
import dev.floe.engine.spi.state.StateDescriptor;
import dev.floe.engine.spi.state.StateSerializers;
import dev.floe.engine.spi.state.TimerService;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.iceberg.Schema;

/**
 * Event-time windows over keyed rows: tumbling, sliding or session windows per key, each holding
 * its aggregates' accumulator in keyed state (so windows survive restarts and move with their key
 * groups on a rescale), with an event-time timer at its end.
 *
 * <ul>
 *   <li>When the watermark passes a window's end, the window's row is emitted: its final result.
 *   <li>Until the watermark passes its end plus the allowed lateness, a late record updates the
 *       window and its row is emitted again with the next {@code window_version}; then its state
 *       is dropped.
 *   <li>A record later than that for every window it belongs to is refused ({@link
 *       WindowErrorCode#LATE_RECORD}): the keyed stage dead-letters it, counted.
 *   <li>With early results, a processing-time timer emits the rows of windows that changed, every
 *       interval, before their end.
 * </ul>
 *
 * Event times and window bounds are epoch milliseconds; windows are aligned to the epoch.
 */
public final class WindowOperator implements KeyedOperator {
    static final String STAGE = "window";
    private static final byte[] PRESENT = new byte[0];

    private final WindowSpec spec;
    private final WindowLayout layout;
    private final long size;
    private final long slide;
    private final long gap;
    private final long lateness;
    private final long earlyInterval;
    private final Map<RowType, Object> bindings = new IdentityHashMap<>();
    private final Row out;
    private final boolean distinct;
    private KeyedOperatorContext context;
    private TimerService timers;
    private MapState<Long, WindowAccumulator> windows;
    private MapState<byte[], byte[]> distinctValues;
    private WindowBinding last;

    WindowOperator(WindowSpec spec, WindowLayout layout) {
        this.spec = spec;
        this.layout = layout;
        this.size = spec.size() == null ? 0 : spec.size().toMillis();
        this.slide = spec.slide() == null ? size : spec.slide().toMillis();
        this.gap = spec.gap() == null ? 0 : spec.gap().toMillis();
        this.lateness = spec.allowedLateness().toMillis();
        this.earlyInterval =
                spec.earlyResults() == null ? 0 : spec.earlyResults().toMillis();
        this.out = new Row(layout.output);
        this.distinct = layout.aggregates.stream().anyMatch(a -> a instanceof Aggregate.DistinctCount);
    }

    /**
     * Instances of the window {@code spec} over rows of {@code input}, one per keyed subtask.
     *
     * @throws dev.floe.engine.transform.TransformCompileException when the window does not fit
     */
    public static Supplier<KeyedOperator> factory(WindowSpec spec, Schema input) {
        WindowLayout layout = WindowLayout.of(spec, input);
        return () -> new WindowOperator(spec, layout);
    }

    /** The schema of a window's rows over rows of {@code input}; see {@link #factory}. */
    public static Schema outputSchema(WindowSpec spec, Schema input) {
        return WindowLayout.of(spec, input).output.schema();
    }

    /**
     * The key selector of {@code fields}, as windows key their rows (thread-safe: the source subtasks
     * share it); deduplication keys by it too.
     */
    public static dev.floe.engine.spi.dataflow.KeySelector keySelector(List<String> fields) {
        return WindowKeys.selector(fields);
    }

    @Override
    public Schema outputSchema(Schema input) {
        return layout.output.schema();
    }

    @Override
    public void open(KeyedOperatorContext newContext) {
        this.context = newContext;
        this.timers = newContext.timers();
        this.windows = newContext
                .state()
                .mapState(
                        StateDescriptor.of("window.accumulators", new WindowAccumulator.Serializer()),
                        StateSerializers.LONG);
        if (distinct) {
            this.distinctValues = newContext
                    .state()
                    .mapState(StateDescriptor.of("window.distinct", StateSerializers.BYTES), StateSerializers.BYTES);
        }
    }

    @Override
    public void process(Row row, Collector collector) {
        WindowBinding binding = binding(row.type());
        long time = binding.time.millis(row);
        long watermark = timers.currentWatermark();
        if (spec.kind() == WindowSpec.WindowKind.SESSION) {
            session(row, binding, time, watermark, collector);
            return;
        }
        long lastStart = Math.floorDiv(time, slide) * slide;
        List<Long> starts = new ArrayList<>(1);
        for (long start = lastStart; start > time - size; start -= slide) {
            if (!expired(start + size, watermark)) {
                starts.add(start);
            }
        }
        if (starts.isEmpty()) {
            throw late(time, watermark);
        }
        for (long start : starts) {
            WindowAccumulator accumulator = windows.get(start);
            if (accumulator == null) {
                accumulator = layout.newAccumulator(start, start + size);
                registerTimers(accumulator);
            }
            add(accumulator, row, binding, time);
            settle(accumulator, watermark, collector);
            windows.put(start, accumulator);
        }
    }

    /** Whether a window ending at {@code end} is past its allowed lateness at {@code watermark}. */
    private boolean expired(long end, long watermark) {
        return watermark != Long.MIN_VALUE && end - 1 + lateness <= watermark;
    }

    private BadRecordException late(long time, long watermark) {
        return new BadRecordException(
                WindowErrorCode.LATE_RECORD,
                STAGE,
                "Cannot add the record at event time " + Instant.ofEpochMilli(time) + " to its window: the watermark"
                        + " is at " + Instant.ofEpochMilli(watermark) + ", past the window's end plus the allowed"
                        + " lateness of " + spec.allowedLateness() + " (a late record)");
    }

    private WindowBinding binding(RowType type) {
        if (last != null && last.type == type) {
            return last;
        }
        Object found = bindings.get(type);
        if (found == null) {
            try {
                found = new WindowBinding(type, layout);
            } catch (BadRecordException e) {
                found = e;
            }
            bindings.put(type, found);
        }
        if (found instanceof BadRecordException) {
            BadRecordException failure = (BadRecordException) found;
            throw new BadRecordException(failure.code(), STAGE, failure.getMessage());
        }
        last = (WindowBinding) found;
        return last;
    }

    private void add(WindowAccumulator accumulator, Row row, WindowBinding binding, long time) {
        List<Aggregate> aggregates = layout.aggregates;
        try {
            for (int i = 0; i < aggregates.size(); i++) {
                Aggregate aggregate = aggregates.get(i);
                int position = binding.positions[i];
                if (position >= 0 && row.isNull(position)) {
                    continue;
                }
                if (aggregate instanceof Aggregate.DistinctCount
                        && !newDistinct(accumulator.start, i, ValueDomain.bytes(row, position))) {
                    continue;
                }
                aggregate.add(accumulator, row, position, time);
            }
        } catch (ArithmeticException e) {
            throw new BadRecordException(
                    WindowErrorCode.AGGREGATE_OVERFLOW,
                    STAGE,
                    "Cannot add the record to the window at " + Instant.ofEpochMilli(accumulator.start) + ": "
                            + e.getMessage());
        }
        accumulator.dirty = true;
    }

    private boolean newDistinct(long start, int aggregate, byte[] value) {
        byte[] key = ByteBuffer.allocate(9 + value.length)
                .putLong(start)
                .put((byte) aggregate)
                .put(value)
                .array();
        if (distinctValues.contains(key)) {
            return false;
        }
        distinctValues.put(key, PRESENT);
        return true;
    }

    /** After an update: emits at once a window already past its end; schedules early results. */
    private void settle(WindowAccumulator accumulator, long watermark, Collector collector) {
        if (accumulator.fired || (watermark != Long.MIN_VALUE && accumulator.end - 1 <= watermark)) {
            accumulator.fired = true;
            emit(accumulator, collector);
        } else if (earlyInterval > 0) {
            long now = timers.currentProcessingTime();
            timers.registerProcessingTimeTimer((Math.floorDiv(now, earlyInterval) + 1) * earlyInterval);
        }
    }

    private void registerTimers(WindowAccumulator accumulator) {
        timers.registerEventTimeTimer(accumulator.end - 1);
        if (lateness > 0) {
            timers.registerEventTimeTimer(accumulator.end - 1 + lateness);
        }
    }

    private void deleteTimers(WindowAccumulator accumulator) {
        timers.deleteEventTimeTimer(accumulator.end - 1);
        if (lateness > 0) {
            timers.deleteEventTimeTimer(accumulator.end - 1 + lateness);
        }
    }

    private void emit(WindowAccumulator accumulator, Collector collector) {
        int keys = layout.startColumn;
        WindowKeys.decode(context.currentKey(), out, 0, keys);
        out.setLong(keys, Math.multiplyExact(accumulator.start, 1000L));
        out.setLong(keys + 1, Math.multiplyExact(accumulator.end, 1000L));
        List<Aggregate> aggregates = layout.aggregates;
        for (int i = 0; i < aggregates.size(); i++) {
            aggregates.get(i).result(accumulator, out, layout.firstAggregateColumn + i);
        }
        accumulator.version++;
        accumulator.dirty = false;
        out.setLong(layout.versionColumn, accumulator.version);
        collector.collect(out);
    }

    @Override
    public void onEventTime(long time, Collector collector) {
        if (spec.kind() == WindowSpec.WindowKind.SESSION) {
            for (Map.Entry<Long, WindowAccumulator> entry : snapshot(windows.entries())) {
                onEventTime(entry.getKey(), entry.getValue(), time, collector);
            }
            return;
        }
        // a tumbling or sliding window's timers are at its end and at its end plus the lateness, and
        // windows of one key end at distinct times: at most two windows have a timer at this time
        long fired = time + 1 - size;
        onEventTime(fired, time, collector);
        if (lateness > 0) {
            onEventTime(fired - lateness, time, collector);
        }
    }

    private void onEventTime(long start, long time, Collector collector) {
        WindowAccumulator accumulator = windows.get(start);
        if (accumulator != null) {
            onEventTime(start, accumulator, time, collector);
        }
    }

    /** Emits the window if the watermark reached its end; drops it past its lateness. */
    private void onEventTime(long start, WindowAccumulator accumulator, long time, Collector collector) {
        boolean changed = false;
        if (!accumulator.fired && accumulator.end - 1 <= time) {
            accumulator.fired = true;
            emit(accumulator, collector);
            changed = true;
        }
        if (accumulator.end - 1 + lateness <= time) {
            purge(accumulator);
        } else if (changed) {
            windows.put(start, accumulator);
        }
    }

    @Override
    public void onProcessingTime(long time, Collector collector) {
        for (Map.Entry<Long, WindowAccumulator> entry : snapshot(windows.entries())) {
            WindowAccumulator accumulator = entry.getValue();
            if (!accumulator.fired && accumulator.dirty) {
                emit(accumulator, collector);
                windows.put(entry.getKey(), accumulator);
            }
        }
    }

    private void purge(WindowAccumulator accumulator) {
        windows.remove(accumulator.start);
        if (distinct) {
            for (Map.Entry<byte[], byte[]> entry : snapshot(distinctValues.entries())) {
                if (ByteBuffer.wrap(entry.getKey()).getLong() == accumulator.start) {
                    distinctValues.remove(entry.getKey());
                }
            }
        }
    }

    /** The entries as a list, so that the state may change while they are visited. */
    static <K, V> List<Map.Entry<K, V>> snapshot(Iterable<Map.Entry<K, V>> entries) {
        List<Map.Entry<K, V>> list = new ArrayList<>();
        entries.forEach(list::add);
        return list;
    }

    /** Session windows: the record's session merges every session it touches. */
    private void session(Row row, WindowBinding binding, long time, long watermark, Collector collector) {
        long start = time;
        long end = time + gap;
        List<WindowAccumulator> touched = new ArrayList<>();
        for (Map.Entry<Long, WindowAccumulator> entry : snapshot(windows.entries())) {
            WindowAccumulator session = entry.getValue();
            if (session.start <= end && session.end >= start) {
                touched.add(session);
                start = Math.min(start, session.start);
                end = Math.max(end, session.end);
            }
        }
        if (expired(end, watermark)) {
            throw late(time, watermark);
        }
        WindowAccumulator merged;
        if (touched.size() == 1 && touched.get(0).start == start && touched.get(0).end == end) {
            merged = touched.get(0);
        } else {
            merged = layout.newAccumulator(start, end);
            for (WindowAccumulator session : touched) {
                merge(merged, session);
            }
            registerTimers(merged);
        }
        add(merged, row, binding, time);
        settle(merged, watermark, collector);
        windows.put(merged.start, merged);
    }

    private void merge(WindowAccumulator into, WindowAccumulator session) {
        for (Aggregate aggregate : layout.aggregates) {
            aggregate.merge(into, session);
        }
        into.version = Math.max(into.version, session.version);
        into.fired |= session.fired;
        into.dirty |= session.dirty;
        deleteTimers(session);
        windows.remove(session.start);
        if (distinct) {
            SessionDistinct.move(distinctValues, session.start, into, layout);
        }
    }
}

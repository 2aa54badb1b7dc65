package dev.floe.engine.window;

import dev.floe.engine.spi.row.FieldKind;
import dev.floe.engine.spi.row.Row;
import dev.floe.engine.spi.row.Utf8Slice;
import java.math.BigDecimal;
import java.math.MathContext;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.Union;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * One aggregate of a window, compiled for its input column's type: its slots in a {@link
 * WindowAccumulator}, how a value is added, how two windows merge (sessions), and its result.
 * Values are added only when not null, except by {@code count} of rows.
 */
abstract class Aggregate {
    /** Sketch size of approximate distinct counts: 2^12 buckets, about 1.6 % relative error. */
    static final int SKETCH_LG_K = 12;

    final AggregateSpec spec;
    final ValueDomain domain;
    final FieldKind inputKind;
    final int inputScale;
    final Type outputType;
    int longSlot;
    int objectSlot;

    Aggregate(AggregateSpec spec, Types.NestedField input, Type outputType) {
        this.spec = spec;
        this.inputKind = input == null ? null : FieldKind.of(input.type());
        this.domain = input == null ? null : ValueDomain.of(inputKind);
        this.inputScale = input != null && input.type() instanceof Types.DecimalType
                ? ((Types.DecimalType) input.type()).scale()
                : 0;
        this.outputType = outputType;
    }

    abstract int longCount();

    int objectCount() {
        return 0;
    }

    /** Whether the result is never null. */
    boolean required() {
        return false;
    }

    abstract void add(WindowAccumulator accumulator, Row row, int position, long time);

    abstract void merge(WindowAccumulator into, WindowAccumulator from);

    abstract void result(WindowAccumulator accumulator, Row out, int position);

    /** Writes a value of this aggregate's input domain into an output column of the input's type. */
    final void writeValue(long raw, Object object, Row out, int position) {
        switch (domain) {
            case LONG:
                out.setLong(position, raw);
                break;
            case DOUBLE:
                double value = Double.longBitsToDouble(raw);
                if (inputKind == FieldKind.FLOAT) {
                    out.setFloat(position, (float) value);
                } else {
                    out.setDouble(position, value);
                }
                break;
            case STRING:
                out.setReference(position, Utf8Slice.of((String) object));
                break;
            default:
                out.setReference(position, object);
        }
    }

    /** The value at {@code position} as this aggregate keeps it: raw long bits, or an object. */
    final long raw(Row row, int position) {
        return domain == ValueDomain.DOUBLE
                ? Double.doubleToRawLongBits(ValueDomain.readDouble(row, position))
                : ValueDomain.readLong(row, position);
    }

    /** Compares two values of this aggregate's domain. */
    final int compare(long a, Object objectA, long b, Object objectB) {
        switch (domain) {
            case LONG:
                return Long.compare(a, b);
            case DOUBLE:
                return Double.compare(Double.longBitsToDouble(a), Double.longBitsToDouble(b));
            case STRING:
                return ValueDomain.compareStrings((String) objectA, (String) objectB);
            default:
                return ((BigDecimal) objectA).compareTo((BigDecimal) objectB);
        }
    }

    /** {@code count}: rows, or the non-null values of a field. */
    static final class Count extends Aggregate {
        Count(AggregateSpec spec, Types.NestedField input) {
            super(spec, input, Types.LongType.get());
        }

        @Override
        int longCount() {
            return 1;
        }

        @Override
        boolean required() {
            return true;
        }

        @Override
        void add(WindowAccumulator accumulator, Row row, int position, long time) {
            accumulator.longs[longSlot]++;
        }

        @Override
        void merge(WindowAccumulator into, WindowAccumulator from) {
            into.longs[longSlot] += from.longs[longSlot];
        }

        @Override
        void result(WindowAccumulator accumulator, Row out, int position) {
            out.setLong(position, accumulator.longs[longSlot]);
        }
    }

    /** {@code sum} and {@code avg}: a count and an exact sum (long, unscaled decimal or BigDecimal) or a double sum. */
    static final class Sum extends Aggregate {
        private final boolean average;

        Sum(AggregateSpec spec, Types.NestedField input, boolean average) {
            super(spec, input, average ? Types.DoubleType.get() : sumType(input.type()));
            this.average = average;
        }

        private static Type sumType(Type input) {
            switch (input.typeId()) {
                case INTEGER:
                case LONG:
                    return Types.LongType.get();
                case DECIMAL:
                    return Types.DecimalType.of(38, ((Types.DecimalType) input).scale());
                default:
                    return Types.DoubleType.get();
            }
        }

        @Override
        int longCount() {
            return 2;
        }

        @Override
        int objectCount() {
            return domain == ValueDomain.BIG_DECIMAL ? 1 : 0;
        }

        @Override
        void add(WindowAccumulator accumulator, Row row, int position, long time) {
            long[] longs = accumulator.longs;
            switch (domain) {
                case LONG:
                    longs[longSlot + 1] = Math.addExact(longs[longSlot + 1], row.getLong(position));
                    break;
                case DOUBLE:
                    longs[longSlot + 1] = Double.doubleToRawLongBits(
                            Double.longBitsToDouble(longs[longSlot + 1]) + ValueDomain.readDouble(row, position));
                    break;
                default:
                    BigDecimal value = (BigDecimal) row.getReference(position);
                    BigDecimal sum = (BigDecimal) accumulator.objects[objectSlot];
                    accumulator.objects[objectSlot] = sum == null ? value : sum.add(value);
            }
            longs[longSlot]++;
        }

        @Override
        void merge(WindowAccumulator into, WindowAccumulator from) {
            long[] target = into.longs;
            long[] source = from.longs;
            switch (domain) {
                case LONG:
                    target[longSlot + 1] = Math.addExact(target[longSlot + 1], source[longSlot + 1]);
                    break;
                case DOUBLE:
                    target[longSlot + 1] = Double.doubleToRawLongBits(Double.longBitsToDouble(target[longSlot + 1])
                            + Double.longBitsToDouble(source[longSlot + 1]));
                    break;
                default:
                    BigDecimal a = (BigDecimal) into.objects[objectSlot];
                    BigDecimal b = (BigDecimal) from.objects[objectSlot];
                    into.objects[objectSlot] = a == null ? b : b == null ? a : a.add(b);
            }
            target[longSlot] += source[longSlot];
        }

        @Override
        void result(WindowAccumulator accumulator, Row out, int position) {
            long count = accumulator.longs[longSlot];
            long sum = accumulator.longs[longSlot + 1];
            if (count == 0) {
                out.setNull(position);
                return;
            }
            BigDecimal exact = null;
            if (domain == ValueDomain.BIG_DECIMAL) {
                exact = (BigDecimal) accumulator.objects[objectSlot];
            } else if (inputKind == FieldKind.DECIMAL_LONG) {
                exact = BigDecimal.valueOf(sum, inputScale);
            }
            if (average) {
                double value = exact != null
                        ? exact.divide(BigDecimal.valueOf(count), MathContext.DECIMAL64)
                                .doubleValue()
                        : domain == ValueDomain.LONG ? (double) sum / count : Double.longBitsToDouble(sum) / count;
                out.setDouble(position, value);
            } else if (exact != null) {
                out.setReference(position, exact.setScale(inputScale));
            } else if (domain == ValueDomain.LONG) {
                out.setLong(position, sum);
            } else {
                out.setDouble(position, Double.longBitsToDouble(sum));
            }
        }
    }

    /** {@code min} and {@code max}. */
    static final class Extreme extends Aggregate {
        private final int sign;

        Extreme(AggregateSpec spec, Types.NestedField input, boolean max) {
            super(spec, input, input.type());
            this.sign = max ? 1 : -1;
        }

        @Override
        int longCount() {
            return 2;
        }

        @Override
        int objectCount() {
            return 1;
        }

        @Override
        void add(WindowAccumulator accumulator, Row row, int position, long time) {
            long raw = domain == ValueDomain.LONG || domain == ValueDomain.DOUBLE ? raw(row, position) : 0;
            Object object = domain == ValueDomain.LONG || domain == ValueDomain.DOUBLE
                    ? null
                    : ValueDomain.readObject(row, position);
            offer(accumulator, raw, object);
        }

        private void offer(WindowAccumulator accumulator, long raw, Object object) {
            long[] longs = accumulator.longs;
            if (longs[longSlot] == 0
                    || sign * compare(raw, object, longs[longSlot + 1], accumulator.objects[objectSlot]) > 0) {
                longs[longSlot] = 1;
                longs[longSlot + 1] = raw;
                accumulator.objects[objectSlot] = object;
            }
        }

        @Override
        void merge(WindowAccumulator into, WindowAccumulator from) {
            if (from.longs[longSlot] != 0) {
                offer(into, from.longs[longSlot + 1], from.objects[objectSlot]);
            }
        }

        @Override
        void result(WindowAccumulator accumulator, Row out, int position) {
            if (accumulator.longs[longSlot] == 0) {
                out.setNull(position);
            } else {
                writeValue(accumulator.longs[longSlot + 1], accumulator.objects[objectSlot], out, position);
            }
        }
    }

    /** {@code first} and {@code last}: by event time; on a tie the earlier (first) or later (last) arrival. */
    static final class Positional extends Aggregate {
        private final boolean last;

        Positional(AggregateSpec spec, Types.NestedField input, boolean last) {
            super(spec, input, input.type());
            this.last = last;
        }

        @Override
        int longCount() {
            return 3;
        }

        @Override
        int objectCount() {
            return 1;
        }

        @Override
        void add(WindowAccumulator accumulator, Row row, int position, long time) {
            boolean primitive = domain == ValueDomain.LONG || domain == ValueDomain.DOUBLE;
            offer(
                    accumulator,
                    time,
                    primitive ? raw(row, position) : 0,
                    primitive ? null : ValueDomain.readObject(row, position));
        }

        private void offer(WindowAccumulator accumulator, long time, long raw, Object object) {
            long[] longs = accumulator.longs;
            boolean better = longs[longSlot] == 0 || (last ? time >= longs[longSlot + 1] : time < longs[longSlot + 1]);
            if (better) {
                longs[longSlot] = 1;
                longs[longSlot + 1] = time;
                longs[longSlot + 2] = raw;
                accumulator.objects[objectSlot] = object;
            }
        }

        @Override
        void merge(WindowAccumulator into, WindowAccumulator from) {
            if (from.longs[longSlot] != 0) {
                offer(into, from.longs[longSlot + 1], from.longs[longSlot + 2], from.objects[objectSlot]);
            }
        }

        @Override
        void result(WindowAccumulator accumulator, Row out, int position) {
            if (accumulator.longs[longSlot] == 0) {
                out.setNull(position);
            } else {
                writeValue(accumulator.longs[longSlot + 2], accumulator.objects[objectSlot], out, position);
            }
        }
    }

    /**
     * {@code count_distinct}: the count is kept here; the distinct values themselves in a map state
     * of the window operator, so that adding one costs a lookup, not a rewrite of a set.
     */
    static final class DistinctCount extends Aggregate {
        DistinctCount(AggregateSpec spec, Types.NestedField input) {
            super(spec, input, Types.LongType.get());
        }

        @Override
        int longCount() {
            return 1;
        }

        @Override
        boolean required() {
            return true;
        }

        @Override
        void add(WindowAccumulator accumulator, Row row, int position, long time) {
            accumulator.longs[longSlot]++;
        }

        @Override
        void merge(WindowAccumulator into, WindowAccumulator from) {
            // the operator recounts the merged window's values
        }

        @Override
        void result(WindowAccumulator accumulator, Row out, int position) {
            out.setLong(position, accumulator.longs[longSlot]);
        }
    }

    /** {@code approx_count_distinct}: an HLL sketch of the values. */
    static final class ApproxDistinct extends Aggregate {
        ApproxDistinct(AggregateSpec spec, Types.NestedField input) {
            super(spec, input, Types.LongType.get());
        }

        @Override
        int longCount() {
            return 0;
        }

        @Override
        int objectCount() {
            return 1;
        }

        @Override
        boolean required() {
            return true;
        }

        private HllSketch sketch(WindowAccumulator accumulator) {
            HllSketch sketch = (HllSketch) accumulator.objects[objectSlot];
            if (sketch == null) {
                sketch = new HllSketch(SKETCH_LG_K);
                accumulator.objects[objectSlot] = sketch;
            }
            return sketch;
        }

        @Override
        void add(WindowAccumulator accumulator, Row row, int position, long time) {
            HllSketch sketch = sketch(accumulator);
            switch (domain) {
                case LONG:
                    sketch.update(row.getLong(position));
                    break;
                case DOUBLE:
                    double value = ValueDomain.readDouble(row, position);
                    sketch.update(value == 0.0 ? 0.0 : value);
                    break;
                default:
                    sketch.update(ValueDomain.bytes(row, position));
            }
        }

        @Override
        void merge(WindowAccumulator into, WindowAccumulator from) {
            HllSketch other = (HllSketch) from.objects[objectSlot];
            if (other == null) {
                return;
            }
            Union union = new Union(SKETCH_LG_K);
            union.update(sketch(into));
            union.update(other);
            into.objects[objectSlot] = union.getResult();
        }

        @Override
        void result(WindowAccumulator accumulator, Row out, int position) {
            HllSketch sketch = (HllSketch) accumulator.objects[objectSlot];
            out.setLong(position, sketch == null ? 0 : Math.round(sketch.getEstimate()));
        }
    }
}

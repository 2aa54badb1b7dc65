package dev.floe.engine.window;

import dev.floe.engine.spi.state.StateSerializer;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.memory.Memory;

/**
 * One window of one key, as kept in state: its bounds, how often and whether it was emitted, and
 * the aggregates' slots ({@code longs} for counts, sums, extremes and event times; {@code objects}
 * for strings, wide decimals and sketches), laid out by the window's {@link Aggregate}s.
 */
final class WindowAccumulator {
    long start;
    long end;
    /** How many times the window was emitted; the next emission carries this plus one. */
    long version;
    /** Whether the window was emitted on the watermark (its final result, until late records). */
    boolean fired;
    /** Whether records arrived since the last emission. */
    boolean dirty;

    final long[] longs;
    final Object[] objects;

    WindowAccumulator(long start, long end, int longCount, int objectCount) {
        this.start = start;
        this.end = end;
        this.longs = new long[longCount];
        this.objects = new Object[objectCount];
    }

    /**
     * Stores accumulators: a version byte, the bounds and flags, then the slots; objects tagged by
     * type, so the format does not depend on the configured aggregates.
     */
    static final class Serializer implements StateSerializer<WindowAccumulator> {
        private static final byte FORMAT = 1;
        private static final byte NULL = 0;
        private static final byte STRING = 1;
        private static final byte DECIMAL = 2;
        private static final byte SKETCH = 3;

        @Override
        public int version() {
            return 1;
        }

        @Override
        public byte[] serialize(WindowAccumulator value) {
            byte[][] encoded = new byte[value.objects.length][];
            int size = 1 + 8 + 8 + 8 + 1 + 4 + 8 * value.longs.length + 4;
            for (int i = 0; i < encoded.length; i++) {
                encoded[i] = encode(value.objects[i]);
                size += 1 + (encoded[i] == null ? 0 : 4 + encoded[i].length);
            }
            ByteBuffer buffer = ByteBuffer.allocate(size);
            buffer.put(FORMAT).putLong(value.start).putLong(value.end).putLong(value.version);
            buffer.put((byte) ((value.fired ? 1 : 0) | (value.dirty ? 2 : 0)));
            buffer.putInt(value.longs.length);
            for (long slot : value.longs) {
                buffer.putLong(slot);
            }
            buffer.putInt(encoded.length);
            for (int i = 0; i < encoded.length; i++) {
                Object object = value.objects[i];
                byte tag = object == null
                        ? NULL
                        : object instanceof String ? STRING : object instanceof BigDecimal ? DECIMAL : SKETCH;
                buffer.put(tag);
                if (encoded[i] != null) {
                    buffer.putInt(encoded[i].length).put(encoded[i]);
                }
            }
            return buffer.array();
        }

        private static byte[] encode(Object object) {
            if (object == null) {
                return null;
            } else if (object instanceof String) {
                return ((String) object).getBytes(StandardCharsets.UTF_8);
            } else if (object instanceof BigDecimal) {
                BigDecimal decimal = (BigDecimal) object;
                byte[] unscaled = decimal.unscaledValue().toByteArray();
                return ByteBuffer.allocate(4 + unscaled.length)
                        .putInt(decimal.scale())
                        .put(unscaled)
                        .array();
            } else if (object instanceof HllSketch) {
                return ((HllSketch) object).toCompactByteArray();
            }
            throw new IllegalArgumentException("Cannot store a window slot of " + object.getClass());
        }

        @Override
        public WindowAccumulator deserialize(byte[] bytes) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            byte format = buffer.get();
            if (format != FORMAT) {
                throw new IllegalArgumentException("Cannot read window state: unknown format " + format);
            }
            long start = buffer.getLong();
            long end = buffer.getLong();
            long version = buffer.getLong();
            byte flags = buffer.get();
            int longCount = buffer.getInt();
            long[] longs = new long[longCount];
            for (int i = 0; i < longCount; i++) {
                longs[i] = buffer.getLong();
            }
            int objectCount = buffer.getInt();
            WindowAccumulator accumulator = new WindowAccumulator(start, end, longCount, objectCount);
            System.arraycopy(longs, 0, accumulator.longs, 0, longCount);
            accumulator.version = version;
            accumulator.fired = (flags & 1) != 0;
            accumulator.dirty = (flags & 2) != 0;
            for (int i = 0; i < objectCount; i++) {
                byte tag = buffer.get();
                if (tag == NULL) {
                    continue;
                }
                byte[] encoded = new byte[buffer.getInt()];
                buffer.get(encoded);
                accumulator.objects[i] = decode(tag, encoded);
            }
            return accumulator;
        }

        private static Object decode(byte tag, byte[] encoded) {
            switch (tag) {
                case STRING:
                    return new String(encoded, StandardCharsets.UTF_8);
                case DECIMAL:
                    ByteBuffer decimal = ByteBuffer.wrap(encoded);
                    int scale = decimal.getInt();
                    byte[] unscaled = new byte[decimal.remaining()];
                    decimal.get(unscaled);
                    return new BigDecimal(new BigInteger(unscaled), scale);
                case SKETCH:
                    return HllSketch.heapify(Memory.wrap(encoded));
                default:
                    throw new IllegalArgumentException("Cannot read window state: unknown slot tag " + tag);
            }
        }
    }
}

package dev.floe.engine.spi.state;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Serializers of the common value types. */
public final class StateSerializers {
    private StateSerializers() {}

    public static final StateSerializer<Long> LONG = new StateSerializer<>() {
        @Override
        public int version() {
            return 1;
        }

        @Override
        public byte[] serialize(Long value) {
            return ByteBuffer.allocate(8).putLong(value).array();
        }

        @Override
        public Long deserialize(byte[] bytes) {
            return ByteBuffer.wrap(bytes).getLong();
        }
    };

    public static final StateSerializer<Double> DOUBLE = new StateSerializer<>() {
        @Override
        public int version() {
            return 1;
        }

        @Override
        public byte[] serialize(Double value) {
            return ByteBuffer.allocate(8).putDouble(value).array();
        }

        @Override
        public Double deserialize(byte[] bytes) {
            return ByteBuffer.wrap(bytes).getDouble();
        }
    };

    public static final StateSerializer<String> STRING = new StateSerializer<>() {
        @Override
        public int version() {
            return 1;
        }

        @Override
        public byte[] serialize(String value) {
            return value.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String deserialize(byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    };

    public static final StateSerializer<byte[]> BYTES = new StateSerializer<>() {
        @Override
        public int version() {
            return 1;
        }

        @Override
        public byte[] serialize(byte[] value) {
            return value.clone();
        }

        @Override
        public byte[] deserialize(byte[] bytes) {
            return bytes.clone();
        }
    };
}

package dev.floe.deploy.demo;

import java.util.Arrays;

/**
 * Writes the current order of an {@link OrderStream} in Avro's binary encoding for {@link
 * OrderSchema}, framed in Confluent's wire format, into one reused buffer. Written by hand because
 * the schema is fixed and the generator must outrun a broker: no objects per record.
 */
final class OrderEncoder {
    static final int HEADER_SIZE = 5;

    private byte[] buffer = new byte[256];
    private int length;

    /** Encodes {@code order} framed with {@code schemaId}; read it with {@link #copy}. */
    void encode(OrderStream order, int schemaId) {
        length = 0;
        ensure(HEADER_SIZE);
        buffer[0] = 0;
        buffer[1] = (byte) (schemaId >>> 24);
        buffer[2] = (byte) (schemaId >>> 16);
        buffer[3] = (byte) (schemaId >>> 8);
        buffer[4] = (byte) schemaId;
        length = HEADER_SIZE;
        writeLong(order.orderId);
        writeBytes(order.customerIds[order.customer]);
        writeBytes(order.skus[order.sku]);
        writeLong(order.quantity);
        writeDecimal(order.priceCents);
        writeLong(order.eventTimeMicros);
        writeBytes(order.countries[order.country]);
        writeBytes(order.currencies[order.country]);
        ensure(1);
        buffer[length++] = (byte) (order.gift ? 1 : 0);
        writeDouble(order.discount);
        writeBytes(order.channels[order.channel]);
        if (order.coupon < 0) {
            writeLong(0);
        } else {
            writeLong(1);
            writeBytes(order.coupons[order.coupon]);
        }
    }

    /** The size of the encoded record, header included. */
    int length() {
        return length;
    }

    /** The first {@code size} bytes of the encoded record, as a new array. */
    byte[] copy(int size) {
        return Arrays.copyOf(buffer, size);
    }

    /** Zig-zag variable-length encoding, as Avro writes int and long. */
    private void writeLong(long value) {
        ensure(10);
        long zigzag = (value << 1) ^ (value >> 63);
        while ((zigzag & ~0x7FL) != 0) {
            buffer[length++] = (byte) ((zigzag & 0x7F) | 0x80);
            zigzag >>>= 7;
        }
        buffer[length++] = (byte) zigzag;
    }

    private void writeBytes(byte[] bytes) {
        writeLong(bytes.length);
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buffer, length, bytes.length);
        length += bytes.length;
    }

    /** A decimal's unscaled value as the shortest big-endian two's complement, as BigInteger writes it. */
    private void writeDecimal(long unscaled) {
        int size = 8;
        while (size > 1) {
            long high = unscaled >> ((size - 1) * 8 - 1);
            if (high != 0 && high != -1) {
                break;
            }
            size--;
        }
        writeLong(size);
        ensure(size);
        for (int i = size - 1; i >= 0; i--) {
            buffer[length++] = (byte) (unscaled >>> (i * 8));
        }
    }

    private void writeDouble(double value) {
        ensure(8);
        long bits = Double.doubleToRawLongBits(value);
        for (int i = 0; i < 8; i++) {
            buffer[length++] = (byte) (bits >>> (i * 8));
        }
    }

    private void ensure(int more) {
        if (length + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + more));
        }
    }
}

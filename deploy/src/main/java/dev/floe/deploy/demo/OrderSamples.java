package dev.floe.deploy.demo;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo's orders, encoded exactly as {@link OrdersGenerator} produces them but without a
 * broker: values for benchmarks and tests that need realistic bytes of {@link OrderSchema}.
 */
public final class OrderSamples {
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    private OrderSamples() {}

    /**
     * {@code count} orders of the stream seeded with {@code seed}, each framed in the wire format
     * with {@code schemaId}. Their order ids are {@code firstOrderId}, {@code firstOrderId + 1}, ...
     */
    public static List<byte[]> framed(long seed, long firstOrderId, int count, int schemaId) {
        OrderStream stream = new OrderStream(seed, firstOrderId, START);
        OrderEncoder encoder = new OrderEncoder();
        List<byte[]> values = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            stream.next();
            encoder.encode(stream, schemaId);
            values.add(encoder.copy(encoder.length()));
        }
        return values;
    }
}

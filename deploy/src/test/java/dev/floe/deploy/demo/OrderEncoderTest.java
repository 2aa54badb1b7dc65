package dev.floe.deploy.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.junit.jupiter.api.Test;

class OrderEncoderTest {
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    private final GenericDatumReader<GenericRecord> reader = new GenericDatumReader<>(OrderSchema.avro());

    private GenericRecord decode(byte[] framed) throws IOException {
        BinaryDecoder decoder = DecoderFactory.get()
                .binaryDecoder(framed, OrderEncoder.HEADER_SIZE, framed.length - OrderEncoder.HEADER_SIZE, null);
        GenericRecord record = reader.read(null, decoder);
        assertThat(decoder.isEnd()).as("no bytes left over").isTrue();
        return record;
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void everyFieldReadsBackWithAvrosOwnDecoder() throws IOException {
        OrderStream stream = new OrderStream(7, 1000, START);
        OrderEncoder encoder = new OrderEncoder();
        for (int i = 0; i < 20_000; i++) {
            stream.next();
            encoder.encode(stream, 12);
            byte[] framed = encoder.copy(encoder.length());
            assertThat(framed[0]).isZero();
            assertThat(ByteBuffer.wrap(framed, 1, 4).getInt()).isEqualTo(12);

            GenericRecord order = decode(framed);
            assertThat(order.get("order_id")).isEqualTo(stream.orderId);
            assertThat(order.get("customer_id").toString()).isEqualTo(text(stream.customerIds[stream.customer]));
            assertThat(order.get("sku").toString()).isEqualTo(text(stream.skus[stream.sku]));
            assertThat(order.get("quantity")).isEqualTo(stream.quantity);
            ByteBuffer price = (ByteBuffer) order.get("price");
            byte[] unscaled = new byte[price.remaining()];
            price.get(unscaled);
            assertThat(new BigDecimal(new BigInteger(unscaled), 2)).isEqualTo(BigDecimal.valueOf(stream.priceCents, 2));
            assertThat(unscaled).isEqualTo(BigInteger.valueOf(stream.priceCents).toByteArray());
            assertThat(order.get("event_time")).isEqualTo(stream.eventTimeMicros);
            assertThat(order.get("country").toString()).isEqualTo(OrderStream.COUNTRIES[stream.country]);
            assertThat(order.get("currency").toString()).isEqualTo(OrderStream.CURRENCIES[stream.country]);
            assertThat(order.get("gift")).isEqualTo(stream.gift);
            assertThat(order.get("discount")).isEqualTo(stream.discount);
            assertThat(order.get("channel").toString()).isEqualTo(OrderStream.CHANNELS[stream.channel]);
            Object coupon = order.get("coupon");
            assertThat(coupon == null ? null : coupon.toString())
                    .isEqualTo(stream.coupon < 0 ? null : OrderStream.COUPONS[stream.coupon]);
        }
    }

    @Test
    void decimalEncodingIsTheShortestTwosComplementForEveryWidth() throws IOException {
        OrderStream stream = new OrderStream(1, 1, START);
        stream.next();
        OrderEncoder encoder = new OrderEncoder();
        long[] values = {0, 1, 127, 128, 255, 256, 32_767, 32_768, 8_388_607, 8_388_608, 9_999_999_999L, Long.MAX_VALUE
        };
        for (long value : values) {
            stream.priceCents = value;
            encoder.encode(stream, 1);
            ByteBuffer price =
                    (ByteBuffer) decode(encoder.copy(encoder.length())).get("price");
            byte[] bytes = new byte[price.remaining()];
            price.get(bytes);
            assertThat(bytes)
                    .as("unscaled %d", value)
                    .isEqualTo(BigInteger.valueOf(value).toByteArray());
        }
    }

    @Test
    void theSameSeedGivesTheSameOrders() {
        OrderStream first = new OrderStream(42, 1, START);
        OrderStream second = new OrderStream(42, 1, START);
        OrderEncoder encoder = new OrderEncoder();
        for (int i = 0; i < 1_000; i++) {
            first.next();
            second.next();
            encoder.encode(first, 1);
            byte[] one = encoder.copy(encoder.length());
            encoder.encode(second, 1);
            assertThat(Arrays.equals(one, encoder.copy(encoder.length()))).isTrue();
        }
    }

    @Test
    void ordersLookRealistic() {
        OrderStream stream = new OrderStream(3, 1, START);
        Set<Integer> customers = new HashSet<>();
        long late = 0;
        long coupons = 0;
        long maxSeen = 0;
        int[] perCustomer = new int[OrderStream.CUSTOMERS];
        int count = 200_000;
        for (int i = 0; i < count; i++) {
            stream.next();
            customers.add(stream.customer);
            perCustomer[stream.customer]++;
            if (stream.eventTimeMicros < maxSeen) {
                late++;
            }
            maxSeen = Math.max(maxSeen, stream.eventTimeMicros);
            if (stream.coupon >= 0) {
                coupons++;
            }
            assertThat(stream.quantity).isBetween(1, 20);
            assertThat(stream.priceCents).isBetween(1L, 9_999_999_999L);
        }
        assertThat(customers).hasSizeGreaterThan(9_000);
        // skewed a little: the busiest customers order several times more than the average
        assertThat(Arrays.stream(perCustomer).max().orElseThrow()).isGreaterThan(3 * count / OrderStream.CUSTOMERS);
        assertThat((double) late / count).isBetween(0.01, 0.05);
        assertThat((double) coupons / count).isBetween(0.05, 0.12);
    }

    @Test
    void schemaHasTheDocumentedFields() {
        assertThat(OrderSchema.avro().getFullName()).isEqualTo("dev.floe.demo.Order");
        assertThat(OrderSchema.avro().getFields())
                .extracting(field -> field.name())
                .containsExactly(
                        "order_id",
                        "customer_id",
                        "sku",
                        "quantity",
                        "price",
                        "event_time",
                        "country",
                        "currency",
                        "gift",
                        "discount",
                        "channel",
                        "coupon");
    }
}

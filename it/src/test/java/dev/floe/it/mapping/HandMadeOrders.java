package dev.floe.it.mapping;

import dev.floe.deploy.demo.OrderSchema;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Orders written one at a time with chosen event times, in the registry's wire format with Apache
 * Avro's own writer: for tests that need a record to arrive exactly when the watermark is somewhere.
 * Each send waits for the broker's acknowledgement.
 */
public final class HandMadeOrders implements AutoCloseable {
    private final String topic;
    private final int schemaId;
    private final KafkaProducer<byte[], byte[]> producer;
    private final GenericDatumWriter<GenericRecord> writer = new GenericDatumWriter<>(OrderSchema.avro());
    private final Map<Long, byte[]> sent = new HashMap<>();

    public HandMadeOrders(String bootstrapServers, String topic, int schemaId) {
        this.topic = topic;
        this.schemaId = schemaId;
        this.producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers, ProducerConfig.ACKS_CONFIG, "all"),
                new ByteArraySerializer(),
                new ByteArraySerializer());
    }

    /** Sends order {@code orderId} of {@code customer} for {@code quantity} items at {@code eventTime}. */
    public void send(long orderId, String customer, int quantity, Instant eventTime) {
        GenericRecord order = new GenericData.Record(OrderSchema.avro());
        order.put("order_id", orderId);
        order.put("customer_id", customer);
        order.put("sku", "SKU-0001");
        order.put("quantity", quantity);
        order.put("price", ByteBuffer.wrap(BigInteger.valueOf(1999).toByteArray()));
        order.put("event_time", eventTime.getEpochSecond() * 1_000_000L + eventTime.getNano() / 1_000);
        order.put("country", "DE");
        order.put("currency", "EUR");
        order.put("gift", false);
        order.put("discount", 0.0);
        order.put("channel", "web");
        order.put("coupon", null);
        byte[] value = encode(order);
        try {
            producer.send(new ProducerRecord<>(topic, customer.getBytes(StandardCharsets.UTF_8), value))
                    .get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted sending order " + orderId + " to " + topic, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot send order " + orderId + " to " + topic, e.getCause());
        }
        sent.put(orderId, value);
    }

    /** Sends {@code value} as it is, bytes that need not be in the registry's wire format, with a header. */
    public void sendRaw(String key, byte[] value, String header, String headerValue) {
        ProducerRecord<byte[], byte[]> record =
                new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value);
        record.headers().add(header, headerValue.getBytes(StandardCharsets.UTF_8));
        try {
            producer.send(record).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted sending a raw record to " + topic, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot send a raw record to " + topic, e.getCause());
        }
    }

    /** The bytes order {@code orderId} was sent as. */
    public ByteBuffer value(long orderId) {
        return ByteBuffer.wrap(sent.get(orderId));
    }

    private byte[] encode(GenericRecord order) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(0);
        bytes.write(schemaId >>> 24);
        bytes.write(schemaId >>> 16);
        bytes.write(schemaId >>> 8);
        bytes.write(schemaId);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(bytes, null);
        try {
            writer.write(order, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    @Override
    public void close() {
        producer.close();
    }
}

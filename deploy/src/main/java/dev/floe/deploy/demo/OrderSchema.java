package dev.floe.deploy.demo;

import org.apache.avro.Schema;

/** The Avro schema of the demo's orders, registered under {@code <topic>-value}. */
public final class OrderSchema {
    /** Field order matters: {@link OrderEncoder} writes the fields in exactly this order. */
    private static final String JSON = "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"dev.floe.demo\","
            + "\"doc\":\"An order placed in the demo shop\",\"fields\":["
            + "{\"name\":\"order_id\",\"type\":\"long\"},"
            + "{\"name\":\"customer_id\",\"type\":\"string\"},"
            + "{\"name\":\"sku\",\"type\":\"string\"},"
            + "{\"name\":\"quantity\",\"type\":\"int\"},"
            + "{\"name\":\"price\",\"type\":{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":10,\"scale\":2}},"
            + "{\"name\":\"event_time\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-micros\"}},"
            + "{\"name\":\"country\",\"type\":\"string\"},"
            + "{\"name\":\"currency\",\"type\":\"string\"},"
            + "{\"name\":\"gift\",\"type\":\"boolean\"},"
            + "{\"name\":\"discount\",\"type\":\"double\"},"
            + "{\"name\":\"channel\",\"type\":\"string\"},"
            + "{\"name\":\"coupon\",\"type\":[\"null\",\"string\"],\"default\":null}]}";

    private static final Schema SCHEMA = new Schema.Parser().parse(JSON);

    private OrderSchema() {}

    public static Schema avro() {
        return SCHEMA;
    }
}

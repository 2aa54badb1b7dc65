package dev.floe.engine.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.engine.config.ConfigLoader;
import dev.floe.engine.spi.dataflow.RecordMetadata;
import dev.floe.engine.spi.error.BadRecordException;
import dev.floe.engine.spi.row.Row;
import dev.floe.engine.spi.row.RowType;
import dev.floe.engine.spi.row.Utf8Slice;
import dev.floe.engine.testing.TestingSinkProvider;
import dev.floe.engine.transform.TransformChain;
import dev.floe.engine.transform.TransformCompileException;
import dev.floe.engine.transform.TransformErrorCode;
import dev.floe.engine.transform.TransformOperator;
import dev.floe.engine.window.WindowOperator;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

/**
 * Every transform step as a user writes it in YAML, compiled against the records' schema and applied
 * to rows: what each does, each problem the schema reveals named with the file, line and key path,
 * and each failure on a record a bad record whose reason names the step.
 */
class MappingTransformsTest {
    private static final String HEAD = """
            kafka:
              bootstrapServers: localhost:9092
            schemaRegistry:
              url: http://registry:8081
            store:
              location: somewhere
            pipelines:
              - id: orders
                source:
                  topics: [orders]
                sink:
                  table: demo.orders
            """;

    private static final Schema ORDERS = new Schema(
            Types.NestedField.required(1, "order_id", Types.LongType.get()),
            Types.NestedField.required(2, "customer_id", Types.StringType.get()),
            Types.NestedField.required(3, "quantity", Types.IntegerType.get()),
            Types.NestedField.required(4, "price", Types.DecimalType.of(10, 2)),
            Types.NestedField.required(5, "event_time", Types.TimestampType.withZone()),
            Types.NestedField.required(6, "gift", Types.BooleanType.get()),
            Types.NestedField.optional(7, "coupon", Types.StringType.get()),
            Types.NestedField.optional(
                    8,
                    "address",
                    Types.StructType.of(
                            Types.NestedField.required(9, "city", Types.StringType.get()),
                            Types.NestedField.optional(
                                    10,
                                    "geo",
                                    Types.StructType.of(
                                            Types.NestedField.required(11, "lat", Types.DoubleType.get()),
                                            Types.NestedField.required(12, "lon", Types.DoubleType.get()))))),
            Types.NestedField.optional(13, "code", Types.StringType.get()));

    private static final RowType TYPE = RowType.of(ORDERS);
    private static final RecordMetadata RECORD = new RecordMetadata() {
        @Override
        public String topic() {
            return "orders";
        }

        @Override
        public int partition() {
            return 2;
        }

        @Override
        public long offset() {
            return 4711;
        }

        @Override
        public long timestamp() {
            return 1_767_225_600_123L;
        }

        @Override
        public ByteBuffer key() {
            return ByteBuffer.wrap("C00042".getBytes(StandardCharsets.UTF_8)).asReadOnlyBuffer();
        }

        @Override
        public int headerCount() {
            return 1;
        }

        @Override
        public String headerKey(int index) {
            return "trace";
        }

        @Override
        public byte[] headerValue(int index) {
            return "abc".getBytes(StandardCharsets.UTF_8);
        }
    };

    private static MappingConfig mapping(String pipelineYaml) {
        return new ConfigLoader(new TestingSinkProvider(), name -> null, 2)
                .parse("floe.yaml", HEAD + pipelineYaml)
                .pipelines()
                .get(0)
                .mapping();
    }

    private static TransformChain chain(String transformsYaml) {
        return TransformChain.compile(TYPE, mapping(transformsYaml).transforms());
    }

    private static Row order(long orderId, int quantity, long priceCents, boolean gift, String coupon) {
        Row address = new Row(TYPE.nested(7));
        address.setReference(0, Utf8Slice.of("Berlin"));
        Row geo = new Row(address.type().nested(1));
        geo.setDouble(0, 52.5);
        geo.setDouble(1, 13.4);
        address.setReference(1, geo);
        Row row = new Row(TYPE);
        row.setLong(0, orderId);
        row.setReference(1, Utf8Slice.of("C00042"));
        row.setInt(2, quantity);
        row.setLong(3, priceCents);
        row.setLong(4, Instant.parse("2026-01-01T00:00:30Z").toEpochMilli() * 1000);
        row.setBoolean(5, gift);
        if (coupon == null) {
            row.setNull(6);
        } else {
            row.setReference(6, Utf8Slice.of(coupon));
        }
        row.setReference(7, address);
        row.setReference(8, Utf8Slice.of("17"));
        return row;
    }

    /** A row as column name to value, strings as strings. */
    private static Map<String, Object> values(Row row) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < row.size(); i++) {
            Object value = row.get(i, Object.class);
            values.put(row.type().field(i).name(), value instanceof CharSequence ? value.toString() : value);
        }
        return values;
    }

    private static List<String> columns(TransformChain chain) {
        return chain.output().schema().columns().stream()
                .map(Types.NestedField::name)
                .toList();
    }

    @Test
    void filterKeepsTheRowsItsExpressionIsTrueFor() {
        TransformChain chain = chain("""
                    transforms:
                      - filter: "quantity > 1 && !gift && coupon != 'VIP20'"
                """);

        assertThat(chain.apply(order(1, 2, 1999, false, null), RECORD)).isNotNull();
        assertThat(chain.apply(order(2, 1, 1999, false, null), RECORD)).isNull();
        assertThat(chain.apply(order(3, 5, 1999, true, null), RECORD)).isNull();
        assertThat(chain.apply(order(4, 5, 1999, false, "VIP20"), RECORD)).isNull();
        assertThat(chain.apply(order(5, 5, 1999, false, "SPRING15"), RECORD)).isNotNull();
    }

    @Test
    void setAddsTypedColumnsAndReplacesExistingOnes() {
        TransformChain chain = chain("""
                    transforms:
                      - set:
                          total: "price * double(quantity)"
                          gift_quantity: "gift ? quantity : 0"
                          label: "customer_id + '/' + string(order_id)"
                          quantity: "quantity * 10"
                          day: "timestamp(int(event_time) - int(event_time) % 86400)"
                """);
        Schema output = chain.output().schema();

        assertThat(output.findField("total").type()).isEqualTo(Types.DoubleType.get());
        assertThat(output.findField("gift_quantity").type()).isEqualTo(Types.LongType.get());
        assertThat(output.findField("label").type()).isEqualTo(Types.StringType.get());
        assertThat(output.findField("quantity").type()).isEqualTo(Types.LongType.get());
        assertThat(output.findField("quantity").fieldId())
                .as("a replaced column keeps its field id")
                .isEqualTo(3);
        assertThat(output.findField("day").type()).isEqualTo(Types.TimestampType.withZone());
        Map<String, Object> row = values(chain.apply(order(7, 3, 1999, true, null), RECORD));
        assertThat(row)
                .containsEntry("total", 59.97)
                .containsEntry("gift_quantity", 3L)
                .containsEntry("label", "C00042/7")
                .containsEntry("quantity", 30L)
                .containsEntry("day", Instant.parse("2026-01-01T00:00:00Z").toEpochMilli() * 1000);
    }

    @Test
    void renameCastSelectAndDropReshapeTheRow() {
        TransformChain chain = chain("""
                    transforms:
                      - rename: {customer_id: customer}
                      - cast: {code: int, price: "decimal(12, 3)", order_id: string, event_time: date}
                      - drop: [coupon, address]
                      - select: [order_id, customer, price, code, event_time]
                """);

        assertThat(columns(chain)).containsExactly("order_id", "customer", "price", "code", "event_time");
        assertThat(chain.output().schema().findField("price").type()).isEqualTo(Types.DecimalType.of(12, 3));
        assertThat(chain.output().schema().findField("event_time").type()).isEqualTo(Types.DateType.get());
        Row input = order(7, 3, 1999, false, null);
        input.setOrigin("orders", 2, 41);
        Row output = chain.apply(input, RECORD);
        assertThat(List.of(output.originTopic(), output.originPartition(), output.originOffset()))
                .as("the reshaped row keeps the origin the sink's lineage counts by")
                .isEqualTo(List.of("orders", 2, 41L));
        Map<String, Object> row = values(output);
        assertThat(row)
                .containsEntry("order_id", "7")
                .containsEntry("customer", "C00042")
                .containsEntry("price", new BigDecimal("19.990"))
                .containsEntry("code", 17)
                .containsEntry("event_time", (int)
                        (Instant.parse("2026-01-01T00:00:00Z").getEpochSecond() / 86_400));
    }

    @Test
    void flattenReplacesNestedRecordsByTheirFieldsAllLevelsDown() {
        TransformChain chain = chain("""
                    transforms:
                      - flatten: [address]
                        separator: "__"
                      - select: [order_id, address__city, address__geo__lat, address__geo__lon]
                """);

        assertThat(columns(chain))
                .containsExactly("order_id", "address__city", "address__geo__lat", "address__geo__lon");
        assertThat(chain.output().schema().findField("address__city").isOptional())
                .as("a required field of an optional record may be null")
                .isTrue();
        assertThat(values(chain.apply(order(7, 3, 1999, false, null), RECORD)))
                .containsEntry("address__city", "Berlin")
                .containsEntry("address__geo__lat", 52.5)
                .containsEntry("address__geo__lon", 13.4);
    }

    @Test
    void metadataAddsTheKafkaRecordAsColumns() {
        TransformChain chain = chain("""
                    transforms:
                      - metadata:
                          topic: source_topic
                          partition: source_partition
                          offset: source_offset
                          timestamp: kafka_time
                          key: kafka_key
                          headers: kafka_headers
                      - select: [order_id, source_topic, source_partition, source_offset, kafka_time, kafka_key,
                                 kafka_headers]
                """);

        Map<String, Object> row = values(chain.apply(order(7, 3, 1999, false, null), RECORD));
        assertThat(row)
                .containsEntry("source_topic", "orders")
                .containsEntry("source_partition", 2)
                .containsEntry("source_offset", 4711L)
                .containsEntry("kafka_time", 1_767_225_600_123_000L)
                .containsEntry("kafka_key", ByteBuffer.wrap("C00042".getBytes(StandardCharsets.UTF_8)));
        assertThat(((Map<?, ?>) row.get("kafka_headers")).toString()).isEqualTo("{trace=abc}");
        assertThat(chain.output().schema().findField("kafka_time").type()).isEqualTo(Types.TimestampType.withZone());
    }

    @Test
    void expressionTypeErrorsNameTheirKeyPath() {
        assertThatThrownBy(() -> chain("""
                    transforms:
                      - filter: "quantity + 1"
                      - set:
                          total: "price * quantity"
                          ok: "quantity * 2"
                          typo: "quantiy > 0"
                """))
                .isInstanceOf(TransformCompileException.class)
                .hasMessageContaining("floe.yaml:14: pipelines[0].transforms[0].filter: a filter must be true or false,"
                        + " and `quantity + 1` is of type int")
                .hasMessageContaining("floe.yaml:16: pipelines[0].transforms[1].set.total: expression `price *"
                        + " quantity` does not compile")
                .hasMessageContaining("found no matching overload for '_*_' applied to '(double, int)'")
                .hasMessageContaining("pipelines[0].transforms[1].set.typo: expression `quantiy > 0` does not compile")
                .hasMessageContaining("undeclared reference to 'quantiy'")
                .satisfies(e ->
                        assertThat(((TransformCompileException) e).problems()).hasSize(3));
    }

    @Test
    void namesAndTypesTheSchemaDoesNotHaveAreRefusedWithTheirKeyPath() {
        assertThatThrownBy(() -> chain("""
                    transforms:
                      - rename: {custmer_id: customer}
                      - cast: {quantity: money, gift: date}
                      - flatten: [coupon]
                      - select: [order_id, customer_id]
                      - set: {bag: "[order_id]"}
                """))
                .isInstanceOf(TransformCompileException.class)
                .hasMessageContaining("floe.yaml:14: pipelines[0].transforms[0].rename.custmer_id: no field"
                        + " 'custmer_id' in the rows at this step; did you mean 'customer_id'?")
                .hasMessageContaining("pipelines[0].transforms[1].cast.quantity: 'money' is not a type")
                .hasMessageContaining(
                        "pipelines[0].transforms[1].cast.gift: cannot cast column 'gift' from boolean to date")
                .hasMessageContaining("pipelines[0].transforms[2].flatten: field 'coupon' is of type string, not a"
                        + " nested record")
                .hasMessageContaining("pipelines[0].transforms[4].set.bag: expression `[order_id]` is of type"
                        + " list, which no column can hold");
    }

    @Test
    void windowsOverFieldsTheTransformedRowsDoNotHaveOrCannotAggregateAreRefused() {
        MappingConfig mapping = mapping("""
                    eventTime: {field: event_time}
                    transforms:
                      - drop: [gift]
                    window:
                      type: tumbling
                      size: 1m
                      keyBy: [customer, address]
                      aggregates:
                        - {name: revenue, function: sum, field: customer_id}
                        - {name: gifts, function: count-distinct, field: gift}
                """);
        Schema transformed =
                TransformChain.compile(TYPE, mapping.transforms()).output().schema();

        assertThatThrownBy(() -> WindowOperator.outputSchema(mapping.window(), transformed))
                .isInstanceOf(TransformCompileException.class)
                .hasMessageContaining(
                        "floe.yaml:17: pipelines[0].window.keyBy: no field 'customer' in the rows the" + " window gets")
                .hasMessageContaining("pipelines[0].window.keyBy: cannot key windows by 'address'")
                .hasMessageContaining("pipelines[0].window.aggregates[0]")
                .hasMessageContaining("customer_id")
                .hasMessageContaining("pipelines[0].window.aggregates[1]: no field 'gift' in the rows the window gets");
    }

    @Test
    void aFailingExpressionMakesABadRecordNamingTheExpressionAndItsKeyPath() {
        TransformChain chain = chain("""
                    transforms:
                      - set:
                          per_item: "int(price) / (quantity - 3)"
                """);

        assertThat(values(chain.apply(order(1, 4, 1999, false, null), RECORD))).containsEntry("per_item", 19L);
        assertThatThrownBy(() -> chain.apply(order(2, 3, 1999, false, null), RECORD))
                .isInstanceOf(BadRecordException.class)
                .hasMessageContaining("Cannot evaluate expression `int(price) / (quantity - 3)` (floe.yaml:15:"
                        + " pipelines[0].transforms[0].set.per_item)")
                .hasMessageContaining("/ by zero")
                .satisfies(e -> {
                    BadRecordException bad = (BadRecordException) e;
                    assertThat(bad.code()).isEqualTo(TransformErrorCode.EXPRESSION_FAILED);
                    assertThat(bad.stage()).isEqualTo("transform");
                });
    }

    @Test
    void aValueThatDoesNotCastMakesABadRecordNamingTheColumnAndKeyPath() {
        TransformChain chain = chain("""
                    transforms:
                      - cast: {code: int}
                """);
        Row row = order(1, 4, 1999, false, null);
        row.setReference(8, Utf8Slice.of("seventeen"));

        assertThatThrownBy(() -> chain.apply(row, RECORD))
                .isInstanceOf(BadRecordException.class)
                .hasMessageContaining("pipelines[0].transforms[0].cast.code")
                .hasMessageContaining("seventeen")
                .satisfies(e -> assertThat(((BadRecordException) e).stage()).isEqualTo("transform"));
    }

    @Test
    void rowsOfASchemaTheTransformsNoLongerFitAreBadRecordsNamingTheProblem() {
        TransformOperator operator = new TransformOperator(mapping("""
                    transforms:
                      - filter: "quantity > 1"
                """).transforms());
        List<Row> out = new java.util.ArrayList<>();
        operator.process(order(1, 2, 1999, false, null), out::add);
        assertThat(out).hasSize(1);

        // a later writer schema without the column the filter reads
        Schema withoutQuantity = new Schema(ORDERS.columns().stream()
                .filter(field -> !field.name().equals("quantity"))
                .toList());
        Row row = new Row(RowType.of(withoutQuantity));
        row.setLong(0, 2);

        assertThatThrownBy(() -> operator.process(row, out::add))
                .isInstanceOf(BadRecordException.class)
                .hasMessageContaining("Cannot transform records of schema")
                .hasMessageContaining("floe.yaml:14: pipelines[0].transforms[0].filter: expression `quantity > 1`"
                        + " does not compile")
                .satisfies(
                        e -> assertThat(((BadRecordException) e).code()).isEqualTo(TransformErrorCode.SCHEMA_MISMATCH));
        assertThat(out).hasSize(1);
    }
}

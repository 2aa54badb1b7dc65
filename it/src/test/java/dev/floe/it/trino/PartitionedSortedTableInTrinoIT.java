package dev.floe.it.trino;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.deploy.demo.OrdersGenerator;
import dev.floe.deploy.demo.OrdersGeneratorSettings;
import dev.floe.deploy.kafka.EmbeddedKafkaBroker;
import dev.floe.deploy.registry.EmbeddedSchemaRegistry;
import dev.floe.deploy.trino.TrinoServer;
import dev.floe.it.servers.EmbeddedServersExtension;
import dev.floe.it.servers.ExternalServers;
import dev.floe.it.servers.ExternalServersExtension;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A table Floe creates with a partition spec of transforms and a sort order from the config, read
 * in Trino: Trino sees the spec and the order, every data file is marked with the order, and the
 * rows of every file come back in it.
 */
@ExtendWith({EmbeddedServersExtension.class, ExternalServersExtension.class})
class PartitionedSortedTableInTrinoIT {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionedSortedTableInTrinoIT.class);
    private static final String TOPIC = "orders-layout";
    private static final String TABLE = "sales.orders_layout";
    private static final long ORDERS = 20_000;

    private final EmbeddedKafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;
    private final ExternalServers servers;

    PartitionedSortedTableInTrinoIT(
            EmbeddedKafkaBroker broker, EmbeddedSchemaRegistry registry, ExternalServers servers) {
        this.broker = broker;
        this.registry = registry;
        this.servers = servers;
    }

    @Test
    void trinoSeesTheConfiguredSpecAndSortOrderAndEveryFileIsSorted() throws Exception {
        try (OrdersGenerator generator =
                OrdersGenerator.start(OrdersGeneratorSettings.of(broker.bootstrapServers(), registry.url(), TOPIC)
                        .withPartitions(3)
                        .withMalformedFraction(0))) {
            generator.produce(ORDERS);
        }
        ProducedOrders produced = ProducedOrders.read(broker.bootstrapServers(), TOPIC);
        Lakehouse lakehouse =
                Lakehouse.jdbc("floe_layout", servers.postgres(), servers.s3Mock(), "s3://warehouse/layout");
        lakehouse.ingest(
                Lakehouse.parse(lakehouse.floeYaml(
                        broker.bootstrapServers(),
                        registry.url(),
                        "layout",
                        TOPIC,
                        TABLE,
                        "      partitionBy: [day(event_time), 'bucket(4, customer_id)', 'truncate(1, country)']\n"
                                + "      sortBy: [customer_id, order_id DESC]\n")),
                TABLE,
                ORDERS);
        TrinoServer trino = servers.trino();
        lakehouse.registerIn(trino);
        String table = lakehouse.trinoCatalog() + "." + TABLE;

        String ddl = (String)
                Lakehouse.query(trino, "SHOW CREATE TABLE " + table).get(0).get(0);
        LOG.info("{}", ddl);
        assertThat(ddl)
                .contains("partitioning = ARRAY['day(event_time)','bucket(customer_id, 4)','truncate(country, 1)']")
                .contains("sorted_by = ARRAY['customer_id ASC NULLS FIRST','order_id DESC NULLS LAST']");

        List<List<Object>> totals = Lakehouse.query(trino, "SELECT count(*), count(DISTINCT order_id) FROM " + table);
        assertThat(totals.get(0)).containsExactly(produced.count(), produced.distinctOrderIds());

        List<List<Object>> files = Lakehouse.query(
                trino,
                "SELECT DISTINCT sort_order_id FROM " + lakehouse.trinoCatalog() + ".sales.\"orders_layout$files\"");
        assertThat(files).containsExactly(List.of(1));
        assertThat((Long) Lakehouse.query(
                                trino,
                                "SELECT count(*) FROM " + lakehouse.trinoCatalog()
                                        + ".sales.\"orders_layout$partitions\"")
                        .get(0)
                        .get(0))
                .isGreaterThan(4L);

        // the rows of each file in the order Trino reads them: the file's own order
        Map<String, List<List<Object>>> byFile = new LinkedHashMap<>();
        for (List<Object> row : Lakehouse.query(trino, "SELECT \"$path\", customer_id, order_id FROM " + table)) {
            byFile.computeIfAbsent((String) row.get(0), path -> new ArrayList<>())
                    .add(List.of(row.get(1), row.get(2)));
        }
        Comparator<List<Object>> order = Comparator.<List<Object>, String>comparing(row -> (String) row.get(0))
                .thenComparing(row -> (Long) row.get(1), Comparator.reverseOrder());
        assertThat(byFile).hasSizeGreaterThan(4);
        byFile.forEach((path, rows) -> assertThat(rows).as("rows of %s", path).isSortedAccordingTo(order));
    }
}

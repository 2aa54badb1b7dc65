package dev.floe.it.trino;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.deploy.demo.GeneratorReport;
import dev.floe.deploy.demo.OrdersGenerator;
import dev.floe.deploy.demo.OrdersGeneratorSettings;
import dev.floe.deploy.kafka.EmbeddedKafkaBroker;
import dev.floe.deploy.registry.EmbeddedSchemaRegistry;
import dev.floe.deploy.trino.TrinoServer;
import dev.floe.it.servers.EmbeddedServersExtension;
import dev.floe.it.servers.ExternalServers;
import dev.floe.it.servers.ExternalServersExtension;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * End to end, as a user runs Floe: Avro orders produced to Kafka, Floe committing them to an
 * Iceberg table in an S3-compatible store with its checkpoints there too, and Trino's Iceberg
 * connector on the same catalog counting exactly what was produced. Once through a JDBC catalog on
 * PostgreSQL, once through Iceberg's REST catalog.
 */
@ExtendWith({EmbeddedServersExtension.class, ExternalServersExtension.class})
class FloeTablesInTrinoIT {
    private static final Logger LOG = LoggerFactory.getLogger(FloeTablesInTrinoIT.class);
    private static final long ORDERS = 30_000;

    private final EmbeddedKafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;
    private final ExternalServers servers;

    FloeTablesInTrinoIT(EmbeddedKafkaBroker broker, EmbeddedSchemaRegistry registry, ExternalServers servers) {
        this.broker = broker;
        this.registry = registry;
        this.servers = servers;
    }

    @Test
    void trinoCountsEveryOrderThroughAJdbcCatalogOnPostgresqlAndS3Mock() throws SQLException {
        TrinoServer trino = servers.trino();
        Lakehouse lakehouse = Lakehouse.jdbc("floe_jdbc", servers.postgres(), servers.s3Mock(), "s3://warehouse/jdbc");
        ingestAndQuery(trino, lakehouse, "orders-jdbc", "sales.orders_jdbc");
    }

    @Test
    void trinoCountsEveryOrderThroughTheRestCatalogOnS3Proxy() throws SQLException {
        TrinoServer trino = servers.trino();
        Lakehouse lakehouse = Lakehouse.rest("floe_rest", servers.restCatalog());
        ingestAndQuery(trino, lakehouse, "orders-rest", "sales.orders_rest");
    }

    private void ingestAndQuery(TrinoServer trino, Lakehouse lakehouse, String topic, String table)
            throws SQLException {
        GeneratorReport report;
        try (OrdersGenerator generator =
                OrdersGenerator.start(OrdersGeneratorSettings.of(broker.bootstrapServers(), registry.url(), topic)
                        .withPartitions(3)
                        .withMalformedFraction(0))) {
            report = generator.produce(ORDERS);
        }
        assertThat(report.valid()).isEqualTo(ORDERS);
        ProducedOrders produced = ProducedOrders.read(broker.bootstrapServers(), topic);

        String pipeline = topic;
        lakehouse.ingest(
                Lakehouse.parse(
                        lakehouse.floeYaml(broker.bootstrapServers(), registry.url(), pipeline, topic, table, "")),
                table,
                ORDERS);
        lakehouse.registerIn(trino);

        List<List<Object>> rows = Lakehouse.query(
                trino,
                "SELECT count(*), count(DISTINCT order_id), sum(price) FROM " + lakehouse.trinoCatalog() + "." + table);
        LOG.info("Trino on {}: {}", lakehouse.trinoCatalog(), rows);
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).get(0)).isEqualTo(produced.count());
        assertThat(rows.get(0).get(1)).isEqualTo(produced.distinctOrderIds());
        assertThat((BigDecimal) rows.get(0).get(2)).isEqualByComparingTo(produced.priceSum());
        assertThat(produced.distinctOrderIds()).isEqualTo(ORDERS);

        // the checkpoints went to the store, not to a local directory
        try (S3Client client = lakehouse.store().client()) {
            assertThat(client.listObjectsV2Paginator(request -> request.bucket(Lakehouse.CHECKPOINT_BUCKET)
                                    .prefix(table.replace('.', '-') + "/" + pipeline + "/chk-"))
                            .contents())
                    .anySatisfy(object -> assertThat(object.key()).endsWith("/_metadata"));
        }
    }
}

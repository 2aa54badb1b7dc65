package dev.floe.it.containers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.floe.deploy.demo.OrdersGenerator;
import dev.floe.deploy.demo.OrdersGeneratorSettings;
import dev.floe.deploy.registry.EmbeddedSchemaRegistry;
import dev.floe.engine.FloeRuntime;
import dev.floe.engine.cli.Sinks;
import dev.floe.engine.config.ConfigLoader;
import dev.floe.iceberg.CatalogConfig;
import dev.floe.it.trino.ProducedOrders;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.MinIOContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.trino.TrinoContainer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The end-to-end test of {@code FloeTablesInTrinoIT} against the images deploy/docker-compose.yml
 * uses: Kafka, MinIO, PostgreSQL and Trino in containers, Floe and its registry in this JVM. Runs
 * where Docker does and is skipped where it does not; the embedded-server tests cover the same.
 */
@Testcontainers(disabledWithoutDocker = true)
class FloeTablesInTrinoContainersIT {
    private static final String MINIO_USER = "floe-minio";
    private static final String MINIO_PASSWORD = "floe-minio-secret";
    private static final long ORDERS = 20_000;
    private static final Network NETWORK = Network.newNetwork();

    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.1.0").withNetwork(NETWORK);

    @Container
    static final MinIOContainer MINIO = new MinIOContainer("minio/minio:RELEASE.2025-09-07T16-13-09Z")
            .withUserName(MINIO_USER)
            .withPassword(MINIO_PASSWORD)
            .withNetwork(NETWORK)
            .withNetworkAliases("minio");

    @Container
    static final PostgreSQLContainer POSTGRES = new PostgreSQLContainer("postgres:16-alpine")
            .withDatabaseName("iceberg")
            .withUsername("floe")
            .withPassword("floe")
            .withNetwork(NETWORK)
            .withNetworkAliases("postgres");

    @Container
    static final TrinoContainer TRINO = new TrinoContainer("trinodb/trino:476")
            .withNetwork(NETWORK)
            .withCopyToContainer(
                    Transferable.of(String.join(
                            "\n",
                            "connector.name=iceberg",
                            "iceberg.catalog.type=jdbc",
                            "iceberg.jdbc-catalog.driver-class=org.postgresql.Driver",
                            "iceberg.jdbc-catalog.connection-url=jdbc:postgresql://postgres:5432/iceberg",
                            "iceberg.jdbc-catalog.connection-user=floe",
                            "iceberg.jdbc-catalog.connection-password=floe",
                            "iceberg.jdbc-catalog.catalog-name=lake",
                            "iceberg.jdbc-catalog.default-warehouse-dir=s3://warehouse/lake",
                            "fs.native-s3.enabled=true",
                            "s3.endpoint=http://minio:9000",
                            "s3.path-style-access=true",
                            "s3.region=us-east-1",
                            "s3.aws-access-key=" + MINIO_USER,
                            "s3.aws-secret-key=" + MINIO_PASSWORD,
                            "")),
                    "/etc/trino/catalog/lake.properties");

    private static Map<String, String> s3Properties() {
        return Map.of(
                "s3.endpoint", MINIO.getS3URL(),
                "s3.path-style-access", "true",
                "s3.access-key-id", MINIO_USER,
                "s3.secret-access-key", MINIO_PASSWORD,
                "client.region", "us-east-1",
                "jdbc.user", "floe",
                "jdbc.password", "floe");
    }

    @Test
    void trinoCountsEveryOrderFloeCommittedToMinio() throws Exception {
        try (S3Client s3 = S3Client.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .endpointOverride(URI.create(MINIO.getS3URL()))
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create(MINIO_USER, MINIO_PASSWORD)))
                .build()) {
            s3.createBucket(request -> request.bucket("warehouse"));
            s3.createBucket(request -> request.bucket("checkpoints"));
        }
        ProducedOrders produced;
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(KAFKA.getBootstrapServers())) {
            try (OrdersGenerator generator = OrdersGenerator.start(
                    OrdersGeneratorSettings.of(KAFKA.getBootstrapServers(), registry.url(), "orders")
                            .withPartitions(2)
                            .withMalformedFraction(0))) {
                generator.produce(ORDERS);
            }
            produced = ProducedOrders.read(KAFKA.getBootstrapServers(), "orders");
            CatalogConfig catalog =
                    new CatalogConfig("lake", "jdbc", POSTGRES.getJdbcUrl(), "s3://warehouse/lake", s3Properties());
            StringBuilder yaml = new StringBuilder()
                    .append("kafka:\n  bootstrapServers: ")
                    .append(KAFKA.getBootstrapServers())
                    .append("\nschemaRegistry:\n  url: ")
                    .append(registry.url())
                    .append("\ncatalog:\n  name: lake\n  type: jdbc\n  uri: ")
                    .append(POSTGRES.getJdbcUrl())
                    .append("\n  warehouse: s3://warehouse/lake\n  properties:\n");
            s3Properties()
                    .forEach((key, value) -> yaml.append("    ")
                            .append(key)
                            .append(": \"")
                            .append(value)
                            .append("\"\n"));
            yaml.append("checkpoints:\n  interval: 1s\n  storage: s3://checkpoints/floe\n  s3:\n    endpoint: ")
                    .append(MINIO.getS3URL())
                    .append("\n    region: us-east-1\n    pathStyleAccess: true\n    accessKeyId: ")
                    .append(MINIO_USER)
                    .append("\n    secretAccessKey: ")
                    .append(MINIO_PASSWORD)
                    .append("\npipelines:\n  - id: orders\n    parallelism: 2\n    source:\n      topics: [orders]\n")
                    .append("    sink:\n      table: sales.orders\n");
            Catalog iceberg = catalog.load();
            try (FloeRuntime runtime = FloeRuntime.start(
                    new ConfigLoader(Sinks.installed(), name -> null, 2).parse("containers.yaml", yaml.toString()),
                    Clock.systemUTC())) {
                await().atMost(Duration.ofMinutes(3)).until(() -> committedRows(iceberg) >= ORDERS);
                runtime.stop(Duration.ofSeconds(60));
            }
        }
        try (Connection connection = DriverManager.getConnection(TRINO.getJdbcUrl(), "floe", null);
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(
                        "SELECT count(*), count(DISTINCT order_id), sum(price) FROM lake.sales.orders")) {
            assertThat(result.next()).isTrue();
            assertThat(result.getLong(1)).isEqualTo(produced.count());
            assertThat(result.getLong(2)).isEqualTo(produced.distinctOrderIds());
            assertThat(result.getBigDecimal(3)).isEqualByComparingTo(produced.priceSum());
        }
    }

    private static long committedRows(Catalog catalog) {
        TableIdentifier table = TableIdentifier.parse("sales.orders");
        if (!catalog.tableExists(table) || catalog.loadTable(table).currentSnapshot() == null) {
            return 0;
        }
        return Long.parseLong(catalog.loadTable(table)
                .currentSnapshot()
                .summary()
                .getOrDefault(SnapshotSummary.TOTAL_RECORDS_PROP, "0"));
    }
}

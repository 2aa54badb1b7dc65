package dev.floe.it.containers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.ComposeContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * deploy/docker-compose.yml as users run it: the whole stack built and started by Docker Compose,
 * the generator feeding Floe, and the table queried in the stack's Trino — rows arrive, no order
 * twice. Runs where Docker does and is skipped where it does not; ComposeStackTest checks the
 * files' structure everywhere, and the embedded-server tests cover the same path.
 */
@Testcontainers(disabledWithoutDocker = true)
class ComposeStackContainersIT {
    private static final File COMPOSE_FILE = Path.of("..", "deploy", "docker-compose.yml")
            .toAbsolutePath()
            .normalize()
            .toFile();

    @Container
    static final ComposeContainer STACK = new ComposeContainer(COMPOSE_FILE)
            .withBuild(true)
            .withRemoveVolumes(true)
            .withExposedService("trino", 8080, Wait.forHealthcheck())
            .withStartupTimeout(Duration.ofMinutes(15));

    @Test
    void generatedOrdersReachTrinoExactlyOnce() throws SQLException {
        String url = "jdbc:trino://" + STACK.getServiceHost("trino", 8080) + ":" + STACK.getServicePort("trino", 8080)
                + "/iceberg/shop";
        await("orders in iceberg.shop.orders")
                .atMost(Duration.ofMinutes(5))
                .pollInterval(Duration.ofSeconds(5))
                .ignoreExceptions()
                .until(() -> query(url, "SELECT count(*) FROM orders") > 10_000);

        assertThat(query(url, "SELECT count(*) - count(DISTINCT order_id) FROM orders"))
                .as("orders in the table more than once")
                .isZero();
    }

    private static long query(String url, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url, "floe", null);
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        }
    }
}

package dev.floe.it.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.floe.deploy.trino.JavaHome;
import dev.floe.deploy.trino.TrinoDistribution;
import dev.floe.it.exactlyonce.FloeProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code floe demo --exit}, in a JVM of its own as a user runs it: everything produced is
 * committed or dead-lettered, both of the bundled config's tables are filled, and, where a JDK for
 * Trino exists (always on CI), the Trino queries it prints include the window result, equal to
 * Trino's own GROUP BY over the raw orders.
 */
class DemoIT {
    private static final long RECORDS = 50_000;

    @Test
    void demoIngestsEverythingAndItsWindowsEqualTrinosGroupByOverTheRawOrders() throws Exception {
        Path directory = Path.of(System.getProperty("floe.it.workDir", "target/it-work"), "demo")
                .toAbsolutePath();
        boolean trino = JavaHome.find(
                        TrinoDistribution.JAVA_FEATURE, System.getenv(), Path.of(System.getProperty("user.home")))
                .isPresent();
        List<String> arguments = new ArrayList<>(List.of(
                "demo",
                "--records",
                Long.toString(RECORDS),
                "--exit",
                "--http-port",
                "0",
                "--dir",
                directory.toString(),
                "--timeout",
                "5m"));
        if (trino) {
            arguments.addAll(List.of("--trino", "--trino-archive", System.getProperty("floe.it.trinoArchive")));
        } else {
            System.err.println("DemoIT: no JDK " + TrinoDistribution.JAVA_FEATURE
                    + "+ for Trino here: the demo's Trino queries are NOT checked");
        }

        try (FloeProcess demo = FloeProcess.start("dev.floe.engine.cli.FloeCli", arguments, Map.of(), "demo")) {
            int exit = demo.awaitExit(Duration.ofMinutes(8));
            List<String> output = Files.readAllLines(demo.log(), StandardCharsets.UTF_8);
            assertThat(exit)
                    .as("exit status of floe demo --exit; see %s", demo.log())
                    .isZero();

            JsonNode summary = new ObjectMapper()
                    .readTree(output.stream()
                            .filter(line -> line.startsWith("{\"produced\""))
                            .reduce((first, second) -> second)
                            .orElseThrow(() -> new AssertionError("no JSON summary in " + demo.log())));
            long produced = summary.get("produced").asLong();
            long committed = summary.get("committed").asLong();
            long deadLettered = summary.get("dead_lettered").asLong();
            assertThat(produced).isEqualTo(RECORDS);
            assertThat(committed + deadLettered).isEqualTo(produced);
            assertThat(deadLettered).as("the generator's malformed records").isPositive();
            assertThat(summary.get("tables").get("demo.orders").asLong()).isEqualTo(committed);
            assertThat(summary.get("tables").get("demo.country_revenue_10s").asLong())
                    .as("closed 10-second windows over ~50 s of event time")
                    .isPositive();

            if (trino) {
                // the row under the header of the check query: windows | equal | missing_in_raw
                int heading = output.indexOf("Floe's windows against Trino's GROUP BY over the raw orders:");
                assertThat(heading)
                        .as("the window check query in %s", demo.log())
                        .isNotNegative();
                // the demo's own log lines interleave with the printed table: take the first data row
                String row = output.subList(heading, output.size()).stream()
                        .filter(line -> line.matches("\\s*\\d+\\s*\\|\\s*\\d+\\s*\\|\\s*\\d+\\s*"))
                        .findFirst()
                        .orElseThrow(() -> new AssertionError("no result row of the window check in " + demo.log()));
                String[] cells = row.trim().split("\\s*\\|\\s*");
                long windows = Long.parseLong(cells[0]);
                assertThat(windows)
                        .isEqualTo(summary.get("tables")
                                .get("demo.country_revenue_10s")
                                .asLong());
                assertThat(Long.parseLong(cells[1]))
                        .as("windows equal to the raw GROUP BY")
                        .isEqualTo(windows);
                assertThat(Long.parseLong(cells[2]))
                        .as("windows missing in the raw orders")
                        .isZero();
            }
        }
    }
}

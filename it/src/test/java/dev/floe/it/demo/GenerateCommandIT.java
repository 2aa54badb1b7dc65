package dev.floe.it.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.floe.deploy.kafka.EmbeddedKafkaBroker;
import dev.floe.deploy.registry.EmbeddedSchemaRegistry;
import dev.floe.engine.cli.FloeCli;
import dev.floe.it.servers.EmbeddedServersExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

/** {@code floe generate} against the real broker and registry: counts, pacing, and bad usage. */
@ExtendWith(EmbeddedServersExtension.class)
class GenerateCommandIT {
    private final EmbeddedKafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;

    GenerateCommandIT(EmbeddedKafkaBroker broker, EmbeddedSchemaRegistry registry) {
        this.broker = broker;
        this.registry = registry;
    }

    private record Run(int exitCode, String out, String err) {}

    private static Run floe(String... args) {
        CommandLine commandLine = FloeCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int code = commandLine.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private long recordsIn(String topic, int partitions) throws Exception {
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            List<TopicPartition> all = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                all.add(new TopicPartition(topic, p));
            }
            return admin
                    .listOffsets(all.stream().collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest())))
                    .all()
                    .get()
                    .values()
                    .stream()
                    .mapToLong(info -> info.offset())
                    .sum();
        }
    }

    @Test
    void producesExactlyTheRequestedCountAndReportsItAsJson() throws Exception {
        Run run = floe(
                "generate",
                "--bootstrap-servers",
                broker.bootstrapServers(),
                "--registry-url",
                registry.url(),
                "--topic",
                "generated-count",
                "--partitions",
                "3",
                "--records",
                "25000",
                "--malformed",
                "0.01",
                "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode summary = new ObjectMapper().readTree(run.out().strip());
        assertThat(summary.get("produced").asLong()).isEqualTo(25_000);
        assertThat(summary.get("valid").asLong() + summary.get("malformed").asLong())
                .isEqualTo(25_000);
        assertThat(summary.get("malformed").asLong()).isPositive();
        assertThat(recordsIn("generated-count", 3)).isEqualTo(25_000);
    }

    @Test
    void aRateIsNeverExceeded() throws Exception {
        long started = System.nanoTime();
        Run run = floe(
                "generate",
                "--bootstrap-servers",
                broker.bootstrapServers(),
                "--registry-url",
                registry.url(),
                "--topic",
                "generated-rate",
                "--partitions",
                "1",
                "--records",
                "3000",
                "--rate",
                "5000",
                "--json");
        double seconds = (System.nanoTime() - started) / 1e9;

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(recordsIn("generated-rate", 1)).isEqualTo(3000);
        // 3,000 records at 5,000/s: the schedule holds the last batch until 0.6 s after the first
        assertThat(seconds).isGreaterThanOrEqualTo(0.5);
    }

    @Test
    void badUsageExitsWithTheUsageCode() {
        Run run = floe(
                "generate",
                "--bootstrap-servers",
                broker.bootstrapServers(),
                "--registry-url",
                registry.url(),
                "--malformed",
                "1.5");

        assertThat(run.exitCode()).isEqualTo(FloeCli.EXIT_USAGE);
        assertThat(run.err()).contains("--malformed within [0, 1]");
    }
}

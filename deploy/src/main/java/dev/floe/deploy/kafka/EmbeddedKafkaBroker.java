package dev.floe.deploy.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Apache Kafka's own broker, started in this process in KRaft mode as one combined broker and
 * controller on free loopback ports. Transactions work on its single node: the internal topics
 * are created with replication factor 1 and min ISR 1.
 *
 * <p>It uses Kafka's internal server classes ({@code KafkaRaftServer}, {@code KafkaConfig},
 * {@code StorageTool}) as they are in Kafka 4.4.0; they are not a public API, so a Kafka upgrade
 * must re-check this class.
 *
 * <p>Restarting on the same log directory keeps the cluster id and every topic. Thread-safe;
 * {@link #close()} is idempotent.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final String HOST = "127.0.0.1";
    private static final int NODE_ID = 1;
    /** Port races (another process takes a port between our probe and the bind) are retried. */
    private static final int START_ATTEMPTS = 3;

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final KafkaRaftServer server;
    private final Path logDirectory;
    private final String bootstrapServers;
    private final String saslBootstrapServers;
    private final Duration startupTime;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedKafkaBroker(
            KafkaRaftServer server,
            Path logDirectory,
            String bootstrapServers,
            String saslBootstrapServers,
            Duration startupTime) {
        this.server = server;
        this.logDirectory = logDirectory;
        this.bootstrapServers = bootstrapServers;
        this.saslBootstrapServers = saslBootstrapServers;
        this.startupTime = startupTime;
    }

    /** Starts a broker with the default settings, storing its data under {@code logDirectory}. */
    public static EmbeddedKafkaBroker start(Path logDirectory) {
        return start(logDirectory, Map.of());
    }

    /**
     * Starts a broker storing its data under {@code logDirectory}, with broker settings {@code
     * overrides} applied over the defaults (listeners and node identity excepted).
     */
    public static EmbeddedKafkaBroker start(Path logDirectory, Map<String, String> overrides) {
        return start(logDirectory, overrides, null);
    }

    /**
     * A user of a second listener that requires SASL/SCRAM-SHA-256 authentication (plain text
     * transport), next to the unauthenticated one.
     *
     * @param user the user the broker knows
     * @param password the user's password
     */
    public record ScramUser(String user, String password) {
        public ScramUser {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(password, "password");
        }

        @Override
        public String toString() {
            return "ScramUser[user=" + user + ", password=***]";
        }
    }

    /**
     * Starts a broker with a second listener that authenticates {@code scram} (when not null): what
     * a test of Floe's Kafka security settings connects to.
     */
    public static EmbeddedKafkaBroker start(Path logDirectory, Map<String, String> overrides, ScramUser scram) {
        Objects.requireNonNull(logDirectory, "logDirectory");
        Objects.requireNonNull(overrides, "overrides");
        Path directory = logDirectory.toAbsolutePath();
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the Kafka log directory " + directory, e);
        }
        long started = System.nanoTime();
        RuntimeException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            int brokerPort = LoopbackPorts.free();
            int controllerPort = LoopbackPorts.free();
            int saslPort = scram == null ? -1 : LoopbackPorts.free();
            Map<String, String> settings = settings(directory, brokerPort, controllerPort, saslPort, overrides);
            try {
                KafkaRaftServer server = startServer(directory, settings);
                String bootstrap = HOST + ":" + brokerPort;
                awaitReady(server, bootstrap);
                if (scram != null) {
                    createScramUser(server, bootstrap, scram);
                }
                Duration startupTime = Duration.ofNanos(System.nanoTime() - started);
                LOG.info(
                        "Kafka broker started in {} ms at {} (log directory {})",
                        startupTime.toMillis(),
                        bootstrap,
                        directory);
                return new EmbeddedKafkaBroker(
                        server, directory, bootstrap, scram == null ? null : HOST + ":" + saslPort, startupTime);
            } catch (RuntimeException e) {
                if (!causedBy(e, BindException.class)) {
                    throw e;
                }
                LOG.warn("Kafka broker could not bind its ports (attempt {} of {}): {}", attempt, START_ATTEMPTS, e);
                last = e;
            }
        }
        throw new IllegalStateException(
                "Cannot start the Kafka broker in " + directory + ": no free loopback ports after " + START_ATTEMPTS
                        + " attempts",
                last);
    }

    private static Map<String, String> settings(
            Path directory, int brokerPort, int controllerPort, int saslPort, Map<String, String> overrides) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("num.partitions", "1");
        settings.put("auto.create.topics.enable", "true");
        // one node: every internal topic must live with a single replica
        settings.put("offsets.topic.replication.factor", "1");
        settings.put("offsets.topic.num.partitions", "10");
        settings.put("transaction.state.log.replication.factor", "1");
        settings.put("transaction.state.log.min.isr", "1");
        settings.put("transaction.state.log.num.partitions", "10");
        settings.put("share.coordinator.state.topic.replication.factor", "1");
        settings.put("share.coordinator.state.topic.min.isr", "1");
        settings.put("default.replication.factor", "1");
        settings.put("min.insync.replicas", "1");
        settings.put("group.initial.rebalance.delay.ms", "0");
        settings.putAll(overrides);
        // identity and listeners are this class's business: overrides cannot move them
        settings.put("process.roles", "broker,controller");
        settings.put("node.id", String.valueOf(NODE_ID));
        settings.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        settings.put(
                "listeners", "PLAINTEXT://" + HOST + ":" + brokerPort + ",CONTROLLER://" + HOST + ":" + controllerPort);
        settings.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + brokerPort);
        settings.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        settings.put("controller.listener.names", "CONTROLLER");
        settings.put("inter.broker.listener.name", "PLAINTEXT");
        settings.put("log.dirs", directory.toString());
        if (saslPort > 0) {
            settings.put("listeners", settings.get("listeners") + ",SASL_PLAINTEXT://" + HOST + ":" + saslPort);
            settings.put(
                    "advertised.listeners",
                    settings.get("advertised.listeners") + ",SASL_PLAINTEXT://" + HOST + ":" + saslPort);
            settings.put(
                    "listener.security.protocol.map",
                    settings.get("listener.security.protocol.map") + ",SASL_PLAINTEXT:SASL_PLAINTEXT");
            settings.put("sasl.enabled.mechanisms", "SCRAM-SHA-256");
            settings.put(
                    "listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        }
        return settings;
    }

    /** Stores the user's SCRAM credential in the cluster's metadata, through the open listener. */
    private static void createScramUser(KafkaRaftServer server, String bootstrap, ScramUser scram) {
        Map<String, Object> config = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(config)) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(
                            scram.user(),
                            new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 4096),
                            scram.password())))
                    .all()
                    .get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop(server);
            throw new IllegalStateException("Interrupted while creating SCRAM user " + scram.user(), e);
        } catch (Exception e) {
            stop(server);
            throw new IllegalStateException(
                    "Cannot create SCRAM user " + scram.user() + " on the broker at " + bootstrap + ": " + e, e);
        }
    }

    private static KafkaRaftServer startServer(Path directory, Map<String, String> settings) {
        Properties properties = new Properties();
        properties.putAll(settings);
        format(directory, properties);
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(properties), Time.SYSTEM);
        try {
            server.startup();
        } catch (RuntimeException e) {
            stop(server);
            throw e;
        }
        return server;
    }

    /** Formats the directory for KRaft, once: a directory formatted before keeps its cluster id. */
    private static void format(Path directory, Properties properties) {
        if (Files.exists(directory.resolve("meta.properties"))) {
            return;
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Path config = null;
        try {
            // StorageTool reads its configuration from a file only
            config = Files.createTempFile("floe-kafka-", ".properties");
            try (var writer = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
                properties.store(writer, "Floe embedded Kafka broker");
            }
            int status;
            try (PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8)) {
                status = StorageTool.execute(
                        new String[] {
                            "format",
                            "--config",
                            config.toString(),
                            "--cluster-id",
                            Uuid.randomUuid().toString(),
                            "--ignore-formatted"
                        },
                        print);
            }
            if (status != 0) {
                throw new IllegalStateException("Cannot format the Kafka log directory " + directory + ": "
                        + output.toString(StandardCharsets.UTF_8).strip());
            }
            LOG.debug(
                    "Formatted {}: {}",
                    directory,
                    output.toString(StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the Kafka broker configuration for " + directory, e);
        } finally {
            if (config != null) {
                try {
                    Files.deleteIfExists(config);
                } catch (IOException e) {
                    LOG.warn("Cannot delete the temporary Kafka configuration {}: {}", config, e.toString());
                }
            }
        }
    }

    /** Returns once the broker answers metadata requests with itself as a live node. */
    private static void awaitReady(KafkaRaftServer server, String bootstrap) {
        Map<String, Object> config = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                (int) READY_TIMEOUT.toMillis());
        try (Admin admin = Admin.create(config)) {
            if (admin.describeCluster()
                    .nodes()
                    .get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .isEmpty()) {
                throw new IllegalStateException("the cluster reports no live broker");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop(server);
            throw new IllegalStateException("Interrupted while waiting for the Kafka broker at " + bootstrap, e);
        } catch (Exception e) {
            stop(server);
            throw new IllegalStateException("Cannot start the Kafka broker at " + bootstrap + ": " + e.getMessage(), e);
        }
    }

    private static boolean causedBy(Throwable error, Class<? extends Throwable> type) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }

    private static void stop(KafkaRaftServer server) {
        server.shutdown();
        server.awaitShutdown();
    }

    /** The {@code host:port} list that clients bootstrap from. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The listener that requires SASL/SCRAM, or null when the broker was started without one. */
    public String saslBootstrapServers() {
        return saslBootstrapServers;
    }

    public Path logDirectory() {
        return logDirectory;
    }

    /** How long {@link #start} took, from formatting to the first answered metadata request. */
    public Duration startupTime() {
        return startupTime;
    }

    /** Stops the broker and waits until it has shut down; the log directory stays. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        long started = System.nanoTime();
        stop(server);
        LOG.info(
                "Kafka broker at {} stopped in {} ms",
                bootstrapServers,
                Duration.ofNanos(System.nanoTime() - started).toMillis());
    }
}

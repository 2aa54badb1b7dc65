package dev.floe.engine.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.engine.spi.config.ConfigException;
import dev.floe.engine.spi.config.ConfigProblem;
import dev.floe.engine.testing.TestingSinkProvider;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code checkpoints.storage}: a local directory or an s3:// bucket with its client settings. */
class CheckpointStorageConfigTest {
    private static final String TEMPLATE = """
            kafka:
              bootstrapServers: localhost:9092
            schemaRegistry:
              url: http://registry:8081
            checkpoints:
            %s
            store:
              location: somewhere
            pipelines:
              - id: orders
                source:
                  topics: [orders]
                sink:
                  table: demo.orders
            """;

    private static CheckpointConfig parse(String checkpoints) {
        return new ConfigLoader(new TestingSinkProvider(), Map.of("S3_SECRET", "very-secret")::get, 1)
                .parse("floe.yaml", TEMPLATE.formatted(checkpoints.indent(2).stripTrailing()))
                .checkpoints();
    }

    @Test
    void anS3UriWithItsClientSettingsSelectsS3() {
        CheckpointConfig config = parse("""
                storage: s3://floe-checkpoints/prod/eu
                s3:
                  endpoint: http://minio:9000
                  region: eu-west-1
                  pathStyleAccess: true
                  accessKeyId: floe
                  secretAccessKey: ${S3_SECRET}
                """);

        assertThat(config.storage())
                .isEqualTo(new CheckpointLocation.S3(
                        "floe-checkpoints",
                        "prod/eu/",
                        new S3ClientConfig(URI.create("http://minio:9000"), "eu-west-1", true, "floe", "very-secret")));
        assertThat(config.storage().describe()).isEqualTo("s3://floe-checkpoints/prod/eu/");
        assertThat(config.storage().toString()).doesNotContain("very-secret");
    }

    @Test
    void anS3UriWithoutSettingsLeavesThemToTheSdk() {
        CheckpointConfig config = parse("storage: s3://floe-checkpoints\n");

        assertThat(config.storage())
                .isEqualTo(new CheckpointLocation.S3(
                        "floe-checkpoints", "", new S3ClientConfig(null, null, false, null, null)));
    }

    @Test
    void aPathOrFileUriSelectsALocalDirectory() {
        assertThat(parse("storage: /var/lib/floe/checkpoints\n").storage())
                .isEqualTo(new CheckpointLocation.Local(Path.of("/var/lib/floe/checkpoints")));
        assertThat(parse("storage: file:///var/lib/floe/checkpoints\n").storage())
                .isEqualTo(new CheckpointLocation.Local(Path.of("/var/lib/floe/checkpoints")));
    }

    @Test
    void refusesOtherSchemesBadBucketsAndHalfCredentials() {
        assertThatThrownBy(() -> parse("""
                        storage: gs://bucket/checkpoints
                        """))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems())
                        .extracting(ConfigProblem::path, ConfigProblem::message)
                        .containsExactly(org.assertj.core.groups.Tuple.tuple(
                                "checkpoints.storage",
                                "checkpoint storage 'gs://bucket/checkpoints' is neither a local directory (a path"
                                        + " or file:// URI) nor an s3:// URI")));
        assertThatThrownBy(() -> parse("storage: s3://Bad_Bucket/x\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("checkpoints.storage")
                .hasMessageContaining("'Bad_Bucket' in 's3://Bad_Bucket/x' is not a bucket name");
        assertThatThrownBy(() -> parse("""
                        storage: s3://floe-checkpoints
                        s3:
                          accessKeyId: floe
                        """))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("checkpoints.s3.secretAccessKey")
                .hasMessageContaining("static credentials need both accessKeyId and secretAccessKey");
        assertThatThrownBy(() -> parse("""
                        storage: s3://floe-checkpoints
                        s3:
                          endpoint: minio:9000
                        """))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("checkpoints.s3.endpoint");
    }
}

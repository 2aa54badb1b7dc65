package dev.floe.engine.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.engine.config.CheckpointLocation;
import dev.floe.engine.config.S3ClientConfig;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SavepointLocationTest {
    private static final CheckpointLocation LOCAL = new CheckpointLocation.Local(Path.of("/var/floe/checkpoints"));
    private static final S3ClientConfig CLIENT =
            new S3ClientConfig(URI.create("http://127.0.0.1:9000"), "eu-west-1", true, "key", "secret");

    @Test
    void aLocalSavepointIsItsFolderInItsDirectory() {
        SavepointLocation location = SavepointLocation.parse("/data/savepoints/savepoint-orders-7-abc/", LOCAL);

        assertThat(location.directory()).isEqualTo(new CheckpointLocation.Local(Path.of("/data/savepoints")));
        assertThat(location.name()).isEqualTo("savepoint-orders-7-abc");
        assertThat(location.describe()).isEqualTo("/data/savepoints/savepoint-orders-7-abc");
        assertThat(SavepointLocation.parse("file:///data/savepoints/savepoint-orders-7-abc", LOCAL))
                .isEqualTo(location);
    }

    @Test
    void anS3SavepointUsesTheCheckpointStoragesClient() {
        CheckpointLocation checkpoints = new CheckpointLocation.S3("lake", "checkpoints/", CLIENT);

        SavepointLocation location =
                SavepointLocation.parse("s3://lake/savepoints/savepoint-orders-7-abc", checkpoints);

        assertThat(location.directory()).isEqualTo(new CheckpointLocation.S3("lake", "savepoints/", CLIENT));
        assertThat(location.describe()).isEqualTo("s3://lake/savepoints/savepoint-orders-7-abc");
    }

    @Test
    void refusesAnotherScheme() {
        assertThatThrownBy(() -> SavepointLocation.directory("hdfs://namenode/savepoints", LOCAL))
                .hasMessage("savepoint location 'hdfs://namenode/savepoints' is neither a local path (or file:// URI)"
                        + " nor an s3:// URI");
    }
}

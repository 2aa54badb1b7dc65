package dev.floe.engine.config;

import java.nio.file.Path;
import java.util.Objects;

/** Where a process keeps its pipelines' checkpoints: one folder or key prefix per pipeline below it. */
public sealed interface CheckpointLocation permits CheckpointLocation.Local, CheckpointLocation.S3 {

    /** Where this is, for messages. */
    String describe();

    /**
     * A local directory.
     *
     * @param directory absolute; holds a folder per pipeline
     */
    record Local(Path directory) implements CheckpointLocation {
        public Local {
            Objects.requireNonNull(directory, "directory");
        }

        @Override
        public String describe() {
            return directory.toString();
        }
    }

    /**
     * A bucket of S3 or an S3-compatible store.
     *
     * @param bucket the bucket
     * @param prefix the key prefix, empty or ending in '/'
     * @param client how to reach and sign in to the store
     */
    record S3(String bucket, String prefix, S3ClientConfig client) implements CheckpointLocation {
        public S3 {
            Objects.requireNonNull(bucket, "bucket");
            Objects.requireNonNull(prefix, "prefix");
            Objects.requireNonNull(client, "client");
            if (!prefix.isEmpty() && !prefix.endsWith("/")) {
                throw new IllegalArgumentException("prefix '" + prefix + "' must be empty or end in '/'");
            }
        }

        @Override
        public String describe() {
            return "s3://" + bucket + "/" + prefix;
        }
    }
}

package dev.floe.engine.checkpoint;

import dev.floe.engine.EngineErrorCode;
import dev.floe.engine.spi.error.FatalException;
import java.util.Objects;

/**
 * A savepoint read back for a restore: what it was taken of and its self-contained checkpoint.
 *
 * @param location where it is
 * @param descriptor what it was taken of
 * @param checkpoint its checkpoint; every file it names is in the savepoint's own storage
 */
public record Savepoint(SavepointLocation location, SavepointDescriptor descriptor, StoredCheckpoint checkpoint) {
    public Savepoint {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(descriptor, "descriptor");
        Objects.requireNonNull(checkpoint, "checkpoint");
    }

    /**
     * Reads the savepoint at {@code location}.
     *
     * @throws FatalException naming the path when there is no savepoint there or it is damaged
     */
    public static Savepoint read(SavepointLocation location) {
        try (CheckpointStorage storage = location.open()) {
            if (!storage.exists(SavepointDescriptorCodec.FILE)) {
                throw new FatalException(
                        EngineErrorCode.SAVEPOINT_INVALID,
                        "Cannot restore from savepoint " + location.describe() + ": there is no savepoint there (no "
                                + SavepointDescriptorCodec.FILE + " file)");
            }
            SavepointDescriptor descriptor;
            try {
                descriptor = SavepointDescriptorCodec.decode(storage.read(SavepointDescriptorCodec.FILE));
            } catch (IllegalArgumentException e) {
                throw new FatalException(
                        EngineErrorCode.SAVEPOINT_INVALID,
                        "Cannot restore from savepoint " + location.describe() + ": " + e.getMessage(),
                        e);
            }
            StoredCheckpoint checkpoint = storage.latest()
                    .orElseThrow(() -> new FatalException(
                            EngineErrorCode.SAVEPOINT_INVALID,
                            "Cannot restore from savepoint " + location.describe() + ": its checkpoint "
                                    + descriptor.checkpointId() + " is missing (no chk-" + descriptor.checkpointId()
                                    + "/_metadata)"));
            if (checkpoint.checkpointId() != descriptor.checkpointId()
                    || !checkpoint.pipelineId().equals(descriptor.pipelineId())) {
                throw new FatalException(
                        EngineErrorCode.SAVEPOINT_INVALID,
                        "Cannot restore from savepoint " + location.describe() + ": it describes checkpoint "
                                + descriptor.checkpointId() + " of pipeline " + descriptor.pipelineId()
                                + " and holds checkpoint " + checkpoint.checkpointId() + " of pipeline "
                                + checkpoint.pipelineId());
            }
            return new Savepoint(location, descriptor, checkpoint);
        }
    }

    /** Its path, for messages. */
    public String describe() {
        return location.describe();
    }
}

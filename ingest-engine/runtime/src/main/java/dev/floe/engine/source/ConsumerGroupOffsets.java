package dev.floe.engine.source;

import dev.floe.engine.spi.sink.SourceOffsets;

/** The committed offsets of a consumer group that Floe owns and never joins. */
public interface ConsumerGroupOffsets {
    /** The group's committed offsets; empty for a group that never committed. */
    SourceOffsets read(String groupId);

    /** Sets the group's offsets. */
    void commit(String groupId, SourceOffsets offsets, String metadata);
}

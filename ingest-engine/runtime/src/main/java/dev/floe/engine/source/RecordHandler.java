package dev.floe.engine.source;

/** Receives the records of a poll, one at a time, on the polling thread. */
@FunctionalInterface
public interface RecordHandler {
    void onRecord(SourceRecord record);
}

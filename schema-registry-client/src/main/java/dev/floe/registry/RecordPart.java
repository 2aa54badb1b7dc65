package dev.floe.registry;

/** The part of a Kafka record a schema describes: its key and its value are framed separately. */
public enum RecordPart {
    KEY,
    VALUE
}

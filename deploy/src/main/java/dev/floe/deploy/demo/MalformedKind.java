package dev.floe.deploy.demo;

/** The kinds of bad records the generator mixes in, one per dead-letter reason a pipeline meets. */
public enum MalformedKind {
    /** Not Confluent's wire format: a JSON document where a framed Avro record belongs. */
    WRONG_MAGIC_BYTE,
    /** Framed correctly, but with a schema id that the registry never assigned. */
    UNKNOWN_SCHEMA_ID,
    /** Framed with the real schema id, but the Avro body is cut short. */
    CORRUPT_AVRO
}

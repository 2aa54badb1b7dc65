package dev.floe.deploy.demo;

import java.time.Duration;
import java.util.Objects;

/**
 * What one call of {@link OrdersGenerator#produce} sent; every record is acknowledged by the
 * broker before the report is made.
 *
 * @param produced every record sent
 * @param valid well-formed orders
 * @param wrongMagicByte records that are not in the wire format
 * @param unknownSchemaId records naming a schema id the registry does not know
 * @param corruptAvro records whose Avro body does not decode
 * @param payloadBytes the sum of the record values' sizes
 * @param elapsed from the first send to the last acknowledgement
 */
public record GeneratorReport(
        long produced,
        long valid,
        long wrongMagicByte,
        long unknownSchemaId,
        long corruptAvro,
        long payloadBytes,
        Duration elapsed) {
    public GeneratorReport {
        Objects.requireNonNull(elapsed, "elapsed");
        if (produced != valid + wrongMagicByte + unknownSchemaId + corruptAvro) {
            throw new IllegalArgumentException("produced " + produced + " records but the kinds add up to "
                    + (valid + wrongMagicByte + unknownSchemaId + corruptAvro));
        }
    }

    public long malformed() {
        return wrongMagicByte + unknownSchemaId + corruptAvro;
    }

    public long malformed(MalformedKind kind) {
        switch (kind) {
            case WRONG_MAGIC_BYTE:
                return wrongMagicByte;
            case UNKNOWN_SCHEMA_ID:
                return unknownSchemaId;
            default:
                return corruptAvro;
        }
    }

    public double seconds() {
        return elapsed.toNanos() / 1e9;
    }

    public double recordsPerSecond() {
        return elapsed.isZero() ? 0 : produced / seconds();
    }
}

package dev.floe.engine.source;

import dev.floe.engine.EngineErrorCode;
import dev.floe.engine.spi.error.FatalException;
import dev.floe.engine.spi.error.FloeException;
import dev.floe.engine.spi.error.RetriableException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;

/**
 * What a Kafka failure means for the caller: refused credentials or permissions do not get better
 * by waiting (fatal, with a message saying so), everything else may (retriable).
 */
public final class KafkaErrors {
    private KafkaErrors() {}

    public static FloeException classify(String action, Throwable cause) {
        for (Throwable error = cause; error != null; error = error.getCause()) {
            if (error instanceof AuthenticationException) {
                return new FatalException(
                        EngineErrorCode.KAFKA_FAILED,
                        "Cannot " + action + ": Kafka refused the configured authentication (" + error.getMessage()
                                + "); check kafka.properties",
                        cause);
            }
            if (error instanceof AuthorizationException) {
                return new FatalException(
                        EngineErrorCode.KAFKA_FAILED,
                        "Cannot " + action + ": Kafka refused the permission (" + error.getMessage() + ")",
                        cause);
            }
        }
        return new RetriableException(EngineErrorCode.KAFKA_FAILED, "Cannot " + action + ": " + cause, cause);
    }
}

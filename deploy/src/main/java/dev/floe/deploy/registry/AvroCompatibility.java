package dev.floe.deploy.registry;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;

/**
 * Decides whether a new schema may join a subject's versions under a compatibility level, with
 * Apache Avro's own checker ({@link SchemaCompatibility#checkReaderWriterCompatibility}).
 *
 * <p>BACKWARD: the new schema reads data written with the earlier one. FORWARD: the earlier schema
 * reads data written with the new one. FULL: both. Plain levels check against the latest live
 * version only; {@code _TRANSITIVE} levels against every live version, newest first. NONE checks
 * nothing.
 */
final class AvroCompatibility {
    /** Version {@code version} of the subject, as Avro reads it. */
    record Earlier(int version, Schema schema) {}

    private AvroCompatibility() {}

    /**
     * Why {@code candidate} breaks {@code level} against {@code earlier} (the subject's live
     * versions, oldest first): the problems with the first version it breaks, or nothing when it
     * is compatible.
     */
    static List<String> problems(CompatibilityLevel level, Schema candidate, List<Earlier> earlier) {
        if (level == CompatibilityLevel.NONE || earlier.isEmpty()) {
            return List.of();
        }
        List<Earlier> against = new ArrayList<>();
        if (level.name().endsWith("_TRANSITIVE")) {
            for (int i = earlier.size() - 1; i >= 0; i--) {
                against.add(earlier.get(i));
            }
        } else {
            against.add(earlier.get(earlier.size() - 1));
        }
        for (Earlier version : against) {
            List<String> problems = problems(level, candidate, version);
            if (!problems.isEmpty()) {
                return problems;
            }
        }
        return List.of();
    }

    /** Why {@code candidate} breaks {@code level} against one earlier version; empty when it does not. */
    static List<String> problems(CompatibilityLevel level, Schema candidate, Earlier earlier) {
        List<String> problems = new ArrayList<>();
        String old = "version " + earlier.version();
        if (level != CompatibilityLevel.NONE && !level.name().startsWith("FORWARD")) {
            describe(problems, candidate, earlier.schema(), "the new schema cannot read data written with " + old);
        }
        if (level != CompatibilityLevel.NONE && !level.name().startsWith("BACKWARD")) {
            describe(problems, earlier.schema(), candidate, old + " cannot read data written with the new schema");
        }
        return problems;
    }

    private static void describe(List<String> problems, Schema reader, Schema writer, String direction) {
        List<Incompatibility> incompatibilities;
        try {
            incompatibilities = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer)
                    .getResult()
                    .getIncompatibilities();
        } catch (RuntimeException e) {
            problems.add(direction + ": Avro cannot compare the schemas: " + e.getMessage());
            return;
        }
        for (Incompatibility incompatibility : incompatibilities) {
            problems.add(direction + ": " + explain(incompatibility) + " (" + incompatibility.getType() + " at "
                    + incompatibility.getLocation() + ")");
        }
    }

    private static String explain(Incompatibility incompatibility) {
        String detail = incompatibility.getMessage();
        switch (incompatibility.getType()) {
            case READER_FIELD_MISSING_DEFAULT_VALUE:
                return "field '" + detail + "' is missing there and has no default value";
            case TYPE_MISMATCH:
                return "a type changed: " + detail;
            case NAME_MISMATCH:
                return "a name changed: " + detail;
            case FIXED_SIZE_MISMATCH:
                return "a fixed size changed: " + detail;
            case MISSING_ENUM_SYMBOLS:
                return "enum symbols are missing: " + detail;
            case MISSING_UNION_BRANCH:
                return "a union branch is missing: " + detail;
            default:
                return detail;
        }
    }
}

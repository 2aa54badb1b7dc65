package dev.floe.engine.transform;

import dev.floe.engine.config.ConfigLocation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One stateless transform of a pipeline's mapping, as configured; {@link TransformChain} compiles a
 * list of them per input schema. Each remembers where it was written, for its problems.
 */
public sealed interface TransformStep {
    ConfigLocation location();

    /** Keeps the rows for which a boolean expression is true. */
    record Filter(String expression, ConfigLocation location) implements TransformStep {
        public Filter {
            Objects.requireNonNull(expression, "expression");
            Objects.requireNonNull(location, "location");
        }
    }

    /** Sets columns to expressions over the row: a new column, or a new value of an existing one. */
    record Compute(Map<String, String> columns, ConfigLocation location) implements TransformStep {
        public Compute {
            columns = new LinkedHashMap<>(columns);
            Objects.requireNonNull(location, "location");
        }

        @Override
        public Map<String, String> columns() {
            return java.util.Collections.unmodifiableMap(columns);
        }
    }

    /** Renames columns: old name to new name. */
    record Rename(Map<String, String> names, ConfigLocation location) implements TransformStep {
        public Rename {
            names = Map.copyOf(names);
            Objects.requireNonNull(location, "location");
        }
    }

    /** Converts columns to other types: column to type name ({@code long}, {@code decimal(10,2)}). */
    record Cast(Map<String, String> types, ConfigLocation location) implements TransformStep {
        public Cast {
            types = new LinkedHashMap<>(types);
            Objects.requireNonNull(location, "location");
        }

        @Override
        public Map<String, String> types() {
            return java.util.Collections.unmodifiableMap(types);
        }
    }

    /** Keeps only these columns, in this order. */
    record Select(List<String> fields, ConfigLocation location) implements TransformStep {
        public Select {
            fields = List.copyOf(fields);
            Objects.requireNonNull(location, "location");
        }
    }

    /** Removes these columns. */
    record Drop(List<String> fields, ConfigLocation location) implements TransformStep {
        public Drop {
            fields = List.copyOf(fields);
            Objects.requireNonNull(location, "location");
        }
    }

    /**
     * Replaces nested records by their fields, named {@code parent<separator>child}, all levels down.
     */
    record Flatten(List<String> fields, String separator, ConfigLocation location) implements TransformStep {
        public Flatten {
            fields = List.copyOf(fields);
            Objects.requireNonNull(separator, "separator");
            Objects.requireNonNull(location, "location");
        }
    }

    /** Adds the Kafka record's metadata as columns: metadata item to column name. */
    record AddMetadata(Map<MetadataField, String> columns, ConfigLocation location) implements TransformStep {
        public AddMetadata {
            columns = new LinkedHashMap<>(columns);
            Objects.requireNonNull(location, "location");
        }

        @Override
        public Map<MetadataField, String> columns() {
            return java.util.Collections.unmodifiableMap(columns);
        }
    }

    /** What of a Kafka record {@link AddMetadata} can add. */
    enum MetadataField {
        TOPIC,
        PARTITION,
        OFFSET,
        TIMESTAMP,
        KEY,
        HEADERS
    }
}

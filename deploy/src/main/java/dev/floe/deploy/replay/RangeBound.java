package dev.floe.deploy.replay;

import dev.floe.engine.spi.sink.SourcePartition;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One end of the range {@code floe replay} reads: {@code earliest}, {@code end}, an instant (the
 * first offset at or after it, in every partition), or offsets of named partitions ({@code
 * topic:partition:offset}, comma-separated).
 *
 * @param kind which
 * @param time the instant, for {@code TIME}
 * @param offsets the offsets, for {@code OFFSETS}
 */
record RangeBound(Kind kind, Instant time, Map<SourcePartition, Long> offsets) {
    enum Kind {
        EARLIEST,
        END,
        TIME,
        OFFSETS
    }

    RangeBound {
        offsets = Map.copyOf(offsets);
    }

    /**
     * Parses a bound.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    static RangeBound parse(String text) {
        String value = text.trim();
        if (value.equals("earliest")) {
            return new RangeBound(Kind.EARLIEST, null, Map.of());
        }
        if (value.equals("end")) {
            return new RangeBound(Kind.END, null, Map.of());
        }
        if (!value.isEmpty() && Character.isDigit(value.charAt(0)) && value.contains("T")) {
            try {
                return new RangeBound(Kind.TIME, Instant.parse(value), Map.of());
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(
                        "'" + text + "' is not an instant such as 2026-11-22T10:00:00Z: " + e.getMessage(), e);
            }
        }
        Map<SourcePartition, Long> offsets = new TreeMap<>();
        for (String item : value.split(",")) {
            String[] parts = item.trim().split(":");
            if (parts.length != 3 || parts[0].isEmpty()) {
                throw new IllegalArgumentException("'" + item.trim() + "' is not topic:partition:offset (nor earliest,"
                        + " end, or an instant such as 2026-11-22T10:00:00Z)");
            }
            try {
                int partition = Integer.parseInt(parts[1]);
                long offset = Long.parseLong(parts[2]);
                if (partition < 0 || offset < 0) {
                    throw new NumberFormatException("negative");
                }
                if (offsets.put(new SourcePartition(parts[0], partition), offset) != null) {
                    throw new IllegalArgumentException("partition " + parts[0] + ":" + partition + " is named twice");
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "'" + item.trim() + "' is not topic:partition:offset with a partition and offset >= 0", e);
            }
        }
        return new RangeBound(Kind.OFFSETS, null, offsets);
    }

    /**
     * This bound in {@code partition}, given where it begins and ends, and the offsets of {@link
     * #time}; empty for a partition an offset list does not name.
     */
    Optional<Long> in(SourcePartition partition, long beginning, long end, Map<SourcePartition, Long> atTime) {
        return switch (kind) {
            case EARLIEST -> Optional.of(beginning);
            case END -> Optional.of(end);
            case TIME -> Optional.of(atTime.get(partition));
            case OFFSETS -> Optional.ofNullable(offsets.get(partition));
        };
    }
}

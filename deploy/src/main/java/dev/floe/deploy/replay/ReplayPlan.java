package dev.floe.deploy.replay;

import dev.floe.engine.spi.sink.SourcePartition;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code floe replay} reads: per source partition, the offsets of the asked range that no
 * commit of the table covers (by the pipeline, an earlier replay, or any other Floe writer), and
 * that lie below where the live pipeline has committed (what is above is the live pipeline's to
 * read; reading it here too would duplicate it).
 *
 * @param holes per partition, the ranges to read, in offset order, none empty
 * @param notReplayable per partition, why (part of) the asked range is left out, for the report
 */
public record ReplayPlan(Map<SourcePartition, List<OffsetRange>> holes, Map<SourcePartition, String> notReplayable) {
    public ReplayPlan {
        Map<SourcePartition, List<OffsetRange>> copy = new TreeMap<>();
        holes.forEach((partition, ranges) -> {
            if (!ranges.isEmpty()) {
                copy.put(partition, List.copyOf(ranges));
            }
        });
        holes = Map.copyOf(copy);
        notReplayable = Map.copyOf(notReplayable);
    }

    /**
     * Plans a replay.
     *
     * @param asked per partition, the range asked for
     * @param covered per partition, the ranges the table's commits cover, in any order, possibly
     *     overlapping
     * @param live per partition, where the live pipeline's newest commit ends ({@code floe.offsets});
     *     partitions it has not committed are left out
     * @param knownFrom per partition, the lowest offset the table's retained history speaks for, when
     *     snapshot expiry removed older commits (whose coverage is then unknown); empty when the
     *     whole history is there
     */
    public static ReplayPlan plan(
            Map<SourcePartition, OffsetRange> asked,
            Map<SourcePartition, List<OffsetRange>> covered,
            Map<SourcePartition, Long> live,
            Map<SourcePartition, Long> knownFrom) {
        Map<SourcePartition, List<OffsetRange>> holes = new TreeMap<>();
        Map<SourcePartition, String> left = new TreeMap<>();
        asked.forEach((partition, range) -> {
            Long end = live.get(partition);
            if (end == null) {
                if (!range.isEmpty()) {
                    left.put(partition, "the pipeline has committed nothing of it: the live pipeline reads it");
                }
                return;
            }
            long from = range.from();
            long to = Math.min(range.to(), end);
            if (range.to() > end) {
                left.put(partition, "offsets from " + end + " on are the live pipeline's to read");
            }
            Long known = knownFrom.get(partition);
            if (known != null && from < known) {
                left.put(
                        partition,
                        "offsets below " + known + " were committed in snapshots that expired: their coverage is"
                                + " unknown");
                from = Math.max(from, known);
            }
            if (from >= to) {
                return;
            }
            holes.put(partition, uncovered(new OffsetRange(from, to), covered.getOrDefault(partition, List.of())));
        });
        return new ReplayPlan(holes, left);
    }

    /** The parts of {@code range} outside every one of {@code covered}. */
    static List<OffsetRange> uncovered(OffsetRange range, Collection<OffsetRange> covered) {
        List<OffsetRange> sorted = new ArrayList<>(covered);
        sorted.sort((a, b) -> Long.compare(a.from(), b.from()));
        List<OffsetRange> holes = new ArrayList<>();
        long next = range.from();
        for (OffsetRange done : sorted) {
            if (done.isEmpty() || done.to() <= next) {
                continue;
            }
            if (done.from() >= range.to()) {
                break;
            }
            if (done.from() > next) {
                holes.add(new OffsetRange(next, done.from()));
            }
            next = Math.max(next, done.to());
        }
        if (next < range.to()) {
            holes.add(new OffsetRange(next, range.to()));
        }
        return holes;
    }

    public boolean isEmpty() {
        return holes.isEmpty();
    }

    /** How many offsets the plan reads. */
    public long offsets() {
        return holes.values().stream()
                .flatMap(List::stream)
                .mapToLong(OffsetRange::size)
                .sum();
    }

    /**
     * The bounded runs that read the plan: run {@code i} reads the {@code i}-th hole of each
     * partition (one contiguous range per partition and run, so each run's lineage is one range per
     * partition, as a commit's {@code floe.ranges} records it).
     */
    public List<Map<SourcePartition, OffsetRange>> rounds() {
        List<Map<SourcePartition, OffsetRange>> rounds = new ArrayList<>();
        for (int i = 0; ; i++) {
            Map<SourcePartition, OffsetRange> round = new TreeMap<>();
            for (Map.Entry<SourcePartition, List<OffsetRange>> entry : holes.entrySet()) {
                if (i < entry.getValue().size()) {
                    round.put(entry.getKey(), entry.getValue().get(i));
                }
            }
            if (round.isEmpty()) {
                return rounds;
            }
            rounds.add(round);
        }
    }
}

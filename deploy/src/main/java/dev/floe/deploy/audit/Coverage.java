package dev.floe.deploy.audit;

/**
 * What one Floe commit says about one source partition, as its {@code floe.ranges} entry {@code
 * [from, to, rows, first, last]} holds it: the offsets {@code [from, to)} it covers, and the rows
 * of them it added with their smallest and largest offset ({@code first} and {@code last} are -1
 * when it added none).
 */
public record Coverage(long from, long to, long rows, long first, long last) {
    /** Offsets in {@code [from, to)} the commit covers without a row in the table. */
    public long withoutRows() {
        return Math.max(0, to - from - rows);
    }
}

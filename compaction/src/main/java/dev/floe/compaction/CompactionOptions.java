package dev.floe.compaction;

import dev.floe.engine.spi.config.ConfigOption;
import dev.floe.engine.spi.config.ConfigSection;
import dev.floe.engine.spi.config.ConfigSpec;
import dev.floe.engine.spi.config.DataSize;
import dev.floe.engine.spi.config.ValueType;
import java.time.Duration;
import java.util.List;

/** The compaction section's keys: the background compactor and each table's policy. */
public final class CompactionOptions {
    private CompactionOptions() {}

    private static final CompactionPolicy DEFAULTS = CompactionPolicy.defaults();

    // a table's policy

    public static final ConfigOption<String> TABLE = ConfigOption.string("table")
            .required()
            .constraint(name -> name.matches("[A-Za-z0-9_]+(\\.[A-Za-z0-9_]+)+"), "namespace.table")
            .description("The table, as namespace.table");

    public static final ConfigOption<DataSize> TARGET_FILE_SIZE = ConfigOption.of("targetFileSize", ValueType.DATA_SIZE)
            .defaultValue(DataSize.ofBytes(DEFAULTS.targetFileSize()))
            .description("The size rewritten data files are cut at");

    public static final ConfigOption<DataSize> SMALL_FILE_SIZE = ConfigOption.of("smallFileSize", ValueType.DATA_SIZE)
            .description("Data files below this size are rewritten; default: three quarters of targetFileSize");

    public static final ConfigOption<Integer> MIN_INPUT_FILES = ConfigOption.of("minInputFiles", ValueType.INTEGER)
            .defaultValue(DEFAULTS.minInputFiles())
            .constraint(n -> n >= 1, "at least 1")
            .description("A partition's small files are rewritten only when it has at least this many");

    public static final ConfigOption<Integer> DELETE_FILE_THRESHOLD = ConfigOption.of(
                    "deleteFileThreshold", ValueType.INTEGER)
            .defaultValue(DEFAULTS.deleteFileThreshold())
            .constraint(n -> n >= 1, "at least 1")
            .description("A data file with at least this many delete files is rewritten whatever its size; files"
                    + " with the most deletes are rewritten first");

    public static final ConfigOption<Integer> TRIGGER_SMALL_FILES = ConfigOption.of(
                    "triggerSmallFiles", ValueType.INTEGER)
            .defaultValue(DEFAULTS.triggerSmallFiles())
            .constraint(n -> n >= 1, "at least 1")
            .description("The background compactor runs when the table has at least this many small files");

    public static final ConfigOption<Integer> TRIGGER_DELETE_FILE_PERCENT = ConfigOption.of(
                    "triggerDeleteFilePercent", ValueType.INTEGER)
            .defaultValue((int) Math.round(DEFAULTS.triggerDeleteFileRatio() * 100))
            .constraint(n -> n >= 1, "at least 1")
            .description("The background compactor runs when delete files reach this percentage of data files");

    public static final ConfigOption<DataSize> TRIGGER_SMALL_BYTES = ConfigOption.of(
                    "triggerSmallBytes", ValueType.DATA_SIZE)
            .description("The background compactor runs when the small files hold at least this much; unset: never"
                    + " by size");

    public static final ConfigOption<Duration> TRIGGER_INTERVAL = ConfigOption.of("triggerInterval", ValueType.DURATION)
            .defaultValue(DEFAULTS.triggerInterval())
            .description("The background compactor runs when its last run on the table is this old, whatever the"
                    + " other triggers say");

    public static final ConfigOption<Integer> MAX_CONCURRENT_REWRITES = ConfigOption.of(
                    "maxConcurrentRewrites", ValueType.INTEGER)
            .defaultValue(DEFAULTS.maxConcurrentRewrites())
            .constraint(n -> n >= 1, "at least 1")
            .description("File groups rewritten at the same time");

    public static final ConfigOption<DataSize> MAX_BYTES_PER_RUN = ConfigOption.of(
                    "maxBytesPerRun", ValueType.DATA_SIZE)
            .defaultValue(DataSize.ofBytes(DEFAULTS.maxBytesPerRun()))
            .description("Input bytes one run rewrites at most; the other groups wait for the next run");

    public static final ConfigOption<List<String>> SKIP_PARTITIONS = ConfigOption.of(
                    "skipPartitions", ValueType.STRING_LIST)
            .defaultValue(List.of())
            .description("Partitions never rewritten, as paths in the table's layout (region=eu,"
                    + " ts_hour=2026-11-22-10)");

    public static final ConfigOption<Duration> SKIP_PARTITIONS_WRITTEN_WITHIN = ConfigOption.of(
                    "skipPartitionsWrittenWithin", ValueType.DURATION)
            .defaultValue(Duration.ZERO)
            .description("Partitions that received a data file this recently are left alone (the current hour of an"
                    + " hourly table, say); 0s rewrites them too");

    public static final ConfigOption<Duration> SNAPSHOT_RETENTION = ConfigOption.of(
                    "snapshotRetention", ValueType.DURATION)
            .defaultValue(DEFAULTS.snapshotRetention())
            .description("Snapshots older than this are expired; the floe-<pipeline> tags' snapshots are kept");

    public static final ConfigOption<Integer> MIN_SNAPSHOTS = ConfigOption.of("minSnapshots", ValueType.INTEGER)
            .defaultValue(DEFAULTS.minSnapshots())
            .constraint(n -> n >= 1, "at least 1")
            .description("Snapshots kept whatever their age");

    public static final ConfigOption<Duration> ORPHAN_AGE = ConfigOption.of("orphanAge", ValueType.DURATION)
            .defaultValue(DEFAULTS.orphanAge())
            .constraint(
                    age -> age.compareTo(Duration.ofHours(1)) >= 0,
                    "at least 1h: younger files may be commits" + " in flight")
            .description("Files in the table's location that no snapshot or metadata refers to are removed once"
                    + " they are this old");

    public static final ConfigOption<Integer> MAX_MANIFESTS = ConfigOption.of("maxManifests", ValueType.INTEGER)
            .defaultValue(DEFAULTS.maxManifests())
            .constraint(n -> n >= 1, "at least 1")
            .description("Manifests are rewritten when the current snapshot has more than this many small ones");

    public static final ConfigOption<DataSize> SMALL_MANIFEST_SIZE = ConfigOption.of(
                    "smallManifestSize", ValueType.DATA_SIZE)
            .defaultValue(DataSize.ofBytes(DEFAULTS.smallManifestSize()))
            .description("Manifests below this size count as small");

    public static final ConfigSpec TABLE_POLICY = ConfigSpec.of(
            "tables",
            "A table the background compactor maintains, with its policy",
            List.of(
                    TABLE,
                    TARGET_FILE_SIZE,
                    SMALL_FILE_SIZE,
                    MIN_INPUT_FILES,
                    DELETE_FILE_THRESHOLD,
                    TRIGGER_SMALL_FILES,
                    TRIGGER_DELETE_FILE_PERCENT,
                    TRIGGER_SMALL_BYTES,
                    TRIGGER_INTERVAL,
                    MAX_CONCURRENT_REWRITES,
                    MAX_BYTES_PER_RUN,
                    SKIP_PARTITIONS,
                    SKIP_PARTITIONS_WRITTEN_WITHIN,
                    SNAPSHOT_RETENTION,
                    MIN_SNAPSHOTS,
                    ORPHAN_AGE,
                    MAX_MANIFESTS,
                    SMALL_MANIFEST_SIZE));

    public static final ConfigOption<List<ConfigSection>> TABLES =
            ConfigOption.sectionList("tables", TABLE_POLICY).description(TABLE_POLICY.description());

    // the compactor

    public static final ConfigOption<Boolean> ENABLED = ConfigOption.of("enabled", ValueType.BOOLEAN)
            .defaultValue(false)
            .description("Run the compactor in the background of floe run; floe compact works either way");

    public static final ConfigOption<Duration> CHECK_INTERVAL = ConfigOption.of("checkInterval", ValueType.DURATION)
            .defaultValue(Duration.ofMinutes(1))
            .constraint(interval -> interval.compareTo(Duration.ofMillis(100)) >= 0, "at least 100ms")
            .description("How often the background compactor checks each table's triggers");

    public static final ConfigOption<Boolean> EXPIRE_SNAPSHOTS = ConfigOption.of("expireSnapshots", ValueType.BOOLEAN)
            .defaultValue(true)
            .description("Whether the background compactor also expires snapshots, removes orphan files and"
                    + " rewrites manifests after a run");

    public static final ConfigSpec COMPACTION = ConfigSpec.of(
            "compaction",
            "Table maintenance: rewriting small files and deletes, expiring snapshots, removing orphan files",
            List.of(ENABLED, CHECK_INTERVAL, EXPIRE_SNAPSHOTS, TABLES));

    public static final ConfigOption<ConfigSection> COMPACTION_SECTION =
            ConfigOption.section("compaction", COMPACTION).description(COMPACTION.description());
}

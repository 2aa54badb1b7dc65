package dev.floe.iceberg;

import dev.floe.engine.spi.config.ConfigOption;
import dev.floe.engine.spi.config.ConfigSection;
import dev.floe.engine.spi.config.ConfigSpec;
import dev.floe.engine.spi.config.DataSize;
import dev.floe.engine.spi.config.ValueType;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The Iceberg sink's config keys: the catalog at the root, the table in each pipeline's sink. */
public final class IcebergOptions {
    private IcebergOptions() {}

    // catalog

    public static final ConfigOption<String> CATALOG_NAME = ConfigOption.string("name")
            .defaultValue("floe")
            .description("The catalog's name; for a JDBC catalog shared with Trino it must equal Trino's"
                    + " iceberg.jdbc-catalog.catalog-name");

    public static final ConfigOption<String> CATALOG_TYPE = ConfigOption.string("type")
            .constraint(
                    type -> List.of("jdbc", "rest", "hadoop", "hive", "glue", "nessie")
                            .contains(type),
                    "one of jdbc, rest, hadoop, hive, glue, nessie")
            .description("The kind of Iceberg catalog, loaded with Iceberg's own catalog loading; required unless"
                    + " properties.catalog-impl names a catalog class");

    public static final ConfigOption<String> CATALOG_URI = ConfigOption.string("uri")
            .description("The catalog's URI: a JDBC URL (jdbc:sqlite:..., jdbc:postgresql://...), a REST endpoint,"
                    + " a Hive metastore thrift URI");

    public static final ConfigOption<String> WAREHOUSE = ConfigOption.string("warehouse")
            .description("Where new tables' files go: file:///path or s3://bucket/path");

    public static final ConfigOption<Map<String, String>> CATALOG_PROPERTIES = ConfigOption.of(
                    "properties", ValueType.STRING_MAP)
            .defaultValue(Map.of())
            .description("More Iceberg catalog properties (jdbc.user, jdbc.password, io-impl, s3.endpoint,"
                    + " s3.path-style-access, s3.access-key-id, s3.secret-access-key, client.region, ...)");

    public static final ConfigSpec CATALOG = ConfigSpec.of(
            "catalog",
            "The Iceberg catalog every pipeline's tables live in",
            List.of(CATALOG_NAME, CATALOG_TYPE, CATALOG_URI, WAREHOUSE, CATALOG_PROPERTIES));

    public static final ConfigOption<ConfigSection> CATALOG_SECTION =
            ConfigOption.section("catalog", CATALOG).required().description(CATALOG.description());

    // a pipeline's table

    public static final ConfigOption<String> TABLE = ConfigOption.string("table")
            .required()
            // ${topic} and ${column} are the router's, not environment variables
            .template()
            .constraint(
                    name -> TableRouter.check(name) == null, "namespace.table, optionally with ${topic} or ${column}")
            .description("The table, as namespace.table; or a template that routes each record to a table of its own,"
                    + " with ${topic} for the record's topic and ${column} for a top-level column's value (raw.${topic},"
                    + " sales.orders_${country}): values are lower-cased and every character other than a letter, a"
                    + " digit or _ becomes _. Tables are created as they are first needed and committed independently."
                    + " Environment variables are not substituted in this key: its ${...} are the template's");

    public static final ConfigOption<List<String>> FORMER_IDS = ConfigOption.of("formerIds", ValueType.STRING_LIST)
            .defaultValue(List.of())
            .description("Ids this pipeline had before it was renamed: their commits in the tables count as its own,"
                    + " so the rename neither repeats nor skips a record. Without it, a pipeline is refused a table"
                    + " where another pipeline already ingests the same topics");

    public static final ConfigOption<List<String>> PARTITION_BY = ConfigOption.of("partitionBy", ValueType.STRING_LIST)
            .defaultValue(List.of())
            .description("The partition spec of a table Floe creates: column, year(col), month(col), day(col),"
                    + " hour(col), bucket(N, col), truncate(W, col)");

    public static final ConfigOption<List<String>> SORT_BY = ConfigOption.of("sortBy", ValueType.STRING_LIST)
            .defaultValue(List.of())
            .description("The sort order of a table Floe creates: column or transform (as in partitionBy), then"
                    + " optionally ASC or DESC and NULLS FIRST or NULLS LAST. Rows are sorted within each data file"
                    + " by the table's sort order, whether Floe created it or not");

    public static final ConfigOption<Integer> SORT_BUFFER_ROWS = ConfigOption.of("sortBufferRows", ValueType.INTEGER)
            .defaultValue(TableConfig.DEFAULT_SORT_BUFFER_ROWS)
            .constraint(n -> n >= 1, "at least 1")
            .description("For tables with a sort order: rows a subtask holds in memory, over every table it"
                    + " writes, to sort them; when reached, the file being written is sorted and written out, so a"
                    + " checkpoint interval holding more rows gives more (each sorted) files");

    public static final ConfigOption<Integer> FORMAT_VERSION = ConfigOption.of("formatVersion", ValueType.INTEGER)
            .defaultValue(2)
            .constraint(v -> v == 2 || v == 3, "2 or 3")
            .description("The format version of a table Floe creates");

    public static final ConfigOption<DataSize> TARGET_FILE_SIZE = ConfigOption.of("targetFileSize", ValueType.DATA_SIZE)
            .description("Roll data files at this size; default: the table's write.target-file-size-bytes, or 128MB");

    public static final ConfigOption<Integer> MAX_OPEN_FILES = ConfigOption.of("maxOpenFiles", ValueType.INTEGER)
            .defaultValue(64)
            .constraint(n -> n >= 1, "at least 1")
            .description("Open data files per subtask, over every table it writes (one per table and partition"
                    + " being written); past it the least recently written is closed, and a new file is started when"
                    + " its partition gets rows again");

    public static final ConfigOption<Map<String, String>> TABLE_PROPERTIES = ConfigOption.of(
                    "tableProperties", ValueType.STRING_MAP)
            .defaultValue(Map.of())
            .description("Properties of a table Floe creates (write.parquet.compression-codec, ...)");

    public static final ConfigOption<Boolean> CREATE_TABLE = ConfigOption.of("createTable", ValueType.BOOLEAN)
            .defaultValue(true)
            .description("Create the table from the first record's schema when it does not exist");

    public static final ConfigOption<String> MODE = ConfigOption.string("mode")
            .defaultValue("append")
            .constraint(mode -> mode.equals("append") || mode.equals("upsert"), "append or upsert")
            .description("append: every record becomes a row. upsert: the table keeps one row per key of its identifier"
                    + " fields, the last record written of that key; older rows of the key stop being visible"
                    + " (equality deletes, format v2 or later)");

    public static final ConfigOption<List<String>> IDENTIFIER_FIELDS = ConfigOption.of(
                    "identifierFields", ValueType.STRING_LIST)
            .defaultValue(List.of())
            .description("For mode upsert: the key columns (top level, required). They become the identifier fields"
                    + " of a table Floe creates; default: the existing table's identifier fields. Partition columns"
                    + " must be among them");

    public static final ConfigOption<String> DELETE_WHEN = ConfigOption.string("deleteWhen")
            .constraint(condition -> UpsertKey.checkDeleteWhen(condition) == null, "column = value")
            .description("For mode upsert: 'column = value'; a record whose column holds the value (compared as"
                    + " text) deletes its key instead of being written (op = D, say)");

    // when a table is committed

    public static final ConfigOption<String> COMMIT_EVERY = ConfigOption.string("every")
            .constraint("checkpoint"::equals, "checkpoint")
            .description("checkpoint: commit each table at every checkpoint (the default when neither minBytes nor"
                    + " maxAge is set)");

    public static final ConfigOption<DataSize> COMMIT_MIN_BYTES = ConfigOption.of("minBytes", ValueType.DATA_SIZE)
            .description("Commit a table once its uncommitted data files hold this much (128MB, say), or at maxAge,"
                    + " whichever comes first; requires maxAge. Fewer commits (snapshots, each covering several"
                    + " checkpoints), data visible later");

    public static final ConfigOption<Duration> COMMIT_MAX_AGE = ConfigOption.of("maxAge", ValueType.DURATION)
            .description("Commit a table at the first checkpoint after its oldest uncommitted row reached the sink"
                    + " this long ago (5m, say), if minBytes did not commit it earlier. Checkpoints in between"
                    + " keep the table's files as pending commits, stored in each checkpoint, so a crash loses"
                    + " and repeats nothing; a stop commits them");

    public static final ConfigOption<Integer> COMMIT_PARALLELISM = ConfigOption.of("parallelism", ValueType.INTEGER)
            .defaultValue(CommitPolicy.DEFAULT_PARALLELISM)
            .constraint(tables -> tables >= 1 && tables <= 64, "between 1 and 64")
            .description("How many of the pipeline's tables are committed at once, when a checkpoint is due in"
                    + " several (a routed sink); each table's commit stays one atomic snapshot, and"
                    + " one that fails does not stop the others");

    public static final ConfigSpec COMMIT = ConfigSpec.of(
            "commit",
            "When each table is committed: at every checkpoint (default), or when minBytes or maxAge is reached,"
                    + " whichever comes first",
            List.of(COMMIT_EVERY, COMMIT_MIN_BYTES, COMMIT_MAX_AGE, COMMIT_PARALLELISM));

    public static final ConfigOption<ConfigSection> COMMIT_SECTION =
            ConfigOption.section("commit", COMMIT).description(COMMIT.description());

    public static final ConfigSpec SINK = ConfigSpec.of(
            "sink",
            "A pipeline's Iceberg table",
            List.of(
                    TABLE,
                    PARTITION_BY,
                    SORT_BY,
                    SORT_BUFFER_ROWS,
                    FORMAT_VERSION,
                    TARGET_FILE_SIZE,
                    MAX_OPEN_FILES,
                    TABLE_PROPERTIES,
                    CREATE_TABLE,
                    FORMER_IDS,
                    MODE,
                    IDENTIFIER_FIELDS,
                    DELETE_WHEN,
                    COMMIT_SECTION));
}

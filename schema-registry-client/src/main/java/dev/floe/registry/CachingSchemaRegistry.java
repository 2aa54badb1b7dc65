package dev.floe.registry;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.avro.Resolver;
import org.apache.avro.Schema;

/**
 * The registry as decoding needs it, in memory:
 *
 * <ul>
 *   <li>schemas by id, fetched once and kept (ids are immutable), at most {@link
 *       SchemaCacheConfig#maxSchemas()}, the least recently used evicted beyond; concurrent
 *       lookups of one missing id share one request;
 *   <li>Avro schemas parsed with the schemas they reference, fetched by subject and version;
 *   <li>writer-to-reader resolutions per (writer id, reader schema), by the Avro specification's
 *       rules, at most {@link SchemaCacheConfig#maxResolutionsPerSchema()} per writer;
 *   <li>ids the registry does not know, remembered for {@link SchemaCacheConfig#unknownIdTtl()}, so
 *       that a burst of records naming one makes one request;
 *   <li>subject versions, and each subject's latest, reused for {@link
 *       SchemaCacheConfig#subjectTtl()}.
 * </ul>
 *
 * <p>A hit on {@link #avroSchema}, {@link #schemaById} or {@link #resolution} takes no lock and
 * allocates nothing. Time comes from the given nanosecond ticker. Thread-safe.
 */
public final class CachingSchemaRegistry implements AutoCloseable {
    private static final int LATEST = -1;

    private final SchemaRegistryClient client;
    private final SchemaCacheConfig config;
    private final LongSupplier nanoTime;
    private final SchemaIdCache<Entry> byId;
    private final ConcurrentMap<Integer, CompletableFuture<Entry>> loading = new ConcurrentHashMap<>();
    private final LruCache<Integer, UnknownId> unknownIds;
    private final LruCache<SubjectKey, Fetched> subjectVersions;

    /** A cache with {@link SchemaCacheConfig#DEFAULT} bounds on the system's ticker. */
    public CachingSchemaRegistry(SchemaRegistryClient client) {
        this(client, SchemaCacheConfig.DEFAULT, System::nanoTime);
    }

    /** A cache with {@code config}'s bounds on the system's ticker. */
    public CachingSchemaRegistry(SchemaRegistryClient client, SchemaCacheConfig config) {
        this(client, config, System::nanoTime);
    }

    /**
     * @param client the registry
     * @param config the bounds and lifetimes
     * @param nanoTime a monotonic ticker in nanoseconds ({@code System::nanoTime} but in tests)
     */
    public CachingSchemaRegistry(SchemaRegistryClient client, SchemaCacheConfig config, LongSupplier nanoTime) {
        this.client = Objects.requireNonNull(client, "client");
        this.config = Objects.requireNonNull(config, "config");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.byId = new SchemaIdCache<>(config.maxSchemas());
        this.unknownIds = new LruCache<>(config.maxSchemas());
        this.subjectVersions = new LruCache<>(config.maxSubjectVersions());
    }

    public SchemaRegistryClient client() {
        return client;
    }

    /**
     * The schema with id {@code id}.
     *
     * @throws SchemaNotFoundException when the registry has no such id, or a schema it references
     *     is missing
     * @throws RegistryUnavailableException when no registry answered; nothing is remembered
     */
    public RegisteredSchema schemaById(int id) {
        return entry(id).schema;
    }

    /**
     * The parsed Avro schema with id {@code id}.
     *
     * @throws SchemaNotFoundException when the registry has no such id, or a schema it references
     *     is missing
     * @throws RegistryRequestException when the schema is not Avro or does not parse
     */
    public Schema avroSchema(int id) {
        return avro(entry(id));
    }

    /**
     * How records written with schema {@code writerId} read as {@code reader}, by the Avro
     * specification's resolution rules (field matching by name and alias, defaults, promotions,
     * enum defaults, union branches). Cached per (writer id, reader schema); equal reader schemas
     * share a resolution, and passing the same instance makes a hit cheapest.
     */
    public Resolver.Action resolution(int writerId, Schema reader) {
        Entry entry = entry(writerId);
        Schema writer = avro(entry);
        Resolver.Action action = entry.resolutions.get(reader);
        if (action == null) {
            action = Resolver.resolve(writer, reader);
            entry.resolutions.put(reader, action);
        }
        return action;
    }

    /** Version {@code version} of {@code subject}, reused for {@link SchemaCacheConfig#subjectTtl()}. */
    public SubjectVersion version(String subject, int version) {
        return subjectVersion(new SubjectKey(subject, version), () -> client.version(subject, version));
    }

    /** The latest version of {@code subject}, reused for {@link SchemaCacheConfig#subjectTtl()}. */
    public SubjectVersion latestVersion(String subject) {
        return subjectVersion(new SubjectKey(subject, LATEST), () -> client.latestVersion(subject));
    }

    @Override
    public void close() {
        client.close();
    }

    private static Schema avro(Entry entry) {
        if (entry.avro == null) {
            throw new RegistryRequestException(entry.failure, 0);
        }
        return entry.avro;
    }

    private Entry entry(int id) {
        Entry entry = byId.get(id);
        return entry != null ? entry : load(id);
    }

    /** The miss path: one request per id however many threads miss it at once. */
    private Entry load(int id) {
        CompletableFuture<Entry> mine = new CompletableFuture<>();
        CompletableFuture<Entry> theirs = loading.putIfAbsent(id, mine);
        if (theirs != null) {
            try {
                return theirs.join();
            } catch (CompletionException e) {
                // the loader's own exception, which says what the caller must do
                if (e.getCause() instanceof RuntimeException failure) {
                    throw failure;
                }
                throw e;
            }
        }
        try {
            // a load that ended between our miss and our putIfAbsent left its outcome here
            Entry entry = byId.get(id);
            if (entry == null) {
                throwIfRecentlyUnknown(id);
                entry = fetch(id);
                byId.put(id, entry);
            }
            mine.complete(entry);
            return entry;
        } catch (RuntimeException | Error e) {
            // complete in every case: the threads waiting on this load must not wait forever
            mine.completeExceptionally(e);
            throw e;
        } finally {
            loading.remove(id, mine);
        }
    }

    private void throwIfRecentlyUnknown(int id) {
        UnknownId unknown = unknownIds.get(id);
        if (unknown == null) {
            return;
        }
        if (nanoTime.getAsLong() - unknown.since() < config.unknownIdTtl().toNanos()) {
            throw new SchemaNotFoundException(unknown.message(), unknown.errorCode());
        }
        unknownIds.remove(id, unknown);
    }

    private Entry fetch(int id) {
        RegisteredSchema schema = rememberingUnknown(id, () -> client.schemaById(id));
        if (!RegisteredSchema.AVRO.equals(schema.schemaType())) {
            return failed(
                    schema,
                    "Cannot decode with schema id " + id + ": it is a " + schema.schemaType() + " schema, not AVRO");
        }
        try {
            Schema avro = rememberingUnknown(
                    id,
                    () -> AvroSchemaParser.parse(
                            id,
                            schema,
                            (subject, version) -> version(subject, version).schema()));
            return new Entry(schema, avro, null, config.maxResolutionsPerSchema());
        } catch (RegistryRequestException e) {
            // the schema and the versions it references never change: neither does this failure
            return failed(schema, e.getMessage());
        }
    }

    private Entry failed(RegisteredSchema schema, String failure) {
        return new Entry(schema, null, failure, 1);
    }

    /** Remembers for a while that {@code id} is unknown, or that a schema it references is. */
    private <T> T rememberingUnknown(int id, Supplier<T> fetch) {
        try {
            return fetch.get();
        } catch (SchemaNotFoundException e) {
            if (!config.unknownIdTtl().isZero()) {
                unknownIds.put(id, new UnknownId(e.getMessage(), e.errorCode(), nanoTime.getAsLong()));
            }
            throw e;
        }
    }

    private SubjectVersion subjectVersion(SubjectKey key, Supplier<SubjectVersion> fetch) {
        Duration ttl = config.subjectTtl();
        if (ttl.isZero()) {
            return fetch.get();
        }
        Fetched cached = subjectVersions.get(key);
        if (cached != null && nanoTime.getAsLong() - cached.at() < ttl.toNanos()) {
            return cached.version();
        }
        SubjectVersion fresh = fetch.get();
        subjectVersions.put(key, new Fetched(fresh, nanoTime.getAsLong()));
        return fresh;
    }

    /** A cached schema: parsed when it is Avro, else the reason it cannot be decoded. */
    private static final class Entry {
        final RegisteredSchema schema;
        final Schema avro;
        final String failure;
        final LruCache<Schema, Resolver.Action> resolutions;

        Entry(RegisteredSchema schema, Schema avro, String failure, int maxResolutions) {
            this.schema = schema;
            this.avro = avro;
            this.failure = failure;
            this.resolutions = new LruCache<>(maxResolutions);
        }
    }

    private record UnknownId(String message, int errorCode, long since) {}

    private record SubjectKey(String subject, int version) {}

    private record Fetched(SubjectVersion version, long at) {}
}

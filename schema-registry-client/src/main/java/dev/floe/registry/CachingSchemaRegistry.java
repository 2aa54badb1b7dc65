package dev.floe.registry;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.avro.Resolver;
import org.apache.avro.Schema;

/**
 * Schemas by id, fetched once and kept: ids are immutable. Concurrent lookups of one missing id
 * share one request. Thread-safe.
 */
public final class CachingSchemaRegistry implements AutoCloseable {
    private final SchemaRegistryClient client;
    private final ConcurrentMap<Integer, CompletableFuture<Entry>> byId = new ConcurrentHashMap<>();
    private final ConcurrentMap<ResolutionKey, Resolver.Action> resolutions = new ConcurrentHashMap<>();

    public CachingSchemaRegistry(SchemaRegistryClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    public SchemaRegistryClient client() {
        return client;
    }

    public RegisteredSchema schemaById(int id) {
        return entry(id).schema;
    }

    /**
     * The parsed Avro schema with id {@code id}.
     *
     * @throws SchemaNotFoundException when the registry has no such id
     * @throws RegistryRequestException when the schema is not Avro or does not parse
     */
    public Schema avroSchema(int id) {
        Entry entry = entry(id);
        if (entry.avro == null) {
            throw new RegistryRequestException(
                    "Cannot decode with schema id " + id + ": it is a " + entry.schema.schemaType()
                            + " schema, not AVRO",
                    0);
        }
        return entry.avro;
    }

    /**
     * How records written with schema {@code writerId} read as {@code reader}, by the Avro
     * specification's resolution rules (field matching by name and alias, defaults, promotions,
     * enum defaults, union branches). Cached per (writer id, reader schema).
     */
    public Resolver.Action resolution(int writerId, Schema reader) {
        ResolutionKey key = new ResolutionKey(writerId, reader);
        Resolver.Action action = resolutions.get(key);
        if (action == null) {
            action = Resolver.resolve(avroSchema(writerId), reader);
            resolutions.putIfAbsent(key, action);
        }
        return action;
    }

    private Entry entry(int id) {
        CompletableFuture<Entry> future = byId.get(id);
        if (future == null) {
            CompletableFuture<Entry> mine = new CompletableFuture<>();
            future = byId.putIfAbsent(id, mine);
            if (future == null) {
                future = mine;
                load(id, mine);
            }
        }
        try {
            return future.join();
        } catch (CompletionException e) {
            throw (RuntimeException) e.getCause();
        }
    }

    private void load(int id, CompletableFuture<Entry> future) {
        try {
            RegisteredSchema schema = client.schemaById(id);
            Schema avro = null;
            if (RegisteredSchema.AVRO.equals(schema.schemaType())) {
                try {
                    avro = new Schema.Parser().parse(schema.schema());
                } catch (RuntimeException e) {
                    throw new RegistryRequestException(
                            "Cannot parse the Avro schema with id " + id + ": " + e.getMessage(), 0);
                }
            }
            future.complete(new Entry(schema, avro));
        } catch (RuntimeException e) {
            // a failed lookup is not cached: the next record asks again
            byId.remove(id, future);
            future.completeExceptionally(e);
        }
    }

    @Override
    public void close() {
        client.close();
    }

    private record Entry(RegisteredSchema schema, Schema avro) {}

    /** Avro schemas compare by content, so equal reader schemas share a resolution. */
    private record ResolutionKey(int writerId, Schema reader) {}
}

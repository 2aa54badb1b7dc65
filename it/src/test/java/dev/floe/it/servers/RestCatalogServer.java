package dev.floe.it.servers;

import dev.floe.deploy.process.ServerProcess;
import java.net.URI;

/**
 * Iceberg's REST catalog fixture server, its tables' files in an S3-compatible store.
 *
 * @param process the server's JVM
 * @param uri the catalog's REST endpoint
 * @param warehouse where the server puts new tables: s3://bucket/path
 * @param store the store holding the warehouse
 */
public record RestCatalogServer(ServerProcess process, URI uri, String warehouse, S3Store store)
        implements AutoCloseable {
    @Override
    public void close() {
        process.close();
    }
}

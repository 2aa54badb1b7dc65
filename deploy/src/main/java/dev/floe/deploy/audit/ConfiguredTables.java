package dev.floe.deploy.audit;

import dev.floe.engine.cli.Sinks;
import dev.floe.engine.config.ConfigLoader;
import dev.floe.engine.config.FloeConfig;
import dev.floe.engine.config.PipelineConfig;
import dev.floe.iceberg.SinkTables;
import dev.floe.iceberg.SnapshotMarkers;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchTableException;

/**
 * The Iceberg tables of one of a config's pipelines.
 *
 * @param pipeline the pipeline
 * @param tables where it writes
 */
record ConfiguredTables(PipelineConfig pipeline, SinkTables tables) {
    ConfiguredTables {
        Objects.requireNonNull(pipeline, "pipeline");
        Objects.requireNonNull(tables, "tables");
    }

    /** Loads {@code file} the way {@code floe run} does (environment variables resolved). */
    static FloeConfig load(Path file) throws IOException {
        return new ConfigLoader(
                        Sinks.installed(), System::getenv, Runtime.getRuntime().availableProcessors())
                .load(file);
    }

    /**
     * The names of the tables this pipeline writes: its table, or for a routed pipeline every
     * table of the catalog that carries the pipeline's tag ({@code floe-<pipeline>}), which its
     * committer puts on each table it commits to.
     */
    List<String> tableNames(Catalog catalog) {
        if (!tables.routed()) {
            return List.of(tables.table());
        }
        List<String> names = new ArrayList<>();
        if (!(catalog instanceof SupportsNamespaces namespaces)) {
            return names;
        }
        for (Namespace namespace : allNamespaces(namespaces, Namespace.empty())) {
            for (TableIdentifier identifier : catalog.listTables(namespace)) {
                try {
                    Table table = catalog.loadTable(identifier);
                    if (tables.pipelineIds().stream()
                            .anyMatch(id -> table.refs().containsKey(SnapshotMarkers.tag(id)))) {
                        names.add(identifier.toString());
                    }
                } catch (NoSuchTableException e) {
                    // dropped while listing: not a table of this pipeline any more
                }
            }
        }
        names.sort(String::compareTo);
        return names;
    }

    private static List<Namespace> allNamespaces(SupportsNamespaces catalog, Namespace parent) {
        List<Namespace> all = new ArrayList<>();
        for (Namespace namespace : catalog.listNamespaces(parent)) {
            all.add(namespace);
            all.addAll(allNamespaces(catalog, namespace));
        }
        return all;
    }

    /** The Iceberg sinks of {@code config}'s pipelines, in config order. */
    static List<ConfiguredTables> of(FloeConfig config) {
        List<ConfiguredTables> all = new ArrayList<>();
        for (PipelineConfig pipeline : config.pipelines()) {
            SinkTables.of(pipeline.sink()).ifPresent(tables -> all.add(new ConfiguredTables(pipeline, tables)));
        }
        return all;
    }

    /** Closes a catalog that holds connections (JDBC, REST); a CLI run ends right after anyway. */
    static void closeQuietly(Catalog catalog) {
        if (catalog instanceof Closeable closeable) {
            try {
                closeable.close();
            } catch (IOException | RuntimeException e) {
                // nothing is left to do with the catalog
            }
        }
    }
}

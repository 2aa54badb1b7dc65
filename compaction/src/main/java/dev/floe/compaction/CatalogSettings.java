package dev.floe.compaction;

import dev.floe.engine.spi.config.ConfigOption;
import dev.floe.engine.spi.config.ConfigSection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.catalog.Catalog;

/**
 * The catalog the pipelines' tables live in, read from the config's {@code catalog} section. The
 * Iceberg sink declares that section; compaction reads it by its keys so that both see the same
 * tables through the same catalog properties, without depending on the sink.
 *
 * @param name the catalog's name
 * @param type jdbc, rest, hadoop, hive, glue or nessie
 * @param uri the catalog URI, or null
 * @param warehouse the warehouse location, or null
 * @param properties further Iceberg catalog properties
 */
public record CatalogSettings(String name, String type, String uri, String warehouse, Map<String, String> properties) {
    static final String SECTION = "catalog";

    public CatalogSettings {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        properties = Map.copyOf(properties);
    }

    /** The root's catalog section, or null when the file declares none (no sink with a catalog installed). */
    static CatalogSettings from(ConfigSection root) {
        ConfigOption<?> option = root.spec().option(SECTION);
        if (option == null || option.shape() != ConfigOption.Shape.SECTION) {
            return null;
        }
        ConfigSection catalog = (ConfigSection) root.get(option);
        String type = (String) value(catalog, "type");
        @SuppressWarnings("unchecked")
        Map<String, String> properties = (Map<String, String>) value(catalog, "properties");
        return new CatalogSettings(
                (String) value(catalog, "name"),
                type == null ? "jdbc" : type,
                (String) value(catalog, "uri"),
                (String) value(catalog, "warehouse"),
                properties == null ? Map.of() : properties);
    }

    private static Object value(ConfigSection section, String key) {
        ConfigOption<?> option = section.spec().option(key);
        return option == null ? null : section.get(option);
    }

    /** Loads the catalog with the properties the Iceberg sink uses for it. */
    public Catalog load() {
        Map<String, String> all = new HashMap<>();
        // as the sink: one FileIO for every scheme, S3's URLConnection client, the JDBC schema Trino reads
        all.put(CatalogProperties.FILE_IO_IMPL, "org.apache.iceberg.io.ResolvingFileIO");
        all.put("http-client.type", "urlconnection");
        if (type.equals("jdbc")) {
            all.put("jdbc.schema-version", "V1");
        }
        all.putAll(properties);
        all.put(CatalogUtil.ICEBERG_CATALOG_TYPE, type);
        if (uri != null) {
            all.put(CatalogProperties.URI, uri);
        }
        if (warehouse != null) {
            all.put(CatalogProperties.WAREHOUSE_LOCATION, warehouse);
        }
        return CatalogUtil.buildIcebergCatalog(name, all, new Configuration());
    }

    @Override
    public String toString() {
        // properties may hold credentials
        return "CatalogSettings[name=" + name + ", type=" + type + ", uri=" + uri + ", warehouse=" + warehouse + "]";
    }
}

package dev.floe.iceberg;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.catalog.Catalog;

/**
 * The catalog section, validated.
 *
 * @param name the catalog's name
 * @param type jdbc, rest, hadoop, hive, glue or nessie; {@link #CUSTOM} with a {@link #CATALOG_IMPL}
 * @param uri the catalog URI, or null
 * @param warehouse the warehouse location, or null
 * @param properties further Iceberg catalog properties
 */
public record CatalogConfig(String name, String type, String uri, String warehouse, Map<String, String> properties) {
    /** The property naming a catalog class, for catalogs Iceberg has no type name for. */
    public static final String CATALOG_IMPL = CatalogProperties.CATALOG_IMPL;

    /** The type of a catalog given by {@link #CATALOG_IMPL}. */
    public static final String CUSTOM = "custom";

    public CatalogConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        properties = Map.copyOf(properties);
    }

    /** The properties handed to Iceberg's catalog loading, with Floe's defaults filled in. */
    public Map<String, String> catalogProperties() {
        Map<String, String> all = new HashMap<>();
        // one FileIO for every scheme: s3:// through S3FileIO, file:// through Hadoop's local FS
        all.put(CatalogProperties.FILE_IO_IMPL, "org.apache.iceberg.io.ResolvingFileIO");
        // S3FileIO's default, the Apache client, is not on Floe's class path; the URLConnection one is
        all.put("http-client.type", "urlconnection");
        if (type.equals("jdbc")) {
            // the schema version that views need and that Trino expects
            all.put("jdbc.schema-version", "V1");
        }
        all.putAll(properties);
        if (!properties.containsKey(CATALOG_IMPL)) {
            all.put(CatalogUtil.ICEBERG_CATALOG_TYPE, type);
        }
        if (uri != null) {
            all.put(CatalogProperties.URI, uri);
        }
        if (warehouse != null) {
            all.put(CatalogProperties.WAREHOUSE_LOCATION, warehouse);
        }
        return all;
    }

    /** Loads the catalog with Iceberg's own catalog loading. */
    public Catalog load() {
        return CatalogUtil.buildIcebergCatalog(name, catalogProperties(), new Configuration());
    }

    @Override
    public String toString() {
        // properties may hold credentials
        return "CatalogConfig[name=" + name + ", type=" + type + ", uri=" + uri + ", warehouse=" + warehouse + "]";
    }
}

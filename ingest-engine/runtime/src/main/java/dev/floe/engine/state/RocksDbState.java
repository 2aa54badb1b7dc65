package dev.floe.engine.state;

import org.rocksdb.ColumnFamilyHandle;

/**
 * A state the operator declared: its column family and what is recorded about it.
 *
 * @param name the state's name
 * @param column its column family, owned by the {@link RocksDbStore}
 * @param meta its kind, serializer version and time to live
 */
record RocksDbState(String name, ColumnFamilyHandle column, StateMeta meta) {}

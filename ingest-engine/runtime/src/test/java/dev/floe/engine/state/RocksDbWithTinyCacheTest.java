package dev.floe.engine.state;

import dev.floe.engine.spi.config.DataSize;

/**
 * The RocksDB backend's contract with a write-back cache that holds only a few entries, so that
 * nearly every write evicts a changed entry to RocksDB.
 */
class RocksDbWithTinyCacheTest extends RocksDbKeyedStateBackendTest {
    RocksDbWithTinyCacheTest() {
        cache = DataSize.ofBytes(4 * (RocksDbWriteCache.ENTRY_OVERHEAD + 64));
    }
}

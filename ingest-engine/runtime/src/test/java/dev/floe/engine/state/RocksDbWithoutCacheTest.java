package dev.floe.engine.state;

import dev.floe.engine.spi.config.DataSize;

/** The RocksDB backend's contract with its write-back cache off: every access goes to RocksDB. */
class RocksDbWithoutCacheTest extends RocksDbKeyedStateBackendTest {
    RocksDbWithoutCacheTest() {
        cache = DataSize.ofBytes(0);
    }
}

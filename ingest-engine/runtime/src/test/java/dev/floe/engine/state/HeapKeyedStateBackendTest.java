package dev.floe.engine.state;

import dev.floe.engine.dataflow.KeyGroupRange;

class HeapKeyedStateBackendTest extends KeyedStateBackendContractTest {
    @Override
    KeyedStateBackend backend(KeyGroupRange range) {
        return new HeapKeyedStateBackend("test", range, clock, Runnable::run);
    }

    @Override
    String backendName() {
        return HeapKeyedStateBackend.NAME;
    }
}

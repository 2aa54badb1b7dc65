package dev.floe.it.keyed;

import dev.floe.engine.checkpoint.CheckpointPhase;
import dev.floe.it.servers.EmbeddedServers;
import dev.floe.it.servers.EmbeddedServersExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Keyed state checkpointed at parallelism 4 and restored at another: key groups move whole
 * between subtasks, and the totals are those of a run that never rescaled.
 */
@ExtendWith(EmbeddedServersExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeyedRescaleIT {
    private KeyedScenario scenario;

    @BeforeAll
    void produce(EmbeddedServers servers) {
        scenario = KeyedScenario.produce(servers, "keyed-rescale", 20_000);
    }

    @ParameterizedTest(name = "from 4 to {0}")
    @ValueSource(ints = {2, 8})
    void totalsAreIdenticalAfterRestoringAtAnotherParallelism(int parallelism) {
        KeyedScenario.Run run = scenario.run("rescale-to-" + parallelism);

        run.haltAt(CheckpointPhase.OFFSETS_COMMITTED, 4);
        run.toTheEnd(parallelism);

        run.assertExact();
    }
}

package dev.floe.it.keyed;

import dev.floe.engine.checkpoint.CheckpointPhase;
import dev.floe.it.servers.EmbeddedServers;
import dev.floe.it.servers.EmbeddedServersExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A keyed pipeline killed at every phase of the checkpoint protocol, then restarted to the end of
 * its input: the table ends with exactly the totals of a run that was never killed.
 */
@ExtendWith(EmbeddedServersExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeyedCrashMatrixIT {
    private KeyedScenario scenario;

    @BeforeAll
    void produce(EmbeddedServers servers) {
        scenario = KeyedScenario.produce(servers, "keyed-crash", 20_000);
    }

    @ParameterizedTest(name = "killed at {0}")
    @EnumSource(CheckpointPhase.class)
    void totalsAreExactAfterAKillAt(CheckpointPhase phase) {
        KeyedScenario.Run run =
                scenario.run("crash-" + phase.name().toLowerCase().replace('_', '-'));

        run.haltAt(phase, 2);
        run.toTheEnd(2);

        run.assertExact();
    }

    @Test
    void totalsAreExactWithoutAKill() {
        KeyedScenario.Run run = scenario.run("no-crash");

        run.toTheEnd(2);

        run.assertExact();
    }
}

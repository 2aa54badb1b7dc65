package dev.floe.it.exactlyonce;

import dev.floe.engine.checkpoint.CheckpointListener;
import dev.floe.engine.checkpoint.CheckpointPhase;

/**
 * Kills the JVM it runs in, as {@code kill -9} would (no shutdown hooks, nothing flushed), the
 * first time the checkpoint protocol reaches a chosen phase: for tests that crash a Floe process at
 * an exact moment. Inert unless the process's environment has {@code FLOE_TEST_HALT_AT} set to
 * {@code PHASE:CHECKPOINT}, meaning that phase of that checkpoint or a later one.
 */
public final class HaltingListener implements CheckpointListener {
    /** The exit status of a halted process, as a shell reports a SIGKILL. */
    public static final int HALTED = 137;

    public static final String VARIABLE = "FLOE_TEST_HALT_AT";

    private final CheckpointPhase phase;
    private final long fromCheckpoint;

    public HaltingListener() {
        String setting = System.getenv(VARIABLE);
        if (setting == null || setting.isBlank()) {
            this.phase = null;
            this.fromCheckpoint = Long.MAX_VALUE;
        } else {
            String[] parts = setting.split(":");
            this.phase = CheckpointPhase.valueOf(parts[0]);
            this.fromCheckpoint = Long.parseLong(parts[1]);
        }
    }

    @Override
    public void onPhase(String pipelineId, CheckpointPhase reached, long checkpointId, int subtask) {
        if (reached == phase && checkpointId >= fromCheckpoint) {
            System.err.println("HaltingListener: halting at " + reached + " of checkpoint " + checkpointId
                    + (subtask >= 0 ? " in subtask " + subtask : ""));
            System.err.flush();
            Runtime.getRuntime().halt(HALTED);
        }
    }
}

package dev.floe.engine.checkpoint;

/**
 * Observes the checkpoint protocol. Found with {@link java.util.ServiceLoader}; called on the
 * thread that reached the phase, so an implementation must be quick and must not throw.
 */
public interface CheckpointListener {
    /**
     * @param pipelineId the pipeline
     * @param phase the phase reached
     * @param checkpointId the checkpoint
     * @param subtask the subtask for subtask phases, -1 for the coordinator's
     */
    void onPhase(String pipelineId, CheckpointPhase phase, long checkpointId, int subtask);
}

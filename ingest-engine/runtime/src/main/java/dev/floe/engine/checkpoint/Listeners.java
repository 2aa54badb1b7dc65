package dev.floe.engine.checkpoint;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The installed {@link CheckpointListener}s; one failing listener never disturbs the protocol. */
public final class Listeners {
    private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);

    private final List<CheckpointListener> listeners;

    public Listeners(List<CheckpointListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    /** The listeners found on the class path. */
    public static Listeners installed() {
        List<CheckpointListener> found = new ArrayList<>();
        ServiceLoader.load(CheckpointListener.class).forEach(found::add);
        return new Listeners(found);
    }

    public void notify(String pipelineId, CheckpointPhase phase, long checkpointId, int subtask) {
        for (CheckpointListener listener : listeners) {
            try {
                listener.onPhase(pipelineId, phase, checkpointId, subtask);
            } catch (RuntimeException e) {
                LOG.warn("Checkpoint listener {} failed at {} of checkpoint {}", listener, phase, checkpointId, e);
            }
        }
    }
}

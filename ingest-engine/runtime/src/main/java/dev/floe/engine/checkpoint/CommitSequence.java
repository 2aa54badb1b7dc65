package dev.floe.engine.checkpoint;

import dev.floe.engine.deadletter.DeadLetterCodec;
import dev.floe.engine.source.ConsumerGroupOffsets;
import dev.floe.engine.spi.deadletter.DeadLetter;
import dev.floe.engine.spi.deadletter.DeadLetterDelivery;
import dev.floe.engine.spi.sink.SinkCommitter;
import dev.floe.engine.spi.sink.SourceOffsets;
import dev.floe.engine.spi.sink.SourcePartition;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Brings a stored checkpoint to every destination, in order: dead letters (with their delivery
 * marker), the sink, then the consumer group's offsets for lag monitoring. Each step remembers how
 * far it got, so a failed sequence resumes where it stopped; each is idempotent, so a sequence
 * repeated after a restart changes nothing that was done.
 *
 * <p>Used only from the coordinator's thread.
 */
public final class CommitSequence {
    private final String pipelineId;
    private final CheckpointStorage storage;
    private final SinkCommitter committer;
    private final DeadLetterDelivery deadLetters;
    private final ConsumerGroupOffsets groups;
    private final String lagGroupId;
    private final Listeners listeners;

    private StoredCheckpoint latest;
    private List<StoredCheckpoint.DeadLetterBatch> undelivered = new ArrayList<>();
    /** Dead letters below these offsets were delivered (read from Kafka after a restart). */
    private SourceOffsets deliveredBelow;

    private long deliveredUpTo;
    private long sinkCommittedUpTo;
    private long lagCommittedUpTo;
    private int waiting;
    /** Whether the newest stored checkpoint is a stop's last: the sink commits it whatever its policy. */
    private boolean flush;

    public CommitSequence(
            String pipelineId,
            CheckpointStorage storage,
            SinkCommitter committer,
            DeadLetterDelivery deadLetters,
            ConsumerGroupOffsets groups,
            String lagGroupId,
            Listeners listeners,
            SourceOffsets deliveredBelow) {
        this.pipelineId = pipelineId;
        this.storage = storage;
        this.committer = committer;
        this.deadLetters = deadLetters;
        this.groups = groups;
        this.lagGroupId = lagGroupId;
        this.listeners = listeners;
        this.deliveredBelow = deliveredBelow;
    }

    /** A checkpoint restored after a restart: everything in it is redone, idempotently. */
    void restored(StoredCheckpoint checkpoint) {
        latest = checkpoint;
        undelivered = new ArrayList<>(checkpoint.deadLetters());
        deliveredUpTo = sinkCommittedUpTo = lagCommittedUpTo = checkpoint.checkpointId() - 1;
        waiting = 1;
    }

    /** The dead-letter batches not yet delivered, to keep in the next stored checkpoint. */
    List<StoredCheckpoint.DeadLetterBatch> undelivered() {
        return List.copyOf(undelivered);
    }

    /** Attachment paths that stored checkpoints still need. */
    Set<String> referencedPaths() {
        return undelivered.stream().map(StoredCheckpoint.DeadLetterBatch::path).collect(Collectors.toSet());
    }

    /** A checkpoint just stored: it is the newest, and its batches include all undelivered ones. */
    void stored(StoredCheckpoint checkpoint) {
        latest = checkpoint;
        undelivered = new ArrayList<>(checkpoint.deadLetters());
        waiting++;
        flush = false;
    }

    /**
     * A stop's final checkpoint just stored: as {@link #stored}, and the sink commits everything
     * prepared, even what its commit policy would let wait (nothing else would commit it).
     */
    void storedFinal(StoredCheckpoint checkpoint) {
        stored(checkpoint);
        flush = true;
    }

    /** Stored checkpoints whose commit has not completed. */
    int waiting() {
        return waiting;
    }

    boolean isComplete() {
        return latest == null || lagCommittedUpTo >= latest.checkpointId();
    }

    /** The newest stored checkpoint, committed or not, or 0. */
    long latestStored() {
        return latest == null ? 0 : latest.checkpointId();
    }

    /** The newest checkpoint fully committed everywhere, or 0. */
    long completedUpTo() {
        return latest == null ? 0 : lagCommittedUpTo;
    }

    /**
     * Runs the steps not yet done for the newest stored checkpoint.
     *
     * @throws dev.floe.engine.spi.error.RetriableException when a step can be tried again later
     */
    void run() {
        if (isComplete()) {
            return;
        }
        long id = latest.checkpointId();
        if (deliveredUpTo < id) {
            List<DeadLetter> letters = new ArrayList<>();
            for (StoredCheckpoint.DeadLetterBatch batch : undelivered) {
                for (DeadLetter letter : DeadLetterCodec.decode(storage.read(batch.path()))) {
                    if (!wasDelivered(letter)) {
                        letters.add(letter);
                    }
                }
            }
            deadLetters.deliver(id, letters, latest.offsets());
            deliveredBelow = latest.offsets();
            undelivered = new ArrayList<>();
            deliveredUpTo = id;
            listeners.notify(pipelineId, CheckpointPhase.DEAD_LETTERS_DELIVERED, id, -1);
        }
        if (sinkCommittedUpTo < id) {
            if (flush) {
                committer.flush(id);
            } else {
                committer.commit(id);
            }
            sinkCommittedUpTo = id;
            listeners.notify(pipelineId, CheckpointPhase.SINK_COMMITTED, id, -1);
        }
        if (lagCommittedUpTo < id) {
            groups.commit(lagGroupId, latest.offsets(), "floe checkpoint " + id);
            lagCommittedUpTo = id;
            waiting = 0;
            listeners.notify(pipelineId, CheckpointPhase.OFFSETS_COMMITTED, id, -1);
        }
    }

    private boolean wasDelivered(DeadLetter letter) {
        long below = deliveredBelow
                .offset(new SourcePartition(letter.topic(), letter.partition()))
                .orElse(-1);
        return letter.offset() < below;
    }
}

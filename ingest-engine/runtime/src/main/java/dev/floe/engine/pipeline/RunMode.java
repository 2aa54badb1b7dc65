package dev.floe.engine.pipeline;

/** How long a pipeline reads. */
public enum RunMode {
    /** Until stopped. */
    CONTINUOUS,
    /**
     * Up to the end each partition had when the pipeline started, then a final checkpoint is
     * committed and the pipeline stops: a backfill on the same engine.
     */
    UNTIL_END
}

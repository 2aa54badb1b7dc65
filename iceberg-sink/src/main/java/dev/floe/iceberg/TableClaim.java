package dev.floe.iceberg;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.UUID;

/**
 * One run's claim on the tables of its pipeline: the value of the table property {@code
 * floe.claim.<pipeline>}, naming the run, its host and when it started. The newest run of a
 * pipeline holds the claim; older runs still alive are fenced (see {@link FencingTableOperations}).
 *
 * @param pipelineId the pipeline
 * @param value {@code <run id> <host> <started>}
 */
record TableClaim(String pipelineId, String value) {
    static final String PREFIX = "floe.claim.";

    static TableClaim newRun(String pipelineId, Instant started) {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown-host";
        }
        return new TableClaim(pipelineId, UUID.randomUUID() + " " + host + " " + started);
    }

    String property() {
        return PREFIX + pipelineId;
    }

    /** A commit of a run that another run of the same pipeline has taken over. */
    static final class FencedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        FencedException(TableClaim claim, String holder) {
            super("another instance of pipeline " + claim.pipelineId() + " took the table over (run "
                    + (holder == null ? "unknown" : holder) + "; this run is " + claim.value()
                    + "); this instance stops so that no checkpoint is committed twice");
        }
    }
}

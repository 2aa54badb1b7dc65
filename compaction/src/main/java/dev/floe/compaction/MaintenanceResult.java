package dev.floe.compaction;

/**
 * What table maintenance did.
 *
 * @param expiredSnapshots snapshots expired
 * @param removedOrphans files no snapshot or metadata referred to, removed
 * @param rewrittenManifests small manifests rewritten (0 when there were too few to bother)
 */
public record MaintenanceResult(int expiredSnapshots, int removedOrphans, int rewrittenManifests) {}

package dev.floe.iceberg;

import dev.floe.engine.spi.sink.SourceOffsets;
import dev.floe.engine.spi.sink.SourcePartition;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * One checkpoint's data files for one table, durable in manifests but not yet committed.
 *
 * @param checkpointId the checkpoint
 * @param startOffsets where the sources stood at the previous checkpoint
 * @param offsets where the sources resume after this one
 * @param tableUuid the table the files were written for
 * @param manifests the manifests listing the files, each encoded by Iceberg's {@code
 *     ManifestFiles.encode}
 * @param files how many data files
 * @param records rows in them
 * @param bytes their size
 * @param lineage per source partition, how many rows and their first and last offset
 * @param deleteManifests for an upsert table, the delete manifests listing the checkpoint's
 *     equality delete files, encoded as {@code manifests} are
 */
record PendingCommit(
        long checkpointId,
        SourceOffsets startOffsets,
        SourceOffsets offsets,
        String tableUuid,
        List<EncodedManifest> manifests,
        int files,
        long records,
        long bytes,
        Map<SourcePartition, OffsetLineage.Range> lineage,
        List<EncodedManifest> deleteManifests) {
    PendingCommit {
        deleteManifests = List.copyOf(deleteManifests);
        Objects.requireNonNull(startOffsets, "startOffsets");
        Objects.requireNonNull(offsets, "offsets");
        Objects.requireNonNull(tableUuid, "tableUuid");
        manifests = List.copyOf(manifests);
        lineage = new TreeMap<>(lineage);
    }

    /** A commit of data files only. */
    PendingCommit(
            long checkpointId,
            SourceOffsets startOffsets,
            SourceOffsets offsets,
            String tableUuid,
            List<EncodedManifest> manifests,
            int files,
            long records,
            long bytes,
            Map<SourcePartition, OffsetLineage.Range> lineage) {
        this(checkpointId, startOffsets, offsets, tableUuid, manifests, files, records, bytes, lineage, List.of());
    }

    /** One manifest, as Iceberg encodes its description. */
    static final class EncodedManifest {
        private final byte[] bytes;

        EncodedManifest(byte[] bytes) {
            this.bytes = bytes.clone();
        }

        byte[] bytes() {
            return bytes.clone();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof EncodedManifest && Arrays.equals(bytes, ((EncodedManifest) other).bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return bytes.length + " bytes";
        }
    }

    @Override
    public String toString() {
        return "PendingCommit[checkpoint " + checkpointId + ", " + files + " files, " + records + " rows, manifests "
                + manifests.stream().map(EncodedManifest::toString).collect(Collectors.joining(", ")) + "]";
    }
}

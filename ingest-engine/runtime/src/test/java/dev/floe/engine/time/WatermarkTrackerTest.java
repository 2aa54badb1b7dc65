package dev.floe.engine.time;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.engine.spi.sink.SourcePartition;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class WatermarkTrackerTest {
    private static final List<SourcePartition> TWO =
            List.of(new SourcePartition("orders", 0), new SourcePartition("orders", 1));

    @Test
    void theWatermarkIsTheSlowestActivePartitionsNewestEventTimeMinusTheOutOfOrderness() {
        WatermarkTracker tracker = new WatermarkTracker(TWO, Duration.ofSeconds(5), Duration.ofMinutes(1), 0);
        tracker.observe("orders", 0, 100_000);
        assertThat(tracker.update(1_000))
                .as("partition 1 has said nothing yet")
                .isEqualTo(WatermarkTracker.Change.NONE);
        assertThat(tracker.watermark()).isEqualTo(Long.MIN_VALUE);

        tracker.observe("orders", 1, 50_000);
        tracker.observe("orders", 1, 40_000);
        assertThat(tracker.update(2_000)).isEqualTo(WatermarkTracker.Change.ADVANCED);
        assertThat(tracker.watermark()).isEqualTo(50_000 - 5_000 - 1);

        tracker.observe("orders", 1, 30_000);
        assertThat(tracker.update(3_000))
                .as("an out-of-order record moves nothing back")
                .isEqualTo(WatermarkTracker.Change.NONE);
        assertThat(tracker.watermark()).isEqualTo(44_999);
    }

    @Test
    void anIdlePartitionStopsHoldingTheWatermarkBackUntilItHasRecordsAgain() {
        WatermarkTracker tracker = new WatermarkTracker(TWO, Duration.ZERO, Duration.ofSeconds(30), 0);
        tracker.observe("orders", 0, 10_000);
        tracker.observe("orders", 1, 5_000);
        tracker.update(1_000);
        assertThat(tracker.watermark()).isEqualTo(4_999);

        tracker.observe("orders", 0, 90_000);
        assertThat(tracker.update(20_000)).isEqualTo(WatermarkTracker.Change.NONE);
        tracker.observe("orders", 0, 95_000);
        assertThat(tracker.update(31_000)).as("partition 1 silent for 30s").isEqualTo(WatermarkTracker.Change.ADVANCED);
        assertThat(tracker.watermark()).isEqualTo(94_999);

        tracker.observe("orders", 1, 60_000);
        tracker.update(32_000);
        assertThat(tracker.watermark()).as("a watermark never goes back").isEqualTo(94_999);
    }

    @Test
    void aSubtaskWhosePartitionsAreAllIdleIsIdleAndActiveAgainWithItsNextRecord() {
        WatermarkTracker tracker = new WatermarkTracker(TWO, Duration.ZERO, Duration.ofSeconds(30), 0);
        tracker.observe("orders", 0, 10_000);
        tracker.observe("orders", 1, 10_000);
        tracker.update(0);

        assertThat(tracker.update(30_000)).isEqualTo(WatermarkTracker.Change.IDLE);
        assertThat(tracker.update(40_000)).as("said once").isEqualTo(WatermarkTracker.Change.NONE);
        tracker.observe("orders", 1, 20_000);
        assertThat(tracker.update(41_000)).isEqualTo(WatermarkTracker.Change.ADVANCED);
        assertThat(tracker.watermark()).isEqualTo(19_999);
    }

    @Test
    void aSubtaskWithoutPartitionsIsIdleAtOnce() {
        WatermarkTracker tracker = new WatermarkTracker(List.of(), Duration.ZERO, Duration.ofSeconds(30), 0);

        assertThat(tracker.update(0)).isEqualTo(WatermarkTracker.Change.IDLE);
    }

    @Test
    void withoutAnIdleTimeoutASilentPartitionHoldsTheWatermarkForEver() {
        WatermarkTracker tracker = new WatermarkTracker(TWO, Duration.ZERO, Duration.ZERO, 0);
        tracker.observe("orders", 0, 10_000);

        assertThat(tracker.update(3_600_000)).isEqualTo(WatermarkTracker.Change.NONE);
        assertThat(tracker.watermark()).isEqualTo(Long.MIN_VALUE);
    }
}

package dev.floe.deploy.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.engine.spi.sink.SourcePartition;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RangeBoundTest {
    private static final SourcePartition P0 = new SourcePartition("orders", 0);
    private static final SourcePartition P1 = new SourcePartition("orders", 1);

    @Test
    void readsNamedOffsetsPerPartition() {
        RangeBound bound = RangeBound.parse("orders:0:15,orders:1:7");

        assertThat(bound.kind()).isEqualTo(RangeBound.Kind.OFFSETS);
        assertThat(bound.in(P0, 0, 100, Map.of())).contains(15L);
        assertThat(bound.in(P1, 0, 100, Map.of())).contains(7L);
        assertThat(bound.in(new SourcePartition("orders", 2), 0, 100, Map.of())).isEqualTo(Optional.empty());
    }

    @Test
    void earliestEndAndAnInstantResolveInEachPartition() {
        assertThat(RangeBound.parse("earliest").in(P0, 4, 100, Map.of())).contains(4L);
        assertThat(RangeBound.parse("end").in(P0, 4, 100, Map.of())).contains(100L);
        RangeBound time = RangeBound.parse("2026-11-22T10:00:00Z");
        assertThat(time.time()).isEqualTo(Instant.parse("2026-11-22T10:00:00Z"));
        assertThat(time.in(P0, 0, 100, Map.of(P0, 42L))).contains(42L);
    }

    @Test
    void refusesWhatIsNoBoundNamingIt() {
        assertThatThrownBy(() -> RangeBound.parse("orders:0"))
                .hasMessageContaining("'orders:0' is not topic:partition:offset");
        assertThatThrownBy(() -> RangeBound.parse("orders:x:1"))
                .hasMessageContaining("'orders:x:1' is not topic:partition:offset with a partition and offset >= 0");
        assertThatThrownBy(() -> RangeBound.parse("orders:0:1,orders:0:2"))
                .hasMessageContaining("partition orders:0 is named twice");
        assertThatThrownBy(() -> RangeBound.parse("2026-13-22T10:00:00Z")).hasMessageContaining("is not an instant");
    }
}

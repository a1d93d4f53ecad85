package org.numeter.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** When a file whose updates wait in memory is flushed: its rows, its age, the memory of all, oldest first. */
class PendingWritesTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void aFileIsDueWhenItsOldestUpdateIsOlderThanTheBoundOldestFirst() {
        PendingWrites<String> p = new PendingWrites<>(Duration.ofMinutes(5), 1 << 20, 100);
        p.dirtied("a", 0, 10 * SECOND);
        p.dirtied("b", 3, 20 * SECOND);
        assertThat(p.due(10 * SECOND + 299 * SECOND)).isNull();
        assertThat(p.due(10 * SECOND + 300 * SECOND)).isEqualTo(new PendingWrites.Dirty<>("a", 0, 10 * SECOND));
        assertThat(p.due(10 * SECOND + 300 * SECOND)).isNull();
        assertThat(p.due(20 * SECOND + 300 * SECOND).file()).isEqualTo("b");
        assertThat(p.queued()).isZero();
    }

    @Test
    void pastTheMemoryBoundTheOldestFilesAreDueWhateverTheirAge() {
        PendingWrites<String> p = new PendingWrites<>(Duration.ofMinutes(5), 1000, 100);
        p.dirtied("a", 0, 0);
        p.dirtied("b", 0, SECOND);
        p.add(1000);
        assertThat(p.overMemory()).isFalse();
        assertThat(p.due(2 * SECOND)).isNull();
        p.add(1);
        assertThat(p.overMemory()).isTrue();
        assertThat(p.due(2 * SECOND).file()).isEqualTo("a");
        p.add(-500);
        assertThat(p.due(2 * SECOND)).isNull();
        assertThat(p.bytes()).isEqualTo(501);
    }

    @Test
    void aFileIsFullAtItsBoundOfRowsAndZeroAgeTurnsWriteBehindOff() {
        PendingWrites<String> p = new PendingWrites<>(Duration.ofSeconds(1), 0, 100);
        assertThat(p.full(99)).isFalse();
        assertThat(p.full(100)).isTrue();
        assertThat(p.enabled()).isTrue();
        assertThat(new PendingWrites<String>(Duration.ZERO, 0, 100).enabled()).isFalse();
    }
}

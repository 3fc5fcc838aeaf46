package io.snapclone.connect.metrics;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapclone.pg.TableId;
import io.snapclone.pg.snapshot.Chunk;

import org.junit.jupiter.api.Test;

import java.util.List;

class SnapshotMetricsTest {
    @Test
    void aTaskWithoutSnapshotWorkIsNotRunningASnapshot() {
        SnapshotMetrics metrics = new SnapshotMetrics(new TaskBeanNames("c", "c", 0, 1), List.of());
        assertFalse(metrics.getSnapshotRunning(), "the streaming phase has no snapshot running");
        assertTrue(metrics.getSnapshotCompleted());
    }

    @Test
    void aTaskWithChunksRunsUntilTheyAreRead() {
        Chunk chunk = Chunk.whole(new TableId("public", "t"));
        SnapshotMetrics metrics = new SnapshotMetrics(new TaskBeanNames("c", "c", 0, 1), List.of(chunk));
        assertTrue(metrics.getSnapshotRunning());
        metrics.chunkRead(chunk, 1_000_000);
        assertFalse(metrics.getSnapshotRunning());
    }
}

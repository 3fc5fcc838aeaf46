package io.snapclone.connect.offset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapclone.connect.offset.SnapshotOffsets.Progress;
import io.snapclone.pg.TableId;
import io.snapclone.pg.snapshot.Chunk;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

class SnapshotOffsetsTest {
    private static final TableId ORDERS = new TableId("public", "orders");

    @Test
    void partitionIsPrefixTableAndStartBlock() {
        assertEquals(Map.of("server", "shop", "schema", "public", "table", "orders", "block", 100L),
                SnapshotOffsets.partition("shop", new Chunk(ORDERS, 100, 200), 0));
        assertEquals(SnapshotOffsets.partition("shop", ORDERS, 100),
                SnapshotOffsets.partition("shop", new Chunk(ORDERS, 100, Chunk.OPEN), 0));
    }

    @Test
    void aRequestedReloadKeepsItsChunksApartFromWhatEarlierLoadsCommitted() {
        assertEquals(Map.of("server", "shop", "schema", "public", "table", "orders", "block", 100L, "reload", 4711L),
                SnapshotOffsets.partition("shop", new Chunk(ORDERS, 100, 200), 4711));
        Map<String, Object> request = SnapshotOffsets.reloadPartition("shop", ORDERS);
        assertTrue(!request.equals(SnapshotOffsets.partition("shop", ORDERS, 0)));
        assertEquals(4711, SnapshotOffsets.reloadRequest(new java.util.HashMap<>(SnapshotOffsets.reloadRequested(4711, "sig-1", false))));
        assertEquals(0, SnapshotOffsets.reloadRequest(null));
    }

    @Test
    void partitionDependsOnPrefixAndBlock() {
        Map<String, Object> partition = SnapshotOffsets.partition("shop", ORDERS, 0);
        assertTrue(!partition.equals(SnapshotOffsets.partition("other", ORDERS, 0)));
        assertTrue(!partition.equals(SnapshotOffsets.partition("shop", ORDERS, 1)));
    }

    @Test
    void partitionRequiresAPrefix() {
        assertThrows(NullPointerException.class, () -> SnapshotOffsets.partition(null, ORDERS, 0));
    }

    @Test
    void rowsSentReadsBackAsUnfinished() {
        assertEquals(new Progress(42, false, Chunk.OPEN, new io.snapclone.pg.snapshot.Ctid(3, 7), 0), SnapshotOffsets.progress(SnapshotOffsets.rowsSent(42, "(3,7)")));
    }

    @Test
    void finishedBoundedChunkReadsBackWithItsEnd() {
        Map<String, Object> offset = SnapshotOffsets.finished(new Chunk(ORDERS, 100, 200), 7, 0);
        assertEquals(new Progress(7, true, 200, null, 0), SnapshotOffsets.progress(offset));
    }

    @Test
    void aFinishedChunkKeepsTheLsnOfItsSnapshot() {
        Map<String, Object> offset = SnapshotOffsets.finished(new Chunk(ORDERS, 0, Chunk.OPEN), 7, 0x1_6B37_4D48L);
        assertEquals(new Progress(7, true, Chunk.OPEN, null, 0x1_6B37_4D48L), SnapshotOffsets.progress(offset));
    }

    @Test
    void finishedOpenChunkReadsBackAsTheTableEnd() {
        Map<String, Object> offset = SnapshotOffsets.finished(new Chunk(ORDERS, 100, Chunk.OPEN), 7, 0);
        assertEquals(new Progress(7, true, Chunk.OPEN, null, 0), SnapshotOffsets.progress(offset));
    }

    @Test
    void noOffsetIsNoProgress() {
        assertSame(Progress.NONE, SnapshotOffsets.progress(null));
        assertEquals(new Progress(0, false, Chunk.OPEN, null, 0), Progress.NONE);
    }

    @Test
    void integerAndLongNumbersAreBothAccepted() {
        // A converter may hand small numbers back as Integer.
        Map<String, Object> asIntegers = Map.of("rows", 7, "done", true, "end", 200);
        Map<String, Object> asLongs = Map.of("rows", 7L, "done", true, "end", 200L);
        assertEquals(new Progress(7, true, 200, null, 0), SnapshotOffsets.progress(asIntegers));
        assertEquals(new Progress(7, true, 200, null, 0), SnapshotOffsets.progress(asLongs));
        assertEquals(new Progress(7, true, Chunk.OPEN, null, 0), SnapshotOffsets.progress(Map.of("rows", 7, "done", true, "end", -1)));
    }

    @Test
    void rowsAboveIntegerRangeSurvive() {
        long rows = 5_000_000_000L;
        assertEquals(rows, SnapshotOffsets.progress(SnapshotOffsets.rowsSent(rows, "(0,1)")).rows());
    }

    @Test
    void missingFieldsFallBack() {
        assertEquals(new Progress(0, false, Chunk.OPEN, null, 0), SnapshotOffsets.progress(Map.of()));
        Map<String, Object> withNulls = new HashMap<>();
        withNulls.put("rows", null);
        withNulls.put("done", null);
        assertEquals(new Progress(0, false, Chunk.OPEN, null, 0), SnapshotOffsets.progress(withNulls));
    }

    @Test
    void nonNumberIsRejectedNamingTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SnapshotOffsets.progress(Map.of("rows", "7", "done", false)));
        assertTrue(e.getMessage().contains("'rows'"), e.getMessage());
    }

    @Test
    void finishedChunkEndingAtBlockZeroOrBelowIsRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> SnapshotOffsets.progress(Map.of("rows", 1, "done", true, "end", 0)));
        assertThrows(IllegalArgumentException.class,
                () -> SnapshotOffsets.progress(Map.of("rows", 1, "done", true, "end", -2)));
    }

    @Test
    void doneMustBeTheBooleanTrue() {
        assertEquals(false, SnapshotOffsets.progress(Map.of("rows", 1, "done", "true", "end", 5)).done());
    }

    @Test
    void aHolderSaysWhichPlanItsSnapshotWasReadWith() {
        SnapshotOffsets.Holder holder = SnapshotOffsets.holder(new java.util.HashMap<>(SnapshotOffsets.holding(
                new io.snapclone.pg.snapshot.SnapshotId("00000003-0000001B-1"),
                new io.snapclone.pg.snapshot.Fingerprint("745:745:"), 1 << 20, 0x2000)));
        assertEquals(1 << 20, holder.chunkBytes());
        assertEquals(0x2000, holder.snapshotLsn(), "the snapshot's LSN, which a re-import keeps");
        assertEquals("745:745:", holder.fingerprint().value());
        // Published before plans were kept: no size, so a re-import plans as before; no LSN either.
        SnapshotOffsets.Holder old = SnapshotOffsets.holder(java.util.Map.of("snapshot", "00000003-0000001B-1",
                "fingerprint", "745:745:"));
        assertEquals(0, old.chunkBytes());
        assertEquals(0, old.snapshotLsn());
    }
}

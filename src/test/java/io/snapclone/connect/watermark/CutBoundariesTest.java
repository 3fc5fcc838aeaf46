package io.snapclone.connect.watermark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapclone.connect.watermark.CutBoundaries.Partition;

import org.junit.jupiter.api.Test;

import java.util.Map;

class CutBoundariesTest {
    private static final Partition ORDERS = new Partition("p.db.public.orders", 0);
    private static final Partition PAYMENTS = new Partition("p.db2.public.payments", 2);

    @Test
    void aCutEndsBeforeTheFirstRecordAfterItsLsn() {
        CutBoundaries cut = new CutBoundaries(Map.of(ORDERS, 0L));
        assertTrue(cut.offer(ORDERS, 0, 0, 100, 150), "a snapshot row at 100");
        assertTrue(cut.offer(ORDERS, 1, 120, 0, 150));
        assertTrue(cut.offer(ORDERS, 2, 150, 0, 150), "committed at the cut's LSN: in it");
        assertFalse(cut.offer(ORDERS, 3, 151, 0, 150));
        assertEquals(3, cut.next(ORDERS));
        assertFalse(cut.blocked());
        assertEquals(100, cut.maxSnapshotLsn());
    }

    @Test
    void recordsWithoutAnLsnDoNotStopACut() {
        CutBoundaries cut = new CutBoundaries(Map.of(ORDERS, 5L));
        assertTrue(cut.offer(ORDERS, 5, 0, 0, 10));
        assertEquals(6, cut.next(ORDERS));
    }

    @Test
    void aSnapshotRowAfterTheTargetBlocksTheCut() {
        CutBoundaries cut = new CutBoundaries(Map.of(ORDERS, 0L));
        assertFalse(cut.offer(ORDERS, 0, 0, 200, 150), "a row of a later snapshot (a reload)");
        assertTrue(cut.blocked());
        assertEquals(0, cut.next(ORDERS));
        cut.newScan();
        assertFalse(cut.blocked(), "a scan for another target starts unblocked");
    }

    @Test
    void aChangeAfterTheTargetDoesNotBlock() {
        CutBoundaries cut = new CutBoundaries(Map.of(ORDERS, 0L));
        assertFalse(cut.offer(ORDERS, 0, 200, 0, 150));
        assertFalse(cut.blocked());
    }

    @Test
    void theFirstCutTakesOnlySnapshotRowsToLearnWhereTheLatestSnapshotLies() {
        CutBoundaries cut = new CutBoundaries(Map.of(ORDERS, 0L));
        assertTrue(cut.offerSnapshotRow(ORDERS, 0, 0, 100, 500));
        assertTrue(cut.offerSnapshotRow(ORDERS, 1, 0, 140, 500));
        assertFalse(cut.offerSnapshotRow(ORDERS, 2, 120, 0, 500), "a change: the snapshot rows end here");
        assertEquals(2, cut.next(ORDERS));
        assertEquals(140, cut.maxSnapshotLsn());
        assertFalse(cut.offerSnapshotRow(ORDERS, 2, 0, 600, 500), "a snapshot past every stream's position");
        assertTrue(cut.blocked());
    }

    @Test
    void lsnsCompareUnsigned() {
        CutBoundaries cut = new CutBoundaries(Map.of(ORDERS, 0L));
        assertFalse(cut.offer(ORDERS, 0, 0x8000_0000_0000_0001L, 0, 0x7FFF_FFFF_FFFF_FFFFL), "past 8000000/0 is later");
        assertTrue(cut.offer(ORDERS, 0, 0x7FFF_FFFF_FFFF_FFFFL, 0, 0x8000_0000_0000_0001L));
    }

    @Test
    void theEndOfAPartitionWithoutRecordsIsReachedAndNeverGoesBack() {
        CutBoundaries cut = new CutBoundaries(Map.of(ORDERS, 7L));
        cut.reached(ORDERS, 9);
        assertEquals(9, cut.next(ORDERS));
        cut.reached(ORDERS, 8);
        assertEquals(9, cut.next(ORDERS));
    }

    @Test
    void encodedCutsDecodeToTheSameOffsets() {
        CutBoundaries cut = new CutBoundaries(Map.of(ORDERS, 12L, PAYMENTS, 3L));
        assertEquals("p.db.public.orders/0=12,p.db2.public.payments/2=3", cut.encode());
        assertEquals(cut.offsets(), CutBoundaries.decode(cut.encode()).offsets());
        assertEquals(Map.of(), CutBoundaries.decode(null).offsets());
    }

    @Test
    void partitionsGoneLeaveTheCut() {
        CutBoundaries cut = new CutBoundaries(Map.of(ORDERS, 12L, PAYMENTS, 3L));
        cut.retainOnly(java.util.Set.of(ORDERS));
        assertEquals(Map.of(ORDERS, 12L), cut.offsets());
    }

    @Test
    void aCopyMovesOnItsOwn() {
        CutBoundaries cut = new CutBoundaries(Map.of(ORDERS, 0L));
        CutBoundaries copy = cut.copy();
        copy.offer(ORDERS, 0, 1, 0, 5);
        assertEquals(0, cut.next(ORDERS));
        assertEquals(1, copy.next(ORDERS));
    }
}

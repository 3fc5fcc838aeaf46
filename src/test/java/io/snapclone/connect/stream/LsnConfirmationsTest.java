package io.snapclone.connect.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.snapclone.connect.offset.SnapshotOffsets.StreamPosition;

import org.junit.jupiter.api.Test;

class LsnConfirmationsTest {
    @Test
    void nothingIsConfirmedBeforeKafkaCommits() {
        LsnConfirmations confirmations = new LsnConfirmations();
        confirmations.emitted(new StreamPosition(500, 1));
        assertEquals(0, confirmations.toConfirm(900, true), "the server's position waits for Kafka");
    }

    @Test
    void aCommittedChangeConfirmsJustBelowItsCommitSoARestartGetsItsTransactionAgain() {
        LsnConfirmations confirmations = new LsnConfirmations();
        confirmations.emitted(new StreamPosition(500, 1));
        confirmations.emitted(new StreamPosition(500, 2));
        confirmations.committed(new StreamPosition(500, 1));
        assertEquals(499, confirmations.toConfirm(900, false));
        assertEquals(0, confirmations.toConfirm(900, false), "confirmed once");
        assertEquals(0, confirmations.toConfirm(900, true), "a record sent is not committed yet");
    }

    @Test
    void idleWithEverythingCommittedConfirmsTheServerPosition() {
        LsnConfirmations confirmations = new LsnConfirmations();
        confirmations.emitted(new StreamPosition(500, 1));
        confirmations.committed(new StreamPosition(500, 1));
        assertEquals(499, confirmations.toConfirm(900, false), "mid-transaction: only what Kafka has");
        assertEquals(900, confirmations.toConfirm(900, true));
        confirmations.committed(new StreamPosition(500, 1));
        assertEquals(0, confirmations.toConfirm(900, true), "never backwards");
    }

    @Test
    void anIdleStreamThatSentNothingFollowsTheServer() {
        LsnConfirmations confirmations = new LsnConfirmations();
        assertEquals(1200, confirmations.toConfirm(1200, true));
        assertEquals(0, confirmations.toConfirm(1200, true));
        assertEquals(1300, confirmations.toConfirm(1300, true));
    }
}

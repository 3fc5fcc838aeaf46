package io.snapclone.connect.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.TransactionContext;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

class TransactionBoundariesTest {
    private final List<SourceRecord> commitsAfter = new ArrayList<>();
    private final TransactionContext context = new TransactionContext() {
        @Override
        public void commitTransaction() {
            throw new AssertionError("always after a record");
        }

        @Override
        public void commitTransaction(SourceRecord record) {
            commitsAfter.add(record);
        }

        @Override
        public void abortTransaction() {
            throw new AssertionError("never aborts");
        }

        @Override
        public void abortTransaction(SourceRecord record) {
            throw new AssertionError("never aborts");
        }
    };
    private long now;
    private final TransactionBoundaries boundaries = new TransactionBoundaries(context, Duration.ofSeconds(30), "test",
            () -> now);

    @Test
    void aBatchEndsTheKafkaTransactionAfterItsLastWholePostgresTransaction() {
        SourceRecord first = record(1);
        boundaries.added(first);
        boundaries.transactionCommitted();
        boundaries.added(record(2)); // a transaction still open at the end of the batch
        boundaries.batchDone();
        assertEquals(List.of(first), commitsAfter);
    }

    @Test
    void anOpenTransactionIsNotSplitBeforeItsTime() {
        boundaries.added(record(1));
        now += Duration.ofSeconds(29).toNanos();
        boundaries.added(record(2));
        boundaries.batchDone();
        assertEquals(List.of(), commitsAfter);
    }

    @Test
    void aPostgresTransactionOpenLongerThanTheSplitTimeIsSplitAtTheBatchEnd() {
        boundaries.added(record(1));
        now += Duration.ofSeconds(31).toNanos();
        SourceRecord last = record(2);
        boundaries.added(last);
        boundaries.batchDone();
        assertEquals(List.of(last), commitsAfter);

        // The rest of it opens a new Kafka transaction, timed from its own first record.
        SourceRecord rest = record(3);
        boundaries.added(rest);
        boundaries.batchDone();
        assertEquals(List.of(last), commitsAfter);
        boundaries.transactionCommitted();
        boundaries.batchDone();
        assertEquals(List.of(last, rest), commitsAfter);
    }

    @Test
    void theTimeCountsFromTheFirstRecordOfTheOpenKafkaTransaction() {
        SourceRecord whole = record(1);
        boundaries.added(whole);
        boundaries.transactionCommitted();
        now += Duration.ofSeconds(60).toNanos(); // idle: no Kafka transaction open
        boundaries.batchDone();
        boundaries.added(record(2));
        now += Duration.ofSeconds(10).toNanos();
        boundaries.added(record(3));
        boundaries.batchDone();
        assertEquals(List.of(whole), commitsAfter);
    }

    @Test
    void withoutConnectorBoundariesNothingIsCommitted() {
        TransactionBoundaries none = new TransactionBoundaries(null, Duration.ofSeconds(30), "test", () -> now);
        none.added(record(1));
        none.transactionCommitted();
        now += Duration.ofSeconds(31).toNanos();
        none.added(record(2));
        none.batchDone();
        assertEquals(List.of(), commitsAfter);
    }

    private static SourceRecord record(int id) {
        return new SourceRecord(Map.of(), Map.of(), "t", null, id);
    }
}

package io.snapclone.connect.stream;

import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.TransactionContext;

/**
 * With exactly-once delivery and {@code transaction.boundary=connector}, Kafka transactions end
 * only where PostgreSQL transactions end: a consumer reading committed data sees each PostgreSQL
 * transaction whole or not at all. Several small ones share a Kafka transaction, at most one per
 * batch: one per PostgreSQL transaction is far too slow.
 *
 * <p>Called from the task's poll thread only.
 */
final class TransactionBoundaries {
    /** Connect's, when the connector defines transaction boundaries; else null. */
    private final TransactionContext context;
    private SourceRecord lastOfTransaction;
    private SourceRecord lastComplete;

    TransactionBoundaries(TransactionContext context) {
        this.context = context;
    }

    void added(SourceRecord record) {
        lastOfTransaction = record;
    }

    /** The PostgreSQL transaction whose records were {@link #added} committed. */
    void transactionCommitted() {
        if (lastOfTransaction != null) {
            lastComplete = lastOfTransaction;
        }
        lastOfTransaction = null;
    }

    /** The batch is complete: end the Kafka transaction after its last whole PostgreSQL transaction. */
    void batchDone() {
        if (context != null && lastComplete != null) {
            context.commitTransaction(lastComplete);
            lastComplete = null;
        }
    }
}

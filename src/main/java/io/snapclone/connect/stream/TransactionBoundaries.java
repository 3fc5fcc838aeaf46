package io.snapclone.connect.stream;

import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.TransactionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * With exactly-once delivery and {@code transaction.boundary=connector}, Kafka transactions end
 * only where PostgreSQL transactions end: a consumer reading committed data sees each PostgreSQL
 * transaction whole or not at all. Several small ones share a Kafka transaction, at most one per
 * batch: one per PostgreSQL transaction is far too slow.
 *
 * <p>Except a PostgreSQL transaction that takes longer to stream than the producer's
 * {@code transaction.timeout.ms}: the broker would abort its Kafka transaction, the task would
 * fail and stream it again, for ever. Once a Kafka transaction has been open for
 * {@code splitAfter}, it is committed at the end of the batch even within a PostgreSQL
 * transaction. The stream's offsets resume within a transaction, so the split loses and repeats
 * nothing; only the atomicity of that one transaction is given up.
 *
 * <p>Called from the task's poll thread only.
 */
final class TransactionBoundaries {
    private static final Logger log = LoggerFactory.getLogger(TransactionBoundaries.class);

    /** Connect's, when the connector defines transaction boundaries; else null. */
    private final TransactionContext context;
    private final String name;
    private final long splitAfterNanos;
    private final LongSupplier nanoClock;
    private SourceRecord lastOfTransaction;
    private SourceRecord lastComplete;
    /** When the first record of the open Kafka transaction was added; valid while one is open. */
    private long openedNanos;
    private boolean open;
    private boolean splitting;

    TransactionBoundaries(TransactionContext context, Duration splitAfter, String name) {
        this(context, splitAfter, name, System::nanoTime);
    }

    TransactionBoundaries(TransactionContext context, Duration splitAfter, String name, LongSupplier nanoClock) {
        this.context = context;
        this.name = name;
        this.splitAfterNanos = splitAfter.toNanos();
        this.nanoClock = nanoClock;
    }

    void added(SourceRecord record) {
        if (!open) {
            open = true;
            openedNanos = nanoClock.getAsLong();
        }
        lastOfTransaction = record;
    }

    /** The PostgreSQL transaction whose records were {@link #added} committed. */
    void transactionCommitted() {
        if (lastOfTransaction != null) {
            lastComplete = lastOfTransaction;
        }
        lastOfTransaction = null;
        splitting = false;
    }

    /** The batch is complete: end the Kafka transaction after its last whole PostgreSQL transaction. */
    void batchDone() {
        if (context == null) {
            return;
        }
        if (lastComplete != null) {
            context.commitTransaction(lastComplete);
            lastComplete = null;
            open = lastOfTransaction != null;
            openedNanos = nanoClock.getAsLong();
        } else if (lastOfTransaction != null && nanoClock.getAsLong() - openedNanos >= splitAfterNanos) {
            if (!splitting) {
                splitting = true;
                log.warn("Task {}: a PostgreSQL transaction has been streaming for longer than {} s: it is split across "
                        + "Kafka transactions so that none outlives the producer's transaction.timeout.ms "
                        + "(read_committed consumers see it in parts; nothing is lost or repeated)",
                        name, Duration.ofNanos(splitAfterNanos).toSeconds());
            }
            context.commitTransaction(lastOfTransaction);
            lastOfTransaction = null;
            open = false;
        }
    }
}

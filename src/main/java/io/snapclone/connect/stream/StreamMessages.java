package io.snapclone.connect.stream;

import static java.util.Objects.requireNonNull;

import io.snapclone.pg.pgoutput.Begin;
import io.snapclone.pg.pgoutput.Commit;
import io.snapclone.pg.pgoutput.Delete;
import io.snapclone.pg.pgoutput.Insert;
import io.snapclone.pg.pgoutput.PgOutputMessage;
import io.snapclone.pg.pgoutput.Relation;
import io.snapclone.pg.pgoutput.Truncate;
import io.snapclone.pg.pgoutput.Update;

import org.apache.kafka.connect.source.SourceRecord;

import java.sql.SQLException;
import java.util.List;

/**
 * Dispatches decoded pgoutput messages, in stream order, to the concern each one is for; knows
 * nothing of connections, so a message sequence can be tested without a server.
 *
 * <p>Called from the task's poll thread only.
 */
final class StreamMessages {
    private final StreamTables tables;
    private final StreamCursor cursor;
    private final ChangeRecords changes;
    private final TransactionBoundaries transactions;
    private final Signals signals;
    private boolean inTransaction;
    private long commits;

    StreamMessages(StreamTables tables, StreamCursor cursor, ChangeRecords changes, TransactionBoundaries transactions) {
        this(tables, cursor, changes, transactions, new Signals(null, "", "", java.util.Set.of(), "none"));
    }

    StreamMessages(StreamTables tables, StreamCursor cursor, ChangeRecords changes, TransactionBoundaries transactions,
                   Signals signals) {
        this.signals = requireNonNull(signals, "signals is null");
        this.tables = requireNonNull(tables, "tables is null");
        this.cursor = requireNonNull(cursor, "cursor is null");
        this.changes = requireNonNull(changes, "changes is null");
        this.transactions = requireNonNull(transactions, "transactions is null");
    }

    /** Whether a transaction's Begin was read but not yet its Commit. */
    boolean inTransaction() {
        return inTransaction;
    }

    /** The signals of the signal table, which those of other channels go through too. */
    Signals signals() {
        return signals;
    }

    /** Transactions whose Commit was read so far. */
    long commits() {
        return commits;
    }

    /** @param lsn where the message is in the WAL: a change's own position */
    void handle(PgOutputMessage message, long lsn, long nowMs, List<SourceRecord> out) throws SQLException {
        int before = out.size();
        if (message instanceof Begin begin) {
            inTransaction = true;
            cursor.begin(begin.finalLsn().value(), begin.xid(), begin.commitTimeMicros());
        } else if (message instanceof Commit commit) {
            inTransaction = false;
            cursor.committed(commit.endLsn().value());
            commits++;
            transactions.transactionCommitted();
        } else if (message instanceof Relation relation) {
            signals.relation(relation);
            tables.relation(relation);
        } else if (message instanceof Insert insert && signals.isSignalTable(insert.relationOid())) {
            signals.insert(insert, cursor.commitLsn(), nowMs, out);
        } else if (message instanceof Insert insert) {
            StreamTable table = tables.get(insert.relationOid());
            if (table != null) {
                changes.insert(table, insert, lsn, nowMs, out);
            }
        } else if (message instanceof Update update) {
            StreamTable table = tables.get(update.relationOid());
            if (table != null) {
                changes.update(table, update, lsn, nowMs, out);
            }
        } else if (message instanceof Delete delete) {
            StreamTable table = tables.get(delete.relationOid());
            if (table != null) {
                changes.delete(table, delete, lsn, nowMs, out);
            }
        } else if (message instanceof Truncate truncate) {
            for (int oid : truncate.relationOids()) {
                StreamTable table = tables.get(oid);
                if (table != null) {
                    changes.truncate(table, lsn, nowMs, out);
                }
            }
        }
        if (out.size() > before) {
            transactions.added(out.get(out.size() - 1));
        }
    }
}

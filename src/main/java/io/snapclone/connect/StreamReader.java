package io.snapclone.connect;

import static java.util.Objects.requireNonNull;

import io.snapclone.connect.config.TaskConfig;
import io.snapclone.connect.offset.SnapshotOffsets;
import io.snapclone.connect.offset.SnapshotOffsets.StreamPosition;
import io.snapclone.connect.record.TableRecordBuilder;
import io.snapclone.pg.Lsn;
import io.snapclone.pg.TableId;
import io.snapclone.pg.catalog.Catalog;
import io.snapclone.pg.catalog.Column;
import io.snapclone.pg.catalog.ColumnType;
import io.snapclone.pg.catalog.TableSchema;
import io.snapclone.pg.pgoutput.Begin;
import io.snapclone.pg.pgoutput.ColumnValue;
import io.snapclone.pg.pgoutput.Delete;
import io.snapclone.pg.pgoutput.Insert;
import io.snapclone.pg.pgoutput.OldTuple;
import io.snapclone.pg.pgoutput.PgOutputMessage;
import io.snapclone.pg.pgoutput.Relation;
import io.snapclone.pg.pgoutput.RelationColumn;
import io.snapclone.pg.pgoutput.Truncate;
import io.snapclone.pg.pgoutput.TupleData;
import io.snapclone.pg.pgoutput.Update;
import io.snapclone.pg.replication.ChangeStream;

import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.TransactionContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The streaming phase: reads the slot from where Kafka's committed offsets stop, turns pgoutput
 * changes into c/u/d/t records (with the same builders, so the same schemas, as the snapshot), and
 * confirms to PostgreSQL only what Kafka has committed.
 */
final class StreamReader implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StreamReader.class);

    private final TaskConfig config;
    private final OffsetStorageReader offsets;
    private final String name;
    private final Map<String, Object> partition;
    private final Predicate<TableId> captured;
    private final Map<Integer, TableRecordBuilder> builders = new HashMap<>();
    /** Per relation: for each of its builder's columns, the position in the relation's tuples (-1: absent). */
    private final Map<Integer, int[]> tuplePositions = new HashMap<>();
    private ChangeStream stream;
    private Connection catalogConnection;
    private Catalog catalog;
    private StreamPosition alreadySent;
    private long commitLsn;
    private long txId;
    private long commitMs;
    private long seq;
    private volatile long confirmable;
    private volatile StreamPosition lastEmitted = StreamPosition.START;
    private volatile boolean allCommitted = true;
    private boolean inTransaction;
    private SourceRecord lastOfTransaction;
    private SourceRecord lastCompleteRecord;
    private final TransactionContext transactions;
    private long confirmed;
    private long lastHeartbeatNanos = System.nanoTime();

    /** @param transactions Connect's, when the connector defines transaction boundaries; else null */
    StreamReader(TaskConfig config, OffsetStorageReader offsets, TransactionContext transactions, String name) {
        this.transactions = transactions;
        this.config = requireNonNull(config, "config is null");
        this.offsets = requireNonNull(offsets, "offsets is null");
        this.name = requireNonNull(name, "name is null");
        this.partition = SnapshotOffsets.streamPartition(config.topicPrefix(), config.slotName());
        this.captured = config.tableFilter();
    }

    void start() throws SQLException {
        alreadySent = SnapshotOffsets.streamPosition(offsets.offset(partition));
        catalogConnection = config.connectionSettings().open("snapclone-stream-catalog " + name);
        catalog = new Catalog(catalogConnection);
        // The server starts at the slot's confirmed position; changes up to alreadySent are skipped here.
        stream = ChangeStream.open(config.connectionSettings(), "snapclone-stream " + name, config.slotName(),
                config.publicationName(), Lsn.INVALID);
        log.info("Task {}: streaming changes from slot {} (publication {}), after commit {} change {}", name,
                config.slotName(), config.publicationName(), new Lsn(alreadySent.commitLsn()), alreadySent.seq());
    }

    /** Up to {@code max} records of what is pending now; never waits. */
    List<SourceRecord> poll(int max) throws SQLException {
        heartbeat();
        long toConfirm = confirmable;
        if (toConfirm != confirmed) {
            stream.confirm(new Lsn(toConfirm));
            confirmed = toConfirm;
        }
        List<SourceRecord> batch = new ArrayList<>();
        boolean pending = true;
        while (batch.size() < max) {
            ChangeStream.Message received = stream.poll();
            if (received == null) {
                pending = false;
                break;
            }
            handle(received.message(), batch);
        }
        if (transactions != null && lastCompleteRecord != null) {
            // Kafka transactions end only where PostgreSQL transactions end: a consumer reading
            // committed data sees each PostgreSQL transaction whole or not at all. Several small
            // ones share a Kafka transaction: one per PostgreSQL transaction is far too slow.
            transactions.commitTransaction(lastCompleteRecord);
            lastCompleteRecord = null;
        }
        if (!pending && batch.isEmpty() && allCommitted && !inTransaction) {
            // Idle, and Kafka holds all we sent: the server's position (from keepalives) is done too,
            // so the slot advances and keeps no WAL for an idle database.
            long idle = stream.lastReceived().value();
            if (Long.compareUnsigned(idle, confirmed) > 0) {
                stream.confirm(new Lsn(idle));
                confirmed = idle;
            }
        }
        return batch;
    }

    /** Runs heartbeat.action.query when it is due (the user's SQL, on the catalog session, autocommit). */
    private void heartbeat() throws SQLException {
        long interval = config.heartbeatInterval().toNanos();
        String query = config.heartbeatActionQuery();
        if (interval == 0 || query.isBlank() || System.nanoTime() - lastHeartbeatNanos < interval) {
            return;
        }
        lastHeartbeatNanos = System.nanoTime();
        try (java.sql.Statement statement = catalogConnection.createStatement()) {
            statement.execute(query);
        }
    }

    /** Called after Kafka committed offsets: what they cover may be confirmed to PostgreSQL. */
    void committed() {
        StreamPosition position = SnapshotOffsets.streamPosition(offsets.offset(partition));
        synchronized (this) {
            allCommitted = position.compareTo(lastEmitted) >= 0;
        }
        if (position.commitLsn() != 0) {
            // Just before that transaction's commit: a restart gets it again and skips what was sent.
            confirmable = position.commitLsn() - 1;
        }
    }

    private void handle(PgOutputMessage message, List<SourceRecord> batch) throws SQLException {
        long now = System.currentTimeMillis();
        if (message instanceof Begin begin) {
            inTransaction = true;
            commitLsn = begin.finalLsn().value();
            txId = begin.xid();
            commitMs = begin.commitTimeMicros() / 1000;
            seq = 0;
        } else if (message instanceof Relation relation) {
            TableRecordBuilder builder = builderFor(relation);
            builders.put(relation.oid(), builder);
            if (builder != null) {
                List<String> names = relation.columns().stream().map(RelationColumn::name).toList();
                tuplePositions.put(relation.oid(), builder.table().columns().stream()
                        .mapToInt(column -> names.indexOf(column.name())).toArray());
            }
        } else if (message instanceof Insert insert) {
            TableRecordBuilder builder = builders.get(insert.relationOid());
            if (builder != null) {
                emit(batch, builder, "c", null, fields(builder, insert.relationOid(), insert.newTuple()), now);
            }
        } else if (message instanceof Update update) {
            TableRecordBuilder builder = builders.get(update.relationOid());
            if (builder != null) {
                String[] after = fields(builder, update.relationOid(), update.newTuple());
                OldTuple old = update.oldTuple().orElse(null);
                if (old != null && old.kind() == OldTuple.Kind.KEY) {
                    // The key changed: as Debezium, a delete of the old key, its tombstone, a create of the new.
                    String[] before = fields(builder, update.relationOid(), old.tuple());
                    emit(batch, builder, "d", before, null, now);
                    emitTombstone(batch, builder, before, now);
                    emit(batch, builder, "c", null, after, now);
                } else {
                    String[] before = old == null ? null : fields(builder, update.relationOid(), old.tuple());
                    emit(batch, builder, "u", before, after, now);
                }
            }
        } else if (message instanceof Delete delete) {
            TableRecordBuilder builder = builders.get(delete.relationOid());
            if (builder != null) {
                String[] before = fields(builder, delete.relationOid(), delete.oldTuple().tuple());
                emit(batch, builder, "d", before, null, now);
                emitTombstone(batch, builder, before, now);
            }
        } else if (message instanceof io.snapclone.pg.pgoutput.Commit) {
            inTransaction = false;
            if (lastOfTransaction != null) {
                lastCompleteRecord = lastOfTransaction;
            }
            lastOfTransaction = null;
        } else if (message instanceof Truncate truncate) {
            for (int oid : truncate.relationOids()) {
                TableRecordBuilder builder = builders.get(oid);
                if (builder != null && next()) {
                    add(batch, builder.truncateRecord(partition, offset(), commitLsn, txId, commitMs, now));
                }
            }
        }
    }

    private void emit(List<SourceRecord> batch, TableRecordBuilder builder, String op, String[] before,
                      String[] after, long now) {
        if (next()) {
            add(batch, builder.changeRecord(op, before, after, partition, offset(), commitLsn, txId, commitMs, now));
        }
    }

    private void emitTombstone(List<SourceRecord> batch, TableRecordBuilder builder, String[] before, long now) {
        if (config.tombstonesOnDelete() && next()) {
            add(batch, builder.tombstone(before, partition, offset(), now));
        }
    }

    private void add(List<SourceRecord> batch, SourceRecord record) {
        batch.add(record);
        lastOfTransaction = record;
    }

    /** Advances to the next change of the transaction; false if Kafka already has it. */
    private synchronized boolean next() {
        seq++;
        StreamPosition position = new StreamPosition(commitLsn, seq);
        if (position.compareTo(alreadySent) <= 0) {
            return false;
        }
        lastEmitted = position;
        allCommitted = false;
        return true;
    }

    private Map<String, Object> offset() {
        return SnapshotOffsets.streamed(commitLsn, seq, txId);
    }

    /** The builder's columns' text from a tuple in the relation's column order. */
    private String[] fields(TableRecordBuilder builder, int relationOid, TupleData tuple) {
        int[] positions = tuplePositions.get(relationOid);
        String[] fields = new String[positions.length];
        for (int i = 0; i < positions.length; i++) {
            ColumnValue value = positions[i] < 0 || positions[i] >= tuple.size() ? null : tuple.get(positions[i]);
            if (value instanceof ColumnValue.Text text) {
                fields[i] = text.value();
            } else if (value instanceof ColumnValue.UnchangedToast) {
                fields[i] = builder.unavailableValue(i);
            }
        }
        return fields;
    }

    /** Records for a relation, by its current catalog definition; null if it is not captured. */
    private TableRecordBuilder builderFor(Relation relation) throws SQLException {
        TableId table = new TableId(relation.namespace(), relation.name());
        if (!captured.test(table)) {
            return null;
        }
        Set<String> sent = relation.columns().stream().map(RelationColumn::name).collect(Collectors.toSet());
        TableSchema schema;
        try {
            schema = catalog.describe(table).select(column -> sent.contains(column.name()));
        } catch (SQLException e) {
            // Gone from the catalog (dropped meanwhile): what the Relation message says is enough.
            log.warn("Task {}: cannot describe {} ({}); using the replication stream's column types", name, table,
                    e.getMessage());
            List<Column> columns = relation.columns().stream()
                    .map(c -> new Column(c.name(), ColumnType.of(c.typeOid(), "oid " + c.typeOid(), c.typeModifier()), true))
                    .toList();
            List<String> key = relation.columns().stream().filter(c -> (c.flags() & RelationColumn.KEY_FLAG) != 0)
                    .map(RelationColumn::name).toList();
            schema = new TableSchema(table, columns, key);
        }
        log.info("Task {}: streaming {} with columns {}", name, table,
                schema.columns().stream().map(Column::name).toList());
        return new TableRecordBuilder(schema, config.topicPrefix(), config.connectionSettings().database(),
                config.recordOptions());
    }

    @Override
    public void close() {
        try {
            if (stream != null) {
                stream.close();
            }
        } catch (SQLException e) {
            log.debug("Task {}: closing the replication stream failed", name, e);
        }
        try {
            if (catalogConnection != null) {
                catalogConnection.close();
            }
        } catch (SQLException e) {
            log.debug("Task {}: closing the catalog session failed", name, e);
        }
    }
}

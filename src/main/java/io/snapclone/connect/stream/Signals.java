package io.snapclone.connect.stream;

import static java.util.Objects.requireNonNull;

import io.snapclone.connect.offset.SnapshotOffsets;
import io.snapclone.connect.record.ProgressEvents;
import io.snapclone.pg.TableId;
import io.snapclone.pg.pgoutput.ColumnValue;
import io.snapclone.pg.pgoutput.Insert;
import io.snapclone.pg.pgoutput.Relation;
import io.snapclone.pg.pgoutput.RelationColumn;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Reads Debezium-style signals from the signal table's inserts in the stream (the source channel):
 * {@code execute-snapshot} with {@code data-collections} asks for tables to be loaded again. Each
 * table asked for becomes a {@code snapshot.requested} record on the progress topic whose offset
 * keeps the request (the transaction's commit LSN) under the table's reload partition, in order with
 * the stream, so the request survives restarts; the coordinator sees it and loads the table again.
 * An incremental one (Debezium's default) holds the table's changes back from the signal on while
 * the other tables stream on; a blocking one pauses the stream. A signal that cannot be acted on is
 * logged and answered with {@code signal.rejected}, never fatal.
 *
 * <p>Called from the task's poll thread only.
 */
final class Signals {
    private static final Logger log = LoggerFactory.getLogger(Signals.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TableId table;
    private final String topicPrefix;
    private final String progressTopic;
    private final Set<TableId> captured;
    private final Map<TableId, TableId> recordTables;
    private final Map<TableId, Long> taken;
    private final BiConsumer<TableId, Long> hold;
    private final String name;
    private int oid = -1;
    private int idColumn = -1;
    private int typeColumn = -1;
    private int dataColumn = -1;

    /**
     * @param table the signal table, or null for none
     * @param captured the tables a signal may ask for: those read and those they are published as
     */
    Signals(TableId table, String topicPrefix, String progressTopic, Set<TableId> captured, String name) {
        this(table, topicPrefix, progressTopic, captured, Map.of(), Map.of(), (held, lsn) -> { }, name);
    }

    /**
     * @param recordTables partitions whose changes the stream sees as their root's: asked for alone,
     *        they are loaded blocking, since holding back the root would hold back its other partitions
     * @param taken by table, the LSN of the latest request already taken: a signal read again (the
     *        stream re-reads from where it held changes back) is not taken again
     * @param hold called with a table and the commit LSN from which its changes are to be held back
     */
    Signals(TableId table, String topicPrefix, String progressTopic, Set<TableId> captured,
            Map<TableId, TableId> recordTables, Map<TableId, Long> taken, BiConsumer<TableId, Long> hold, String name) {
        this.recordTables = Map.copyOf(recordTables);
        this.taken = Map.copyOf(taken);
        this.hold = requireNonNull(hold, "hold is null");
        this.table = table;
        this.topicPrefix = requireNonNull(topicPrefix, "topicPrefix is null");
        this.progressTopic = requireNonNull(progressTopic, "progressTopic is null");
        this.captured = Set.copyOf(captured);
        this.name = requireNonNull(name, "name is null");
    }

    /** Notes the signal table's relation (its oid and where its columns are). */
    void relation(Relation relation) {
        if (table == null || !table.equals(new TableId(relation.namespace(), relation.name()))) {
            return;
        }
        oid = relation.oid();
        List<RelationColumn> columns = relation.columns();
        for (int i = 0; i < columns.size(); i++) {
            switch (columns.get(i).name()) {
                case "id" -> idColumn = i;
                case "type" -> typeColumn = i;
                case "data" -> dataColumn = i;
                default -> { }
            }
        }
    }

    boolean isSignalTable(int relationOid) {
        return relationOid == oid;
    }

    /** A row inserted into the signal table by the transaction that commits at {@code commitLsn}. */
    void insert(Insert insert, long commitLsn, long nowMs, List<SourceRecord> out) {
        String id = text(insert, idColumn);
        String type = text(insert, typeColumn);
        if (id == null || type == null) {
            reject(id, "the signal table needs columns id, type and data (as Debezium's), with id and type set", nowMs, out);
            return;
        }
        signal(id, type, text(insert, dataColumn), commitLsn, nowMs, out);
    }

    /**
     * A signal of any channel, taken at {@code commitLsn}: the changes committed from there on are
     * after it (a held-back table's are held back from there).
     */
    void signal(String id, String type, String data, long commitLsn, long nowMs, List<SourceRecord> out) {
        if (type == null) {
            reject(id, "a signal needs a type (and data), as Debezium's", nowMs, out);
            return;
        }
        switch (type.trim().toLowerCase(Locale.ROOT)) {
            case "execute-snapshot" -> executeSnapshot(id, data, commitLsn, nowMs, out);
            case "stop-snapshot" -> reject(id, "stop-snapshot is not supported: a reload runs to its end", nowMs, out);
            default -> log.info("Task {}: signal {} of type '{}' ignored: only execute-snapshot is acted on", name, id, type);
        }
    }

    private void executeSnapshot(String id, String data, long commitLsn, long nowMs, List<SourceRecord> out) {
        JsonNode json;
        try {
            json = data == null ? null : JSON.readTree(data);
        } catch (JsonProcessingException e) {
            reject(id, "its data is not JSON: " + e.getOriginalMessage(), nowMs, out);
            return;
        }
        JsonNode collections = json == null ? null : json.get("data-collections");
        if (collections == null || !collections.isArray() || collections.isEmpty()) {
            reject(id, "execute-snapshot needs \"data-collections\": a non-empty list of schema.table names", nowMs, out);
            return;
        }
        String type = json.path("type").asText("incremental").toLowerCase(Locale.ROOT);
        if (json.has("additional-conditions") && !json.get("additional-conditions").isEmpty()) {
            reject(id, "additional-conditions are not supported: whole tables are loaded again", nowMs, out);
            return;
        }
        List<TableId> tables = new ArrayList<>();
        for (JsonNode collection : collections) {
            TableId requested = parse(collection.asText());
            if (requested == null || !captured.contains(requested)) {
                reject(id, "'" + collection.asText() + "' is not a captured table (schema.table)", nowMs, out);
                return;
            }
            tables.add(requested);
        }
        if (!type.equals("blocking") && !type.equals("incremental")) {
            reject(id, "type must be incremental (the default) or blocking, not '" + type + "'", nowMs, out);
            return;
        }
        if (tables.stream().allMatch(t -> Long.compareUnsigned(taken.getOrDefault(t, 0L), commitLsn) >= 0)) {
            log.debug("Task {}: signal {} was taken before", name, id);
            return;
        }
        for (TableId requested : tables) {
            boolean incremental = type.equals("incremental") && !recordTables.containsKey(requested);
            if (incremental) {
                hold.accept(requested, commitLsn);
            }
            out.add(ProgressEvents.reloadRequested(progressTopic, requested, id,
                    SnapshotOffsets.reloadPartition(topicPrefix, requested),
                    SnapshotOffsets.reloadRequested(commitLsn, id, incremental), nowMs));
        }
        log.info("Task {}: signal {}: loading {} again ({})", name, id, tables, type);
    }

    private void reject(String id, String reason, long nowMs, List<SourceRecord> out) {
        log.warn("Task {}: signal {} rejected: {}", name, id, reason);
        out.add(ProgressEvents.signalRejected(progressTopic, id, reason, nowMs));
    }

    private static TableId parse(String name) {
        String[] parts = name.trim().split("\\.", -1);
        return parts.length == 2 && !parts[0].isBlank() && !parts[1].isBlank() ? new TableId(parts[0], parts[1]) : null;
    }

    private static String text(Insert insert, int column) {
        if (column < 0 || column >= insert.newTuple().values().size()) {
            return null;
        }
        return insert.newTuple().values().get(column) instanceof ColumnValue.Text text ? text.value() : null;
    }
}

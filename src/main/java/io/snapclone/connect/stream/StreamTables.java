package io.snapclone.connect.stream;

import static java.util.Objects.requireNonNull;

import io.snapclone.connect.record.TableRecordBuilder;
import io.snapclone.pg.TableId;
import io.snapclone.pg.catalog.Column;
import io.snapclone.pg.catalog.TableSchema;
import io.snapclone.pg.pgoutput.Relation;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The captured tables of the stream by relation oid, each as its latest Relation message says
 * (PostgreSQL sends one before a table's first change in a session and after every change of its
 * shape). Tables the connector does not capture are remembered as such.
 *
 * <p>Called from the task's poll thread only.
 */
final class StreamTables {
    private static final Logger log = LoggerFactory.getLogger(StreamTables.class);

    private final Predicate<TableId> captured;
    private final RelationDescriber describer;
    private final Function<TableSchema, TableRecordBuilder> builders;
    private final String name;
    private final Map<Integer, StreamTable> tables = new HashMap<>();

    /** @param name the task's name, for logs */
    StreamTables(Predicate<TableId> captured, RelationDescriber describer,
                 Function<TableSchema, TableRecordBuilder> builders, String name) {
        this.captured = requireNonNull(captured, "captured is null");
        this.describer = requireNonNull(describer, "describer is null");
        this.builders = requireNonNull(builders, "builders is null");
        this.name = requireNonNull(name, "name is null");
    }

    void relation(Relation relation) throws SQLException {
        TableId id = new TableId(relation.namespace(), relation.name());
        if (!captured.test(id)) {
            tables.put(relation.oid(), null);
            return;
        }
        StreamTable previous = tables.get(relation.oid());
        if (previous != null && previous.relation().equals(relation)) {
            return;
        }
        TableSchema schema = describer.describe(relation);
        StreamTable table = new StreamTable(relation, builders.apply(schema));
        tables.put(relation.oid(), table);
        log.info("Task {}: streaming {} ({} identity) with columns {}, key {}", name, id,
                relation.replicaIdentity().name().toLowerCase(java.util.Locale.ROOT),
                table.builder().table().columns().stream().map(Column::name).toList(),
                table.builder().table().keyColumns());
    }

    /** The table a change names, or null if it is not captured. */
    StreamTable get(int relationOid) {
        return tables.get(relationOid);
    }
}

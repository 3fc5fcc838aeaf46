package io.snapclone.connect.stream;

import static java.util.Objects.requireNonNull;

import io.snapclone.pg.TableId;
import io.snapclone.pg.catalog.Catalog;
import io.snapclone.pg.catalog.Column;
import io.snapclone.pg.catalog.ColumnType;
import io.snapclone.pg.catalog.TableSchema;
import io.snapclone.pg.pgoutput.Relation;
import io.snapclone.pg.pgoutput.RelationColumn;
import io.snapclone.pg.pgoutput.ReplicaIdentity;
import io.snapclone.pg.value.ValueKind;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The Relation message is the truth about a table's columns at its point of the stream: their
 * names, order and types (oid and modifier), so a change is read with the shape it was written
 * with even if the table changed again since. The catalog fills in what the message lacks: what a
 * type oid means (domains, arrays, enum labels), NOT NULL and the primary key, taken from the table
 * as it is now when the column still has the same type. A table that is gone (dropped since) is
 * described by the message alone.
 *
 * <p>Called from the task's poll thread only.
 */
final class CatalogRelationDescriber implements RelationDescriber {
    private final Catalog catalog;

    CatalogRelationDescriber(Catalog catalog) {
        this.catalog = requireNonNull(catalog, "catalog is null");
    }

    @Override
    public TableSchema describe(Relation relation) throws SQLException {
        TableId id = new TableId(relation.namespace(), relation.name());
        Optional<TableSchema> current = catalog.describe(relation.oid(), id);
        Map<String, Column> currentColumns = current.map(table -> table.columns().stream()
                        .collect(Collectors.toMap(Column::name, Function.identity())))
                .orElse(Map.of());
        List<Column> columns = new ArrayList<>();
        for (RelationColumn sent : relation.columns()) {
            Column now = currentColumns.get(sent.name());
            // The message has no array dimensions: a column declared multi-dimensional is read as text, as now.
            int dimensions = now != null && now.type().kind() == ValueKind.UNKNOWN ? 2 : 1;
            ColumnType type = catalog.type(sent.typeOid(), sent.typeModifier(), dimensions)
                    .orElseGet(() -> ColumnType.of(sent.typeOid(), "oid " + Integer.toUnsignedString(sent.typeOid()),
                            sent.typeModifier()));
            // Same type as now: keep what only the catalog knows (NOT NULL); otherwise it may hold nulls.
            columns.add(now != null && now.type().equals(type) ? now : new Column(sent.name(), type, true));
        }
        return new TableSchema(id, columns, key(relation, current, columns));
    }

    /**
     * The primary key, as the snapshot uses it, while every one of its columns is still sent; for a
     * table that is gone, the message's identity columns (every column under FULL: then none).
     */
    private static List<String> key(Relation relation, Optional<TableSchema> current, List<Column> columns) {
        List<String> names = columns.stream().map(Column::name).toList();
        if (current.isPresent()) {
            List<String> primaryKey = current.get().keyColumns();
            return names.containsAll(primaryKey) ? primaryKey : List.of();
        }
        if (relation.replicaIdentity() == ReplicaIdentity.FULL) {
            return List.of();
        }
        return relation.columns().stream().filter(RelationColumn::isKey).map(RelationColumn::name).toList();
    }
}

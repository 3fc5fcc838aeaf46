package io.snapclone.pg;

import static java.util.Objects.requireNonNull;

/** A table by schema and name, exactly as PostgreSQL spells them (case and all). */
public record TableId(String schema, String table) implements Comparable<TableId> {
    public TableId {
        requireNonNull(schema, "schema is null");
        requireNonNull(table, "table is null");
    }

    /** {@code "schema"."table"}, safe to put into SQL. */
    public String quoted() {
        return Identifiers.quote(schema) + '.' + Identifiers.quote(table);
    }

    /** {@code schema.table}: what the include and exclude regexes are matched against. */
    public String qualifiedName() {
        return schema + '.' + table;
    }

    @Override
    public int compareTo(TableId other) {
        int bySchema = schema.compareTo(other.schema);
        return bySchema != 0 ? bySchema : table.compareTo(other.table);
    }

    @Override
    public String toString() {
        return qualifiedName();
    }
}

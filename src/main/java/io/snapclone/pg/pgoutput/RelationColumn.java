package io.snapclone.pg.pgoutput;

import static java.util.Objects.requireNonNull;

/**
 * One column of a {@link Relation} message, in the order tuples carry their values.
 *
 * @param flags 1 marks the column as part of the replica identity key; other bits are kept as sent
 * @param typeOid the column's data type oid (a domain's own oid, not its base type)
 * @param typeModifier {@code atttypmod}, -1 when the type has none
 */
public record RelationColumn(int flags, String name, int typeOid, int typeModifier) {
    public static final int KEY_FLAG = 1;

    public RelationColumn {
        requireNonNull(name, "name is null");
    }

    /** Whether the column is part of the replica identity (primary key or identity index). */
    public boolean isKey() {
        return (flags & KEY_FLAG) != 0;
    }
}

package io.snapclone.connect.stream;

import io.snapclone.pg.catalog.TableSchema;
import io.snapclone.pg.pgoutput.Relation;

import java.sql.SQLException;

/** Turns a Relation message into the table's columns and key at that point of the stream. */
@FunctionalInterface
interface RelationDescriber {
    /**
     * @throws SQLException if the catalog cannot be read; a table that is gone is not an error
     *         (the message alone then describes it)
     */
    TableSchema describe(Relation relation) throws SQLException;
}

package io.snapclone.pg.replication;

import io.snapclone.pg.Identifiers;
import io.snapclone.pg.TableId;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Collectors;

/** The publication a pgoutput slot streams: checked, or created for all or for the captured tables. */
public final class Publications {
    /** As Debezium's {@code publication.autocreate.mode}. */
    public enum Mode {
        /** The publication must exist. */
        DISABLED,
        /** {@code FOR ALL TABLES} (needs superuser). */
        ALL_TABLES,
        /** {@code FOR TABLE} the captured tables, kept to exactly those. */
        FILTERED
    }

    private Publications() {
    }

    public static boolean exists(Connection connection, String name) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT 1 FROM pg_catalog.pg_publication WHERE pubname = ?")) {
            statement.setString(1, name);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Makes sure the publication exists as {@code mode} wants it. */
    public static void ensure(Connection connection, String name, Mode mode, List<TableId> tables) throws SQLException {
        boolean exists = exists(connection, name);
        String quoted = Identifiers.quote(name);
        String tableList = tables.stream().map(TableId::quoted).collect(Collectors.joining(", "));
        try (Statement statement = connection.createStatement()) {
            switch (mode) {
                case DISABLED -> {
                    if (!exists) {
                        throw new SQLException("Publication " + name + " does not exist and publication.autocreate.mode "
                                + "is disabled: CREATE PUBLICATION " + quoted + " FOR TABLE ..., or set "
                                + "publication.autocreate.mode=filtered", "42704");
                    }
                }
                case ALL_TABLES -> {
                    if (!exists) {
                        statement.execute("CREATE PUBLICATION " + quoted + " FOR ALL TABLES");
                    }
                }
                case FILTERED -> {
                    if (tables.isEmpty()) {
                        throw new IllegalArgumentException("a filtered publication needs at least one table");
                    }
                    statement.execute(exists ? "ALTER PUBLICATION " + quoted + " SET TABLE " + tableList
                            : "CREATE PUBLICATION " + quoted + " FOR TABLE " + tableList);
                }
            }
        }
    }
}

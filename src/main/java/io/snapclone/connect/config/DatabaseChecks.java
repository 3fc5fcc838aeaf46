package io.snapclone.connect.config;

import static java.util.Objects.requireNonNull;

import io.snapclone.connect.record.ColumnSelection;
import io.snapclone.pg.ConnectionSettings;
import io.snapclone.pg.TableId;
import io.snapclone.pg.catalog.CapturedTables;
import io.snapclone.pg.catalog.Catalog;
import io.snapclone.pg.catalog.CatalogTable;
import io.snapclone.pg.catalog.Column;
import io.snapclone.pg.catalog.TableInfo;
import io.snapclone.pg.catalog.TableSchema;

import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Checks a configuration against the live database, and says what is wrong in terms of the
 * config key to change and how: used by {@code validate()} and again at start.
 */
public final class DatabaseChecks {
    private static final int NAMES_SHOWN = 10;

    /** One thing wrong, against the key that should change. */
    public record Problem(String key, String message) {
        public Problem {
            requireNonNull(key, "key is null");
            requireNonNull(message, "message is null");
        }
    }

    private DatabaseChecks() {
    }

    public static List<Problem> check(SnapcloneConfig config) {
        ConnectionSettings settings = config.connectionSettings();
        List<Problem> problems = new ArrayList<>();
        try (Connection connection = settings.open("snapclone-validate")) {
            List<CatalogTable> visible = new Catalog(connection).relations();
            CapturedTables captured = config.capturedTables(visible);
            // Partitions are read directly, so they need SELECT of their own (not only their parent's).
            List<TableInfo> selected = captured.sources();
            if (captured.published().isEmpty()) {
                problems.add(new Problem(SnapcloneConfig.TABLE_INCLUDE_LIST_CONFIG, "No table matches "
                        + SnapcloneConfig.TABLE_INCLUDE_LIST_CONFIG + " and " + SnapcloneConfig.TABLE_EXCLUDE_LIST_CONFIG
                        + " (regexes must match the whole of schema.table). Tables in database '" + settings.database()
                        + "': " + names(visible.stream().map(CatalogTable::id).toList())));
            }
            List<TableId> unreadable = selected.stream().filter(t -> !t.selectable()).map(TableInfo::id).toList();
            if (!unreadable.isEmpty()) {
                problems.add(new Problem(SnapcloneConfig.TABLE_INCLUDE_LIST_CONFIG, "User '" + settings.user()
                        + "' lacks SELECT on " + names(unreadable) + ". Grant it (GRANT SELECT ON "
                        + unreadable.get(0).quoted() + " TO " + io.snapclone.pg.Identifiers.quote(settings.user())
                        + ") or exclude those tables with " + SnapcloneConfig.TABLE_EXCLUDE_LIST_CONFIG + "."));
            }
            if (unreadable.isEmpty()) {
                problems.addAll(columnProblems(new Catalog(connection), config.columnSelection(),
                        captured.sourcesByRecordTable().keySet().stream().map(t -> new TableInfo(t, 0, true)).toList()));
            }
            if (config.streams()) {
                problems.addAll(ReplicationChecks.check(connection, config, selected.stream().map(TableInfo::id).toList(),
                        captured.includesPartitions()));
            }
        } catch (SQLException e) {
            problems.add(connectionProblem(settings, e));
        }
        return problems;
    }

    /**
     * Column lists and key overrides that cannot apply to a table (a key column left out, a key
     * column the table lacks, no column left): the first one against each key. Only looked at when
     * such keys are set, since it describes every table.
     */
    static List<Problem> columnProblems(Catalog catalog, ColumnSelection selection, List<TableInfo> tables)
            throws SQLException {
        if (selection.isAll()) {
            return List.of();
        }
        Map<String, Problem> byKey = new LinkedHashMap<>();
        for (TableInfo table : tables) {
            TableSchema schema = catalog.describe(table.id());
            try {
                selection.apply(schema);
            } catch (ColumnSelection.Rejected e) {
                byKey.putIfAbsent(e.key(), new Problem(e.key(), e.getMessage() + withColumns(e, schema)));
            }
        }
        return List.copyOf(byKey.values());
    }

    /**
     * The table's columns, and the fix where the rejection does not say it: an override naming
     * columns the table lacks, or a list that leaves no column.
     */
    private static String withColumns(ColumnSelection.Rejected e, TableSchema table) {
        String columns = table.columns().stream().map(Column::name).collect(Collectors.joining(", "));
        String name = table.id().qualifiedName();
        String fix;
        if (e.key().equals(SnapcloneConfig.MESSAGE_KEY_COLUMNS_CONFIG)) {
            fix = "; name columns it has, or change the entry's regex so that it does not match " + name;
        } else if (e.getMessage().contains("leaves no column")) {
            fix = e.key().equals(SnapcloneConfig.COLUMN_INCLUDE_LIST_CONFIG)
                    ? "; match at least one of them with " + e.key() + ", or leave the table out with "
                            + SnapcloneConfig.TABLE_EXCLUDE_LIST_CONFIG
                    : "; leave at least one of them out of " + e.key() + ", or leave the table out with "
                            + SnapcloneConfig.TABLE_EXCLUDE_LIST_CONFIG;
        } else {
            fix = "";
        }
        return ". Columns of " + name + ": " + columns + fix + '.';
    }

    /** Turns a failure to connect into the key the user should look at. */
    public static Problem connectionProblem(ConnectionSettings settings, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        Problem ssl = sslProblem(settings, e);
        if (ssl != null) {
            return ssl;
        }
        if (String.valueOf(e.getMessage()).contains("authentication, but")) {
            // PgJDBC, before sending anything: the server asks for a password and there is none.
            return new Problem(SnapcloneConfig.PASSWORD_CONFIG, "PostgreSQL at " + settings.host() + ':'
                    + settings.port() + " asks user '" + settings.user() + "' for a password, and "
                    + SnapcloneConfig.PASSWORD_CONFIG + " is not set or empty: set " + SnapcloneConfig.PASSWORD_CONFIG
                    + " (best as a config provider reference). PgJDBC: " + e.getMessage());
        }
        if (causedBy(e, UnknownHostException.class)) {
            return new Problem(SnapcloneConfig.HOSTNAME_CONFIG, settings.host() + " is not a known host name: check "
                    + SnapcloneConfig.HOSTNAME_CONFIG + " (and that this worker can resolve it).");
        }
        return switch (state) {
            case "28P01", "28000" -> new Problem(SnapcloneConfig.PASSWORD_CONFIG, "Authentication failed for user '"
                    + settings.user() + "' on " + settings.host() + ':' + settings.port() + ". Check "
                    + SnapcloneConfig.USER_CONFIG + " and " + SnapcloneConfig.PASSWORD_CONFIG
                    + " (and that pg_hba.conf allows this user from this host). Server said: " + e.getMessage());
            case "3D000" -> new Problem(SnapcloneConfig.DBNAME_CONFIG, "Database '" + settings.database()
                    + "' does not exist on " + settings.host() + ':' + settings.port() + ". Check "
                    + SnapcloneConfig.DBNAME_CONFIG + '.');
            case "42501" -> new Problem(SnapcloneConfig.USER_CONFIG, "User '" + settings.user()
                    + "' may not connect to database '" + settings.database() + "': GRANT CONNECT ON DATABASE to it. "
                    + "Server said: " + e.getMessage());
            default -> new Problem(SnapcloneConfig.HOSTNAME_CONFIG, "Cannot connect to PostgreSQL at "
                    + settings.host() + ':' + settings.port() + " (" + e.getMessage() + "). Check "
                    + SnapcloneConfig.HOSTNAME_CONFIG + " and " + SnapcloneConfig.PORT_CONFIG
                    + ", and that the server accepts TCP connections from this worker.");
        };
    }

    /** A failure that database.sslmode explains: SSL demanded of a server without it, or refused in the handshake. */
    private static Problem sslProblem(ConnectionSettings settings, SQLException e) {
        String at = settings.host() + ':' + settings.port();
        if (String.valueOf(e.getMessage()).contains("does not support SSL")) {
            return new Problem(SnapcloneConfig.SSLMODE_CONFIG, "PostgreSQL at " + at + " does not accept SSL "
                    + "connections, and " + SnapcloneConfig.SSLMODE_CONFIG + '=' + settings.sslMode() + " requires "
                    + "one: turn on ssl on the server, or set " + SnapcloneConfig.SSLMODE_CONFIG + "=prefer (or "
                    + "disable).");
        }
        if (causedBy(e, javax.net.ssl.SSLException.class)) {
            return new Problem(SnapcloneConfig.SSLMODE_CONFIG, "The SSL handshake with PostgreSQL at " + at
                    + " failed under " + SnapcloneConfig.SSLMODE_CONFIG + '=' + settings.sslMode() + " ("
                    + e.getMessage() + "). Make the worker trust the server's certificate (PgJDBC's sslrootcert), "
                    + "or choose a " + SnapcloneConfig.SSLMODE_CONFIG + " that verifies less, e.g. require.");
        }
        return null;
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }

    private static String names(List<TableId> tables) {
        if (tables.isEmpty()) {
            return "(none visible to this user)";
        }
        String shown = tables.stream().limit(NAMES_SHOWN).map(TableId::qualifiedName).collect(Collectors.joining(", "));
        return tables.size() > NAMES_SHOWN ? shown + " and " + (tables.size() - NAMES_SHOWN) + " more" : shown;
    }
}

package io.snapclone.connect.config;

import static java.util.Objects.requireNonNull;

import io.snapclone.connect.record.ColumnSelection;
import io.snapclone.pg.ConnectionSettings;
import io.snapclone.pg.TableId;
import io.snapclone.pg.catalog.CapturedTables;
import io.snapclone.pg.catalog.Catalog;
import io.snapclone.pg.catalog.CatalogTable;
import io.snapclone.pg.catalog.TableInfo;

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
            try {
                selection.apply(catalog.describe(table.id()));
            } catch (ColumnSelection.Rejected e) {
                byKey.putIfAbsent(e.key(), new Problem(e.key(), e.getMessage()));
            }
        }
        return List.copyOf(byKey.values());
    }

    /** Turns a failure to connect into the key the user should look at. */
    public static Problem connectionProblem(ConnectionSettings settings, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
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

    private static String names(List<TableId> tables) {
        if (tables.isEmpty()) {
            return "(none visible to this user)";
        }
        String shown = tables.stream().limit(NAMES_SHOWN).map(TableId::qualifiedName).collect(Collectors.joining(", "));
        return tables.size() > NAMES_SHOWN ? shown + " and " + (tables.size() - NAMES_SHOWN) + " more" : shown;
    }
}

package io.snapclone.connect.config;

import io.snapclone.pg.ConnectionSettings;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * The databases of {@code database.names} and the config each of them is captured with: its own
 * database, topic prefix ({@code <topic.prefix>.<database>}, so that topics, offsets and metrics of
 * two databases never meet), slot, and connector name (sessions and held snapshots are kept by
 * it), the progress topic shared. Stateless.
 */
public final class ClusterDatabases {
    /** Set in each database's config: its records carry their LSN in a header, for the cluster watermark. */
    public static final String LSN_HEADERS_CONFIG = "snapclone.lsn.headers";
    /** The header of a streamed record: the commit LSN of its transaction, as an unsigned decimal. */
    public static final String COMMIT_LSN_HEADER = "snapclone.commit.lsn";
    /** The header of a snapshot row: the LSN of its snapshot, as an unsigned decimal. */
    public static final String SNAPSHOT_LSN_HEADER = "snapclone.snapshot.lsn";
    private static final int MAX_SLOT_NAME = 63;

    private ClusterDatabases() {
    }

    /** Whether the config captures several databases (two or more, or {@code *}). */
    public static boolean several(SnapcloneConfig config) {
        List<String> names = config.databaseNames();
        return names.size() > 1 || names.contains("*");
    }

    /** database.names resolved: {@code *} by asking the cluster through {@code settings}, in name order. */
    public static List<String> resolve(SnapcloneConfig config) throws SQLException {
        List<String> names = config.databaseNames();
        if (!names.contains("*")) {
            return names.stream().distinct().toList();
        }
        List<String> all = new ArrayList<>();
        try (Connection connection = config.connectionSettings().open("snapclone-databases");
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("""
                     SELECT datname FROM pg_catalog.pg_database
                     WHERE NOT datistemplate AND datallowconn AND has_database_privilege(datname, 'CONNECT')
                     ORDER BY datname""")) {
            while (rs.next()) {
                all.add(rs.getString(1));
            }
        }
        return all;
    }

    /**
     * What to do about the slots of databases no longer in the list (read by nobody, they keep WAL
     * for ever); empty if there are none or the cluster cannot be asked now.
     */
    public static List<String> slotsLeftBehind(SnapcloneConfig config, List<String> databases) {
        Set<String> wanted = new HashSet<>();
        databases.forEach(database -> wanted.add(slotName(config.slotName(), database)));
        List<String> advice = new ArrayList<>();
        try (Connection connection = config.connectionSettings().open("snapclone-databases");
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT slot_name, database FROM pg_catalog.pg_replication_slots "
                     + "WHERE slot_type = 'logical' AND NOT temporary")) {
            while (rs.next()) {
                String slot = rs.getString(1);
                if (slot.startsWith(config.slotName() + "_") && !wanted.contains(slot)) {
                    advice.add("slot " + slot + " (database " + rs.getString(2) + ") is no longer read: its database "
                            + "left " + SnapcloneConfig.DATABASE_NAMES_CONFIG + ". It keeps WAL until dropped: "
                            + "SELECT pg_drop_replication_slot('" + slot + "'); (if it is this connector's)");
                }
            }
        } catch (SQLException e) {
            return List.of();
        }
        return advice;
    }

    /** Two databases whose topic names would be the same, as a message; null if there are none. */
    public static String collision(List<String> databases) {
        Map<String, String> seen = new HashMap<>();
        for (String database : databases) {
            String other = seen.putIfAbsent(topicSegment(database), database);
            if (other != null) {
                return "databases '" + other + "' and '" + database + "' would share the topics "
                        + "<topic.prefix>." + topicSegment(database) + ".*: capture one of them with a connector of its own";
            }
        }
        return null;
    }

    /** Each database's connector properties, in the order given. */
    public static Map<String, Map<String, String>> configs(Map<String, String> props, SnapcloneConfig config,
                                                           List<String> databases) {
        Map<String, Map<String, String>> configs = new LinkedHashMap<>();
        String name = props.getOrDefault("name", config.topicPrefix());
        for (String database : databases) {
            Map<String, String> own = new HashMap<>(props);
            own.put("name", name + "." + topicSegment(database));
            own.put(SnapcloneConfig.DBNAME_CONFIG, database);
            own.put(SnapcloneConfig.DATABASE_NAMES_CONFIG, "");
            own.put(SnapcloneConfig.TOPIC_PREFIX_CONFIG, topicPrefix(config.topicPrefix(), database));
            own.put(SnapcloneConfig.SLOT_NAME_CONFIG, slotName(config.slotName(), database));
            own.put(SnapcloneConfig.PROGRESS_TOPIC_CONFIG, config.progressTopic());
            own.put(LSN_HEADERS_CONFIG, "true");
            configs.put(database, own);
        }
        return configs;
    }

    public static String topicPrefix(String topicPrefix, String database) {
        return topicPrefix + "." + topicSegment(database);
    }

    /**
     * {@code <slot>_<database>} in what a slot name may hold (a-z, 0-9, _): a database whose name
     * needs changing for that, or one too long, gets a hash of its name instead of the rest, so that
     * no two databases share a slot.
     */
    public static String slotName(String slot, String database) {
        String safe = database.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        String candidate = slot + "_" + safe;
        if (safe.equals(database) && candidate.length() <= MAX_SLOT_NAME) {
            return candidate;
        }
        CRC32 crc = new CRC32();
        crc.update(database.getBytes(StandardCharsets.UTF_8));
        String hash = String.format("%08x", crc.getValue());
        String head = slot + "_" + safe;
        return head.substring(0, Math.min(head.length(), MAX_SLOT_NAME - hash.length() - 1)) + "_" + hash;
    }

    static String topicSegment(String database) {
        return database.replaceAll("[^A-Za-z0-9_-]", "_");
    }

    /** The settings of {@code database}, the rest as {@code settings}. */
    public static ConnectionSettings settings(ConnectionSettings settings, String database) {
        return new ConnectionSettings(settings.host(), settings.port(), database, settings.user(), settings.password(),
                settings.sslMode(), settings.connectTimeoutSeconds());
    }
}

package io.snapclone.pg.replication;

import static java.util.Objects.requireNonNull;

import io.snapclone.pg.ConnectionSettings;
import io.snapclone.pg.Identifiers;
import io.snapclone.pg.Lsn;
import io.snapclone.pg.snapshot.SnapshotId;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/** Creating, finding and dropping pgoutput logical replication slots. */
public final class ReplicationSlots {
    /** What PostgreSQL accepts as a slot name. */
    public static final Pattern NAME = Pattern.compile("[a-z0-9_]{1,63}");
    private static final String WRITERS = """
            SELECT pid, backend_xid::text, coalesce(application_name, ''), coalesce(usename::text, ''),
                   now() - xact_start, left(coalesce(query, ''), 80)
            FROM pg_catalog.pg_stat_activity
            WHERE backend_xid IS NOT NULL AND pid <> pg_backend_pid()
            ORDER BY xact_start""";

    private ReplicationSlots() {
    }

    /** A slot as {@code pg_replication_slots} shows it. */
    public record SlotInfo(String name, String plugin, String database, boolean active, Lsn confirmedFlush) {
    }

    /** Slot creation gave up waiting for the transactions it must outlast. */
    public static final class SlotCreationTimeoutException extends SQLException {
        SlotCreationTimeoutException(String message, Throwable cause) {
            super(message, "57014", cause);
        }
    }

    /**
     * Creates the slot and exports its snapshot ({@code EXPORT_SNAPSHOT}, which works on 14–18).
     * Creation waits until every transaction that has written is over; while it waits,
     * {@code waiting} hears every {@code reportEvery} which sessions it waits for.
     *
     * @throws SlotCreationTimeoutException after {@code timeout}, naming the sessions waited for
     */
    public static CreatedSlot create(ConnectionSettings settings, String slotName, String applicationName,
                                     Duration timeout, Duration reportEvery, Consumer<String> waiting) throws SQLException {
        return create(settings, slotName, applicationName, false, timeout, reportEvery, waiting);
    }

    /**
     * @param failover a failover slot (PostgreSQL 17+): synchronized to standbys that have
     *        {@code sync_replication_slots} on, so it survives their promotion
     */
    public static CreatedSlot create(ConnectionSettings settings, String slotName, String applicationName,
                                     boolean failover, Duration timeout, Duration reportEvery,
                                     Consumer<String> waiting) throws SQLException {
        return create(settings, slotName, applicationName, false, failover, timeout, reportEvery, waiting);
    }

    /**
     * As {@link #create}, a temporary slot: it goes with its connection ({@link CreatedSlot#close}).
     * For a snapshot whose exact LSN is needed while another slot streams: its consistent point.
     */
    public static CreatedSlot createTemporary(ConnectionSettings settings, String slotName, String applicationName,
                                              Duration timeout, Duration reportEvery, Consumer<String> waiting)
            throws SQLException {
        return create(settings, slotName, applicationName, true, false, timeout, reportEvery, waiting);
    }

    private static CreatedSlot create(ConnectionSettings settings, String slotName, String applicationName,
                                      boolean temporary, boolean failover, Duration timeout, Duration reportEvery,
                                      Consumer<String> waiting) throws SQLException {
        requireName(slotName);
        Connection replication = settings.openReplication(applicationName);
        ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "snapclone-slot-creation-" + slotName);
            thread.setDaemon(true);
            return thread;
        });
        List<String> lastWriters = new ArrayList<>();
        try (Statement statement = replication.createStatement()) {
            ScheduledFuture<?> report = watcher.scheduleWithFixedDelay(() -> {
                List<String> writers = writers(settings, applicationName);
                synchronized (lastWriters) {
                    lastWriters.clear();
                    lastWriters.addAll(writers);
                }
                if (!writers.isEmpty()) {
                    waiting.accept("creating slot " + slotName + " waits for " + writers.size()
                            + " open transaction(s) that have written: " + String.join("; ", writers));
                }
            }, reportEvery.toMillis(), reportEvery.toMillis(), TimeUnit.MILLISECONDS);
            ScheduledFuture<?> cancel = watcher.schedule(() -> {
                try {
                    statement.cancel();
                } catch (SQLException ignored) {
                    // The statement finished meanwhile.
                }
            }, timeout.toMillis(), TimeUnit.MILLISECONDS);
            // The option list exists since 15 and FAILOVER since 17; the old keyword form works on 14-18.
            String options = failover ? " (SNAPSHOT 'export', FAILOVER true)" : " EXPORT_SNAPSHOT";
            try (ResultSet rs = statement.executeQuery("CREATE_REPLICATION_SLOT " + Identifiers.quote(slotName)
                    + (temporary ? " TEMPORARY" : "") + " LOGICAL pgoutput" + options)) {
                rs.next();
                report.cancel(false);
                cancel.cancel(false);
                return new CreatedSlot(rs.getString("slot_name"), Lsn.parse(rs.getString("consistent_point")),
                        new SnapshotId(rs.getString("snapshot_name")), replication);
            } catch (SQLException e) {
                replication.close();
                if ("57014".equals(e.getSQLState())) {
                    String writers;
                    synchronized (lastWriters) {
                        writers = lastWriters.isEmpty() ? "(none seen)" : String.join("; ", lastWriters);
                    }
                    throw new SlotCreationTimeoutException("Creating replication slot " + slotName + " did not finish in "
                            + timeout.toSeconds() + " s: PostgreSQL waits for every transaction that has written to "
                            + "end first. Still open: " + writers + ". End or wait for them and retry.", e);
                }
                throw e;
            }
        } catch (SQLException | RuntimeException e) {
            replication.close();
            throw e;
        } finally {
            watcher.shutdownNow();
        }
    }

    public static Optional<SlotInfo> find(Connection connection, String slotName) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("""
                SELECT slot_name, coalesce(plugin, ''), coalesce(database, ''), active, confirmed_flush_lsn::text
                FROM pg_catalog.pg_replication_slots WHERE slot_name = ?""")) {
            statement.setString(1, slotName);
            try (ResultSet rs = statement.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                String flushed = rs.getString(5);
                return Optional.of(new SlotInfo(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4),
                        flushed == null ? Lsn.INVALID : Lsn.parse(flushed)));
            }
        }
    }

    /**
     * By slot, its {@code confirmed_flush_lsn}: the client has all that committed up to there. Slots
     * that do not exist are left out. Slots are the cluster's: any database answers for all.
     */
    public static java.util.Map<String, Lsn> confirmedPositions(Connection connection, java.util.Collection<String> slots)
            throws SQLException {
        java.util.Map<String, Lsn> positions = new java.util.HashMap<>();
        try (PreparedStatement statement = connection.prepareStatement("SELECT slot_name, confirmed_flush_lsn::text "
                + "FROM pg_catalog.pg_replication_slots WHERE slot_name = ANY (?) AND confirmed_flush_lsn IS NOT NULL")) {
            statement.setArray(1, connection.createArrayOf("text", slots.toArray()));
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    positions.put(rs.getString(1), Lsn.parse(rs.getString(2)));
                }
            }
        }
        return positions;
    }

    /** The application_name of the session reading the slot now; empty if none does (or it has none). */
    public static Optional<String> readerApplication(Connection connection, String slotName) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("""
                SELECT a.application_name FROM pg_catalog.pg_replication_slots s
                JOIN pg_catalog.pg_stat_activity a ON a.pid = s.active_pid WHERE s.slot_name = ?""")) {
            statement.setString(1, slotName);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() ? Optional.ofNullable(rs.getString(1)).filter(name -> !name.isEmpty()) : Optional.empty();
            }
        }
    }

    /**
     * Ends the server session that still reads {@code slotName} under {@code applicationName}: after
     * a network cut the server keeps a dead reader until wal_sender_timeout, and the slot refuses a
     * new one meanwhile. Waits up to 10 s for the slot to be free.
     *
     * @return whether there was such a session
     */
    public static boolean endStaleReader(Connection connection, String slotName, String applicationName)
            throws SQLException {
        boolean ended;
        try (PreparedStatement statement = connection.prepareStatement("""
                SELECT pg_catalog.pg_terminate_backend(s.active_pid)
                FROM pg_catalog.pg_replication_slots s
                JOIN pg_catalog.pg_stat_activity a ON a.pid = s.active_pid
                WHERE s.slot_name = ? AND a.application_name = ? AND a.pid <> pg_catalog.pg_backend_pid()""")) {
            statement.setString(1, slotName);
            statement.setString(2, applicationName);
            try (ResultSet rs = statement.executeQuery()) {
                ended = rs.next() && rs.getBoolean(1);
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ended && find(connection, slotName).map(SlotInfo::active).orElse(false)
                && System.nanoTime() < deadline) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return ended;
    }

    public static void drop(Connection connection, String slotName) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT pg_catalog.pg_drop_replication_slot(?)")) {
            statement.setString(1, slotName);
            statement.execute();
        }
    }

    private static void requireName(String slotName) {
        if (slotName == null || !NAME.matcher(slotName).matches()) {
            throw new IllegalArgumentException("a slot name is 1 to 63 characters of a-z, 0-9 and _: " + slotName);
        }
    }

    private static List<String> writers(ConnectionSettings settings, String applicationName) {
        List<String> writers = new ArrayList<>();
        try (Connection connection = settings.open(applicationName + " (watching slot creation)");
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(WRITERS)) {
            while (rs.next()) {
                writers.add("pid " + rs.getInt(1) + " (xid " + rs.getString(2) + ", application '" + rs.getString(3)
                        + "', user " + rs.getString(4) + ", open for " + rs.getString(5) + ", last query: "
                        + rs.getString(6) + ")");
            }
        } catch (SQLException e) {
            writers.add("(could not list them: " + e.getMessage() + ")");
        }
        return writers;
    }
}

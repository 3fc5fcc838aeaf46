package io.snapclone.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL server ({@code wal_level=logical}) on localhost, shared by every test in the
 * JVM: the one PostgreSQL fixture of the tests. It runs from zonky's embedded binaries by default,
 * or in the official image with {@code -Ptestcontainers} ({@link Fixture}). Tests connect as
 * {@link #USER}, a password-authenticated role without superuser, and each test class works in a
 * database of its own. A server of a test's own ({@link #start(Map)}) can also crash and come
 * back ({@link #crashRestart()}); never crash the shared one, other test classes use it.
 */
public final class TestingPostgres {
    public static final String USER = "snapclone";
    public static final String PASSWORD = "s3cret-pw";
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static TestingPostgres shared;

    private final PostgresServer server;

    private TestingPostgres(PostgresServer server) {
        this.server = server;
    }

    public static synchronized TestingPostgres shared() {
        if (shared == null) {
            // Nothing crashes the shared server: commits need not reach the WAL before they return.
            shared = start(Map.of("synchronous_commit", "off"));
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
        }
        return shared;
    }

    /** A server of its own (not shared: close it), e.g. with {@code wal_level=replica}. */
    public static TestingPostgres start(String walLevel) {
        return start(Map.of("wal_level", walLevel));
    }

    /**
     * A server of its own (not shared: close it) with {@code overrides} on top of the usual settings
     * (wal_level=logical, fsync=off, synchronous_commit=on...), e.g. {@code Map.of("statement_timeout",
     * "2s")}. Values are server defaults, as if written in postgresql.conf; no whitespace in them.
     */
    public static TestingPostgres start(Map<String, String> overrides) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("wal_level", "logical");
        settings.put("max_replication_slots", "20");
        settings.put("max_wal_senders", "20");
        settings.put("max_connections", "200");
        settings.put("fsync", "off");
        // With fsync=off a WAL flush is a write(2), cheap; it makes every commit survive crashRestart().
        settings.put("synchronous_commit", "on");
        settings.put("full_page_writes", "off");
        settings.put("listen_addresses", "localhost");
        settings.putAll(overrides);
        settings.forEach((key, value) -> {
            if (value.isEmpty() || value.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("setting " + key + " needs a value without whitespace: '" + value + "'");
            }
        });
        TestingPostgres postgres = new TestingPostgres(Fixture.containers()
                ? ContainerPostgresServer.start(settings) : EmbeddedPostgresServer.start(settings));
        try {
            postgres.requirePasswords();
        } catch (SQLException e) {
            postgres.close();
            throw new IllegalStateException("could not set up the test role of PostgreSQL", e);
        }
        return postgres;
    }

    /**
     * Crashes the server ({@code pg_ctl stop -m immediate}: every backend dies at once, nothing
     * is checkpointed) and starts it again on the same port, data directory and settings; returns
     * once it accepts connections, after crash recovery. Every open connection is broken.
     */
    public void crashRestart() {
        stopImmediately();
        startAgain();
    }

    /** Kills the server as a crash would ({@code pg_ctl stop -m immediate}); returns once it is down. */
    public void stopImmediately() {
        server.stopImmediately();
    }

    /** Starts the server after {@link #stopImmediately()} on the same port, data and settings; returns once it accepts connections. */
    public void startAgain() {
        server.startAgain();
    }

    /**
     * A hot standby of this server with PostgreSQL 17's slot synchronisation on, so that failover
     * slots follow it. Call on a server of its own before any logical slot exists (a copied slot
     * would block the sync). On the embedded fixture only: elsewhere the test is skipped.
     */
    public Standby startStandby() {
        return server.startStandby();
    }

    /** A standby made by {@link #startStandby()}: promote it, connect to it, stop it. */
    public static final class Standby implements AutoCloseable {
        private final int port;
        private final Runnable promote;
        private final Runnable stop;

        Standby(int port, Runnable promote, Runnable stop) {
            this.port = port;
            this.promote = promote;
            this.stop = stop;
        }

        public int port() {
            return port;
        }

        public Connection superuser(String database) throws SQLException {
            return DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/" + database, "postgres", "");
        }

        /** Makes it the primary ({@code pg_ctl promote}); returns once it accepts writes. */
        public void promote() {
            promote.run();
        }

        /** Stops it and removes its data directory. */
        @Override
        public void close() {
            stop.run();
        }
    }

    /**
     * The superuser keeps trust; everyone else must give a password, as on a real server. The
     * file is written by the server itself (COPY), so this works wherever the server runs; any
     * address, since a container sees the test's connections come from Docker's bridge.
     */
    private void requirePasswords() throws SQLException {
        List<String> hba = List.of(
                "local all postgres trust",
                "host all postgres all trust",
                "host all all all scram-sha-256",
                "host replication all all scram-sha-256");
        try (Connection connection = superuser("postgres"); Statement statement = connection.createStatement()) {
            statement.execute("CREATE ROLE " + USER + " LOGIN PASSWORD '" + PASSWORD + "'");
            String hbaFile;
            try (ResultSet rs = statement.executeQuery("SHOW hba_file")) {
                rs.next();
                hbaFile = rs.getString(1);
            }
            statement.execute("COPY (SELECT unnest(ARRAY['" + String.join("', '", hba) + "'])) TO '" + hbaFile + "'");
            statement.execute("SELECT pg_reload_conf()");
        }
    }

    public String host() {
        return "localhost";
    }

    public int port() {
        return server.port();
    }

    public Connection superuser(String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + port() + "/" + database, "postgres", "");
    }

    /** A new empty database in which {@link #USER} may read every table the superuser creates. */
    public String createDatabase() {
        return createDatabase("db" + DATABASES.incrementAndGet());
    }

    public String createDatabase(String name) {
        try (Connection connection = superuser("postgres"); Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        try (Connection connection = superuser(name); Statement statement = connection.createStatement()) {
            statement.execute("ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO " + USER);
            statement.execute("ALTER DEFAULT PRIVILEGES GRANT USAGE ON SCHEMAS TO " + USER);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return name;
    }

    /** The database keys of a connector config that reads {@code database} as {@link #USER}. */
    public Map<String, String> connectorConfig(String database) {
        Map<String, String> config = new HashMap<>();
        config.put("database.hostname", host());
        config.put("database.port", Integer.toString(port()));
        config.put("database.user", USER);
        config.put("database.password", PASSWORD);
        config.put("database.dbname", database);
        config.put("database.sslmode", "disable");
        return config;
    }

    /** {@code table (id bigint PRIMARY KEY, v text)} with {@code rows} rows of 40 characters. */
    public void createTable(String database, String table, int rows) throws SQLException {
        try (Connection connection = superuser(database); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE " + table + " (id bigint PRIMARY KEY, v text)");
            statement.execute("INSERT INTO " + table + " SELECT g, repeat('x', 40) FROM generate_series(1, " + rows + ") g");
            statement.execute("ANALYZE " + table);
        }
    }

    /** Sessions of {@code database} in pg_stat_activity that meet an SQL condition. */
    public int sessions(String database, String condition) throws SQLException {
        try (Connection connection = superuser(database); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                     + "AND pid <> pg_backend_pid() AND " + condition)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Whether a connector's coordinator still holds its exported snapshot (the snapshot phase is on). */
    public boolean coordinatorHoldsSnapshot(String database) throws SQLException {
        return sessions(database, "application_name LIKE 'snapclone-coordinator%'") > 0;
    }

    /**
     * Drops every replication slot of {@code database} once no walsender holds it (one that was just
     * closed may hold it for a moment): slots outlive connectors and keep WAL on the shared server.
     */
    public void dropSlotsWhenReleased(String database) throws SQLException {
        try (Connection connection = superuser(database); Statement statement = connection.createStatement()) {
            Poll.until(Duration.ofSeconds(60), "the slots of " + database + " released", () -> {
                try (ResultSet rs = statement.executeQuery("SELECT count(*) FROM pg_replication_slots "
                        + "WHERE database = current_database() AND active")) {
                    rs.next();
                    return rs.getInt(1) == 0;
                }
            });
            statement.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
                    + "WHERE database = current_database()");
        }
    }

    /** As {@link #connectorConfig}, as the superuser: for slots, publications and Debezium. */
    public Map<String, String> superuserConnectorConfig(String database) {
        Map<String, String> config = connectorConfig(database);
        config.put("database.user", "postgres");
        config.put("database.password", "");
        return config;
    }

    public void close() {
        server.close();
    }
}

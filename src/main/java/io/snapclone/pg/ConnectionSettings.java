package io.snapclone.pg;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/** How to reach the database; opens sessions set up the way every snapclone reader expects. */
public record ConnectionSettings(String host, int port, String database, String user, String password,
                                 String sslMode, int connectTimeoutSeconds) {
    /**
     * Server defaults that would end our sessions: a snapshot transaction sits idle for the whole
     * load, a replication connection that exported a snapshot runs nothing while it holds it, a
     * COPY of a big chunk takes long. Set at connect time (the startup packet's {@code options}),
     * before any statement, for replication connections too; they override ALTER ROLE/DATABASE SET.
     * lock_timeout is set deliberately where a wait must stay short (TableLock, planning).
     */
    private static final String SESSION_OPTIONS = "-c statement_timeout=0 -c lock_timeout=0 "
            + "-c idle_in_transaction_session_timeout=0 -c idle_session_timeout=0";
    /** PostgreSQL 17's transaction_timeout would end the snapshot transaction; older servers reject the name. */
    private static final int TRANSACTION_TIMEOUT_SINCE = 17;

    public ConnectionSettings {
        requireNonNull(host, "host is null");
        requireNonNull(database, "database is null");
        requireNonNull(user, "user is null");
        requireNonNull(sslMode, "sslMode is null");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    public String url() {
        return "jdbc:postgresql://" + hostForUrl() + ':' + port + '/' + encode(database);
    }

    /**
     * A session whose text output the decoders understand (UTC, ISO dates, hex bytea...), so that
     * values read the same whatever the server's defaults.
     * {@code applicationName} shows in {@code pg_stat_activity}, where operators look first.
     */
    public Connection open(String applicationName) throws SQLException {
        Connection connection = DriverManager.getConnection(url(), properties(applicationName));
        try (Statement statement = connection.createStatement()) {
            // The decoders read text in exactly these formats, whatever the server's defaults are.
            statement.execute("SET TIME ZONE 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres'; "
                    + "SET bytea_output = 'hex'; SET extra_float_digits = 3; SET lc_monetary = 'C'"
                    + (hasTransactionTimeout(connection) ? "; SET transaction_timeout = 0" : ""));
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        return connection;
    }

    /**
     * A replication connection ({@code replication=database}): it runs replication commands and,
     * in PgJDBC, only the simple query protocol.
     */
    public Connection openReplication(String applicationName) throws SQLException {
        Properties props = properties(applicationName);
        props.setProperty("replication", "database");
        props.setProperty("preferQueryMode", "simple");
        props.setProperty("assumeMinServerVersion", "10");
        Connection connection = DriverManager.getConnection(url(), props);
        if (hasTransactionTimeout(connection)) {
            // A replication connection with a database accepts SQL in the simple protocol.
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET transaction_timeout = 0");
            } catch (SQLException e) {
                connection.close();
                throw e;
            }
        }
        return connection;
    }

    /** From the version the server announced at connect time: no round trip. */
    private static boolean hasTransactionTimeout(Connection connection) throws SQLException {
        return connection.getMetaData().getDatabaseMajorVersion() >= TRANSACTION_TIMEOUT_SINCE;
    }

    private Properties properties(String applicationName) {
        Properties props = new Properties();
        props.setProperty("user", user);
        if (password != null) {
            props.setProperty("password", password);
        }
        props.setProperty("sslmode", sslMode);
        props.setProperty("ApplicationName", applicationName);
        props.setProperty("connectTimeout", Integer.toString(connectTimeoutSeconds));
        props.setProperty("tcpKeepAlive", "true");
        props.setProperty("options", SESSION_OPTIONS);
        return props;
    }

    @Override
    public String toString() {
        // Never the password.
        return user + '@' + host + ':' + port + '/' + database;
    }

    private String hostForUrl() {
        return host.contains(":") && !host.startsWith("[") ? '[' + host + ']' : host;
    }

    private static String encode(String database) {
        return java.net.URLEncoder.encode(database, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }
}

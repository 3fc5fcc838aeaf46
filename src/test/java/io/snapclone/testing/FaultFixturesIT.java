package io.snapclone.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;

/** The fault fixtures against a real server: a crash-restart of a server of our own, a proxy cut. */
class FaultFixturesIT {
    private static TestingPostgres postgres;

    @BeforeAll
    static void startServer() {
        // A setting of our own, to check that a restart keeps every setting, not only wal_level.
        postgres = TestingPostgres.start(Map.of("max_wal_senders", "17"));
    }

    @AfterAll
    static void stopServer() {
        postgres.close();
    }

    @Test
    void aCrashRestartKeepsCommittedDataPortAndSettings() throws SQLException {
        String db = postgres.createDatabase();
        int port = postgres.port();
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE kept (id int PRIMARY KEY)");
            statement.execute("INSERT INTO kept SELECT generate_series(1, 1000)");
        }
        try (Connection open = postgres.superuser(db)) {
            postgres.crashRestart();

            assertThrows(SQLException.class, () -> query(open, "SELECT 1"), "a session from before the crash is gone");
        }
        assertEquals(port, postgres.port());
        try (Connection connection = postgres.superuser(db)) {
            assertEquals("1000", query(connection, "SELECT count(*) FROM kept"));
            assertEquals("logical", query(connection, "SHOW wal_level"));
            assertEquals("17", query(connection, "SHOW max_wal_senders"));
            assertEquals("off", query(connection, "SHOW fsync"));
        }
        // The password rule (pg_hba.conf) and the role survive too.
        try (Connection connection = DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/" + db,
                TestingPostgres.USER, TestingPostgres.PASSWORD)) {
            assertEquals("1000", query(connection, "SELECT count(*) FROM kept"));
        }
        assertThrows(SQLException.class, () -> DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/" + db,
                TestingPostgres.USER, "not-the-password").close(), "the password is checked");
    }

    @Test
    void stopImmediatelyRefusesConnectionsUntilStartedAgain() throws SQLException {
        postgres.stopImmediately();
        try {
            assertThrows(SQLException.class, () -> postgres.superuser("postgres").close());
        } finally {
            postgres.startAgain();
        }
        try (Connection connection = postgres.superuser("postgres")) {
            assertEquals("1", query(connection, "SELECT 1"));
        }
    }

    @Test
    void aProxyCutBreaksJdbcSessionsAndRestoreLetsNewOnesIn() throws SQLException {
        String db = postgres.createDatabase();
        try (TcpProxy proxy = TcpProxy.start(postgres.host(), postgres.port())) {
            Properties props = new Properties();
            props.setProperty("user", TestingPostgres.USER);
            props.setProperty("password", TestingPostgres.PASSWORD);
            props.setProperty("connectTimeout", "5");
            props.setProperty("socketTimeout", "5");
            String url = "jdbc:postgresql://" + proxy.host() + ':' + proxy.port() + '/' + db;
            try (Connection connection = DriverManager.getConnection(url, props)) {
                assertEquals("1", query(connection, "SELECT 1"));
                proxy.cut();
                assertThrows(SQLException.class, () -> query(connection, "SELECT 1"));
                assertThrows(SQLException.class, () -> DriverManager.getConnection(url, props).close());
            }
            proxy.restore();
            try (Connection connection = DriverManager.getConnection(url, props)) {
                assertEquals("1", query(connection, "SELECT 1"));
                proxy.blackhole();
                // socketTimeout notices the silence; nothing else would.
                assertThrows(SQLException.class, () -> query(connection, "SELECT 2"));
                proxy.restore();
            }
            try (Connection connection = DriverManager.getConnection(url, props)) {
                assertEquals("3", query(connection, "SELECT 3"));
            }
        }
    }

    private static String query(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}

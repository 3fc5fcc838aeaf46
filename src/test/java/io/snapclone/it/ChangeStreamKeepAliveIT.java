package io.snapclone.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapclone.pg.ConnectionLoss;
import io.snapclone.pg.ConnectionSettings;
import io.snapclone.pg.Lsn;
import io.snapclone.pg.pgoutput.Insert;
import io.snapclone.pg.replication.ChangeStream;
import io.snapclone.testing.Poll;
import io.snapclone.testing.TestingPostgres;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Kafka's back-pressure can keep a task from reading its stream for longer than the server's
 * wal_sender_timeout: the stream then keeps itself alive with status updates, instead of being
 * dropped by the server. Here the timeout is 2 s and the stream goes unread for 6 s.
 */
class ChangeStreamKeepAliveIT {
    private static final Duration UNREAD = Duration.ofSeconds(6);
    private static TestingPostgres postgres;

    @BeforeAll
    static void startServer() {
        postgres = TestingPostgres.start(Map.of("wal_level", "logical", "wal_sender_timeout", "2s"));
    }

    @AfterAll
    static void stopServer() {
        postgres.close();
    }

    @Test
    void anUnreadStreamStaysConnected() throws Exception {
        String slot = prepare("kept");
        try (ChangeStream stream = ChangeStream.open(settings(), "keepalive-test", slot, List.of(slot), Lsn.INVALID,
                Duration.ofMillis(500))) {
            insertAndWaitUnread(slot);
            AtomicInteger inserts = new AtomicInteger();
            Poll.until(Duration.ofSeconds(30), "the three inserts", () -> {
                for (ChangeStream.Message message = stream.poll(); message != null; message = stream.poll()) {
                    if (message.message() instanceof Insert) {
                        inserts.incrementAndGet();
                    }
                }
                return inserts.get() == 3;
            });
            assertEquals(3, inserts.get());
        }
    }

    /** The control: without status updates, the server drops the unread stream. */
    @Test
    void withoutKeepAliveTheServerDropsIt() throws Exception {
        String slot = prepare("dropped");
        ChangeStream stream = ChangeStream.open(settings(), "keepalive-test", slot, List.of(slot), Lsn.INVALID,
                Duration.ofHours(1));
        try {
            insertAndWaitUnread(slot);
            SQLException failure = Poll.until(Duration.ofSeconds(30), "the stream to fail", () -> {
                try {
                    while (stream.poll() != null) {
                        // Drain until the broken connection shows.
                    }
                    return null;
                } catch (SQLException e) {
                    return e;
                }
            });
            assertTrue(ConnectionLoss.isTransient(failure), failure.toString());
        } finally {
            try {
                stream.close();
            } catch (SQLException expected) {
                // The server dropped it: closing cannot say goodbye.
            }
        }
    }

    private static String prepare(String name) throws SQLException {
        try (Connection connection = postgres.superuser("postgres"); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE " + name + " (id int PRIMARY KEY)");
            statement.execute("CREATE PUBLICATION " + name + " FOR TABLE " + name);
            statement.execute("SELECT pg_create_logical_replication_slot('" + name + "', 'pgoutput')");
        }
        return name;
    }

    private static void insertAndWaitUnread(String table) throws Exception {
        try (Connection connection = postgres.superuser("postgres"); Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO " + table + " VALUES (1), (2), (3)");
        }
        // Not waiting for a result: this is the slow consumer, longer than wal_sender_timeout.
        Thread.sleep(UNREAD.toMillis());
    }

    private static ConnectionSettings settings() {
        return new ConnectionSettings(postgres.host(), postgres.port(), "postgres", "postgres", null, "disable", 10);
    }
}

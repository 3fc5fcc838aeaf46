package io.snapclone.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapclone.pg.Lsn;
import io.snapclone.testing.Poll;
import io.snapclone.testing.RowReplay;
import io.snapclone.testing.TestingConnect;
import io.snapclone.testing.TestingPostgres;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Offsets reset through Connect's REST API (KIP-875): {@code DELETE /connectors/<name>/offsets}
 * on a stopped connector loads every table again and streams on, with the slot it had, exactly:
 * the new snapshot's rows, then only the changes they lack. The slot is behind the new snapshot
 * (it holds the changes made while the connector was stopped); those must not be sent again.
 */
class OffsetResetIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOPIC = "rst.public.items";
    private final TestingPostgres postgres = TestingPostgres.shared();
    private final TestingConnect connect = TestingConnect.shared();

    @Test
    void aResetLoadsEverythingAgainAndStreamsOnWithoutRepeatingWhatTheNewSnapshotHas() throws Exception {
        String db = postgres.createDatabase();
        postgres.dropSlotsWhenReleased(db);
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE items (id bigint PRIMARY KEY, v text)");
            statement.execute("INSERT INTO items SELECT g, 'v' || g FROM generate_series(1, 100) g");
        }
        connect.deploy("reset", TestingConnect.connectorConfig(postgres.superuserConnectorConfig(db), "rst", 2,
                Map.of("snapshot.mode", "initial", "slot.name", "reset", "publication.name", "reset")));
        Poll.until(Duration.ofSeconds(90), "the first load", () -> connect.progressEvents("rst").contains("snapshot.completed"));
        write(db, "INSERT INTO items VALUES (101, 'streamed')");
        Poll.until(Duration.ofSeconds(60), "a streamed change", () -> connect.readAll(TOPIC).size() == 101);

        connect.rest().stop("reset");
        Poll.until(Duration.ofSeconds(60), "the connector stopped",
                () -> "STOPPED".equals(connect.connectorStatus("reset").connector().state()));
        int before = connect.readAll(TOPIC).size();
        // Changes the slot holds, since nothing read them: the new snapshot has them too.
        write(db, "INSERT INTO items SELECT g, 'while stopped' FROM generate_series(201, 210) g");
        write(db, "UPDATE items SET v = 'changed while stopped' WHERE id = 1");
        write(db, "DELETE FROM items WHERE id = 2");
        Lsn written = currentLsn(db);
        connect.rest().resetOffsets("reset");
        connect.rest().resume("reset");

        Poll.until(Duration.ofSeconds(120), "the second load", () -> connect.progressEvents("rst").stream()
                .filter("snapshot.completed"::equals).count() == 2);
        write(db, "INSERT INTO items VALUES (301, 'after')");
        write(db, "UPDATE items SET v = 'after' WHERE id = 3");
        Poll.until(Duration.ofSeconds(60), "the changes after the reset", () -> after(before).stream()
                .anyMatch(r -> "u".equals(op(r)) && id(r) == 3));

        List<ConsumerRecord<byte[], byte[]>> reloaded = after(before);
        List<String> repeated = new ArrayList<>();
        long snapshotRows = 0;
        for (ConsumerRecord<byte[], byte[]> record : reloaded) {
            if (record.value() == null) {
                continue;
            }
            JsonNode value = JSON.readTree(record.value());
            if ("r".equals(op(record))) {
                snapshotRows++;
                assertTrue(new Lsn(value.get("source").get("lsn").asLong()).compareTo(written) >= 0,
                        "the snapshot's source.lsn is where the new snapshot stands, past the writes while stopped: "
                                + value.get("source"));
            } else if (id(record) != 301 && id(record) != 3) {
                repeated.add(op(record) + " of id " + id(record));
            }
        }
        assertEquals(List.of(), repeated, "changes the new snapshot already has, sent again");
        assertEquals(110, snapshotRows, "every row of the table once, as it was when loaded again");
        // What was loaded again and streamed since is the table (a row deleted while stopped is simply
        // not in the new load: a consumer that must see it go reads a new topic.prefix).
        try (Connection connection = postgres.superuser(db)) {
            assertEquals(List.of(), RowReplay.differences("items",
                    RowReplay.read(connection, "items", List.of("v"), Set.of()),
                    RowReplay.replay(reloaded, Set.of(), false).rows, List.of("v"), 10));
        }
        connect.delete("reset");
    }

    private List<ConsumerRecord<byte[], byte[]>> after(int before) {
        List<ConsumerRecord<byte[], byte[]>> all = connect.readAll(TOPIC);
        return all.subList(Math.min(before, all.size()), all.size());
    }

    private static String op(ConsumerRecord<byte[], byte[]> record) {
        return record.value() == null ? "tombstone" : json(record.value()).get("op").asText();
    }

    private static long id(ConsumerRecord<byte[], byte[]> record) {
        return json(record.key()).get("id").asLong();
    }

    private static JsonNode json(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void write(String db, String sql) throws Exception {
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private Lsn currentLsn(String db) throws Exception {
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT pg_current_wal_lsn()")) {
            rs.next();
            return Lsn.parse(rs.getString(1));
        }
    }
}

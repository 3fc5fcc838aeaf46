package io.snapclone.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapclone.testing.Poll;
import io.snapclone.testing.TestingConnect;
import io.snapclone.testing.TestingPostgres;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Column types travel end to end through a real server's catalog and COPY output, including
 * domains, enums and arrays, and NULL in every column (JsonConverter without schemas).
 */
class TypesIT {
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    @Test
    void everyColumnOfTheEdgeRowArrivesAsPostgresHoldsIt() throws Exception {
        TestingPostgres postgres = TestingPostgres.shared();
        TestingConnect connect = TestingConnect.shared();
        String db = postgres.createDatabase();
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')");
            statement.execute("CREATE DOMAIN positive AS int CHECK (VALUE > 0)");
            statement.execute("CREATE DOMAIN short_text AS positive"); // a domain over a domain
            statement.execute("""
                    CREATE TABLE "Types" (id int PRIMARY KEY, i2 smallint, i8 bigint, f8 double precision,
                      n numeric(20,5), nv numeric, b boolean, t text, "Mixed Case" varchar(10), by bytea, d date,
                      tm time, ts timestamp, tstz timestamptz, u uuid, j jsonb, iv interval, arr int[], tarr text[],
                      en mood, dom positive, dom2 short_text, inet_c inet)""");
            statement.execute("""
                    INSERT INTO "Types" VALUES (1, -32768, 9223372036854775807, -1.5e300,
                      123456789012345.12345, 1.5, true, 'tab\tnewline\nquote"backslash\\ü€😀', 'x', '\\x00ff10',
                      '0044-03-15 BC', '24:00:00', '2024-02-29 23:59:59.999999', '1999-12-31 23:00:00-05',
                      'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', '{"a": [1, 2]}', '1 year 2 mons 3 days 04:05:06.5',
                      '{1,NULL,3}', '{"a b","c,d",NULL}', 'happy', 7, 8, '192.168.0.1/24')""");
            statement.execute("INSERT INTO \"Types\" (id) VALUES (2)");
        }
        Map<String, String> config = new HashMap<>(TestingConnect.baseConnectorConfig("types", 1));
        config.putAll(postgres.connectorConfig(db));
        connect.deploy("types", config);
        List<ConsumerRecord<byte[], byte[]>> records = Poll.until(Duration.ofSeconds(60), "both rows",
                () -> connect.readAll("types.public.Types").size() == 2 ? connect.readAll("types.public.Types") : null);

        Map<Integer, JsonNode> rows = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            JsonNode after = JSON.readTree(record.value()).get("after");
            rows.put(after.get("id").asInt(), after);
        }
        JsonNode edge = rows.get(1);
        assertEquals(-32768, edge.get("i2").asInt());
        assertEquals(Long.MAX_VALUE, edge.get("i8").asLong());
        assertEquals(-1.5e300, edge.get("f8").asDouble());
        assertEquals(new BigDecimal("123456789012345.12345"), edge.get("n").decimalValue());
        JsonNode variable = edge.get("nv");
        assertEquals(1, variable.get("scale").asInt());
        assertEquals(15, new java.math.BigInteger(Base64.getDecoder().decode(variable.get("value").asText())).intValue());
        assertTrue(edge.get("b").asBoolean());
        assertEquals("tab\tnewline\nquote\"backslash\\ü€😀", edge.get("t").asText());
        assertEquals("x", edge.get("Mixed_Case").asText());
        assertEquals("AP8Q", edge.get("by").asText(), "bytea as base64 of 00 ff 10");
        assertEquals(LocalDate.of(-43, 3, 15).toEpochDay(), edge.get("d").asLong(), "44 BC is year -43");
        assertEquals(86_400_000_000L, edge.get("tm").asLong());
        assertEquals(LocalDateTime.of(2024, 2, 29, 23, 59, 59, 999_999_000).toEpochSecond(ZoneOffset.UTC) * 1_000_000
                + 999_999, edge.get("ts").asLong());
        assertEquals("2000-01-01T04:00:00.000000Z", edge.get("tstz").asText());
        assertEquals("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", edge.get("u").asText());
        assertEquals(JSON.readTree("{\"a\": [1, 2]}"), JSON.readTree(edge.get("j").asText()));
        assertTrue(edge.get("iv").isNumber(), "interval as MicroDuration: " + edge.get("iv"));
        assertEquals(JSON.readTree("[1,null,3]"), edge.get("arr"));
        assertEquals(JSON.readTree("[\"a b\",\"c,d\",null]"), edge.get("tarr"));
        assertEquals("happy", edge.get("en").asText());
        assertEquals(7, edge.get("dom").asInt());
        assertEquals(8, edge.get("dom2").asInt());
        assertEquals("192.168.0.1/24", edge.get("inet_c").asText());

        JsonNode nulls = rows.get(2);
        nulls.fieldNames().forEachRemaining(field -> {
            if (!field.equals("id")) {
                assertTrue(nulls.get(field).isNull(), field + " is null");
            }
        });
        connect.delete("types");
    }
}

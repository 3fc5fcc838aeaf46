package io.snapclone.connect.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapclone.pg.TableId;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.regex.Pattern;

class NamesTest {
    private static final Pattern AVRO_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]+");

    static List<TableId> hostileTables() {
        return List.of(
                new TableId("public", "orders"),
                new TableId("my schema", "my table"),
                new TableId("dash-schema", "dash-table"),
                new TableId("dot.schema", "dot.table"),
                new TableId("żółw", "日本語"),
                new TableId("Ünïcödé", "🐘"),
                new TableId("1schema", "2024_orders"),
                new TableId("\"quoted\"", "it's"),
                new TableId("", "_"),
                new TableId("٣", "a/b\\c"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            public     | orders     | shop.public.orders
            my schema  | my table   | shop.my_schema.my_table
            dash-s     | dash-t     | shop.dash-s.dash-t
            dot.schema | dot.table  | shop.dot.schema.dot.table
            żółw       | 日本語      | shop.___w.___
            1schema    | 2024       | shop.1schema.2024
            "'q'"      | "it's"     | shop._q_.it_s
            MiXeD      | CaSe       | shop.MiXeD.CaSe
            """)
    void topicNames(String schema, String table, String expected) {
        assertEquals(expected, Names.topic("shop", new TableId(schema, table)));
    }

    @Test
    void supplementaryCharacterIsOneUnderscore() {
        assertEquals("shop.s._", Names.topic("shop", new TableId("s", "🐘")));
    }

    @ParameterizedTest
    @MethodSource("hostileTables")
    void topicsKeepLegalCharacters(TableId table) {
        String topic = Names.topic("my-prefix.v1", table);
        assertTrue(TOPIC.matcher(topic).matches(), topic);
        assertTrue(topic.startsWith("my-prefix.v1."), topic);
    }

    @Test
    void topicOfMaximumLengthIsAccepted() {
        // "p." + schema + "." + table = 249 characters.
        String topic = Names.topic("p", new TableId("s", "t".repeat(249 - 4)));
        assertEquals(249, topic.length());
    }

    @Test
    void topicLongerThanKafkaAllowsIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Names.topic("p", new TableId("s", "t".repeat(249 - 3))));
        assertTrue(e.getMessage().contains("249"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            shop      | public    | orders     | shop.public.orders
            shop      | my schema | my-table   | shop.my_schema.my_table
            my-shop.v1| dot.s     | dot.t      | my_shop.v1.dot_s.dot_t
            shop      | 1schema   | 2024       | shop._1schema._2024
            9shop     | żółw      | 日本語      | _9shop.___w.___
            shop      | "'q'"     | "it's"     | shop._q_.it_s
            """)
    void schemaNamespaces(String prefix, String schema, String table, String expected) {
        assertEquals(expected, Names.schemaNamespace(prefix, new TableId(schema, table)));
    }

    @ParameterizedTest
    @MethodSource("hostileTables")
    void everyAvroSegmentIsAValidName(TableId table) {
        for (String prefix : List.of("shop", "my-prefix.v1", "1.2", "a..b", "-")) {
            String namespace = Names.schemaNamespace(prefix, table);
            String[] segments = namespace.split("\\.", -1);
            // The prefix's segments, then exactly one for the schema and one for the table.
            assertEquals(prefix.split("\\.").length + 2, segments.length, namespace);
            for (String segment : segments) {
                assertTrue(AVRO_NAME.matcher(segment).matches(), "segment '" + segment + "' of " + namespace);
            }
        }
    }

    @Test
    void emptyNamesBecomeAnUnderscore() {
        assertEquals("_", Names.avroSafe(""));
        assertEquals("", Names.topicSafe(""));
    }
}

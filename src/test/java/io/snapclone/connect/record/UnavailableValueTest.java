package io.snapclone.connect.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.snapclone.connect.record.RecordOptions.BinaryMode;
import io.snapclone.pg.catalog.ColumnType;

import org.apache.kafka.connect.data.ConnectSchema;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Every placeholder shape, each valid for its schema. */
class UnavailableValueTest {
    private static final ColumnType TEXT = ColumnType.of(25, "text", -1);
    private static final ColumnType BYTEA = ColumnType.of(17, "bytea", -1);
    private static final UnavailableValue PLACEHOLDER = UnavailableValue.parse("ab");

    private static Object of(ColumnType type, Schema schema, BinaryMode binary) {
        Object value = PLACEHOLDER.of(type, schema, binary);
        ConnectSchema.validateValue(schema, value);
        return value;
    }

    private static Object of(Schema schema) {
        return of(TEXT, schema, BinaryMode.BYTES);
    }

    @Test
    void hexPrefixGivesBytes() {
        UnavailableValue value = UnavailableValue.parse("hex:00ff");
        assertArrayEquals(new byte[] {0, -1}, value.bytes());
        assertArrayEquals("plain".getBytes(StandardCharsets.UTF_8), UnavailableValue.parse("plain").bytes());
        assertThrows(IllegalArgumentException.class, () -> UnavailableValue.parse("hex:0"));
        assertThrows(IllegalArgumentException.class, () -> UnavailableValue.parse("hex:zz"));
        assertThrows(IllegalArgumentException.class, () -> UnavailableValue.parse(""));
    }

    @Test
    void scalars() {
        assertEquals("ab", of(Schema.OPTIONAL_STRING_SCHEMA));
        assertArrayEquals(new byte[] {'a', 'b'}, (byte[]) of(BYTEA, Schema.OPTIONAL_BYTES_SCHEMA, BinaryMode.BYTES));
        assertEquals("YWI=", of(BYTEA, Schema.OPTIONAL_STRING_SCHEMA, BinaryMode.BASE64), "bytea as base64: the bytes");
        assertEquals("6162", of(BYTEA, Schema.OPTIONAL_STRING_SCHEMA, BinaryMode.HEX));
        assertEquals(Map.of("ab", "ab"),
                of(SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.OPTIONAL_STRING_SCHEMA).optional().build()));
        Schema decimal = Decimal.builder(2).optional().build();
        assertEquals(new BigDecimal("249.30"), of(decimal), "the bytes (0x6162) as the unscaled value");
        Struct variable = (Struct) of(ColumnSchemas.VARIABLE_SCALE_DECIMAL);
        assertEquals(0, variable.get("scale"));
        assertArrayEquals(new byte[] {'a', 'b'}, (byte[]) variable.get("value"));
    }

    @Test
    void arrays() {
        assertEquals(List.of("ab"), of(SchemaBuilder.array(Schema.OPTIONAL_STRING_SCHEMA).optional().build()));
        assertEquals(List.of(97, 98), of(SchemaBuilder.array(Schema.OPTIONAL_INT32_SCHEMA).optional().build()));
        assertEquals(List.of(97L, 98L), of(SchemaBuilder.array(Schema.OPTIONAL_INT64_SCHEMA).optional().build()));
        assertEquals(List.of((short) 97, (short) 98),
                of(SchemaBuilder.array(Schema.OPTIONAL_INT16_SCHEMA).optional().build()));
        assertEquals(List.of(97d, 98d), of(SchemaBuilder.array(Schema.OPTIONAL_FLOAT64_SCHEMA).optional().build()));
        Schema uuid = SchemaBuilder.string().name("io.debezium.data.Uuid").version(1).optional().build();
        assertEquals(List.of(UUID.nameUUIDFromBytes(new byte[] {'a', 'b'}).toString()),
                of(SchemaBuilder.array(uuid).optional().build()), "uuid[]: a uuid made from the placeholder");
        List<?> bytes = (List<?>) of(SchemaBuilder.array(Schema.OPTIONAL_BYTES_SCHEMA).optional().build());
        assertArrayEquals(new byte[] {'a', 'b'}, (byte[]) bytes.get(0));
    }

    @Test
    void fixedLengthTypesAreNeverToasted() {
        assertThrows(IllegalStateException.class, () -> PLACEHOLDER.of(TEXT, Schema.OPTIONAL_INT32_SCHEMA,
                BinaryMode.BYTES));
    }
}

package io.snapclone.testing;

import io.apicurio.registry.utils.converter.AvroConverter;

import java.util.Map;

/**
 * Apicurio's AvroConverter (a port of Confluent's AvroData) writing Confluent's wire format (magic
 * byte 0, a 4-byte schema id, the Avro binary) against {@link InMemorySchemaResolver}.
 */
public final class TestingAvro {
    public static final byte MAGIC_BYTE = 0;
    /** Magic byte and schema id. */
    public static final int HEADER_LENGTH = 5;

    private TestingAvro() {
    }

    public static AvroConverter<Object> keyConverter() {
        return converter(true);
    }

    public static AvroConverter<Object> valueConverter() {
        return converter(false);
    }

    private static AvroConverter<Object> converter(boolean isKey) {
        AvroConverter<Object> converter = new AvroConverter<>();
        converter.configure(Map.of(
                "apicurio.registry.schema-resolver", InMemorySchemaResolver.class.getName(),
                "apicurio.registry.headers.enabled", "false",
                "apicurio.registry.as-confluent", "true"), isKey);
        return converter;
    }
}

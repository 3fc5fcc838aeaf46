package io.snapclone.connect.record;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;

/** The {@code source} block of the envelope, field for field Debezium's PostgreSQL one. */
final class SourceSchema {
    /**
     * Debezium's PostgreSQL source block, name, version and fields in order, so that a schema
     * registry takes our records as the same subject's (see docs/migrating-from-debezium.md).
     */
    static final Schema SCHEMA = SchemaBuilder.struct().name("io.debezium.connector.postgresql.Source").version(1)
            .field("version", Schema.STRING_SCHEMA)
            .field("connector", Schema.STRING_SCHEMA)
            .field("name", Schema.STRING_SCHEMA)
            .field("ts_ms", Schema.INT64_SCHEMA)
            .field("snapshot", SchemaBuilder.string().optional().defaultValue("false")
                    .name("io.debezium.data.Enum").version(1)
                    .parameter("allowed", "true,first,first_in_data_collection,last_in_data_collection,last,false,"
                            + "incremental").build())
            .field("db", Schema.STRING_SCHEMA)
            .field("sequence", Schema.OPTIONAL_STRING_SCHEMA)
            .field("ts_us", Schema.OPTIONAL_INT64_SCHEMA)
            .field("ts_ns", Schema.OPTIONAL_INT64_SCHEMA)
            .field("schema", Schema.STRING_SCHEMA)
            .field("table", Schema.STRING_SCHEMA)
            .field("txId", Schema.OPTIONAL_INT64_SCHEMA)
            .field("lsn", Schema.OPTIONAL_INT64_SCHEMA)
            .field("xmin", Schema.OPTIONAL_INT64_SCHEMA)
            .field("origin", Schema.OPTIONAL_STRING_SCHEMA)
            .field("origin_lsn", Schema.OPTIONAL_INT64_SCHEMA)
            .build();

    private SourceSchema() {
    }
}

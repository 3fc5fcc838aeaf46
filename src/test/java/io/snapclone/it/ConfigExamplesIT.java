package io.snapclone.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapclone.testing.TestingConnect;
import io.snapclone.testing.TestingPostgres;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfo;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfos;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Every example in {@code config/} passes {@code PUT /connector-plugins/.../config/validate} as
 * written, except for where its database is: host, port, user, password, database (and databases)
 * and sslmode are this test's server's (the examples name a host of the reader's and take secrets from a config
 * provider that this worker does not have).
 */
class ConfigExamplesIT {
    private static final TestingPostgres postgres = TestingPostgres.shared();
    private static final TestingConnect connect = TestingConnect.shared();
    /** Confluent's converter is not on this worker's class path; a worker that runs the example has it. */
    private static final Set<String> ABSENT_CONVERTER = Set.of("io.confluent.connect.avro.AvroConverter");
    private static String db;
    /** A second database, for an example with database.names. */
    private static String db2;

    @BeforeAll
    static void createTables() throws Exception {
        db = postgres.createDatabase();
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE customers (id bigint PRIMARY KEY, name text)");
            statement.execute("CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, total numeric(12,2))");
            // What docker/postgres/init.sql creates for config/docker-compose.json (publication.autocreate.mode=disabled).
            statement.execute("CREATE PUBLICATION snapclone_shop FOR TABLE customers, orders");
        }
        db2 = postgres.createDatabase();
        try (Connection connection = postgres.superuser(db2); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE payments (id bigint PRIMARY KEY, order_id bigint, amount numeric(12,2))");
        }
    }

    static Stream<Path> examples() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("config"))) {
            List<Path> examples = files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
            assertTrue(examples.size() >= 7, "the examples: " + examples);
            return examples.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("examples")
    void validatesAsWritten(Path example) throws IOException {
        Map<String, String> config = new HashMap<>(new ObjectMapper().readValue(example.toFile(),
                new TypeReference<Map<String, String>>() { }));
        assertEquals("io.snapclone.connect.SnapcloneSourceConnector", config.get("connector.class"), example.toString());
        config.putAll(postgres.superuserConnectorConfig(db));
        if (config.containsKey("database.names")) {
            config.put("database.names", db + "," + db2);
        }
        // PUT /connectors/<name>/config takes the name from the URL.
        config.put("name", example.getFileName().toString().replace(".json", ""));
        ConfigInfos infos = connect.validate(config);
        Map<String, List<String>> errors = infos.configs().stream()
                .map(ConfigInfo::configValue)
                .filter(value -> !value.errors().isEmpty())
                .filter(value -> !ABSENT_CONVERTER.contains(config.getOrDefault(value.name(), "")))
                .collect(Collectors.toMap(value -> value.name(), value -> value.errors()));
        assertEquals(Map.of(), errors, example.toString());
    }
}

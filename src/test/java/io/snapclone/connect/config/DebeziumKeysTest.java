package io.snapclone.connect.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.debezium.config.Field;
import io.debezium.connector.postgresql.PostgresConnectorConfig;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Every key of Debezium's PostgreSQL connector (3.7, the test dependency) is either one of ours or
 * in {@link DebeziumKeys}; docs/debezium-keys.md, generated from both, lists them all.
 */
class DebeziumKeysTest {
    private static final String REGENERATE = "mvn -B test -Dtest=DebeziumKeysTest -Dsnapclone.docs.update=true";

    /** Debezium's keys, the patterned ones with an example name (column.mask.with.(d+).chars and the like). */
    private static Map<String, Field> debeziumKeys() {
        Map<String, Field> keys = new TreeMap<>();
        for (Field field : PostgresConnectorConfig.ALL_FIELDS) {
            String example = field.name().replace("(d+)", "4").replace("([^.]+)", "SHA-256").replace("(.+)", "salt");
            keys.put(example, field);
        }
        return keys;
    }

    @Test
    void everyDebeziumKeyIsOursOrListed() {
        List<String> unknown = debeziumKeys().keySet().stream()
                .filter(key -> !SnapcloneConfig.CONFIG_DEF.names().contains(key) && DebeziumKeys.find(key).isEmpty())
                .toList();
        assertEquals(List.of(), unknown, "Debezium keys snapclone neither defines nor lists in DebeziumKeys");
    }

    @Test
    void noListedKeyShadowsOneOfOurs() {
        for (String ours : SnapcloneConfig.CONFIG_DEF.names()) {
            assertTrue(DebeziumKeys.find(ours).isEmpty(), ours + " is ours and must not be listed as Debezium's");
        }
    }

    @Test
    void aDebeziumConfigPassesWithWarningsAndOnlyKeysThatChangeRecordsFail() {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("plugin.name", "pgoutput");
        props.put("slot.drop.on.stop", "false");
        props.put("provide.transaction.metadata", "false");
        props.put("poll.interval.ms", "100");
        props.put("signal.data.collection", "public.debezium_signal"); // ours now: not reviewed
        props.put("signal.poll.interval.ms", "5000");
        props.put("notification.http.url", "http://example.com/notes");
        props.put("table.include.list", "public.orders"); // ours: not reviewed
        props.put("unrelated.key", "x"); // not Debezium's: not reviewed
        List<DebeziumKeys.Finding> findings = DebeziumKeys.review(props);
        assertEquals(List.of("plugin.name", "slot.drop.on.stop", "provide.transaction.metadata", "poll.interval.ms",
                "signal.poll.interval.ms", "notification.http.url"),
                findings.stream().map(DebeziumKeys.Finding::key).toList());
        assertTrue(findings.stream().noneMatch(DebeziumKeys.Finding::error), findings.toString());
        assertEquals("Debezium's poll.interval.ms is ignored by snapclone: records are handed to Connect as soon as "
                + "they are read", findings.get(3).message());

        List<DebeziumKeys.Finding> errors = DebeziumKeys.review(Map.of("plugin.name", "decoderbufs",
                "provide.transaction.metadata", "true", "column.mask.with.4.chars", "public.customers.email"))
                .stream().filter(DebeziumKeys.Finding::error).toList();
        assertEquals(3, errors.size(), errors.toString());
        DebeziumKeys.Finding plugin = errors.stream().filter(e -> e.key().equals("plugin.name")).findFirst().orElseThrow();
        assertEquals("Debezium's plugin.name is not supported by snapclone except as 'pgoutput': snapclone reads "
                + "pgoutput only: set plugin.name=pgoutput or remove it", plugin.message());
    }

    @Test
    void docsListEveryDebeziumKey() throws IOException {
        Path file = Path.of(System.getProperty("basedir", System.getProperty("user.dir")), "docs", "debezium-keys.md");
        String generated = render();
        if (Boolean.getBoolean("snapclone.docs.update")) {
            Files.writeString(file, generated, StandardCharsets.UTF_8);
        }
        String committed = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        assertEquals(generated, committed, file + " is out of date; regenerate it with: " + REGENERATE);
        assertFalse(generated.contains("| `column.mask.with.4.chars` |"), "patterned keys appear under their pattern");
    }

    private static String render() {
        StringBuilder out = new StringBuilder();
        out.append("# Debezium's PostgreSQL connector keys in snapclone\n\n")
                .append("Generated from Debezium 3.7's `PostgresConnectorConfig` and snapclone's config by `DebeziumKeysTest` ")
                .append("(`").append(REGENERATE).append("`): every key of Debezium's PostgreSQL connector and what ")
                .append("snapclone does with it.\n\n")
                .append("- **same**: snapclone defines the key with Debezium's meaning ([configuration.md](configuration.md)); ")
                .append("values that differ are named in the last column.\n")
                .append("- **ignored**: harmless to ignore; a config that sets it validates and the connector logs a ")
                .append("warning naming the key and what happens instead.\n")
                .append("- **unsupported**: ignoring it would change what is captured or how records look: set to the ")
                .append("value shown it is only warned about, any other value fails `validate()` against the key with ")
                .append("what to do instead.\n\n")
                .append("Connect's validation has no warning level, so warnings are written to the worker's log ")
                .append("(at validation and at every start). Keys in neither Debezium's nor snapclone's config are ")
                .append("left to Connect, as for any connector.\n\n")
                .append("| Debezium key | Debezium's default | snapclone | what snapclone does |\n|---|---|---|---|\n");
        Map<String, String> rows = new TreeMap<>();
        for (Map.Entry<String, Field> entry : debeziumKeys().entrySet()) {
            String key = entry.getKey();
            Field field = entry.getValue();
            String defaultValue = field.defaultValue() == null || field.defaultValue().toString().isEmpty() ? ""
                    : "`" + field.defaultValue().toString().replace("|", "\\|") + "`";
            if (SnapcloneConfig.CONFIG_DEF.names().contains(key)) {
                rows.put(key, "| `" + key + "` | " + defaultValue + " | same | " + SAME_BUT.getOrDefault(key, "as in Debezium")
                        + " |\n");
            } else {
                DebeziumKeys.Key listed = DebeziumKeys.find(key).orElseThrow();
                String handling = listed.handling() == DebeziumKeys.Handling.IGNORED ? "ignored"
                        : listed.harmlessValue() == null ? "unsupported"
                        : listed.harmlessValue().isEmpty() ? "unsupported unless empty"
                        : "unsupported unless `" + listed.harmlessValue() + "`";
                rows.put(listed.name(), "| `" + listed.name() + "` | " + (listed.name().equals(key) ? defaultValue : "")
                        + " | " + handling + " | " + listed.instead().replace("|", "\\|") + " |\n");
            }
        }
        rows.values().forEach(out::append);
        return out.toString();
    }

    /** Our keys whose values or defaults differ from Debezium's, and how. */
    private static final Map<String, String> SAME_BUT = Map.of(
            "snapshot.mode", "`initial`, `initial_only`, `never` and Debezium's `no_data` (= `never`); `always`, "
                    + "`when_needed`, `configuration_based`, `custom` and `recovery` fail validation with what to use",
            "publication.autocreate.mode", "`filtered` (the default: Debezium's is `all_tables`), `all_tables`, "
                    + "`disabled`; `no_tables` fails validation with what to use",
            "slot.name", "default `snapclone` (Debezium's: `debezium`); one slot per connector",
            "publication.name", "default `snapclone` (Debezium's: `dbz_publication`)",
            "max.batch.size", "records per poll; default " + SnapcloneConfig.CONFIG_DEF.configKeys().get("max.batch.size")
                    .defaultValue,
            "errors.max.retries", "reconnect attempts in a row; default -1 (unlimited)",
            "slot.failover", "PostgreSQL 17+",
            "publish.via.partition.root", "default `true` (Debezium's: `false`): a partitioned table is captured as "
                    + "itself, not as its partitions",
            "notification.enabled.channels", "sink and log; jmx is ignored with a warning. The initial snapshot's "
                    + "STARTED, IN_PROGRESS, TABLE_SCAN_COMPLETED, COMPLETED, in Debezium's schemas; no "
                    + "DATA_COLLECTIONS_RESOLVED (docs/migrating-from-debezium.md)",
            "heartbeat.interval.ms", "heartbeats confirm the slot's position and run heartbeat.action.query; no "
                    + "heartbeat records are written");

    @Test
    void sameButNamesOnlyOurKeys() {
        SAME_BUT.keySet().forEach(key -> assertTrue(SnapcloneConfig.CONFIG_DEF.names().contains(key), key));
        assertTrue(SAME_BUT.values().stream().allMatch(Objects::nonNull));
    }
}

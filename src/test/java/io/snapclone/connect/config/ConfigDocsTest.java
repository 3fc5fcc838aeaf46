package io.snapclone.connect.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** docs/configuration.md is generated from the ConfigDef; this fails when the two drift apart. */
class ConfigDocsTest {
    private static final String UPDATE_PROPERTY = "snapclone.docs.update";

    private static Path docsFile() {
        // Surefire sets basedir; from an IDE the working directory is usually the project root.
        return Path.of(System.getProperty("basedir", System.getProperty("user.dir")), "docs", "configuration.md");
    }

    @Test
    void docsMatchTheConfigDef() throws IOException {
        Path file = docsFile();
        String generated = ConfigDocs.render(SnapcloneConfig.CONFIG_DEF);
        if (Boolean.getBoolean(UPDATE_PROPERTY)) {
            Files.createDirectories(file.getParent());
            Files.writeString(file, generated, StandardCharsets.UTF_8);
        }
        String committed = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        assertEquals(generated, committed, file + " is out of date with SnapcloneConfig.CONFIG_DEF; regenerate it with: "
                + ConfigDocs.REGENERATE + " (and commit the result)");
    }

    @Test
    void everyKeyIsDocumentedOnce() {
        String docs = ConfigDocs.render(SnapcloneConfig.CONFIG_DEF);
        for (String key : SnapcloneConfig.CONFIG_DEF.names()) {
            String row = "| `" + key + "` |";
            int first = docs.indexOf(row);
            assertTrue(first >= 0, key + " is missing");
            assertEquals(-1, docs.indexOf(row, first + 1), key + " appears twice");
        }
    }

    @Test
    void groupsInDefinitionOrderWithKeysInTheirOrder() {
        String docs = ConfigDocs.render(SnapcloneConfig.CONFIG_DEF);
        int database = docs.indexOf("\n## Database\n");
        int tables = docs.indexOf("\n## Tables and topics\n");
        int snapshot = docs.indexOf("\n## Snapshot\n");
        assertTrue(0 < database && database < tables && tables < snapshot, docs);
        assertTrue(docs.indexOf("`database.hostname`") < docs.indexOf("`database.port`"));
        assertTrue(docs.indexOf("`topic.prefix`") > tables && docs.indexOf("`topic.prefix`") < snapshot);
        assertTrue(docs.contains("| `database.port` | int | `5432` | [1,...,65535] | high | Port of the PostgreSQL server. |"),
                docs);
        assertTrue(docs.contains("| `database.hostname` | string | *required* |"), docs);
    }

    @Test
    void descriptionsStayInsideTheirCell() {
        ConfigDef definition = new ConfigDef()
                .define("a.key", Type.STRING, "x|y", Importance.LOW, "Goes to <prefix>.<table> | or\nelsewhere.",
                        "G", 1, Width.SHORT, "A");
        String docs = ConfigDocs.render(definition);
        assertTrue(docs.contains("| `a.key` | string | `x\\|y` |  | low | Goes to &lt;prefix&gt;.&lt;table&gt; \\| or elsewhere. |"),
                docs);
    }

    @Test
    void passwordDefaultsNeverLeak() {
        ConfigDef definition = new ConfigDef()
                .define("secret.key", Type.PASSWORD, "hunter2", Importance.HIGH, "A secret.", "G", 1, Width.SHORT, "S")
                .define("no.default", Type.PASSWORD, null, Importance.HIGH, "None.", "G", 2, Width.SHORT, "N");
        String docs = ConfigDocs.render(definition);
        assertFalse(docs.contains("hunter2"), docs);
        assertTrue(docs.contains("| `secret.key` | password | `[hidden]` |"), docs);
        assertTrue(docs.contains("| `no.default` | password |  |"), docs);
    }

    @Test
    void realDocsShowNoPasswordValue() {
        String docs = ConfigDocs.render(SnapcloneConfig.CONFIG_DEF);
        assertTrue(docs.contains("| `database.password` | password |  |"), docs);
    }
}

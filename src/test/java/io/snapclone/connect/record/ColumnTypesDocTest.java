package io.snapclone.connect.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapclone.pg.catalog.Column;
import io.snapclone.pg.catalog.ColumnType;
import io.snapclone.pg.catalog.TypeOids;
import io.snapclone.pg.catalog.TypeOids.KnownType;

import org.apache.kafka.connect.data.Schema;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * docs/types.md and the code agree: each mapped type has exactly one row, naming the Connect
 * schema type and semantic name the code gives it, and no row names a type the code does not map.
 */
class ColumnTypesDocTest {
    private static final Path DOC = Path.of(System.getProperty("basedir", System.getProperty("user.dir")),
            "docs", "types.md");
    private static final Pattern KEY = Pattern.compile("`([^`]+)`");
    private static final int EXTENSION_OID = 20_000;

    /** A row of the table: the keys in its first cell, its schema type and semantic name. */
    record Row(List<String> keys, String schemaType, String semanticName, int line) {
    }

    /** Every type the code maps, keyed as the doc keys them. */
    static Map<String, ColumnType> mappedTypes() {
        Map<String, ColumnType> types = new LinkedHashMap<>();
        for (KnownType known : TypeOids.known()) {
            if (known.typname().equals("bit") || known.typname().equals("varbit")) {
                continue; // keyed by length below
            }
            int oid = known.oid() == 0 ? EXTENSION_OID : known.oid();
            types.put(known.typname(), ColumnType.of(oid, known.typname(), 'b', known.typname(), -1, List.of()));
        }
        types.put("numeric(p,s)", ColumnType.of(1700, "numeric(10,2)", ((10 << 16) | 2) + 4));
        types.put("bit(1)", ColumnType.of(1560, "bit(1)", 1));
        types.put("varbit(1)", ColumnType.of(1562, "bit varying(1)", 1));
        types.put("bit(n)", ColumnType.of(1560, "bit(8)", 8));
        types.put("varbit(n)", ColumnType.of(1562, "bit varying(8)", 8));
        types.put("varbit", ColumnType.of(1562, "bit varying", -1));
        types.put("enum", ColumnType.of(EXTENSION_OID, "mood", 'e', "mood", -1, List.of("sad", "happy")));
        types.put("T[]", ColumnType.arrayOf(1007, "integer[]", ColumnType.of(23, "integer[]", -1), 1));
        types.put("T[][]", ColumnType.arrayOf(1007, "integer[]", ColumnType.of(23, "integer[]", -1), 2));
        types.put("other", ColumnType.of(603, "box", 'b', "box", -1, List.of()));
        return types;
    }

    @Test
    void everyMappedTypeHasOneRowThatMatchesTheCode() throws IOException {
        Map<String, Row> rows = rowsByKey(rows());
        List<String> problems = new ArrayList<>();
        mappedTypes().forEach((key, type) -> {
            Row row = rows.get(key);
            if (row == null) {
                problems.add(key + ": no row in docs/types.md");
                return;
            }
            Schema schema = ColumnSchemas.DEFAULT.of(new Column("c", type, true), true);
            if (!row.schemaType().equals(schema.type().name())) {
                problems.add(key + " (line " + row.line() + "): doc says " + row.schemaType() + ", code gives "
                        + schema.type().name());
            }
            String semantic = schema.name() == null ? "—" : schema.name();
            if (!row.semanticName().equals(semantic)) {
                problems.add(key + " (line " + row.line() + "): doc says " + row.semanticName() + ", code gives "
                        + semantic);
            }
        });
        assertEquals(List.of(), problems);
    }

    @Test
    void everyRowNamesAMappedType() throws IOException {
        Map<String, ColumnType> mapped = mappedTypes();
        List<String> unknown = new ArrayList<>();
        for (Row row : rows()) {
            assertFalse(row.keys().isEmpty(), "row at line " + row.line() + " has no `key` in its first cell");
            row.keys().stream().filter(k -> !mapped.containsKey(k)).forEach(k -> unknown.add(k + " (line " + row.line() + ")"));
        }
        assertEquals(List.of(), unknown, "docs/types.md names types the code does not map");
    }

    @Test
    void theTableIsFound() throws IOException {
        assertTrue(rows().size() >= 40, "expected the type table in " + DOC);
    }

    private static List<Row> rows() throws IOException {
        List<String> lines = Files.readAllLines(DOC, StandardCharsets.UTF_8);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (!line.startsWith("| `")) {
                continue;
            }
            String[] cells = line.split("\\|");
            // cells[0] is empty (before the first '|'): key, schema type, semantic name, notes follow.
            List<String> keys = new ArrayList<>();
            // Keys are the backticked names outside " (...)", which holds SQL spellings and examples.
            String keyCell = cells[1].replaceAll(" \\([^)]*\\)", "");
            Matcher matcher = KEY.matcher(keyCell);
            while (matcher.find()) {
                keys.add(matcher.group(1));
            }
            rows.add(new Row(keys, cells[2].trim(), cells[3].trim(), i + 1));
        }
        return rows;
    }

    private static Map<String, Row> rowsByKey(List<Row> rows) {
        Map<String, Row> byKey = new LinkedHashMap<>();
        for (Row row : rows) {
            for (String key : row.keys()) {
                Row previous = byKey.put(key, row);
                assertEquals(null, previous, key + " has two rows in docs/types.md");
            }
        }
        return byKey;
    }
}

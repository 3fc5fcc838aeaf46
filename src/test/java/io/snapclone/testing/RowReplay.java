package io.snapclone.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The table a topic describes, every column compared: records (JSON converter, no schemas) replayed
 * in order per key {@code id}; r/c/u put the row, d and tombstones remove the key, t clears all.
 * Values are compared as text in PostgreSQL's own output ({@code col::text}), bytea as hex. Also
 * checks per-key order (after dropping records replayed with the same op and LSN: at-least-once)
 * and, when asked, applies the sink rule for Debezium's unavailable-value placeholder.
 */
public final class RowReplay {
    public static final String PLACEHOLDER = "__debezium_unavailable_value";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] PLACEHOLDER_BYTES = PLACEHOLDER.getBytes(StandardCharsets.UTF_8);
    private static final String PLACEHOLDER_BASE64 = Base64.getEncoder().encodeToString(PLACEHOLDER_BYTES);

    /** What a replay found. */
    public static final class Result {
        /** id → field → value as text. */
        public final Map<Long, Map<String, String>> rows = new TreeMap<>();
        /** id → the fields of the last after image that put the row. */
        public final Map<Long, Set<String>> lastFields = new TreeMap<>();
        /** The distinct field sets of after images, each with the first record that had it. */
        public final Map<Set<String>, String> afterFieldSets = new LinkedHashMap<>();
        public final List<String> orderViolations = new ArrayList<>();
        /** Placeholders seen (before or after), each as "op id field". */
        public final List<String> placeholders = new ArrayList<>();
        /** Placeholders the sink rule could not fill: no earlier value for the key (nor a moved row). */
        public final List<String> unresolved = new ArrayList<>();
        public int resolvedFromMovedRow;
        public int records;
    }

    private RowReplay() {
    }

    /**
     * @param bytea fields holding bytea (base64 in JSON)
     * @param keepPrevious the sink rule: a placeholder keeps the key's previous value of that field
     *        (for the new key of a moved row: the value the old key had, the d of the same LSN)
     */
    public static Result replay(List<ConsumerRecord<byte[], byte[]>> records, Set<String> bytea, boolean keepPrevious)
            throws IOException {
        Result result = new Result();
        Map<Long, KeyHistory> histories = new HashMap<>();
        Map<Long, Map<String, String>> deletedAt = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            result.records++;
            long id = JSON.readTree(record.key()).get("id").asLong();
            KeyHistory history = histories.computeIfAbsent(id, k -> new KeyHistory());
            if (record.value() == null) {
                history.deleted = true;
                result.rows.remove(id);
                continue;
            }
            JsonNode value = JSON.readTree(record.value());
            String op = value.get("op").asText();
            long lsn = value.path("source").path("lsn").asLong(-1);
            if (!history.seen.add(op + "@" + lsn) && !op.equals("r")) {
                continue; // the same change again: a replay after a restart
            }
            notePlaceholders(result, op, id, "before", value.get("before"));
            notePlaceholders(result, op, id, "after", value.get("after"));
            switch (op) {
                case "t" -> result.rows.clear();
                case "d" -> {
                    checkOrder(result, history, id, op, lsn, null);
                    history.deleted = true;
                    Map<String, String> old = result.rows.remove(id);
                    if (old != null) {
                        deletedAt.put(lsn, old);
                    }
                }
                default -> {
                    JsonNode after = value.get("after");
                    Set<String> fields = new LinkedHashSet<>();
                    after.fieldNames().forEachRemaining(fields::add);
                    result.afterFieldSets.putIfAbsent(new TreeSet<>(fields), op + " id=" + id + " lsn=" + lsn);
                    checkOrder(result, history, id, op, lsn, after.get("v"));
                    Map<String, String> previous = result.rows.get(id);
                    if (previous == null && "c".equals(op)) {
                        previous = deletedAt.get(lsn); // the old key of a moved row, deleted by the same change
                    }
                    Map<String, String> row = new LinkedHashMap<>();
                    for (String field : fields) {
                        JsonNode node = after.get(field);
                        if (keepPrevious && isPlaceholder(node)) {
                            if (previous != null && previous.containsKey(field)) {
                                row.put(field, previous.get(field));
                                if (!result.rows.containsKey(id)) {
                                    result.resolvedFromMovedRow++;
                                }
                                continue;
                            }
                            result.unresolved.add(op + " id=" + id + " lsn=" + lsn + " field " + field);
                        }
                        row.put(field, text(node, bytea.contains(field)));
                    }
                    result.rows.put(id, row);
                    result.lastFields.put(id, fields);
                }
            }
        }
        return result;
    }

    private static final class KeyHistory {
        final Set<String> seen = new HashSet<>();
        boolean deleted;
        long lastLsn = -1;
        Long lastV;
    }

    /** Ids are never reused, v only grows, changes of a key come in LSN order. */
    private static void checkOrder(Result result, KeyHistory history, long id, String op, long lsn, JsonNode v) {
        String where = "id=" + id + " op=" + op + " lsn=" + lsn + ": ";
        if (history.deleted) {
            result.orderViolations.add(where + "a record after the key's delete");
        }
        if (!op.equals("r")) {
            if (lsn <= history.lastLsn) {
                result.orderViolations.add(where + "LSN not after the key's previous change at " + history.lastLsn);
            }
            history.lastLsn = lsn;
        }
        if (v != null && v.isNumber()) {
            if (history.lastV != null && v.asLong() < history.lastV) {
                result.orderViolations.add(where + "v went back from " + history.lastV + " to " + v.asLong());
            }
            history.lastV = v.asLong();
        }
    }

    private static void notePlaceholders(Result result, String op, long id, String image, JsonNode row) {
        if (row == null || row.isNull()) {
            return;
        }
        row.fields().forEachRemaining(field -> {
            if (isPlaceholder(field.getValue())) {
                result.placeholders.add(op + " id=" + id + " " + image + "." + field.getKey());
            }
        });
    }

    /** The placeholder in any of its shapes: the string, its bytes (base64 in JSON), one number per byte. */
    public static boolean isPlaceholder(JsonNode node) {
        if (node == null) {
            return false;
        }
        if (node.isTextual()) {
            return node.asText().equals(PLACEHOLDER) || node.asText().equals(PLACEHOLDER_BASE64);
        }
        if (node.isArray() && node.size() == PLACEHOLDER_BYTES.length) {
            for (int i = 0; i < PLACEHOLDER_BYTES.length; i++) {
                if (!node.get(i).isNumber() || node.get(i).asInt() != PLACEHOLDER_BYTES[i]) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    /** A JSON value as PostgreSQL's text output would show it (bytea: hex). */
    static String text(JsonNode node, boolean bytea) {
        if (node == null || node.isNull()) {
            return "NULL";
        }
        if (bytea) {
            return HexFormat.of().formatHex(Base64.getDecoder().decode(node.asText()));
        }
        if (node.isArray()) {
            List<String> elements = new ArrayList<>();
            node.forEach(element -> elements.add(element.asText()));
            return "{" + String.join(",", elements) + "}";
        }
        return node.asText();
    }

    /** The rows of {@code table} by id, {@code columns} as text (bytea columns as hex). */
    public static Map<Long, Map<String, String>> read(Connection connection, String table, List<String> columns,
                                                      Set<String> bytea) throws SQLException {
        List<String> expressions = new ArrayList<>();
        for (String column : columns) {
            expressions.add(bytea.contains(column) ? "encode(" + column + ", 'hex')" : column + "::text");
        }
        Map<Long, Map<String, String>> rows = new TreeMap<>();
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT id, " + String.join(", ", expressions) + " FROM " + table)) {
            while (rs.next()) {
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 0; i < columns.size(); i++) {
                    String value = rs.getString(i + 2);
                    row.put(columns.get(i), value == null ? "NULL" : value);
                }
                rows.put(rs.getLong(1), row);
            }
        }
        return rows;
    }

    /**
     * Each difference between the table and the replayed topic on {@code columns}, as
     * "table id=.. field ..: expected .. but was ..", at most {@code limit} of them then a count.
     */
    public static List<String> differences(String table, Map<Long, Map<String, String>> expected,
                                           Map<Long, Map<String, String>> actual, List<String> columns, int limit) {
        List<String> differences = new ArrayList<>();
        Set<Long> ids = new TreeSet<>(expected.keySet());
        ids.addAll(actual.keySet());
        for (long id : ids) {
            Map<String, String> want = expected.get(id);
            Map<String, String> got = actual.get(id);
            if (got == null) {
                differences.add(table + " id=" + id + ": in the table, not in the topic (row " + abbreviate(want) + ")");
            } else if (want == null) {
                differences.add(table + " id=" + id + ": in the topic, not in the table (row " + abbreviate(got) + ")");
            } else {
                for (String column : columns) {
                    String w = want.get(column);
                    String g = got.getOrDefault(column, "<field absent>");
                    if (!w.equals(g)) {
                        differences.add(table + " id=" + id + " field " + column + ": expected " + abbreviate(w)
                                + " but was " + abbreviate(g) + firstDifference(w, g));
                    }
                }
            }
        }
        if (differences.size() > limit) {
            int all = differences.size();
            differences = new ArrayList<>(differences.subList(0, limit));
            differences.add("... " + (all - limit) + " more");
        }
        return differences;
    }

    private static String abbreviate(Object value) {
        String text = String.valueOf(value);
        return text.length() <= 80 ? "<" + text + ">" : "<" + text.substring(0, 60) + "...> (" + text.length() + " chars)";
    }

    private static String firstDifference(String a, String b) {
        if (a.length() <= 80 && b.length() <= 80) {
            return "";
        }
        int i = 0;
        while (i < a.length() && i < b.length() && a.charAt(i) == b.charAt(i)) {
            i++;
        }
        return " (first difference at char " + i + ")";
    }
}

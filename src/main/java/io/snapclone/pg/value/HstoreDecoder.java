package io.snapclone.pg.value;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code hstore} output ({@code "a"=>"1", "b"=>NULL}) to the JSON object Debezium's default
 * {@code hstore.handling.mode=json} emits: {@code {"a":"1","b":null}}, no spaces. Pairs keep
 * PostgreSQL's order (Debezium's come out in HashMap order; the objects are equal as JSON); or the
 * pairs as a map, for {@code hstore.handling.mode=map}.
 */
final class HstoreDecoder {
    private final String text;
    private int pos;

    private HstoreDecoder(String text) {
        this.text = text;
    }

    static String toJson(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('{');
        new HstoreDecoder(text).pairs().forEach((key, value) -> {
            if (out.length() > 1) {
                out.append(',');
            }
            appendJsonString(out, key).append(':');
            if (value == null) {
                out.append("null");
            } else {
                appendJsonString(out, value);
            }
        });
        return out.append('}').toString();
    }

    /** The pairs in PostgreSQL's order; a NULL value is null. */
    static Map<String, String> toMap(String text) {
        return new HstoreDecoder(text).pairs();
    }

    private Map<String, String> pairs() {
        Map<String, String> pairs = new LinkedHashMap<>();
        skipSpace();
        boolean first = true;
        while (pos < text.length()) {
            if (!first) {
                expect(',');
                skipSpace();
            }
            first = false;
            String key = quoted();
            skipSpace();
            expect('=');
            expect('>');
            skipSpace();
            String value;
            if (text.startsWith("NULL", pos)) {
                pos += 4;
                value = null;
            } else {
                value = quoted();
            }
            skipSpace();
            pairs.put(key, value);
        }
        return pairs;
    }

    /** hstore_out quotes every key and value and escapes '"' and '\' with a backslash. */
    private String quoted() {
        expect('"');
        StringBuilder value = new StringBuilder();
        while (true) {
            char c = next();
            if (c == '"') {
                return value.toString();
            }
            value.append(c == '\\' ? next() : c);
        }
    }

    /** Escapes as Jackson's default generator does: short forms, else backslash-u for control characters. */
    static StringBuilder appendJsonString(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04X", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"');
    }

    private void expect(char c) {
        if (next() != c) {
            throw new IllegalArgumentException("malformed hstore (expected '" + c + "' at " + (pos - 1) + "): " + text);
        }
    }

    private char next() {
        if (pos >= text.length()) {
            throw new IllegalArgumentException("malformed hstore (unexpected end): " + text);
        }
        return text.charAt(pos++);
    }

    private void skipSpace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }
}

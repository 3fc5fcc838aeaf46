package io.snapclone.pg.value;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a one-dimensional PostgreSQL array literal ({@code {1,2,NULL}}, {@code {"a b","c\"d"}},
 * {@code [0:1]={x,y}}) into element texts; an unquoted NULL is null. A non-default lower bound
 * is dropped, as Debezium drops it. Multi-dimensional values are refused: Debezium emits only
 * one dimension, and flattening would lose the shape silently.
 */
final class ArrayLiteralParser {
    private final String text;
    private final char delimiter;
    private int pos;

    private ArrayLiteralParser(String text, char delimiter) {
        this.text = text;
        this.delimiter = delimiter;
    }

    /** The element texts, in order. {@code delimiter} is pg_type.typdelim: ',' for all but box. */
    static List<String> parse(String text, char delimiter) {
        return new ArrayLiteralParser(text, delimiter).elements();
    }

    private List<String> elements() {
        if (text.startsWith("[")) {
            int equals = text.indexOf("]={");
            if (equals < 0) {
                throw malformed("dimension decoration without '={'");
            }
            if (text.lastIndexOf('[', equals) != 0) {
                throw multiDimensional();
            }
            pos = equals + 2;
        }
        expect('{');
        List<String> elements = new ArrayList<>();
        skipSpace();
        if (peek() == '}') {
            pos++;
        } else {
            while (true) {
                skipSpace();
                elements.add(element());
                skipSpace();
                char next = next();
                if (next == '}') {
                    break;
                }
                if (next != delimiter) {
                    throw malformed("expected '" + delimiter + "' or '}' at " + (pos - 1));
                }
            }
        }
        skipSpace();
        if (pos != text.length()) {
            throw malformed("text after the closing '}'");
        }
        return elements;
    }

    private String element() {
        char first = peek();
        if (first == '{') {
            throw multiDimensional();
        }
        StringBuilder value = new StringBuilder();
        if (first == '"') {
            pos++;
            while (true) {
                char c = next();
                if (c == '"') {
                    return value.toString();
                }
                value.append(c == '\\' ? next() : c);
            }
        }
        // Unquoted: up to the delimiter or '}', surrounding white space dropped, backslashes escape.
        int lastKept = 0;
        boolean escaped = false;
        while (peek() != delimiter && peek() != '}') {
            char c = next();
            if (c == '\\') {
                value.append(next());
                lastKept = value.length();
                escaped = true;
            } else {
                value.append(c);
                if (!isSpace(c)) {
                    lastKept = value.length();
                }
            }
        }
        value.setLength(lastKept);
        if (value.isEmpty()) {
            throw malformed("empty unquoted element at " + pos);
        }
        return !escaped && value.toString().equalsIgnoreCase("NULL") ? null : value.toString();
    }

    private void expect(char c) {
        if (next() != c) {
            throw malformed("expected '" + c + "' at " + (pos - 1));
        }
    }

    private char peek() {
        if (pos >= text.length()) {
            throw malformed("unexpected end");
        }
        return text.charAt(pos);
    }

    private char next() {
        char c = peek();
        pos++;
        return c;
    }

    private void skipSpace() {
        while (pos < text.length() && isSpace(text.charAt(pos))) {
            pos++;
        }
    }

    // array_isspace: the C locale's isspace.
    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\u000b' || c == '\f';
    }

    private IllegalArgumentException malformed(String why) {
        return new IllegalArgumentException("malformed array literal (" + why + "): " + text);
    }

    private IllegalArgumentException multiDimensional() {
        return new IllegalArgumentException("multi-dimensional array value in a column read as one-dimensional"
                + " (declare the column with [][] to receive it as text): " + text);
    }
}

package io.snapclone.pg.snapshot;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Splits one row of {@code COPY ... TO STDOUT} text format into its fields: tab-separated,
 * {@code \N} for NULL, backslash escapes for the rest. The session encoding is UTF-8.
 */
public final class CopyTextParser {
    private CopyTextParser() {
    }

    /**
     * @param row one CopyData message: the fields of one row and a trailing newline
     * @param fields how many fields the row must have
     * @return the fields, {@code null} where the value is NULL
     */
    public static String[] parse(byte[] row, int fields) {
        String[] values = new String[fields];
        int end = row.length > 0 && row[row.length - 1] == '\n' ? row.length - 1 : row.length;
        int start = 0;
        for (int field = 0; field < fields; field++) {
            int stop = start;
            boolean escaped = false;
            while (stop < end && row[stop] != '\t') {
                if (row[stop] == '\\') {
                    escaped = true;
                    stop++; // an escaped byte is never a separator
                }
                stop++;
            }
            if (stop > end || (stop == end && field < fields - 1)) {
                throw new IllegalArgumentException("row has fewer than " + fields + " fields");
            }
            if (stop - start == 2 && row[start] == '\\' && row[start + 1] == 'N') {
                values[field] = null;
            } else {
                values[field] = escaped ? unescape(row, start, stop) : new String(row, start, stop - start,
                        StandardCharsets.UTF_8);
            }
            start = stop + 1;
        }
        if (start <= end) {
            throw new IllegalArgumentException("row has more than " + fields + " fields");
        }
        return values;
    }

    private static String unescape(byte[] row, int start, int stop) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(stop - start);
        int i = start;
        while (i < stop) {
            byte b = row[i++];
            if (b != '\\') {
                out.write(b);
                continue;
            }
            byte c = row[i++];
            switch (c) {
                case 'b' -> out.write('\b');
                case 'f' -> out.write('\f');
                case 'n' -> out.write('\n');
                case 'r' -> out.write('\r');
                case 't' -> out.write('\t');
                case 'v' -> out.write(0x0b);
                case 'x' -> {
                    int value = 0;
                    int digits = 0;
                    while (digits < 2 && i < stop && Character.digit(row[i], 16) >= 0) {
                        value = value * 16 + Character.digit(row[i++], 16);
                        digits++;
                    }
                    out.write(value);
                }
                default -> {
                    if (c >= '0' && c <= '7') {
                        int value = c - '0';
                        for (int digits = 1; digits < 3 && i < stop && row[i] >= '0' && row[i] <= '7'; digits++) {
                            value = value * 8 + (row[i++] - '0');
                        }
                        out.write(value);
                    } else {
                        out.write(c); // \\ and any other escaped character stand for themselves
                    }
                }
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}

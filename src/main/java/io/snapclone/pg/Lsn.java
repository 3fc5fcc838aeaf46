package io.snapclone.pg;

import static java.util.Objects.requireNonNull;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A WAL position (PostgreSQL's {@code XLogRecPtr}, an unsigned 64-bit byte offset), written
 * {@code X/Y} in text: the high and low 32 bits in hex, e.g. {@code 16/B374D848}.
 */
public record Lsn(long value) implements Comparable<Lsn> {
    /** {@code 0/0}, which PostgreSQL uses for "no position" ({@code InvalidXLogRecPtr}). */
    public static final Lsn INVALID = new Lsn(0);

    // Up to 8 hex digits a side, so both 16/B374D848 and zero-padded 16/0B374D84 parse.
    private static final Pattern TEXT = Pattern.compile("([0-9A-Fa-f]{1,8})/([0-9A-Fa-f]{1,8})");

    /** Parses the {@code X/Y} form that {@code pg_lsn} prints and replication commands take. */
    public static Lsn parse(String text) {
        requireNonNull(text, "text is null");
        Matcher matcher = TEXT.matcher(text);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("not an LSN (expected X/Y in hex, e.g. 16/B374D848): " + text);
        }
        long high = Long.parseLong(matcher.group(1), 16);
        long low = Long.parseLong(matcher.group(2), 16);
        return new Lsn(high << 32 | low);
    }

    public boolean isValid() {
        return value != 0;
    }

    /** Unsigned, as PostgreSQL compares them: positions past 8000000/0 are still later. */
    @Override
    public int compareTo(Lsn other) {
        return Long.compareUnsigned(value, other.value);
    }

    /** The {@code X/Y} form, upper-case hex without padding, as {@code pg_lsn} prints it. */
    @Override
    public String toString() {
        return Long.toHexString(value >>> 32).toUpperCase() + '/' + Long.toHexString(value & 0xFFFF_FFFFL).toUpperCase();
    }
}

package io.snapclone.pg.snapshot;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A row's physical position, {@code (block,offset)}: where a chunk read resumes after a restart. */
public record Ctid(long block, int offset) {
    private static final Pattern TEXT = Pattern.compile("\\((\\d{1,10}),(\\d{1,5})\\)");

    public Ctid {
        if (block < 0 || offset < 0) {
            throw new IllegalArgumentException("negative ctid (" + block + "," + offset + ")");
        }
    }

    public static Ctid parse(String text) {
        Matcher matcher = TEXT.matcher(text);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("not a ctid: " + text);
        }
        return new Ctid(Long.parseLong(matcher.group(1)), Integer.parseInt(matcher.group(2)));
    }

    /** As PostgreSQL prints it, and as a tid literal reads it. */
    @Override
    public String toString() {
        return "(" + block + "," + offset + ")";
    }
}

package io.snapclone.pg.snapshot;

import static java.util.Objects.requireNonNull;

import java.util.regex.Pattern;

/** What {@code pg_export_snapshot()} returns, e.g. {@code 00000003-0000001B-1}. */
public record SnapshotId(String value) {
    // Checked, because the id goes into SET TRANSACTION SNAPSHOT, which takes no parameters.
    private static final Pattern FORMAT = Pattern.compile("[0-9A-Fa-f]+(-[0-9A-Fa-f]+)+");

    public SnapshotId {
        requireNonNull(value, "value is null");
        if (!FORMAT.matcher(value).matches()) {
            throw new IllegalArgumentException("not a snapshot id: " + value);
        }
    }

    @Override
    public String toString() {
        return value;
    }
}

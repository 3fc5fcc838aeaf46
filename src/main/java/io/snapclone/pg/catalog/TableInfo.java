package io.snapclone.pg.catalog;

import static java.util.Objects.requireNonNull;

import io.snapclone.pg.TableId;

/** A table found in the catalog, with what planning and validation need to know of it. */
public record TableInfo(TableId id, long sizeBytes, boolean selectable) {
    public TableInfo {
        requireNonNull(id, "id is null");
        if (sizeBytes < 0) {
            throw new IllegalArgumentException("sizeBytes is negative");
        }
    }
}

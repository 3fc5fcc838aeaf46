package io.snapclone.pg.catalog;

import static java.util.Objects.requireNonNull;

import io.snapclone.pg.TableId;

import java.util.List;

/**
 * An ordinary table or a partitioned table as the catalog lists it.
 *
 * @param partitioned a partitioned table (relkind 'p'): no rows of its own, its partitions hold them
 * @param ancestors   the partitioned tables this one is a partition of, nearest first; empty if none
 */
public record CatalogTable(TableInfo info, boolean partitioned, List<TableId> ancestors) {
    public CatalogTable {
        requireNonNull(info, "info is null");
        ancestors = List.copyOf(requireNonNull(ancestors, "ancestors is null"));
    }

    public TableId id() {
        return info.id();
    }
}

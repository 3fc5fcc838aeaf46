package io.snapclone.pg.catalog;

import static java.util.Objects.requireNonNull;

import io.snapclone.pg.TableId;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What the include and exclude lists capture, with partitioned tables resolved: the tables records
 * are named after (and the publication lists), and the ordinary tables the snapshot reads.
 *
 * <p>Via the root: a selected partitioned table is captured as one table; its leaf partitions are
 * read by the snapshot but their rows are records of the topmost selected ancestor, as
 * {@code publish_via_partition_root} makes pgoutput send their changes. A partition whose
 * ancestor is selected too is therefore not captured a second time. Not via the root: every leaf
 * partition of a selected partitioned table, and every selected leaf, is a table of its own.
 */
public final class CapturedTables {
    private final List<TableId> published;
    private final List<TableInfo> sources;
    private final Map<TableId, TableId> recordTables;
    private final Map<TableId, TableId> publishedAs;
    private final boolean partitions;

    private CapturedTables(List<TableId> published, List<TableInfo> sources, Map<TableId, TableId> recordTables,
                           Map<TableId, TableId> publishedAs, boolean partitions) {
        this.published = List.copyOf(published);
        this.sources = List.copyOf(sources);
        this.recordTables = Map.copyOf(recordTables);
        this.publishedAs = Map.copyOf(publishedAs);
        this.partitions = partitions;
    }

    /**
     * @param relations every table and partitioned table of the database ({@link Catalog#relations()})
     * @param filter    the include and exclude lists
     * @param viaRoot   whether partitions are captured as their topmost selected ancestor
     */
    public static CapturedTables resolve(Collection<CatalogTable> relations, Predicate<TableId> filter,
                                         boolean viaRoot) {
        requireNonNull(relations, "relations is null");
        requireNonNull(filter, "filter is null");
        Set<TableId> selected = new LinkedHashSet<>();
        for (CatalogTable relation : relations) {
            if (filter.test(relation.id())) {
                selected.add(relation.id());
            }
        }
        Set<TableId> published = new LinkedHashSet<>();
        List<TableInfo> sources = new ArrayList<>();
        Map<TableId, TableId> recordTables = new HashMap<>();
        Map<TableId, TableId> publishedAs = new HashMap<>();
        boolean partitions = false;
        for (CatalogTable relation : relations) {
            // The topmost selected of the relation and its ancestors: whose records its rows are.
            TableId top = selected.contains(relation.id()) ? relation.id() : null;
            for (TableId ancestor : relation.ancestors()) {
                if (selected.contains(ancestor)) {
                    top = ancestor;
                }
            }
            if (top == null) {
                continue;
            }
            if (relation.id().equals(top)) {
                published.add(top);
            }
            if (!relation.partitioned()) {
                sources.add(relation.info());
                publishedAs.put(relation.id(), top);
                partitions |= !relation.ancestors().isEmpty();
                TableId recordTable = viaRoot ? top : relation.id();
                if (!recordTable.equals(relation.id())) {
                    recordTables.put(relation.id(), recordTable);
                }
            }
        }
        return new CapturedTables(List.copyOf(published), sources, recordTables, publishedAs, partitions);
    }

    /**
     * The tables the publication lists: each selected table or partitioned table that has no
     * selected ancestor. Via the root, these are also the tables records name.
     */
    public List<TableId> published() {
        return published;
    }

    /** The ordinary tables (leaf partitions included) whose rows the snapshot reads. */
    public List<TableInfo> sources() {
        return sources;
    }

    /** Whose records the rows of {@code source} are: its topmost selected ancestor via the root, else itself. */
    public TableId recordTable(TableId source) {
        return recordTables.getOrDefault(source, source);
    }

    /**
     * The entry of {@link #published()} that covers {@code source}: to keep a source out of the
     * publication, this entry must go.
     */
    public TableId publishedAs(TableId source) {
        return publishedAs.getOrDefault(source, source);
    }

    /**
     * The sources that are not selected themselves but are partitions of a selected table: not
     * via the root, the stream must take them as tables of their own.
     */
    public List<TableId> partitionsOfSelected() {
        return sources.stream().map(TableInfo::id).filter(id -> !publishedAs(id).equals(id)).toList();
    }

    /** Whether any source is a partition: then publish_via_partition_root decides how its changes are named. */
    public boolean includesPartitions() {
        return partitions;
    }

    /** The sources whose records name another table, each with that table. */
    public Map<TableId, TableId> recordTables() {
        return recordTables;
    }

    /** The sources, each under the table its records name, in source order. */
    public Map<TableId, List<TableId>> sourcesByRecordTable() {
        Map<TableId, List<TableId>> result = new LinkedHashMap<>();
        for (TableInfo source : sources) {
            result.computeIfAbsent(recordTable(source.id()), t -> new ArrayList<>()).add(source.id());
        }
        return result;
    }
}

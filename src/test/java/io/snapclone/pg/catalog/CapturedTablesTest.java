package io.snapclone.pg.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.snapclone.pg.TableId;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

class CapturedTablesTest {
    private static final TableId ORDERS = id("orders");
    private static final TableId ORDERS_2024 = id("orders_2024"); // sub-partitioned
    private static final TableId ORDERS_2024_Q1 = id("orders_2024_q1");
    private static final TableId ORDERS_2025 = id("orders_2025");
    private static final TableId PLAIN = id("plain");
    private static final TableId EMPTY_PARENT = id("empty_parent");

    private static final List<CatalogTable> CATALOG = List.of(
            table(ORDERS, true),
            table(ORDERS_2024, true, ORDERS),
            table(ORDERS_2024_Q1, false, ORDERS_2024, ORDERS),
            table(ORDERS_2025, false, ORDERS),
            table(PLAIN, false),
            table(EMPTY_PARENT, true));

    @Test
    void viaRootTheParentIsCapturedOnceAndItsLeavesAreRead() {
        CapturedTables captured = CapturedTables.resolve(CATALOG, only(ORDERS, PLAIN), true);
        assertEquals(List.of(ORDERS, PLAIN), captured.published());
        assertEquals(List.of(ORDERS_2024_Q1, ORDERS_2025, PLAIN), sources(captured));
        assertEquals(ORDERS, captured.recordTable(ORDERS_2024_Q1)); // the topmost, through a sub-partitioned table
        assertEquals(ORDERS, captured.recordTable(ORDERS_2025));
        assertEquals(PLAIN, captured.recordTable(PLAIN));
        assertEquals(ORDERS, captured.publishedAs(ORDERS_2024_Q1));
        assertEquals(Map.of(ORDERS, List.of(ORDERS_2024_Q1, ORDERS_2025), PLAIN, List.of(PLAIN)),
                captured.sourcesByRecordTable());
    }

    @Test
    void aLeafSelectedWithItsParentIsNotCapturedTwice() {
        CapturedTables captured = CapturedTables.resolve(CATALOG, name -> name.table().startsWith("orders"), true);
        assertEquals(List.of(ORDERS), captured.published());
        assertEquals(List.of(ORDERS_2024_Q1, ORDERS_2025), sources(captured));
        assertEquals(ORDERS, captured.recordTable(ORDERS_2025));
    }

    @Test
    void aLeafSelectedAloneIsATableOfItsOwn() {
        CapturedTables captured = CapturedTables.resolve(CATALOG, only(ORDERS_2025), true);
        assertEquals(List.of(ORDERS_2025), captured.published());
        assertEquals(List.of(ORDERS_2025), sources(captured));
        assertEquals(ORDERS_2025, captured.recordTable(ORDERS_2025));
    }

    @Test
    void theTopmostSelectedAncestorNamesTheRecords() {
        CapturedTables captured = CapturedTables.resolve(CATALOG, only(ORDERS_2024, ORDERS_2024_Q1), true);
        assertEquals(List.of(ORDERS_2024), captured.published());
        assertEquals(ORDERS_2024, captured.recordTable(ORDERS_2024_Q1));
    }

    @Test
    void notViaRootEveryLeafIsATableOfItsOwn() {
        CapturedTables captured = CapturedTables.resolve(CATALOG, only(ORDERS), false);
        assertEquals(List.of(ORDERS), captured.published()); // the publication covers later partitions too
        assertEquals(List.of(ORDERS_2024_Q1, ORDERS_2025), sources(captured));
        assertEquals(ORDERS_2025, captured.recordTable(ORDERS_2025));
        assertEquals(Map.of(), captured.recordTables());
        assertEquals(ORDERS, captured.publishedAs(ORDERS_2025));
        assertEquals(List.of(ORDERS_2024_Q1, ORDERS_2025), captured.partitionsOfSelected());
    }

    @Test
    void aPartitionedTableWithoutPartitionsIsPublishedWithNothingToRead() {
        CapturedTables captured = CapturedTables.resolve(CATALOG, only(EMPTY_PARENT), true);
        assertEquals(List.of(EMPTY_PARENT), captured.published());
        assertEquals(List.of(), sources(captured));
        assertEquals(false, captured.includesPartitions());
        assertEquals(false, CapturedTables.resolve(CATALOG, only(PLAIN), true).includesPartitions());
        assertEquals(true, CapturedTables.resolve(CATALOG, only(ORDERS_2025), true).includesPartitions());
    }

    @Test
    void anExcludedLeafOfASelectedParentIsStillReadAsPartOfIt() {
        // The exclude list names tables; a partition is part of its parent's rows, which pgoutput sends whole.
        CapturedTables captured = CapturedTables.resolve(CATALOG, only(ORDERS), true);
        assertEquals(List.of(ORDERS_2024_Q1, ORDERS_2025), sources(captured));
    }

    private static List<TableId> sources(CapturedTables captured) {
        return captured.sources().stream().map(TableInfo::id).toList();
    }

    private static Predicate<TableId> only(TableId... tables) {
        Set<TableId> set = Set.of(tables);
        return set::contains;
    }

    private static CatalogTable table(TableId id, boolean partitioned, TableId... ancestors) {
        return new CatalogTable(new TableInfo(id, partitioned ? 0 : 8192, true), partitioned, List.of(ancestors));
    }

    private static TableId id(String table) {
        return new TableId("public", table);
    }
}

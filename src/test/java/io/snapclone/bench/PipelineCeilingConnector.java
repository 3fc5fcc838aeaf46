package io.snapclone.bench;

import io.snapclone.connect.record.RecordOptions;
import io.snapclone.connect.record.TableRecordBuilder;
import io.snapclone.pg.TableId;
import io.snapclone.pg.catalog.Column;
import io.snapclone.pg.catalog.ColumnType;
import io.snapclone.pg.catalog.TableSchema;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.SourceConnector;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark's pipeline ceiling: emits records of the same shape and size as snapclone's for
 * pgbench_accounts and wide, to their topics (built once by the same record builder, then re-sent)
 * as fast as Connect takes them, so that what limits it is the converter, the producer and the
 * broker — the most any connector can reach.
 */
public class PipelineCeilingConnector extends SourceConnector {
    static final String ROWS = "bench.rows";
    static final String ACCOUNTS = "bench.accounts";
    private Map<String, String> props;

    @Override
    public void start(Map<String, String> props) {
        this.props = props;
    }

    @Override
    public Class<? extends Task> taskClass() {
        return CeilingTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        long rows = Long.parseLong(props.get(ROWS));
        List<Map<String, String>> configs = new ArrayList<>();
        for (int i = 0; i < maxTasks; i++) {
            Map<String, String> config = new HashMap<>(props);
            config.put("bench.first", Long.toString(rows * i / maxTasks));
            config.put("bench.last", Long.toString(rows * (i + 1) / maxTasks));
            configs.add(config);
        }
        return configs;
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return new ConfigDef();
    }

    @Override
    public String version() {
        return "bench";
    }

    /** One task's share of the rows: the first {@code bench.accounts} rows are accounts rows, the rest wide ones. */
    public static class CeilingTask extends SourceTask {
        private static final int BATCH = 2048;
        private List<SourceRecord> accountsBatch;
        private List<SourceRecord> wideBatch;
        private long next;
        private long last;
        private long accounts;

        @Override
        public void start(Map<String, String> props) {
            next = Long.parseLong(props.get("bench.first"));
            last = Long.parseLong(props.get("bench.last"));
            accounts = Long.parseLong(props.get(ACCOUNTS));
            String prefix = props.get("topic.prefix");
            accountsBatch = batchOf(new TableSchema(new TableId("public", "pgbench_accounts"), List.of(
                    new Column("aid", ColumnType.of(23, "integer", -1), false),
                    new Column("bid", ColumnType.of(23, "integer", -1), true),
                    new Column("abalance", ColumnType.of(23, "integer", -1), true),
                    new Column("filler", ColumnType.of(1042, "character(84)", 88), true)), List.of("aid")),
                    prefix, "(1,1)", "1", "1", "0", " ".repeat(84));
            wideBatch = batchOf(new TableSchema(new TableId("public", "wide"), List.of(
                    new Column("id", ColumnType.of(20, "bigint", -1), false),
                    new Column("amount", ColumnType.of(1700, "numeric(18,4)", (18 << 16 | 4) + 4), true),
                    new Column("created", ColumnType.of(1184, "timestamp with time zone", -1), true),
                    new Column("note", ColumnType.of(25, "text", -1), true),
                    new Column("doc", ColumnType.of(3802, "jsonb", -1), true)), List.of("id")),
                    prefix, "(1,1)", "1", "1.2345", "2026-11-22 02:59:00+00", "note ".repeat(20) + "1",
                    "{\"id\": 1, \"tags\": [\"a\", \"b\"], \"nested\": {\"x\": 1}}");
        }

        /** Records built once by snapclone's own builder, re-sent as they are: no per-record work at all. */
        private static List<SourceRecord> batchOf(TableSchema table, String prefix, String... row) {
            TableRecordBuilder builder = new TableRecordBuilder(table, prefix, "bench", RecordOptions.DEFAULTS);
            Map<String, Object> partition = new HashMap<>(Map.of("server", prefix, "table", table.id().table()));
            // A real timestamp: with 0 the broker's time-based retention would see ancient records.
            SourceRecord record = builder.snapshotRecord(row, 1, partition, Map.of("rows", 1L, "ctid", "(1,1)"),
                    System.currentTimeMillis());
            return Collections.nCopies(BATCH, record);
        }

        @Override
        public List<SourceRecord> poll() {
            if (next >= last) {
                return null;
            }
            // Accounts rows first, then wide ones; a batch never straddles the two.
            long end = Math.min(last, next < accounts ? Math.min(accounts, next + BATCH) : next + BATCH);
            List<SourceRecord> batch = new ArrayList<>((next < accounts ? accountsBatch : wideBatch).subList(0,
                    (int) (end - next)));
            next = end;
            return batch;
        }

        @Override
        public void stop() {
        }

        @Override
        public String version() {
            return "bench";
        }
    }
}

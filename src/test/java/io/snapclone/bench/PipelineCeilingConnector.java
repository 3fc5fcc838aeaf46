package io.snapclone.bench;

import io.snapclone.connect.record.RecordOptions;
import io.snapclone.connect.record.TableRecordBuilder;
import io.snapclone.pg.TableId;
import io.snapclone.pg.catalog.Column;
import io.snapclone.pg.catalog.ColumnType;
import io.snapclone.pg.catalog.TableSchema;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceConnector;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark's pipeline ceiling: emits records of the same shape and size as snapclone's for
 * pgbench_accounts (built once by the same record builder) as fast as Connect takes them, so that
 * what limits it is the converter, the producer and the broker — the most any connector can reach.
 */
public class PipelineCeilingConnector extends SourceConnector {
    static final String ROWS = "bench.rows";
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

    /** One task's share of the rows. */
    public static class CeilingTask extends SourceTask {
        private SourceRecord template;
        private long next;
        private long last;
        private Map<String, Object> partition;

        @Override
        public void start(Map<String, String> props) {
            next = Long.parseLong(props.get("bench.first"));
            last = Long.parseLong(props.get("bench.last"));
            TableSchema accounts = new TableSchema(new TableId("public", "pgbench_accounts"), List.of(
                    new Column("aid", ColumnType.of(23, "integer", -1), false),
                    new Column("bid", ColumnType.of(23, "integer", -1), true),
                    new Column("abalance", ColumnType.of(23, "integer", -1), true),
                    new Column("filler", ColumnType.of(1042, "character(84)", 88), true)), List.of("aid"));
            TableRecordBuilder builder = new TableRecordBuilder(accounts, props.get("topic.prefix"), "bench",
                    RecordOptions.DEFAULTS);
            String[] row = {"(1,1)", "1", "1", "0", " ".repeat(84)};
            partition = new HashMap<>(Map.of("server", props.get("topic.prefix"), "block", 0L));
            template = builder.snapshotRecord(row, 1, partition, Map.of("rows", 1L, "ctid", "(1,1)"), 0L);
        }

        @Override
        public List<SourceRecord> poll() {
            if (next >= last) {
                return null;
            }
            List<SourceRecord> batch = new ArrayList<>(2048);
            long now = System.currentTimeMillis();
            while (next < last && batch.size() < 2048) {
                Struct key = new Struct(template.keySchema()).put("aid", (int) next);
                batch.add(new SourceRecord(partition, Map.of("rows", next, "ctid", "(1,1)"), template.topic(), null,
                        template.keySchema(), key, template.valueSchema(), template.value(), now));
                next++;
            }
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

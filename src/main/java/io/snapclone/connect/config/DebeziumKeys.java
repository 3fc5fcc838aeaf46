package io.snapclone.connect.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The keys of Debezium's PostgreSQL connector that snapclone does not define itself, and what it
 * does with each, so that a Debezium config works by changing {@code connector.class} alone and no
 * key is ignored silently. Keys snapclone defines ({@link SnapcloneConfig#CONFIG_DEF}) have
 * Debezium's meaning and are not listed here. Stateless; any thread.
 *
 * <ul>
 *   <li>{@link Handling#IGNORED}: harmless to ignore (tuning, Debezium internals, features whose
 *       absence changes no record); a config that sets it gets a warning saying what happens instead.</li>
 *   <li>{@link Handling#UNSUPPORTED}: ignoring it would change what is captured or how records look.
 *       Set to its harmless value (Debezium's default, or for {@code plugin.name} pgoutput) it is
 *       only warned about; any other value fails {@code validate()} against the key, with what to do
 *       instead.</li>
 * </ul>
 */
public final class DebeziumKeys {
    public enum Handling { IGNORED, UNSUPPORTED }

    /**
     * One key, or a family of keys ({@code pattern} matches the whole name), the value at which an
     * unsupported key changes nothing (null: none) and what snapclone does instead.
     */
    public record Key(String name, Pattern pattern, Handling handling, String harmlessValue, String instead) {
    }

    /** What a config's Debezium keys come to: an error fails validation, a warning is logged. */
    public record Finding(String key, boolean error, String message) {
    }

    private static final String NO_SIGNALS = "signals come from the signal table (signal.data.collection) and the "
            + "signal topic (signal.kafka.topic) only";
    private static final String RELOADS = "an incremental reload reads ctid chunks in parallel under one new snapshot, "
            + "holding the table's changes back meanwhile: there is no key-ordered chunk or watermark to set";
    private static final String NO_PARAMETERS = "column schemas carry no __debezium.source.column.* parameters";
    private static final String BATCHES = "no queue: the reader hands records to Connect in batches of max.batch.size";
    private static final String PARALLEL = "the load runs in tasks.max tasks at once, each on the same snapshot";
    private static final String CONFIRMS = "the slot is confirmed up to what Kafka committed, from Connect's offset commits";
    private static final String SSL = "only database.sslmode is supported: for verify-ca or verify-full put the CA "
            + "certificate into ~/.postgresql/root.crt of the worker's user (PgJDBC's default); remove the key";
    private static final String MASKING = "values are never masked or truncated: leave the column out with "
            + "column.exclude.list, or use an SMT";

    public static final List<Key> KEYS = List.of(
            unsupported("plugin.name", "pgoutput", "snapclone reads pgoutput only: set plugin.name=pgoutput or remove it"),
            unsupported("money.fraction.digits", "2", "money values have two fraction digits (scale 2)"),
            unsupported("column.propagate.source.type", "", NO_PARAMETERS),
            unsupported("datatype.propagate.source.type", "", NO_PARAMETERS),
            family("column.mask.hash.<algorithm>.with.salt.<salt>", "column\\.mask\\.hash\\..+", MASKING),
            family("column.mask.with.<n>.chars", "column\\.mask\\.with\\.\\d+\\.chars", MASKING),
            family("column.truncate.to.<n>.chars", "column\\.truncate\\.to\\.\\d+\\.chars", MASKING),
            unsupported("converters", "", "custom converters are not run; types map as docs/types.md says"),
            unsupported("post.processors", "", "post processors are not run"),
            unsupported("provide.transaction.metadata", "false",
                    "no transaction topic is written and the envelope's transaction block is null"),
            unsupported("topic.naming.strategy", "io.debezium.schema.SchemaTopicNamingStrategy",
                    "topics are always <topic.prefix>.<schema>.<table>"),
            unsupported("sourceinfo.struct.maker", "io.debezium.connector.postgresql.PostgresSourceInfoStructMaker",
                    "the source block is always Debezium's PostgreSQL one"),
            unsupported("include.schema.comments", "false", "column comments are not put into schemas"),
            ignored("include.unknown.datatypes", "columns of types without a mapping are kept, as the text PostgreSQL "
                    + "prints (Debezium drops them unless this is true); leave them out with column.exclude.list"),
            unsupported("skip.messages.without.change", "false",
                    "an update that changes no captured column is still emitted"),
            unsupported("replica.identity.autoset.values", "",
                    "snapclone never alters tables; tables without a replica identity: publication.keyless.tables"),
            unsupported("slot.stream.params", "", "pgoutput's options are fixed (proto_version 1, publication_names)"),
            unsupported("snapshot.select.statement.overrides", "",
                    "every row of a captured table is read; leave columns out with column.exclude.list"),
            family("snapshot.select.statement.overrides.<schema>.<table>",
                    "snapshot\\.select\\.statement\\.overrides\\..+",
                    "every row of a captured table is read; leave columns out with column.exclude.list"),
            unsupported("snapshot.include.collection.list", "", "every captured table is snapshotted"),
            unsupported("snapshot.query.mode", "select_all", "the load reads every row with COPY"),
            unsupported("database.include.list", "", "one database per connector: database.dbname"),
            unsupported("database.exclude.list", "", "one database per connector: database.dbname"),
            unsupported("database.initial.statements", "", "no statements are run when connecting"),
            unsupported("database.sslcert", "", SSL),
            unsupported("database.sslkey", "", SSL),
            unsupported("database.sslpassword", "", SSL),
            unsupported("database.sslrootcert", "", SSL),
            unsupported("database.sslfactory", "", SSL),
            unsupported("flush.lsn.source", "true", CONFIRMS),
            unsupported("xmin.fetch.interval.ms", "0", "source.xmin is always null"),
            unsupported("event.processing.failure.handling.mode", "fail",
                    "a change that cannot be processed fails the task with its position"),
            ignored("event.converting.failure.handling.mode", "a value that cannot be converted fails the task, naming "
                    + "the column (Debezium's default logs it and writes null)"),
            ignored("schema.name.adjustment.mode", "schema names are always made Avro-safe ([A-Za-z0-9_] segments), "
                    + "as Debezium's avro mode does"),
            ignored("custom.sanitize.pattern", "config values are never logged; the password is a Password type"),
            ignored("connection.validation.timeout.ms", "validation uses the connection timeout of 10 s"),
            ignored("custom.metric.tags", "the Debezium-compatible MBeans carry no custom tags"),
            ignored("database.query.timeout.ms", "the connector sets statement_timeout=0 on its own sessions"),
            ignored("database.tcpKeepAlive", "the stream notices dead connections by its own status checks"),
            ignored("executor.shutdown.timeout.ms", "no executor to shut down"),
            ignored("extended.headers.enabled", "records carry no __debezium.context.* headers"),
            ignored("guardrail.collections.max", "no limit on the number of captured tables"),
            ignored("guardrail.collections.limit.action", "no limit on the number of captured tables"),
            ignored("heartbeat.topics.prefix", "heartbeats confirm the slot's position and run heartbeat.action.query; "
                    + "no heartbeat topic is written (progress events go to <topic.prefix>.snapclone.progress)"),
            ignored("incremental.snapshot.chunk.size", RELOADS),
            ignored("incremental.snapshot.allow.schema.changes", RELOADS),
            ignored("incremental.snapshot.watermarking.strategy", RELOADS),
            ignored("signal.poll.interval.ms", "the signal table is read from the stream as its rows commit"),
            ignored("signal.emit.failure.backoff.ms", "a signal that cannot be acted on is logged and answered on the "
                    + "progress topic, not retried"),
            ignored("signal.emit.failure.max.retries", "a signal that cannot be acted on is logged and answered on the "
                    + "progress topic, not retried"),
            ignored("signal.kafka.groupId", "the signal topic is read without a consumer group: what was taken is "
                    + "kept in the connector's offsets"),
            ignored("signal.kafka.poll.timeout.ms", "the stream looks at the signal topic twice a second without waiting"),
            prefix("signal.file", NO_SIGNALS),
            prefix("notification.http.", "no HTTP notification channel: use sink or log"),
            prefix("openlineage.", "no OpenLineage events"),
            prefix("internal.", "a Debezium internal"),
            ignored("legacy.snapshot.max.threads", PARALLEL),
            ignored("snapshot.max.threads", PARALLEL),
            ignored("snapshot.max.threads.multiplier", PARALLEL),
            ignored("snapshot.tables.order.by.row.count", "tables and chunks are read largest first, across the tasks"),
            ignored("lsn.flush.mode", CONFIRMS),
            ignored("lsn.flush.timeout.ms", CONFIRMS),
            ignored("lsn.flush.timeout.action", CONFIRMS),
            ignored("max.queue.size", BATCHES),
            ignored("max.queue.size.in.bytes", BATCHES),
            ignored("poll.interval.ms", "records are handed to Connect as soon as they are read"),
            ignored("query.fetch.size", "COPY streams the rows; there is no fetch size"),
            ignored("snapshot.fetch.size", "COPY streams the rows; there is no fetch size"),
            ignored("memory.management.schemas.class", "no schema cache to manage"),
            ignored("memory.management.tables.class", "no table cache to manage"),
            ignored("message.prefix.include.list", "logical decoding messages (pg_logical_emit_message) are not emitted"),
            ignored("message.prefix.exclude.list", "logical decoding messages (pg_logical_emit_message) are not emitted"),
            ignored("schema.refresh.mode", "the stream's Relation messages are the truth about columns"),
            ignored("slot.drop.on.stop", "the slot is kept when the connector stops; drop it with "
                    + "pg_drop_replication_slot when you delete the connector for good (docs/operations.md)"),
            ignored("slot.max.retries", "a taken slot is retried with errors.max.retries and "
                    + "retriable.restart.connector.wait.ms"),
            ignored("slot.retry.delay.ms", "a taken slot is retried with errors.max.retries and "
                    + "retriable.restart.connector.wait.ms"),
            ignored("snapshot.delay.ms", "the snapshot starts at once"),
            ignored("streaming.delay.ms", "streaming starts when the load is committed"),
            ignored("snapshot.isolation.mode", "the load reads one exported snapshot in REPEATABLE READ READ ONLY "
                    + "transactions"),
            ignored("snapshot.locking.mode", "no table locks beyond the ACCESS SHARE lock every read takes"),
            ignored("snapshot.locking.mode.custom.name", "no table locks beyond the ACCESS SHARE lock every read takes"),
            ignored("snapshot.lock.timeout.ms", "no table locks beyond the ACCESS SHARE lock every read takes"),
            ignored("snapshot.mode.custom.name", "snapshot.mode custom is not supported"),
            prefix("snapshot.mode.configuration.based.", "snapshot.mode configuration_based is not supported"),
            ignored("snapshot.query.mode.custom.name", "snapshot.query.mode custom is not supported"),
            ignored("statistics.metrics.enabled", "metrics are always registered"),
            ignored("status.update.interval.ms", "the stream reports its position on the server's keepalives and "
                    + "every few seconds"),
            ignored("table.ignore.builtin", "system schemas are never captured"),
            ignored("transaction.metadata.factory", "no transaction metadata"));

    private DebeziumKeys() {
    }

    /** The entry that covers {@code key}, if it is a Debezium key snapclone does not define. */
    public static Optional<Key> find(String key) {
        return KEYS.stream().filter(k -> k.pattern().matcher(key).matches()).findFirst();
    }

    /** What the Debezium keys of {@code props} come to, in the order of the props' keys. */
    public static List<Finding> review(Map<String, String> props) {
        List<Finding> findings = new ArrayList<>();
        props.forEach((name, value) -> find(name).ifPresent(key -> {
            if (key.handling() == Handling.IGNORED) {
                findings.add(new Finding(name, false, "Debezium's " + name + " is ignored by snapclone: " + key.instead()));
            } else if (key.harmlessValue() != null && normalized(key.harmlessValue()).equals(normalized(value))) {
                findings.add(new Finding(name, false, "Debezium's " + name + "=" + value + " is what snapclone does "
                        + "anyway: " + key.instead()));
            } else {
                findings.add(new Finding(name, true, "Debezium's " + name + " is not supported by snapclone"
                        + (key.harmlessValue() == null ? "" : " except as '" + key.harmlessValue() + "'")
                        + ": " + key.instead()));
            }
        }));
        return findings;
    }

    private static String normalized(String value) {
        return value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    }

    private static Key ignored(String name, String instead) {
        return new Key(name, Pattern.compile(Pattern.quote(name)), Handling.IGNORED, null, instead);
    }

    private static Key prefix(String prefix, String instead) {
        return new Key(prefix + "*", Pattern.compile(Pattern.quote(prefix) + ".+"), Handling.IGNORED, null, instead);
    }

    private static Key unsupported(String name, String harmlessValue, String instead) {
        return new Key(name, Pattern.compile(Pattern.quote(name)), Handling.UNSUPPORTED, harmlessValue, instead);
    }

    /** A family of keys with no default: any of them, set at all, is unsupported. */
    private static Key family(String name, String regex, String instead) {
        return new Key(name, Pattern.compile(regex), Handling.UNSUPPORTED, null, instead);
    }
}

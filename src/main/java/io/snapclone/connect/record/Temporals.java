package io.snapclone.connect.record;

import io.snapclone.connect.record.RecordOptions.TimePrecisionMode;
import io.snapclone.pg.catalog.ColumnType;

import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;

/**
 * {@code date}, {@code time} and {@code timestamp} under {@code time.precision.mode}, as Debezium
 * maps them: {@code adaptive} picks milliseconds for a declared precision of 0 to 3 and
 * microseconds otherwise; {@code adaptive_time_microseconds} does the same except that times are
 * always microseconds; {@code connect} uses Kafka Connect's Date, Time and Timestamp (milliseconds:
 * finer digits are truncated toward negative infinity).
 */
final class Temporals {
    private static final long MICROS_PER_MILLI = 1_000L;
    private static final long MILLIS_PER_DAY = 86_400_000L;
    /** The precision PostgreSQL uses when none is declared. */
    private static final int DEFAULT_PRECISION = 6;

    private final TimePrecisionMode mode;

    Temporals(TimePrecisionMode mode) {
        this.mode = mode;
    }

    SchemaBuilder date() {
        return mode == TimePrecisionMode.CONNECT ? Date.builder() : named(SchemaBuilder.int32(), "io.debezium.time.Date");
    }

    SchemaBuilder time(ColumnType type) {
        if (mode == TimePrecisionMode.CONNECT) {
            return Time.builder();
        }
        if (mode == TimePrecisionMode.ADAPTIVE && millis(type)) {
            return named(SchemaBuilder.int32(), "io.debezium.time.Time");
        }
        return named(SchemaBuilder.int64(), "io.debezium.time.MicroTime");
    }

    SchemaBuilder timestamp(ColumnType type) {
        if (mode == TimePrecisionMode.CONNECT) {
            return Timestamp.builder();
        }
        return millis(type) ? named(SchemaBuilder.int64(), "io.debezium.time.Timestamp")
                : named(SchemaBuilder.int64(), "io.debezium.time.MicroTimestamp");
    }

    /** Days since the epoch to the mode's value; infinities (Integer.MAX/MIN_VALUE) stay at the extremes. */
    Object dateValue(int days) {
        return mode == TimePrecisionMode.CONNECT ? new java.util.Date(days * MILLIS_PER_DAY) : days;
    }

    /** Microseconds since midnight to the mode's value. 24:00:00 is 86,400,000 ms (Connect's Time rejects it). */
    Object timeValue(ColumnType type, long micros) {
        if (mode == TimePrecisionMode.CONNECT) {
            return new java.util.Date(micros / MICROS_PER_MILLI);
        }
        if (mode == TimePrecisionMode.ADAPTIVE && millis(type)) {
            return (int) (micros / MICROS_PER_MILLI);
        }
        return micros;
    }

    /** Microseconds since the epoch to the mode's value; infinities (Long.MAX/MIN_VALUE) are kept as they are. */
    Object timestampValue(ColumnType type, long micros) {
        boolean infinite = micros == Long.MAX_VALUE || micros == Long.MIN_VALUE;
        if (mode == TimePrecisionMode.CONNECT) {
            return new java.util.Date(infinite ? micros : Math.floorDiv(micros, MICROS_PER_MILLI));
        }
        if (millis(type)) {
            return infinite ? micros : Math.floorDiv(micros, MICROS_PER_MILLI);
        }
        return micros;
    }

    private static boolean millis(ColumnType type) {
        int precision = type.precision() == ColumnType.UNSPECIFIED ? DEFAULT_PRECISION : type.precision();
        return precision <= 3;
    }

    private static SchemaBuilder named(SchemaBuilder builder, String name) {
        return builder.name(name).version(1);
    }
}

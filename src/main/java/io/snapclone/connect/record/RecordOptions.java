package io.snapclone.connect.record;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How records are shaped: the representation of the types that have more than one (Debezium's
 * handling modes, same names and values), the value's format, and which columns go in. Built once
 * from the configuration and handed to every {@link TableRecordBuilder}.
 */
public record RecordOptions(DecimalMode decimal, TimePrecisionMode time, BinaryMode binary, IntervalMode interval,
                            HstoreMode hstore, ValueFormat format, ColumnSelection columns, FieldNameMode fieldNames,
                            UnavailableValue unavailable) {
    /** Debezium's defaults, every column, the envelope. */
    public static final RecordOptions DEFAULTS = new RecordOptions(DecimalMode.PRECISE, TimePrecisionMode.ADAPTIVE,
            BinaryMode.BYTES, IntervalMode.NUMERIC, HstoreMode.JSON, ValueFormat.ENVELOPE, ColumnSelection.ALL,
            FieldNameMode.AVRO, UnavailableValue.parse(UnavailableValue.DEFAULT));

    public RecordOptions {
        requireNonNull(decimal, "decimal is null");
        requireNonNull(time, "time is null");
        requireNonNull(binary, "binary is null");
        requireNonNull(interval, "interval is null");
        requireNonNull(hstore, "hstore is null");
        requireNonNull(format, "format is null");
        requireNonNull(columns, "columns is null");
        requireNonNull(fieldNames, "fieldNames is null");
        requireNonNull(unavailable, "unavailable is null");
    }

    public RecordOptions withDecimal(DecimalMode mode) {
        return new RecordOptions(mode, time, binary, interval, hstore, format, columns, fieldNames, unavailable);
    }

    public RecordOptions withTime(TimePrecisionMode mode) {
        return new RecordOptions(decimal, mode, binary, interval, hstore, format, columns, fieldNames, unavailable);
    }

    public RecordOptions withBinary(BinaryMode mode) {
        return new RecordOptions(decimal, time, mode, interval, hstore, format, columns, fieldNames, unavailable);
    }

    public RecordOptions withInterval(IntervalMode mode) {
        return new RecordOptions(decimal, time, binary, mode, hstore, format, columns, fieldNames, unavailable);
    }

    public RecordOptions withHstore(HstoreMode mode) {
        return new RecordOptions(decimal, time, binary, interval, mode, format, columns, fieldNames, unavailable);
    }

    public RecordOptions withFormat(ValueFormat mode) {
        return new RecordOptions(decimal, time, binary, interval, hstore, mode, columns, fieldNames, unavailable);
    }

    public RecordOptions withFieldNames(FieldNameMode mode) {
        return new RecordOptions(decimal, time, binary, interval, hstore, format, columns, mode, unavailable);
    }

    public RecordOptions withUnavailable(UnavailableValue value) {
        return new RecordOptions(decimal, time, binary, interval, hstore, format, columns, fieldNames, value);
    }

    public RecordOptions withColumns(ColumnSelection selection) {
        return new RecordOptions(decimal, time, binary, interval, hstore, format, selection, fieldNames, unavailable);
    }

    /** A mode; its config value is the constant's name in lower case. */
    public interface Mode {
        String name();

        default String value() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The config values of a mode, in declaration order. */
    public static <E extends Enum<E> & Mode> List<String> values(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(Mode::value).toList();
    }

    /** The constant spelled {@code value}; the config's validator has already checked it. */
    public static <E extends Enum<E> & Mode> E parse(Class<E> type, String value) {
        for (E mode : type.getEnumConstants()) {
            if (mode.value().equals(value)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("not one of " + values(type) + ": " + value);
    }

    /** {@code decimal.handling.mode}: numeric and money. */
    public enum DecimalMode implements Mode {
        PRECISE, DOUBLE, STRING
    }

    /** {@code time.precision.mode}: date, time and timestamp (the zoned types are strings in every mode). */
    public enum TimePrecisionMode implements Mode {
        ADAPTIVE, ADAPTIVE_TIME_MICROSECONDS, CONNECT
    }

    /** {@code binary.handling.mode}: bytea. */
    public enum BinaryMode implements Mode {
        BYTES, BASE64, BASE64_URL_SAFE, HEX;

        /** Debezium spells these with hyphens: {@code base64-url-safe}. */
        @Override
        public String value() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** {@code interval.handling.mode}. */
    public enum IntervalMode implements Mode {
        NUMERIC, STRING
    }

    /** Whether column names are made valid Avro field names ({@code [A-Za-z_][A-Za-z0-9_]*}). */
    public enum FieldNameMode implements Mode {
        NONE, AVRO
    }

    /** {@code hstore.handling.mode}. */
    public enum HstoreMode implements Mode {
        JSON, MAP
    }

    /** {@code record.value.format}: Debezium's envelope, or the row alone. */
    public enum ValueFormat implements Mode {
        ENVELOPE, ROW
    }
}

package io.snapclone.pg.pgoutput;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Builds pgoutput messages by hand, field by field, big-endian as on the wire, so that tests
 * state the bytes the PostgreSQL documentation describes rather than reuse the decoder's logic.
 */
final class TestingBytes {
    private static final Instant PG_EPOCH = Instant.parse("2000-01-01T00:00:00Z");

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private TestingBytes() {
    }

    /** A message starting with its type byte. */
    static TestingBytes message(char type) {
        return new TestingBytes().int8(type);
    }

    /** Bytes without a type byte, e.g. to splice into a message. */
    static TestingBytes raw() {
        return new TestingBytes();
    }

    /** Microseconds since 2000-01-01, as PostgreSQL sends a TimestampTz. */
    static long pgMicros(Instant instant) {
        return ChronoUnit.MICROS.between(PG_EPOCH, instant);
    }

    /** Microseconds since 1970-01-01, as the decoder reports them. */
    static long unixMicros(Instant instant) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
    }

    TestingBytes int8(int value) {
        out.write(value);
        return this;
    }

    TestingBytes int16(int value) {
        out.write(value >>> 8);
        out.write(value);
        return this;
    }

    TestingBytes int32(int value) {
        int16(value >>> 16);
        return int16(value);
    }

    TestingBytes int64(long value) {
        int32((int) (value >>> 32));
        return int32((int) value);
    }

    /** A String field: UTF-8 bytes and a terminating NUL. */
    TestingBytes string(String value) {
        bytes(value.getBytes(StandardCharsets.UTF_8));
        return int8(0);
    }

    TestingBytes bytes(byte[] value) {
        out.writeBytes(value);
        return this;
    }

    /** A TupleData column count. */
    TestingBytes columns(int count) {
        return int16(count);
    }

    /** A TupleData 'n' column. */
    TestingBytes nullValue() {
        return int8('n');
    }

    /** A TupleData 'u' column. */
    TestingBytes unchangedToast() {
        return int8('u');
    }

    /** A TupleData 't' column: kind, Int32 length in bytes, UTF-8 bytes (no NUL). */
    TestingBytes text(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        return int8('t').int32(bytes.length).bytes(bytes);
    }

    /** A TupleData 'b' column: kind, Int32 length, bytes. */
    TestingBytes binary(byte[] value) {
        return int8('b').int32(value.length).bytes(value);
    }

    byte[] build() {
        return out.toByteArray();
    }
}

package io.snapclone.pg.value;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns PostgreSQL's text output (DateStyle ISO, TimeZone UTC, bytea_output hex, IntervalStyle
 * postgres, lc_monetary C) into the Java value of a {@link ValueKind}. The snapshot's COPY text and
 * the stream's pgoutput text both come through here, so a row looks the same whichever path emitted it.
 */
public final class ValueDecoder {
    private ValueDecoder() {
    }

    /** Decodes one non-null field; arrays go through {@link #decodeArray}. */
    public static Object decode(ValueKind kind, String text) {
        return switch (kind) {
            case INT16 -> Short.valueOf(text);
            case INT32 -> Integer.valueOf(text);
            case INT64 -> Long.valueOf(text);
            case FLOAT32 -> Float.valueOf(text);
            case FLOAT64 -> Double.valueOf(text);
            case BOOLEAN -> decodeBoolean(text);
            case NUMERIC -> decodeNumeric(text);
            case MONEY -> decodeMoney(text);
            case BYTES -> decodeBytea(text);
            case BIT -> decodeBit(text);
            case BITS -> decodeBits(text);
            case DATE -> TemporalDecoders.decodeDate(text);
            case TIME -> TemporalDecoders.decodeTime(text, 0, text.length());
            case TIMETZ -> TemporalDecoders.decodeTimeTz(text);
            case TIMESTAMP -> TemporalDecoders.decodeTimestamp(text);
            case TIMESTAMPTZ -> TemporalDecoders.decodeTimestampTz(text);
            case INTERVAL -> IntervalDecoder.decode(text);
            case UUID -> text.toLowerCase(Locale.ROOT);
            case HSTORE -> HstoreDecoder.toJson(text);
            case POINT -> decodePoint(text);
            case ARRAY -> throw new IllegalArgumentException("arrays are decoded with decodeArray(elementKind, text)");
            case TEXT, JSON, XML, TSVECTOR, LTREE, ENUM, UNKNOWN -> text;
        };
    }

    /** Decodes a one-dimensional array literal; NULL elements stay null, the others decode as {@code element}. */
    public static List<Object> decodeArray(ValueKind element, String text) {
        if (element == ValueKind.ARRAY) {
            throw new IllegalArgumentException("PostgreSQL has no arrays of arrays");
        }
        List<String> texts = ArrayLiteralParser.parse(text, ',');
        List<Object> values = new ArrayList<>(texts.size());
        for (String elementText : texts) {
            values.add(elementText == null ? null : decode(element, elementText));
        }
        return values;
    }

    /** The elements of a one-dimensional array literal as text; NULL elements are null. */
    public static List<String> arrayElements(String text) {
        return ArrayLiteralParser.parse(text, ',');
    }

    /** An {@code interval} as an ISO-8601 duration, every field written ({@code P1Y2M3DT4H5M6.78S}). */
    public static String decodeIntervalIso(String text) {
        return IntervalDecoder.toIso(text);
    }

    /** An {@code hstore} as its pairs, in PostgreSQL's order; NULL values are null. */
    public static Map<String, String> decodeHstoreMap(String text) {
        return HstoreDecoder.toMap(text);
    }

    static Boolean decodeBoolean(String text) {
        return switch (text) {
            case "t" -> Boolean.TRUE;
            case "f" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException("not a boolean: " + text);
        };
    }

    static Object decodeNumeric(String text) {
        SpecialNumeric special = SpecialNumeric.parse(text);
        return special != null ? special : new BigDecimal(text);
    }

    /**
     * {@code $1,234.56}, {@code -$1.00}: what cash_out prints with lc_monetary C (or an en_US-like
     * locale): '.' before exactly two fraction digits, ',' between groups, any currency symbol.
     */
    static BigDecimal decodeMoney(String text) {
        StringBuilder digits = new StringBuilder(text.length());
        boolean negative = false;
        int point = -1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                digits.append(c);
            } else if (c == '.' && point < 0) {
                point = digits.length();
            } else if (c == '-' || c == '(') {
                negative = true;
            } else if (c == '.' || Character.isDigit(c)) {
                throw notCMoney(text);
            }
            // ',' groups, ')' closes a negative, anything else is a currency symbol or space.
        }
        if (digits.isEmpty() || point < 0 || digits.length() - point != 2) {
            throw notCMoney(text);
        }
        BigDecimal value = new BigDecimal(new BigInteger(digits.toString()), 2);
        return negative ? value.negate() : value;
    }

    private static IllegalArgumentException notCMoney(String text) {
        return new IllegalArgumentException("money is not printed as lc_monetary=C prints it ($1,234.56): " + text);
    }

    static byte[] decodeBytea(String text) {
        if (!text.startsWith("\\x")) {
            throw new IllegalArgumentException("bytea is not in hex format (set bytea_output=hex)");
        }
        return HexFormat.of().parseHex(text, 2, text.length());
    }

    /** {@code bit(1)}: "1" or "0"; an empty {@code varbit(1)} counts as false. */
    static Boolean decodeBit(String text) {
        return switch (text) {
            case "1" -> Boolean.TRUE;
            case "0", "" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException("not a bit(1) value: " + text);
        };
    }

    /**
     * {@code 101100}: the leftmost bit is the most significant; the bytes are the unsigned value,
     * least significant byte first, as few as hold the highest set bit (none for all zeros). This is
     * what Debezium emits (BitSet.toByteArray of the reversed string).
     */
    static byte[] decodeBits(String text) {
        int length = text.length();
        byte[] bytes = new byte[(length - leadingZeros(text) + 7) / 8];
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            int bit = length - 1 - i;
            if (c == '1') {
                bytes[bit / 8] |= (byte) (1 << (bit % 8));
            } else if (c != '0') {
                throw new IllegalArgumentException("not a bit string: " + text);
            }
        }
        return bytes;
    }

    private static int leadingZeros(String text) {
        int zeros = 0;
        while (zeros < text.length() && text.charAt(zeros) == '0') {
            zeros++;
        }
        return zeros;
    }

    /** {@code (1.5,-2)}; float8 text, so NaN, Infinity and exponents too. */
    static PgPoint decodePoint(String text) {
        int comma = text.indexOf(',');
        if (!text.startsWith("(") || !text.endsWith(")") || comma < 0) {
            throw new IllegalArgumentException("not a point: " + text);
        }
        return new PgPoint(Double.parseDouble(text.substring(1, comma)),
                Double.parseDouble(text.substring(comma + 1, text.length() - 1)));
    }
}

package io.snapclone.pg.value;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;

/** Array literals as array_out prints them (and as array_in accepts them), split into element texts. */
class ArrayLiteralParserTest {
    static List<Arguments> literals() {
        return List.of(
                Arguments.of("{}", List.of(), "empty array"),
                Arguments.of("{1}", List.of("1"), "one element"),
                Arguments.of("{1,2,3}", List.of("1", "2", "3"), "several elements"),
                Arguments.of("{1,NULL,3}", list("1", null, "3"), "NULL element"),
                Arguments.of("{NULL}", list((String) null), "only NULL"),
                Arguments.of("{null,Null}", list(null, null), "NULL is case-insensitive"),
                Arguments.of("{\"NULL\"}", List.of("NULL"), "quoted NULL is the string"),
                Arguments.of("{\"\"}", List.of(""), "empty string is quoted"),
                Arguments.of("{\"\",\"\"}", List.of("", ""), "two empty strings"),
                Arguments.of("{\"a b\"}", List.of("a b"), "space makes it quoted"),
                Arguments.of("{\"a,b\",c}", List.of("a,b", "c"), "quoted delimiter"),
                Arguments.of("{\"{x}\"}", List.of("{x}"), "quoted braces"),
                Arguments.of("{\"a\\\"b\"}", List.of("a\"b"), "escaped quote"),
                Arguments.of("{\"a\\\\b\"}", List.of("a\\b"), "escaped backslash"),
                Arguments.of("{\"\\\\\"}", List.of("\\"), "only a backslash"),
                Arguments.of("{\"\\\"\"}", List.of("\""), "only a quote"),
                Arguments.of("{\"tab\there\"}", List.of("tab\there"), "tab inside quotes"),
                Arguments.of("{\"line\nbreak\"}", List.of("line\nbreak"), "newline inside quotes"),
                Arguments.of("{\" lead\",\"trail \"}", List.of(" lead", "trail "), "quoted spaces kept"),
                Arguments.of("{ a , b }", List.of("a", "b"), "unquoted surrounding spaces dropped (array_in)"),
                Arguments.of("{a b}", List.of("a b"), "inner space of unquoted kept (array_in)"),
                Arguments.of("{a\\,b}", List.of("a,b"), "escaped delimiter unquoted (array_in)"),
                Arguments.of("{N\\ULL}", List.of("NULL"), "escaped NULL is the string (array_in)"),
                Arguments.of("{ünï,日本}", List.of("ünï", "日本"), "non-ASCII"),
                Arguments.of("{-1.5e+10,NaN,Infinity}", List.of("-1.5e+10", "NaN", "Infinity"), "float texts"),
                Arguments.of("{\"2024-01-02 03:04:05+00\"}", List.of("2024-01-02 03:04:05+00"), "timestamptz quoted"),
                Arguments.of("{\"(1,2)\",\"(3,4)\"}", List.of("(1,2)", "(3,4)"), "points quoted"),
                Arguments.of("[0:2]={a,b,c}", List.of("a", "b", "c"), "lower bound 0 dropped"),
                Arguments.of("[-5:-5]={x}", List.of("x"), "negative bounds dropped"));
    }

    @ParameterizedTest(name = "{0} ({2})")
    @MethodSource("literals")
    void parses(String text, List<String> expected, String name) {
        assertEquals(expected, ArrayLiteralParser.parse(text, ','), name);
    }

    @Test
    void boxUsesSemicolons() {
        assertEquals(List.of("(1,1),(0,0)", "(2,2),(1,1)"), ArrayLiteralParser.parse("{(1,1),(0,0);(2,2),(1,1)}", ';'));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{{1,2},{3,4}}", "[1:2][1:2]={{1,2},{3,4}}", "{{}}", "{1,{2}}"})
    void multiDimensionalIsRefused(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ArrayLiteralParser.parse(text, ','));
        assertTrue(e.getMessage().startsWith("multi-dimensional array value"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1,2", "{", "{1", "{1,", "{1,}", "{,1}", "{\"a}", "{\"a\"b}", "{1} x", "[0:1]{a,b}",
            "{a\\}", "(1,2)"})
    void malformedIsRejected(String text) {
        assertThrows(IllegalArgumentException.class, () -> ArrayLiteralParser.parse(text, ','));
    }

    @Test
    void elementsDecodeWithTheElementKind() {
        assertEquals(list((short) 1, null, (short) -32768), ValueDecoder.decodeArray(ValueKind.INT16, "{1,NULL,-32768}"));
        assertEquals(list(new BigDecimal("1.50"), SpecialNumeric.NAN),
                ValueDecoder.decodeArray(ValueKind.NUMERIC, "{1.50,NaN}"));
        assertEquals(List.of("2024-01-02T03:04:05.000000Z"),
                ValueDecoder.decodeArray(ValueKind.TIMESTAMPTZ, "{\"2024-01-02 03:04:05+00\"}"));
        assertEquals(List.of(true, false), ValueDecoder.decodeArray(ValueKind.BOOLEAN, "{t,f}"));
        assertEquals(List.of(), ValueDecoder.decodeArray(ValueKind.TEXT, "{}"));
        assertEquals(List.of("{\"a\": 1}"), ValueDecoder.decodeArray(ValueKind.JSON, "{\"{\\\"a\\\": 1}\"}"));
        assertEquals(List.of(new PgPoint(1, 2)), ValueDecoder.decodeArray(ValueKind.POINT, "{\"(1,2)\"}"));
        assertThrows(IllegalArgumentException.class, () -> ValueDecoder.decodeArray(ValueKind.ARRAY, "{}"));
    }

    private static List<Object> list(Object... values) {
        return Arrays.asList(values);
    }
}

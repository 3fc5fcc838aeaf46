package io.snapclone.pg.snapshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;

/**
 * COPY ... TO STDOUT text format, one row at a time. In the Java strings below {@code \\} is the
 * single backslash byte PostgreSQL writes; {@code \t} and {@code \n} are the real separator bytes.
 */
class CopyTextParserTest {
    private static String[] parse(String row, int fields) {
        return CopyTextParser.parse(row.getBytes(StandardCharsets.UTF_8), fields);
    }

    @Test
    void splitsOnTabsAndDropsTheTrailingNewline() {
        assertArrayEquals(new String[] {"1", "abc", "x y"}, parse("1\tabc\tx y\n", 3));
    }

    @Test
    void rowWithoutTrailingNewlineIsAccepted() {
        assertArrayEquals(new String[] {"1", "2"}, parse("1\t2", 2));
    }

    @Test
    void backslashNIsNull() {
        assertArrayEquals(new String[] {null, "a", null}, parse("\\N\ta\t\\N\n", 3));
    }

    @Test
    void escapedBackslashFollowedByNIsTheTextBackslashN() {
        // PostgreSQL writes the two-character text \N as \\N: a value, not NULL.
        assertArrayEquals(new String[] {"\\N"}, parse("\\\\N\n", 1));
    }

    @Test
    void backslashNInsideALongerFieldIsNotNull() {
        // Only a field that is exactly \N is NULL; \Nx decodes its escape like any other.
        assertArrayEquals(new String[] {"Nx"}, parse("\\Nx\n", 1));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            backspace       | a\\bz   | 8
            form feed       | a\\fz   | 12
            newline         | a\\nz   | 10
            carriage return | a\\rz   | 13
            tab             | a\\tz   | 9
            vertical tab    | a\\vz   | 11
            backslash       | a\\\\z  | 92
            octal one digit | a\\7z   | 7
            octal 101 = A   | a\\101z | 65
            octal 123 = S   | a\\123z | 83
            hex one digit   | a\\x9z  | 9
            hex 41 = A      | a\\x41z | 65
            hex lower case  | a\\x7az | 122
            hex upper case  | a\\x7Az | 122
            other char      | a\\qz   | 113
            """)
    void backslashEscapes(String name, String field, int expectedChar) {
        // The text block's \\ is one backslash byte, so each field is exactly what the server sends.
        String expected = "a" + (char) expectedChar + "z";
        assertEquals(expected, parse(field + "\n", 1)[0], name);
    }

    @Test
    void octalTakesAtMostThreeDigits() {
        // \1234 is \123 ('S') followed by the character 4.
        assertEquals("S4", parse("\\1234\n", 1)[0]);
    }

    @Test
    void hexTakesAtMostTwoDigits() {
        // \x414 is \x41 ('A') followed by the character 4.
        assertEquals("A4", parse("\\x414\n", 1)[0]);
    }

    @Test
    void escapedTabAndNewlineDoNotSplitFields() {
        assertArrayEquals(new String[] {"a\tb", "c\nd"}, parse("a\\tb\tc\\nd\n", 2));
    }

    @Test
    void escapedBytesFormUtf8() {
        // é is C3 A9 in UTF-8: escaped byte by byte it must still decode as one character.
        assertEquals("é", parse("\\303\\251\n", 1)[0]);
        assertEquals("é", parse("\\xc3\\xa9\n", 1)[0]);
    }

    @Test
    void multiByteUtf8() {
        assertArrayEquals(new String[] {"żółw", "日本語", "🐘"}, parse("żółw\t日本語\t🐘\n", 3));
    }

    @Test
    void multiByteUtf8NextToEscapes() {
        assertArrayEquals(new String[] {"żó\nłw", "\\日"}, parse("żó\\nłw\t\\\\日\n", 2));
    }

    @Test
    void emptyStrings() {
        assertArrayEquals(new String[] {"", "", ""}, parse("\t\t\n", 3));
        assertArrayEquals(new String[] {""}, parse("\n", 1));
    }

    @Test
    void emptyLastField() {
        assertArrayEquals(new String[] {"a", ""}, parse("a\t\n", 2));
    }

    @Test
    void emptyFirstField() {
        assertArrayEquals(new String[] {"", "b"}, parse("\tb\n", 2));
    }

    @Test
    void emptyStringIsNotNull() {
        assertArrayEquals(new String[] {"", null}, parse("\t\\N\n", 2));
    }

    @Test
    void tooFewFields() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse("a\tb\n", 3));
        assertEquals("row has fewer than 3 fields", e.getMessage());
    }

    @Test
    void tooManyFields() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse("a\tb\tc\n", 2));
        assertEquals("row has more than 2 fields", e.getMessage());
    }

    @Test
    void oneTabTooManyIsAnExtraEmptyField() {
        assertThrows(IllegalArgumentException.class, () -> parse("a\tb\t\n", 2));
    }

    @Test
    void emptyRowHasOneField() {
        assertThrows(IllegalArgumentException.class, () -> parse("\n", 2));
    }

    @Test
    void danglingBackslashAtTheEndIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> parse("a\\\n", 1));
    }
}

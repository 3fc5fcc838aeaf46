package io.snapclone.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

class IdentifiersTest {
    static Stream<Arguments> quotedIdentifiers() {
        return Stream.of(
                Arguments.of("orders", "\"orders\""),
                Arguments.of("Orders", "\"Orders\""),
                Arguments.of("my table", "\"my table\""),
                Arguments.of("my \"table\"", "\"my \"\"table\"\"\""),
                Arguments.of("\"", "\"\"\"\""),
                Arguments.of("\"\"", "\"\"\"\"\"\""),
                Arguments.of("a.b", "\"a.b\""),
                Arguments.of("it's", "\"it's\""),
                Arguments.of("żółw", "\"żółw\""),
                Arguments.of("", "\"\""));
    }

    @ParameterizedTest
    @MethodSource("quotedIdentifiers")
    void quote(String identifier, String expected) {
        assertEquals(expected, Identifiers.quote(identifier));
    }

    static Stream<Arguments> literals() {
        return Stream.of(
                Arguments.of("abc", "'abc'"),
                Arguments.of("it's", "'it''s'"),
                Arguments.of("'", "''''"),
                Arguments.of("''", "''''''"),
                // With standard_conforming_strings a backslash is an ordinary character.
                Arguments.of("back\\slash", "'back\\slash'"),
                Arguments.of("\"dq\"", "'\"dq\"'"),
                Arguments.of("", "''"));
    }

    @ParameterizedTest
    @MethodSource("literals")
    void literal(String value, String expected) {
        assertEquals(expected, Identifiers.literal(value));
    }

    @Test
    void nulIsRejected() {
        IllegalArgumentException quote = assertThrows(IllegalArgumentException.class, () -> Identifiers.quote("a\0b"));
        assertEquals("identifier contains a NUL character", quote.getMessage());
        IllegalArgumentException literal = assertThrows(IllegalArgumentException.class, () -> Identifiers.literal("\0"));
        assertEquals("literal contains a NUL character", literal.getMessage());
    }

    @Test
    void nullIsRejected() {
        assertEquals("identifier is null", assertThrows(NullPointerException.class, () -> Identifiers.quote(null)).getMessage());
        assertEquals("value is null", assertThrows(NullPointerException.class, () -> Identifiers.literal(null)).getMessage());
    }

    @Test
    void tableIdQuotesBothParts() {
        assertEquals("\"my schema\".\"my \"\"t\"\"\"", new TableId("my schema", "my \"t\"").quoted());
        assertEquals("my schema.my \"t\"", new TableId("my schema", "my \"t\"").qualifiedName());
    }
}

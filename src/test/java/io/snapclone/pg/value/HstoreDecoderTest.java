package io.snapclone.pg.value;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** hstore as hstore_out prints it, to the JSON string Debezium's hstore.handling.mode=json emits. */
class HstoreDecoderTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            empty                   | ``                                  | {}
            one pair                | "a"=>"1"                            | {"a":"1"}
            two pairs in order      | "b"=>"2", "a"=>"1"                  | {"b":"2","a":"1"}
            NULL value              | "a"=>NULL                           | {"a":null}
            quoted NULL is a string | "a"=>"NULL"                         | {"a":"NULL"}
            empty key and value     | ""=>""                              | {"":""}
            escaped quote           | "say"=>"\\"hi\\""                   | {"say":"\\"hi\\""}
            escaped backslash       | "path"=>"c:\\\\dir"                 | {"path":"c:\\\\dir"}
            arrow and comma inside  | "a=>b"=>"c, d"                      | {"a=>b":"c, d"}
            non-ASCII               | "ключ"=>"値"                         | {"ключ":"値"}
            """)
    void toJson(String name, String text, String expected) {
        assertEquals(expected, ValueDecoder.decode(ValueKind.HSTORE, text == null ? "" : text), name);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            newline   | 000a | \\n
            tab       | 0009 | \\t
            CR        | 000d | \\r
            backspace | 0008 | \\b
            form feed | 000c | \\f
            other C0  | 0001 | \\u0001
            unit sep  | 001f | \\u001F
            """)
    void controlCharactersAreEscapedAsJacksonDoes(String name, String hex, String escaped) {
        char c = (char) Integer.parseInt(hex, 16);
        assertEquals("{\"k\":\"a" + escaped + "b\"}", ValueDecoder.decode(ValueKind.HSTORE, "\"k\"=>\"a" + c + "b\""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a=>1", "\"a\"=>", "\"a\"=\"1\"", "\"a\"=>\"1\" \"b\"=>\"2\"", "\"a", "\"a\"=>\"1\","})
    void malformedIsRejected(String text) {
        assertThrows(IllegalArgumentException.class, () -> ValueDecoder.decode(ValueKind.HSTORE, text));
    }
}

package io.snapclone.pg.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import java.util.List;

/** pgoutput parses {@code publication_names} as a list of identifiers (SplitIdentifierString): quote each one. */
class PublicationsTest {
    @Test
    void aPlainNameIsQuoted() {
        assertEquals("\"snapclone\"", Publications.namesOption(List.of("snapclone")));
    }

    @Test
    void upperCaseIsKeptByQuoting() {
        // Unquoted, PostgreSQL folds it to lower case and finds no publication "mypub".
        assertEquals("\"MyPub\"", Publications.namesOption(List.of("MyPub")));
    }

    @Test
    void spacesAndCommasStayInsideTheQuotes() {
        assertEquals("\"my pub, v2\"", Publications.namesOption(List.of("my pub, v2")));
    }

    @Test
    void embeddedDoubleQuotesAreDoubled() {
        assertEquals("\"say \"\"hi\"\"\"", Publications.namesOption(List.of("say \"hi\"")));
    }

    @Test
    void severalNamesAreCommaSeparated() {
        assertEquals("\"Orders\",\"orders_inserts\",\"a,b\"",
                Publications.namesOption(List.of("Orders", "orders_inserts", "a,b")));
    }

    @Test
    void noNameOrAnEmptyNameIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> Publications.namesOption(List.of()));
        assertThrows(IllegalArgumentException.class, () -> Publications.namesOption(List.of("")));
        assertThrows(IllegalArgumentException.class, () -> Publications.namesOption(List.of("a\0b")));
    }
}

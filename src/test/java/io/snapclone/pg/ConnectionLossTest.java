package io.snapclone.pg;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.EOFException;
import java.sql.SQLException;

class ConnectionLossTest {
    @ParameterizedTest
    @ValueSource(strings = {"08006", "08001", "08003", "57P01", "57P02", "57P03", "53300"})
    void lostRefusedOrRestartingConnectionsHeal(String state) {
        assertTrue(ConnectionLoss.isTransient(new SQLException("x", state)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"42501", "42P01", "42704", "22023", "55006", "XX000"})
    void whatNeedsAPersonDoesNot(String state) {
        assertFalse(ConnectionLoss.isTransient(new SQLException("x", state)));
    }

    @Test
    void anIoFailureUnderneathHeals() {
        assertTrue(ConnectionLoss.isTransient(new SQLException("x", null, new EOFException())));
        assertFalse(ConnectionLoss.isTransient(new SQLException("x")));
    }
}

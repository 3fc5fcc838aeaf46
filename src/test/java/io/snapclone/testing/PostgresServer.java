package io.snapclone.testing;

/**
 * Where a test PostgreSQL server runs: from zonky's embedded binaries ({@link EmbeddedPostgresServer})
 * or in the official image ({@link ContainerPostgresServer}). Tests use {@link TestingPostgres}.
 * Both answer on localhost with a superuser {@code postgres} that may connect without a password.
 */
interface PostgresServer {
    /** The port on localhost; it stays the same across {@link #stopImmediately()} and {@link #startAgain()}. */
    int port();

    /** Kills the server as a crash would ({@code pg_ctl stop -m immediate}); returns once it is down. */
    void stopImmediately();

    /** Starts it again after {@link #stopImmediately()}, same data and settings; returns once it accepts connections. */
    void startAgain();

    /** A hot standby with slot synchronisation; see {@link TestingPostgres#startStandby()}. */
    TestingPostgres.Standby startStandby();

    void close();
}

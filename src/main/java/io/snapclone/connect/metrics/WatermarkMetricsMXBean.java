package io.snapclone.connect.metrics;

/**
 * The cluster watermark over JMX (task 0 of a connector with database.names and watermarks). LSNs
 * are in PostgreSQL's {@code X/Y} form, empty until known.
 */
public interface WatermarkMetricsMXBean {
    /** The LSN of the last cut published; empty before the first. */
    String getLastCutLsn();

    /** When the last cut was published (ms since the epoch); 0 before the first. */
    long getLastCutTimestamp();

    /** -1 before the first cut: alert when it grows while the databases are written. */
    long getMilliSecondsSinceLastCut();

    /** Cuts published by this task since it started. */
    long getCuts();

    /** The smallest confirmed LSN of the slots at the last look: where the next cut can go. */
    String getLowestConfirmedLsn();

    /** The databases whose first load is still under way (no cut until they are loaded), comma-separated. */
    String getDatabasesLoading();
}

package io.snapclone.connect.metrics;

import io.snapclone.pg.Lsn;

import javax.management.ObjectName;

/**
 * {@code io.snapclone:type=watermark-metrics,connector="<name>",task=0}. Written by the watermark's
 * thread, read by JMX's: every field is volatile.
 */
public final class WatermarkMetrics implements WatermarkMetricsMXBean, AutoCloseable {
    private final ObjectName name;
    private volatile long lastCutLsn;
    private volatile long lastCutMs;
    private volatile long cuts;
    private volatile long lowestConfirmed;
    private volatile String loading = "";

    public WatermarkMetrics(String connector) {
        this.name = TaskBeans.name("watermark-metrics", connector, 0);
    }

    public WatermarkMetrics register() {
        TaskBeans.register(this, name);
        return this;
    }

    public void cut(long lsn, long nowMs) {
        lastCutLsn = lsn;
        lastCutMs = nowMs;
        cuts++;
    }

    public void confirmed(long lowest) {
        lowestConfirmed = lowest;
    }

    public void loading(String databases) {
        loading = databases;
    }

    @Override
    public String getLastCutLsn() {
        return lastCutLsn == 0 ? "" : new Lsn(lastCutLsn).toString();
    }

    @Override
    public long getLastCutTimestamp() {
        return lastCutMs;
    }

    @Override
    public long getMilliSecondsSinceLastCut() {
        return lastCutMs == 0 ? -1 : System.currentTimeMillis() - lastCutMs;
    }

    @Override
    public long getCuts() {
        return cuts;
    }

    @Override
    public String getLowestConfirmedLsn() {
        return lowestConfirmed == 0 ? "" : new Lsn(lowestConfirmed).toString();
    }

    @Override
    public String getDatabasesLoading() {
        return loading;
    }

    @Override
    public void close() {
        TaskBeans.unregister(name);
    }
}

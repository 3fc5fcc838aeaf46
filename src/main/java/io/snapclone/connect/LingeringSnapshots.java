package io.snapclone.connect;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Sessions that hold a connector's snapshot, kept open for a grace period after a graceful stop
 * (REST restart, rebalance, config update, worker leaving): whichever coordinator or task starts
 * next, here or on another worker, re-imports the same snapshot through the ids they published,
 * instead of taking a new one. Each is closed when its grace period ends, or at once when the
 * connector's snapshot phase is over in this worker ({@link #releaseAll}).
 *
 * <p>One per worker JVM; every method may be called from any thread.
 */
final class LingeringSnapshots {
    private static final Logger log = LoggerFactory.getLogger(LingeringSnapshots.class);
    private static final ScheduledExecutorService CLOSER = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "snapclone-lingering-snapshots");
        thread.setDaemon(true);
        return thread;
    });
    private static final Map<String, List<AutoCloseable>> BY_CONNECTOR = new ConcurrentHashMap<>();

    private LingeringSnapshots() {
    }

    /** Closes {@code session} after {@code grace} (at once if zero); {@code what} names it in logs. */
    static void keep(String connector, AutoCloseable session, Duration grace, String what) {
        if (grace.isZero()) {
            close(session, what);
            return;
        }
        BY_CONNECTOR.compute(connector, (c, sessions) -> {
            List<AutoCloseable> kept = sessions == null ? new ArrayList<>() : sessions;
            kept.add(session);
            return kept;
        });
        log.info("Connector {}: {} keeps holding the snapshot for {} s, for whoever starts next", connector, what,
                grace.toSeconds());
        CLOSER.schedule(() -> {
            if (remove(connector, session)) {
                close(session, what);
            }
        }, grace.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The snapshot phase is over: nothing needs the sessions any more. */
    static void releaseAll(String connector) {
        List<AutoCloseable> sessions = BY_CONNECTOR.remove(connector);
        if (sessions != null) {
            sessions.forEach(session -> close(session, "a lingering snapshot session"));
        }
    }

    private static boolean remove(String connector, AutoCloseable session) {
        boolean[] removed = {false};
        BY_CONNECTOR.computeIfPresent(connector, (c, sessions) -> {
            removed[0] = sessions.remove(session);
            return sessions.isEmpty() ? null : sessions;
        });
        return removed[0];
    }

    private static void close(AutoCloseable session, String what) {
        try {
            session.close();
        } catch (Exception e) {
            log.debug("closing {} failed", what, e);
        }
    }
}

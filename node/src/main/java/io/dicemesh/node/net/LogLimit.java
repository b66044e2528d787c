package io.dicemesh.node.net;

import org.slf4j.Logger;

/**
 * A rate limit on log lines strangers can cause (a failed handshake, a rejected frame): at most
 * {@link #LINES_PER_SECOND} a second across the transport; the rest are counted, and the next line that is written
 * says how many were left out. The counters in {@code /metrics} still count every one. Thread-safe.
 */
final class LogLimit {
    static final int LINES_PER_SECOND = 20;

    private final TokenBucket lines = new TokenBucket(LINES_PER_SECOND, LINES_PER_SECOND);
    private long suppressed;

    /** Whether a line may be written now; if so, how many were left out before it (appended by the callers). */
    private synchronized long take() {
        if (!lines.tryTake(System.nanoTime())) {
            suppressed++;
            return -1;
        }
        long n = suppressed;
        suppressed = 0;
        return n;
    }

    private static String note(String format, long left) {
        return left > 0 ? format + " (and " + left + " similar lines left out)" : format;
    }

    void info(Logger log, String format, Object... args) {
        if (log.isInfoEnabled()) {
            long left = take();
            if (left >= 0) {
                log.info(note(format, left), args);
            }
        }
    }

    void warn(Logger log, String format, Object... args) {
        if (log.isWarnEnabled()) {
            long left = take();
            if (left >= 0) {
                log.warn(note(format, left), args);
            }
        }
    }

    void debug(Logger log, String format, Object... args) {
        if (log.isDebugEnabled()) {
            long left = take();
            if (left >= 0) {
                log.debug(note(format, left), args);
            }
        }
    }
}

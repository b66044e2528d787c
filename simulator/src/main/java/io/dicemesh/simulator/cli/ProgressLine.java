package io.dicemesh.simulator.cli;

import java.io.PrintWriter;

/**
 * A one-line progress bar on a terminal, redrawn at most twice a second, shown only once the work has taken a
 * couple of seconds. Reads the wall clock, which is fine: it only ever prints, never feeds a simulation.
 */
final class ProgressLine {
    private static final long SHOW_AFTER_NS = 2_000_000_000L;
    private static final long REDRAW_NS = 500_000_000L;
    private static final int WIDTH = 30;

    private final PrintWriter out;
    private final boolean enabled;
    private final long startNs = System.nanoTime();
    private long lastNs;
    private boolean shown;

    ProgressLine(PrintWriter out, boolean enabled) {
        this.out = out;
        this.enabled = enabled;
    }

    static boolean onTerminal() {
        return System.console() != null;
    }

    void update(long done, long total, String detail) {
        long now = System.nanoTime();
        if (!enabled || now - startNs < SHOW_AFTER_NS || now - lastNs < REDRAW_NS) {
            return;
        }
        lastNs = now;
        shown = true;
        int filled = total <= 0 ? 0 : (int) Math.min(WIDTH, WIDTH * done / total);
        out.print("\r[" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] " + done + "/" + total + " " + detail
                + "   ");
        out.flush();
    }

    void finish() {
        if (shown) {
            out.print("\r" + " ".repeat(WIDTH + 80) + "\r");
            out.flush();
        }
    }
}

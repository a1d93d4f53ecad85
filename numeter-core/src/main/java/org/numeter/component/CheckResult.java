package org.numeter.component;

/**
 * The health of a component, as Zipkin's {@code CheckResult}, with one more state: degraded, which still works
 * (it is ready) but has something an operator should know, listed in the detail (one poller failing of many).
 *
 * @param ok whether it works: false makes the process not ready ({@code GET /ready} answers 503)
 * @param detail why not, what is degraded, or a short summary when it works; never a secret
 * @param degraded true when it works with a part failing (only meaningful when {@code ok})
 */
public record CheckResult(boolean ok, String detail, boolean degraded) {
    public static final CheckResult OK = new CheckResult(true, "ok");

    /** A result that is either working ({@code ok}) or down, never degraded. */
    public CheckResult(boolean ok, String detail) {
        this(ok, detail, false);
    }

    public static CheckResult failed(String detail) {
        return new CheckResult(false, detail);
    }

    public static CheckResult failed(Throwable cause) {
        return new CheckResult(false, cause.getClass().getSimpleName() + ": " + cause.getMessage());
    }

    /** Works, with a part failing: ready, and the detail says what. */
    public static CheckResult degraded(String detail) {
        return new CheckResult(true, detail, true);
    }

    /** {@code UP}, {@code DEGRADED} or {@code DOWN}. */
    public String status() {
        return !ok ? "DOWN" : degraded ? "DEGRADED" : "UP";
    }
}

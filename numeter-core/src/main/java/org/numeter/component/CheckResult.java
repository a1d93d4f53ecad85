package org.numeter.component;

/**
 * The health of a component.
 *
 * @param ok whether it works
 * @param detail why not, or a short summary when it does
 */
public record CheckResult(boolean ok, String detail) {
    public static final CheckResult OK = new CheckResult(true, "ok");

    public static CheckResult failed(String detail) {
        return new CheckResult(false, detail);
    }

    public static CheckResult failed(Throwable cause) {
        return new CheckResult(false, cause.getClass().getSimpleName() + ": " + cause.getMessage());
    }
}

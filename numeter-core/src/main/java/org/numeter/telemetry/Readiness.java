package org.numeter.telemetry;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Whether a process can do its job, from every check bound into its {@link Telemetry}: {@code DOWN} when one check
 * is down (not ready: {@code /ready} answers 503), else {@code DEGRADED} when one is degraded, else {@code UP}.
 *
 * @param status UP, DEGRADED or DOWN
 * @param reason the details of the checks that are down, joined; null when ready
 * @param checks each check's name, status and detail, in the order they were bound
 */
public record Readiness(String status, String reason, List<Check> checks) {

    /** One check's answer. */
    public record Check(String name, String status, String detail) {}

    static Readiness of(List<Check> checks) {
        List<Check> down = checks.stream().filter(c -> c.status().equals("DOWN")).toList();
        if (!down.isEmpty()) {
            return new Readiness("DOWN", down.stream().map(c -> c.name() + ": " + c.detail())
                    .collect(Collectors.joining("; ")), List.copyOf(checks));
        }
        boolean degraded = checks.stream().anyMatch(c -> c.status().equals("DEGRADED"));
        return new Readiness(degraded ? "DEGRADED" : "UP", null, List.copyOf(checks));
    }

    public boolean ready() {
        return !status.equals("DOWN");
    }
}

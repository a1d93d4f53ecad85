package org.numeter.alert;

/**
 * What applies to one field once every layer is resolved.
 *
 * @param warning the warning range, or null
 * @param critical the critical range, or null
 * @param forPoints consecutive points that must agree before a change
 * @param hysteresis the margin back inside a limit that leaving a problem needs
 * @param percent whether the margin is a percentage of each bound
 * @param unknownLimit consecutive unknown values ({@code U}) before UNKNOWN, munin's {@code unknown_limit}
 * @param origin where the limits came from, for messages: {@code plugin}, {@code view 3}, {@code rule 2}
 */
public record Thresholds(Range warning, Range critical, int forPoints, double hysteresis, boolean percent,
        int unknownLimit, String origin) {

    /** The limit a state is about, as text: {@code "critical 90"}. */
    String describe(AlertState state, double value) {
        Range r = state == AlertState.CRITICAL ? critical : state == AlertState.WARNING ? warning : null;
        if (r == null) {
            Range any = critical != null ? critical : warning;
            return any == null ? "" : "within " + any.text();
        }
        return state.lower() + " " + r.text() + " (" + r.describe(value) + ")";
    }

    /** The limit text of a state, for the API's {@code threshold}. */
    String limit(AlertState state) {
        Range r = state == AlertState.CRITICAL ? critical : state == AlertState.WARNING ? warning : null;
        return r == null ? null : r.text();
    }
}

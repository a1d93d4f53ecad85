package org.numeter.alert;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One state change of a host, plugin and field, as the journal keeps it and the change feed serves it. A host's
 * silence is a change with no plugin and no field.
 *
 * @param seq its place in the journal, from 1, never reused
 * @param at when it happened, epoch seconds: the time of the point that crossed the line, or of the check that
 *     found the silence
 * @param point the newest point of the series when it happened (epoch seconds); a point at or before it is a
 *     replay after a restart and changes nothing
 * @param host the host
 * @param plugin the plugin, or null for the host's silence
 * @param field the field, or null for the host's silence or a plugin's
 * @param from the state before
 * @param to the state after
 * @param value the value that decided, or null (unknown, no data)
 * @param threshold the limit concerned, munin's syntax, or null
 * @param reason one sentence: {@code "value 93.5 above critical 90 (plugin)"}
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Change(long seq, long at, long point, String host, String plugin, String field, AlertState from,
        AlertState to, Double value, String threshold, String reason) {

    /** The same change with its journal sequence. */
    public Change withSeq(long seq) {
        return new Change(seq, at, point, host, plugin, field, from, to, value, threshold, reason);
    }

    /** host, plugin and field as one map key. */
    @JsonIgnore
    public String key() {
        return key(host, plugin, field);
    }

    public static String key(String host, String plugin, String field) {
        return host + '\u0000' + (plugin == null ? "" : plugin) + '\u0000' + (field == null ? "" : field);
    }
}

package org.numeter.alert.notify;

import java.time.Instant;
import java.util.List;
import org.numeter.alert.AlertState;
import org.numeter.alert.Change;

/**
 * One message to one contact: the changes of one host gathered within the grouping window, or a summary of what a
 * rate limit held back. Its id travels with it (webhook header, e-mail Message-ID) so that a receiver can drop the
 * copy a crash between sending and recording may cause.
 *
 * @param id the queue entry's id
 * @param host the host, or null for a summary of several hosts
 * @param changes what happened, oldest first
 * @param held for a summary: how many messages were held back
 * @param link where the web shows them (the Problems page or the host), or null
 */
public record Notice(long id, String host, List<Change> changes, int held, String link) {

    public Notice {
        changes = List.copyOf(changes);
    }

    /** The worst state reached in it. */
    public AlertState worst() {
        AlertState w = AlertState.OK;
        for (Change c : changes) {
            if (c.to().severity() > w.severity()) {
                w = c.to();
            }
        }
        return w;
    }

    public String subject() {
        if (held > 0) {
            return "[Numeter] " + held + " notification" + (held == 1 ? "" : "s") + " held back: " + changes.size()
                    + " change" + (changes.size() == 1 ? "" : "s");
        }
        if (changes.size() == 1) {
            Change c = changes.get(0);
            return "[Numeter] " + c.to() + " " + c.host() + " " + what(c);
        }
        return "[Numeter] " + worst() + " " + host + ": " + changes.size() + " changes";
    }

    /** Plain text, one line a change; Slack and Mattermost show it as it is. */
    public String text() {
        StringBuilder out = new StringBuilder();
        if (held > 0) {
            out.append(held).append(" notification").append(held == 1 ? " was" : "s were")
                    .append(" held back by the rate limit; what they said:\n");
        }
        for (Change c : changes) {
            out.append(c.to()).append(' ').append(c.host()).append(' ').append(what(c)).append(" (was ")
                    .append(c.from()).append(") at ").append(Instant.ofEpochSecond(c.at())).append(": ")
                    .append(c.reason()).append('\n');
        }
        if (link != null) {
            out.append(link).append('\n');
        }
        return out.toString();
    }

    private static String what(Change c) {
        if (c.plugin() == null) {
            return "(host)";
        }
        return c.field() == null ? c.plugin() : c.plugin() + "." + c.field();
    }
}

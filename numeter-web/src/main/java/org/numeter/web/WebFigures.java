package org.numeter.web;

import java.util.List;
import org.numeter.telemetry.Meters;
import org.numeter.telemetry.Redact;
import org.numeter.web.internal.Auth;
import org.numeter.web.internal.Storages;

/** The web's figures and check in its process's telemetry, one line per figure. */
final class WebFigures {
    private WebFigures() {}

    static Meters bind(Meters m, WebServer web, Storages storages, Auth auth) {
        return m.check("web", web::check)
                .gauge("numeter.web.stale.hosts", "Hosts whose storage reports no recent update, at the last refresh",
                        web::staleHosts)
                .gauge("numeter.web.merged.hosts", "Hosts several storages hold (merged), at the last refresh",
                        web::mergedHosts)
                .gauges("numeter.web.storage.up", "1 when the storage answered the web's last refresh, else 0",
                        List.of("storage"), () -> storages.snapshot().storages(), s -> List.of(Redact.text(s.uri().toString())),
                        s -> s.up() ? 1 : 0)
                .gauges("numeter.web.storage.hosts", "Hosts the storage holds, as of the web's last refresh",
                        List.of("storage"), () -> storages.snapshot().storages(), s -> List.of(Redact.text(s.uri().toString())),
                        s -> s.hosts())
                .counterOf("numeter.notices.sent", "Alert notices delivered", web::noticeFigures, "sent")
                .counterOf("numeter.notices.failed.attempts", "Notice deliveries that failed (tried again later)",
                        web::noticeFigures, "failedAttempts")
                .counterOf("numeter.notices.gave.up", "Notices given up after web.alert.give-up of failures",
                        web::noticeFigures, "gaveUp")
                .counterOf("numeter.notices.dropped", "Notices dropped by the rate limit", web::noticeFigures, "dropped")
                .gaugeOf("numeter.notices.held", "Notices held back (suppressed or waiting for their window)",
                        web::noticeFigures, "held")
                .gaugeOf("numeter.notices.unreachable.contacts", "Contacts whose channel fails now",
                        web::noticeFigures, "unreachableContacts")
                .counters("numeter.web.logins", "Logins by outcome: success, failure (wrong username or password),"
                        + " throttled (refused with 429)", List.of("outcome"), () -> auth.loginCounts().entrySet(),
                        e -> List.of(e.getKey()), e -> e.getValue());
    }
}

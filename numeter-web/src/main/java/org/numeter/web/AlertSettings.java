package org.numeter.web;

import java.time.Duration;
import org.numeter.alert.notify.EmailChannel;

/**
 * How the web follows the storages' alerts and notifies: every setting has a default; tests shorten the durations.
 *
 * @param smtp the SMTP server e-mail contacts go through, or null (no e-mail channel)
 * @param poll how often each storage's change feed is read
 * @param groupWindow changes of one host within this window make one notice
 * @param retryMin first wait after a failed delivery (then doubling)
 * @param retryMax longest wait between two attempts
 * @param giveUp how long a notice is tried before it is given up
 * @param maxMessages notices per contact within {@code rateWindow} before the next are held for a summary
 * @param rateWindow the rate limit's window
 * @param lease how long a notice being sent may stay unconfirmed before it is sent again (a sender died)
 * @param channelTimeout how long a webhook or a command may take
 * @param publicUrl the web's address as users reach it, for links in notices; null: the listening address
 */
public record AlertSettings(EmailChannel.Smtp smtp, Duration poll, Duration groupWindow, Duration retryMin,
        Duration retryMax, Duration giveUp, int maxMessages, Duration rateWindow, Duration lease,
        Duration channelTimeout, String publicUrl) {

    public static final AlertSettings DEFAULTS = new AlertSettings(null, Duration.ofSeconds(2),
            Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofHours(24), 20,
            Duration.ofHours(1), Duration.ofMinutes(2), Duration.ofSeconds(10), null);
}

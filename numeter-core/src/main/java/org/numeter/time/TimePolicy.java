package org.numeter.time;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * The rule every hop applies to a sample's timestamp ({@code docs/decisions.md}, "Time"). A value is stamped when it
 * was read, so a timestamp further ahead of this process's clock than {@code maxSkew} comes from a clock that is
 * wrong: it is refused, and counted as {@code future}, instead of being stored where it would block its plugin
 * until the wall clock reaches it (a round-robin file takes no point older than its newest).
 */
public final class TimePolicy {
    /** Default allowance for clocks that differ: NTP keeps them within a second, a poller's cycle within one step. */
    public static final Duration DEFAULT_MAX_SKEW = Duration.ofMinutes(5);

    private final Clock clock;
    private final long maxSkewSeconds;

    public TimePolicy(Clock clock, Duration maxSkew) {
        this.clock = Objects.requireNonNull(clock, "clock");
        if (maxSkew.isNegative()) {
            throw new IllegalArgumentException("max clock skew " + maxSkew + " must not be negative");
        }
        this.maxSkewSeconds = maxSkew.toSeconds();
    }

    /** The system clock and {@link #DEFAULT_MAX_SKEW}. */
    public static TimePolicy system() {
        return new TimePolicy(Clock.systemUTC(), DEFAULT_MAX_SKEW);
    }

    /** This process's time, in epoch seconds. */
    public long now() {
        return Math.floorDiv(clock.millis(), 1000);
    }

    /** How far ahead of now {@code timestamp} is when that is more than the skew allows, else 0 (it may be kept). */
    public long refusedAhead(long timestamp) {
        long ahead = timestamp - now();
        return ahead > maxSkewSeconds ? ahead : 0;
    }

    public long maxSkewSeconds() {
        return maxSkewSeconds;
    }

    public Clock clock() {
        return clock;
    }

    @Override
    public String toString() {
        return "TimePolicy{max skew " + maxSkewSeconds + " s}";
    }
}

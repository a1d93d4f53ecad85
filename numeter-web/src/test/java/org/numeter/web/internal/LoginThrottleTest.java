package org.numeter.web.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {
    static final class MutableClock extends Clock {
        long millis = 1_700_000_000_000L;

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }
    }

    @Test
    void theLimitThenAWaitUntilTheOldestFailureLeavesTheWindow() {
        MutableClock clock = new MutableClock();
        LoginThrottle t = new LoginThrottle(3, 3, 60_000, clock);
        for (int i = 0; i < 3; i++) {
            assertThat(t.retryAfter("alice", "10.0.0.1")).isZero();
            t.failed("alice", "10.0.0.1");
            clock.millis += 1000;
        }
        assertThat(t.retryAfter("alice", "10.0.0.1")).isEqualTo(57);
        assertThat(t.retryAfter("alice", "10.0.0.2")).isEqualTo(57);
        assertThat(t.retryAfter("bob", "10.0.0.1")).isEqualTo(57);
        assertThat(t.retryAfter("bob", "10.0.0.2")).isZero();
        clock.millis += 57_000;
        assertThat(t.retryAfter("alice", "10.0.0.2")).isZero();
    }

    @Test
    void anAddressMayFailMoreOftenThanOneUsername() {
        MutableClock clock = new MutableClock();
        LoginThrottle t = new LoginThrottle(2, 4, 60_000, clock);
        t.failed("a", "nat");
        t.failed("b", "nat");
        t.failed("c", "nat");
        assertThat(t.retryAfter("d", "nat")).isZero();
        t.failed("d", "nat");
        assertThat(t.retryAfter("e", "nat")).isEqualTo(60);
        t.failed("a", "other");
        assertThat(t.retryAfter("a", "elsewhere")).isEqualTo(60);
    }

    @Test
    void manyUsernamesAreForgottenOnceTheirFailuresLeaveTheWindow() {
        MutableClock clock = new MutableClock();
        LoginThrottle t = new LoginThrottle(1, 1000, 60_000, clock);
        for (int i = 0; i < 10_001; i++) {
            t.failed("user" + i, "a" + (i % 100));
        }
        assertThat(t.retryAfter("user5", "elsewhere")).isEqualTo(60);
        clock.millis += 60_000;
        t.failed("late", "z");
        assertThat(t.retryAfter("user5", "elsewhere")).isZero();
        assertThat(t.retryAfter("late", "elsewhere")).isEqualTo(60);
    }

    @Test
    void aSuccessClearsTheUsername() {
        LoginThrottle t = new LoginThrottle(2, 10, 60_000, new MutableClock());
        t.failed("alice", "a");
        t.succeeded("alice");
        t.failed("alice", "b");
        assertThat(t.retryAfter("alice", "c")).isZero();
    }
}

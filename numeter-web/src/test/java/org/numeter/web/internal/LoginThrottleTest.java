package org.numeter.web.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.numeter.testkit.MutableClock;

class LoginThrottleTest {
    @Test
    void theLimitThenAWaitUntilTheOldestFailureLeavesTheWindow() {
        MutableClock clock = new MutableClock(Instant.ofEpochMilli(1_700_000_000_000L));
        LoginThrottle t = new LoginThrottle(3, 3, 60_000, clock);
        for (int i = 0; i < 3; i++) {
            assertThat(t.retryAfter("alice", "10.0.0.1")).isZero();
            t.failed("alice", "10.0.0.1");
            clock.advance(Duration.ofMillis(1000));
        }
        assertThat(t.retryAfter("alice", "10.0.0.1")).isEqualTo(57);
        assertThat(t.retryAfter("alice", "10.0.0.2")).isEqualTo(57);
        assertThat(t.retryAfter("bob", "10.0.0.1")).isEqualTo(57);
        assertThat(t.retryAfter("bob", "10.0.0.2")).isZero();
        clock.advance(Duration.ofMillis(57_000));
        assertThat(t.retryAfter("alice", "10.0.0.2")).isZero();
    }

    @Test
    void anAddressMayFailMoreOftenThanOneUsername() {
        MutableClock clock = new MutableClock(Instant.ofEpochMilli(1_700_000_000_000L));
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
        MutableClock clock = new MutableClock(Instant.ofEpochMilli(1_700_000_000_000L));
        LoginThrottle t = new LoginThrottle(1, 1000, 60_000, clock);
        for (int i = 0; i < 10_001; i++) {
            t.failed("user" + i, "a" + (i % 100));
        }
        assertThat(t.retryAfter("user5", "elsewhere")).isEqualTo(60);
        clock.advance(Duration.ofMillis(60_000));
        t.failed("late", "z");
        assertThat(t.retryAfter("user5", "elsewhere")).isZero();
        assertThat(t.retryAfter("late", "elsewhere")).isEqualTo(60);
    }

    @Test
    void aSuccessClearsTheUsername() {
        LoginThrottle t = new LoginThrottle(2, 10, 60_000, new MutableClock(Instant.ofEpochMilli(1_700_000_000_000L)));
        t.failed("alice", "a");
        t.succeeded("alice");
        t.failed("alice", "b");
        assertThat(t.retryAfter("alice", "c")).isZero();
    }
}

package org.numeter.alert.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.numeter.alert.AlertState;
import org.numeter.alert.Change;
import org.numeter.testkit.MutableClock;

class SenderTest {
    private static final long T0 = 1_700_000_000L;
    private final MutableClock clock = new MutableClock(Instant.ofEpochSecond(T0));
    private final MemoryOutbox outbox = new MemoryOutbox();
    private final Contact ops = new Contact(1, "ops", "test", "ops", null, Set.of(AlertState.values()), 1L, null);
    private final List<Notice> received = new ArrayList<>();
    private boolean down;
    private final Channel channel = new Channel() {
        @Override
        public String name() {
            return "test";
        }

        @Override
        public void validate(String target) {}

        @Override
        public void send(Contact contact, Notice notice) throws IOException {
            if (down) {
                throw new IOException("receiver down");
            }
            received.add(notice);
        }
    };

    private Sender.Builder sender() {
        return Sender.builder().outbox(outbox).contacts(id -> id == 1 ? Optional.of(ops) : Optional.empty())
                .channel(channel).clock(clock).retry(Duration.ofSeconds(10), Duration.ofSeconds(60));
    }

    private static Change change(String host, String field, AlertState to) {
        return new Change(1, T0, T0, host, "load", field, AlertState.OK, to, 7.0, "5", "value 7 above 5");
    }

    private void later(long seconds) {
        clock.advance(Duration.ofSeconds(seconds));
    }

    @Test
    void changesOfOneHostWithinTheWindowAreOneNotice() {
        Sender s = sender().build();
        outbox.add(1, change("web1", "a", AlertState.WARNING), clock.millis(), 10_000);
        later(3);
        outbox.add(1, change("web1", "b", AlertState.CRITICAL), clock.millis(), 10_000);
        outbox.add(1, change("db1", "a", AlertState.WARNING), clock.millis(), 10_000);
        assertThat(s.runOnce()).isZero();
        later(8);
        assertThat(s.runOnce()).isEqualTo(1);
        assertThat(received).singleElement().satisfies(n -> {
            assertThat(n.host()).isEqualTo("web1");
            assertThat(n.changes()).extracting(Change::field).containsExactly("a", "b");
            assertThat(n.subject()).isEqualTo("[Numeter] CRITICAL web1: 2 changes");
        });
        later(3);
        s.runOnce();
        assertThat(received).extracting(Notice::host).containsExactly("web1", "db1");
        // a change after the window opens a new notice
        outbox.add(1, change("web1", "a", AlertState.OK), clock.millis(), 10_000);
        later(10);
        s.runOnce();
        assertThat(received).hasSize(3);
    }

    @Test
    void aFailingChannelIsRetriedWithBackOffAndDeliversOnce() {
        Sender s = sender().build();
        down = true;
        outbox.add(1, change("web1", "a", AlertState.CRITICAL), clock.millis(), 0);
        s.runOnce();
        assertThat(outbox.due(clock.millis(), 10)).isEmpty();
        List<Long> waits = new ArrayList<>();
        long last = clock.millis();
        for (int i = 0; i < 6; i++) {
            // run each second until the next attempt happens
            long attempts = outbox.recent(1).get(0).attempts();
            while (outbox.recent(1).get(0).attempts() == attempts) {
                later(1);
                s.runOnce();
            }
            waits.add((clock.millis() - last) / 1000);
            last = clock.millis();
        }
        assertThat(waits).containsExactly(10L, 20L, 40L, 60L, 60L, 60L);
        assertThat(received).isEmpty();
        down = false;
        later(60);
        s.runOnce();
        s.runOnce();
        later(600);
        s.runOnce();
        assertThat(received).hasSize(1);
        assertThat(outbox.counts()).containsEntry(Outbox.Status.SENT, 1L);
        assertThat(s.figures()).containsEntry("sent", 1L).containsEntry("failedAttempts", 7L);
    }

    @Test
    void aNoticeIsGivenUpAfterTheLimitAndCounted() {
        Sender s = sender().giveUp(Duration.ofMinutes(5)).build();
        down = true;
        outbox.add(1, change("web1", "a", AlertState.CRITICAL), clock.millis(), 0);
        for (int i = 0; i < 400; i++) {
            later(1);
            s.runOnce();
        }
        assertThat(outbox.counts()).containsEntry(Outbox.Status.FAILED, 1L);
        assertThat(s.figures()).containsEntry("gaveUp", 1L);
    }

    @Test
    void aFloodIsRateLimitedAndWhatWasHeldComesAsOneSummary() {
        Sender s = sender().rateLimit(3, Duration.ofMinutes(10)).build();
        for (int i = 0; i < 8; i++) {
            outbox.add(1, change("host" + i, "a", AlertState.CRITICAL), clock.millis(), 0);
        }
        s.runOnce();
        assertThat(received).hasSize(3);
        assertThat(outbox.counts()).containsEntry(Outbox.Status.HELD, 5L);
        later(300);
        s.runOnce();
        assertThat(received).hasSize(3);
        later(301);
        s.runOnce();
        assertThat(received).hasSize(4);
        Notice summary = received.get(3);
        assertThat(summary.held()).isEqualTo(5);
        assertThat(summary.changes()).extracting(Change::host).containsExactly("host3", "host4", "host5", "host6",
                "host7");
        assertThat(summary.subject()).isEqualTo("[Numeter] 5 notifications held back: 5 changes");
        assertThat(summary.text()).startsWith("5 notifications were held back by the rate limit");
    }

    @Test
    void whatWasAcknowledgedSinceItWasQueuedIsLeftOut() {
        Sender s = sender().suppression((c, ch, now) -> ch.field().equals("b")).build();
        outbox.add(1, change("web1", "a", AlertState.CRITICAL), clock.millis(), 0);
        outbox.add(1, change("web1", "b", AlertState.CRITICAL), clock.millis(), 1000);
        outbox.add(1, change("web2", "b", AlertState.CRITICAL), clock.millis(), 1000);
        later(1);
        s.runOnce();
        assertThat(received).singleElement().satisfies(n -> assertThat(n.changes()).extracting(Change::field)
                .containsExactly("a"));
        assertThat(outbox.counts()).containsEntry(Outbox.Status.DROPPED, 2L);
    }

    @Test
    void aNoticeLeftBeingSentByADeadSenderIsSentAgainAfterTheLease() {
        Sender s = sender().lease(Duration.ofMinutes(2)).build();
        outbox.add(1, change("web1", "a", AlertState.CRITICAL), clock.millis(), 0);
        long id = outbox.due(clock.millis(), 1).get(0).id();
        assertThat(outbox.claim(id, clock.millis())).isTrue();
        s.runOnce();
        assertThat(received).isEmpty();
        later(121);
        s.runOnce();
        assertThat(received).singleElement().satisfies(n -> assertThat(n.id()).isEqualTo(id));
    }

    @Test
    void aDeletedContactsNoticesAreDropped() {
        Sender s = sender().build();
        outbox.add(2, change("web1", "a", AlertState.CRITICAL), clock.millis(), 0);
        s.runOnce();
        assertThat(outbox.counts()).containsEntry(Outbox.Status.DROPPED, 1L);
    }
}

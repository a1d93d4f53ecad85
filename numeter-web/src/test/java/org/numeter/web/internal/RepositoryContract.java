package org.numeter.web.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The repositories against a real database, migrated by Flyway from empty: every subclass gives a fresh one
 * (H2 in memory, PostgreSQL), so the same SQL is proven on both.
 */
abstract class RepositoryContract {
    Database database;
    UserRepository users;
    GroupRepository groups;
    HostRepository hosts;
    SessionRepository sessions;
    TokenRepository tokens;
    ViewRepository views;
    DashboardRepository dashboards;
    EventRepository events;

    /** A fresh, empty database. */
    abstract Database open() throws Exception;

    /** Removes what {@link #open} created. */
    void drop() throws Exception {}

    @BeforeEach
    void setUp() throws Exception {
        database = open();
        users = new UserRepository(database.db());
        groups = new GroupRepository(database.db());
        hosts = new HostRepository(database.db());
        sessions = new SessionRepository(database.db());
        tokens = new TokenRepository(database.db());
        views = new ViewRepository(database.db());
        dashboards = new DashboardRepository(database.db());
        events = new EventRepository(database.db());
    }

    @AfterEach
    void tearDown() throws Exception {
        database.close();
        drop();
    }

    @Test
    void usersAreCreatedFoundUpdatedAndDeleted() {
        long id = users.create("alice", "alice@example.org", "hash", true, false, 1);
        assertThat(users.byUsername("alice")).contains(new User(id, "alice", "alice@example.org", true, false));
        assertThat(users.passwordHash(id)).contains("hash");
        assertThat(users.update(id, "a@example.org", false, true)).isTrue();
        assertThat(users.byId(id)).contains(new User(id, "alice", "a@example.org", false, true));
        assertThat(users.count()).isEqualTo(1);
        assertThat(users.delete(id)).isTrue();
        assertThat(users.byId(id)).isEmpty();
        assertThat(users.delete(id)).isFalse();
    }

    @Test
    void aUsernameIsUnique() {
        users.create("alice", "", "h", true, false, 1);
        assertThatThrownBy(() -> users.create("alice", "", "h", true, false, 1))
                .isInstanceOfSatisfying(Db.DataAccessException.class, e -> assertThat(e.duplicateKey()).isTrue());
    }

    @Test
    void aUserSeesTheHostsOfItsGroupsOnly() {
        long alice = users.create("alice", "", "h", true, false, 1);
        long bob = users.create("bob", "", "h", true, false, 1);
        long a = groups.create("A", 1);
        long b = groups.create("B", 1);
        users.setGroups(alice, List.of(a));
        users.setGroups(bob, List.of(b, a));
        assertThat(hosts.addIfAbsent("h1", "http://s1/", 1)).isTrue();
        assertThat(hosts.addIfAbsent("h1", "http://s2/", 2)).isFalse();
        hosts.addIfAbsent("h2", "http://s1/", 1);
        hosts.addIfAbsent("h3", "http://s1/", 1);
        hosts.setGroups("h1", List.of(a));
        hosts.setGroups("h2", List.of(b));
        assertThat(hosts.visibleTo(alice)).containsExactly("h1");
        assertThat(hosts.visibleTo(bob)).containsExactly("h1", "h2");
        assertThat(hosts.visibleTo(alice, "h2")).isFalse();
        assertThat(hosts.visibleTo(bob, "h2")).isTrue();
        assertThat(hosts.all()).containsExactly("h1", "h2", "h3");
        assertThat(hosts.assignments()).isEqualTo(Map.of("h1", List.of("A"), "h2", List.of("B")));
        assertThat(groups.members(a)).extracting(User::username).containsExactly("alice", "bob");
        assertThat(groups.hosts(b)).containsExactly("h2");
        assertThat(users.groupsOf(bob)).extracting(Group::name).containsExactly("A", "B");
        assertThat(hosts.groupsOfUser(bob)).containsExactly("A", "B");
        hosts.assign("h3", b);
        hosts.assign("h3", b);
        assertThat(hosts.groupsOf("h3")).containsExactly(new Group(b, "B"));
    }

    @Test
    void deletingAGroupRemovesItsMembershipsAndAssignments() {
        long alice = users.create("alice", "", "h", true, false, 1);
        long a = groups.create("A", 1);
        users.setGroups(alice, List.of(a));
        hosts.addIfAbsent("h1", "http://s1/", 1);
        hosts.setGroups("h1", List.of(a));
        assertThat(groups.delete(a)).isTrue();
        assertThat(hosts.visibleTo(alice)).isEmpty();
        assertThat(users.groupsOf(alice)).isEmpty();
        assertThat(groups.byName("A")).isEmpty();
    }

    @Test
    void aFailedTransactionChangesNothing() {
        long alice = users.create("alice", "", "h", true, false, 1);
        long a = groups.create("A", 1);
        users.setGroups(alice, List.of(a));
        assertThatThrownBy(() -> users.setGroups(alice, List.of(a, 999_999L)))
                .isInstanceOf(Db.DataAccessException.class);
        assertThat(users.groupsOf(alice)).containsExactly(new Group(a, "A"));
    }

    @Test
    void sessionsExpireAndAreFoundByTheirSecretOnly() {
        long alice = users.create("alice", "", "h", true, false, 1);
        sessions.create("secret-1", alice, "csrf-1", 100, 200);
        assertThat(sessions.find("secret-1", 150)).contains(new SessionRepository.Session(alice, "csrf-1", 200));
        assertThat(sessions.find("secret-2", 150)).isEmpty();
        assertThat(sessions.find("secret-1", 200)).isEmpty();
        assertThat(sessions.deleteExpired(200)).isEqualTo(1);
        sessions.create("secret-3", alice, "csrf", 100, 900);
        sessions.deleteOfUser(alice);
        assertThat(sessions.find("secret-3", 150)).isEmpty();
    }

    @Test
    void tokensBelongToTheirOwnerWhoAloneRevokesThem() {
        long alice = users.create("alice", "", "h", true, false, 1);
        long bob = users.create("bob", "", "h", true, false, 1);
        long id = tokens.create(alice, "backup script", "tok-secret", 10);
        assertThat(tokens.userOf("tok-secret", 20)).contains(alice);
        assertThat(tokens.ofUser(alice)).containsExactly(new TokenRepository.ApiToken(id, "backup script", 10, 20L));
        assertThat(tokens.revoke(bob, id)).isFalse();
        assertThat(tokens.revoke(alice, id)).isTrue();
        assertThat(tokens.userOf("tok-secret", 30)).isEmpty();
    }

    @Test
    void viewsKeepTheirSourcesInOrder() {
        long alice = users.create("alice", "", "h", true, false, 1);
        List<ViewRepository.Source> sources = List.of(new ViewRepository.Source("h2", "load", "load"),
                new ViewRepository.Source("h1", "if_eth0", "up"));
        long id = views.create(alice, "mixed", 5.5, null, sources, 10);
        assertThat(views.byId(id)).contains(new ViewRepository.View(id, alice, "mixed", 5.5, null, sources));
        List<ViewRepository.Source> one = List.of(new ViewRepository.Source("h3", "cpu", "user"));
        assertThat(views.update(id, "renamed", null, 90.0, one)).isTrue();
        assertThat(views.byId(id)).contains(new ViewRepository.View(id, alice, "renamed", null, 90.0, one));
        assertThat(views.ownedBy(alice)).containsExactly(id);
        assertThat(views.delete(id)).isTrue();
        assertThat(views.byId(id)).isEmpty();
    }

    @Test
    void dashboardsAreReadByOwnerSharedUsersAndSharedGroupsOnly() {
        long alice = users.create("alice", "", "h", true, false, 1);
        long bob = users.create("bob", "", "h", true, false, 1);
        long carol = users.create("carol", "", "h", true, false, 1);
        long dave = users.create("dave", "", "h", true, false, 1);
        long team = groups.create("team", 1);
        users.setGroups(carol, List.of(team));
        long v1 = views.create(alice, "v1", null, null, List.of(new ViewRepository.Source("h", "p", "f")), 1);
        long v2 = views.create(alice, "v2", null, null, List.of(new ViewRepository.Source("h", "p", "g")), 1);
        long board = dashboards.create(alice, "board", List.of(v2, v1), List.of(bob), List.of(team), 1);
        assertThat(dashboards.byId(board)).contains(new DashboardRepository.Dashboard(board, alice, "board",
                List.of(v2, v1), List.of(bob), List.of(team)));
        assertThat(dashboards.readableBy(alice)).containsExactly(board);
        assertThat(dashboards.readableBy(bob)).containsExactly(board);
        assertThat(dashboards.readableBy(carol)).containsExactly(board);
        assertThat(dashboards.readableBy(dave)).isEmpty();
        assertThat(dashboards.viewReadableBy(carol, v1)).isTrue();
        assertThat(dashboards.viewReadableBy(dave, v1)).isFalse();
        assertThat(dashboards.update(board, "b2", List.of(v1), List.of(), List.of())).isTrue();
        assertThat(dashboards.readableBy(bob)).isEmpty();
        assertThat(dashboards.viewReadableBy(carol, v2)).isFalse();
        views.delete(v1);
        assertThat(dashboards.byId(board).orElseThrow().viewIds()).isEmpty();
        assertThat(dashboards.all()).containsExactly(board);
        assertThat(dashboards.delete(board)).isTrue();
    }

    @Test
    void eventsAreFoundByTimeAndHost() {
        long alice = users.create("alice", "", "h", true, false, 1);
        hosts.addIfAbsent("h1", "s", 1);
        hosts.addIfAbsent("h2", "s", 1);
        long e1 = events.create(100, "deploy", "new kernel", alice, List.of("h2", "h1"), 1);
        long e2 = events.create(200, "cut", "", alice, List.of("h2"), 1);
        assertThat(events.byId(e1)).contains(new EventRepository.Event(e1, 100, "deploy", "new kernel", alice,
                List.of("h1", "h2")));
        assertThat(events.between(0, 1000, List.of("h1"))).extracting(EventRepository.Event::id).containsExactly(e1);
        assertThat(events.between(0, 1000, List.of("h1", "h2"))).extracting(EventRepository.Event::id)
                .containsExactly(e1, e2);
        assertThat(events.between(150, 1000, List.of("h2"))).extracting(EventRepository.Event::id)
                .containsExactly(e2);
        assertThat(events.between(0, 1000, List.of())).isEmpty();
        users.delete(alice);
        assertThat(events.byId(e2).orElseThrow().createdBy()).isNull();
        assertThat(events.delete(e2)).isTrue();
    }

    // ---- alerts

    private static org.numeter.alert.Change change(String host, String field, org.numeter.alert.AlertState to) {
        return new org.numeter.alert.Change(1, 1_700_000_000L, 1_700_000_000L, host, "load", field,
                org.numeter.alert.AlertState.OK, to, 7.0, "5", "value 7 above 5");
    }

    @Test
    void theOutboxGathersAHostsChangesAndMovesEachNoticeOnce() {
        JdbcOutbox outbox = new JdbcOutbox(database.db());
        outbox.add(1, change("web1", "a", org.numeter.alert.AlertState.WARNING), 1000, 5000);
        outbox.add(1, change("web1", "b", org.numeter.alert.AlertState.CRITICAL), 2000, 5000);
        outbox.add(1, change("db1", "a", org.numeter.alert.AlertState.WARNING), 2000, 5000);
        outbox.add(2, change("web1", "a", org.numeter.alert.AlertState.WARNING), 2000, 5000);
        assertThat(outbox.due(5999, 10)).isEmpty();
        List<org.numeter.alert.notify.Outbox.Entry> due = outbox.due(7000, 10);
        assertThat(due).hasSize(3);
        org.numeter.alert.notify.Outbox.Entry web1 = due.get(0);
        assertThat(web1.host()).isEqualTo("web1");
        assertThat(web1.changes()).extracting(org.numeter.alert.Change::field).containsExactly("a", "b");
        // past its window, a change opens a new notice
        outbox.add(1, change("web1", "c", org.numeter.alert.AlertState.OK), 6500, 5000);
        assertThat(outbox.claim(web1.id(), 7000)).isTrue();
        assertThat(outbox.claim(web1.id(), 7000)).isFalse();
        outbox.retry(web1.id(), 9000, "receiver down");
        assertThat(outbox.due(8000, 10)).extracting(org.numeter.alert.notify.Outbox.Entry::id)
                .doesNotContain(web1.id());
        assertThat(outbox.claim(web1.id(), 9000)).isTrue();
        assertThat(outbox.requeueStale(9000)).isZero();
        assertThat(outbox.requeueStale(9001)).isEqualTo(1);
        assertThat(outbox.claim(web1.id(), 9500)).isTrue();
        outbox.sent(web1.id(), 10_000);
        assertThat(outbox.sentSince(1, 10_000)).isEqualTo(1);
        assertThat(outbox.sentSince(1, 10_001)).isZero();
        assertThat(outbox.recent(10).stream().filter(e -> e.id() == web1.id()).findFirst().orElseThrow().attempts())
                .isEqualTo(3);
        long db1 = due.get(1).id();
        outbox.hold(db1, 10_000);
        assertThat(outbox.contactsHolding()).containsExactly(1L);
        long summary = outbox.summarize(1, 11_000, 100).orElseThrow();
        assertThat(outbox.summarize(1, 11_000, 100)).isEmpty();
        org.numeter.alert.notify.Outbox.Entry s = outbox.due(11_000, 10).stream().filter(e -> e.id() == summary)
                .findFirst().orElseThrow();
        assertThat(s.held()).isEqualTo(1);
        assertThat(s.host()).isNull();
        outbox.drop(due.get(2).id(), "contact deleted", 11_000);
        assertThat(outbox.counts()).containsEntry(org.numeter.alert.notify.Outbox.Status.SENT, 1L)
                .containsEntry(org.numeter.alert.notify.Outbox.Status.SUMMARIZED, 1L)
                .containsEntry(org.numeter.alert.notify.Outbox.Status.DROPPED, 1L)
                .containsEntry(org.numeter.alert.notify.Outbox.Status.PENDING, 2L);
    }

    @Test
    void aFeedCursorMovesOnlyFromWhereItWasRead() {
        AlertRepository alerts = new AlertRepository(database.db());
        AlertRepository.Cursor c1 = new AlertRepository.Cursor("e1", 5);
        assertThat(alerts.moveCursor("http://s1/", null, c1)).isTrue();
        assertThat(alerts.moveCursor("http://s1/", null, c1)).isFalse();
        assertThat(alerts.moveCursor("http://s1/", c1, new AlertRepository.Cursor("e1", 9))).isTrue();
        assertThat(alerts.moveCursor("http://s1/", c1, new AlertRepository.Cursor("e1", 12))).isFalse();
        assertThat(alerts.cursor("http://s1/")).contains(new AlertRepository.Cursor("e1", 9));
        assertThat(alerts.cursor("http://s2/")).isEmpty();
    }

    @Test
    void acknowledgementsSilencesContactsAndRulesAreKeptUntilTheyEnd() {
        AlertRepository alerts = new AlertRepository(database.db());
        long alice = users.create("alice", "", "h", true, false, 1);
        long ack = alerts.addAck("web1", "load", "load", "looking", 2000, alice, 1);
        long hostAck = alerts.addAck("web1", null, null, "rebooting", 3000, alice, 1);
        assertThat(alerts.acks(1500)).extracting(AlertRepository.Ack::id).containsExactly(ack, hostAck);
        assertThat(alerts.acks(2500)).extracting(AlertRepository.Ack::id).containsExactly(hostAck);
        assertThat(alerts.ack(hostAck).orElseThrow().plugin()).isNull();
        assertThat(alerts.ack(ack).orElseThrow().by()).isEqualTo("alice");
        assertThat(alerts.endAcks("web1", "load", "load")).isEqualTo(1);
        long silence = alerts.addSilence("web*", "df*", "maintenance", 2000, alice, 1);
        assertThat(alerts.silences(1999)).extracting(AlertRepository.Silence::id).containsExactly(silence);
        assertThat(alerts.silences(2000)).isEmpty();
        long contact = alerts.addContact("mail", "email", "a@example.org", null,
                java.util.EnumSet.of(org.numeter.alert.AlertState.CRITICAL), alice, null, 1);
        assertThat(alerts.contact(contact).orElseThrow().states())
                .containsExactly(org.numeter.alert.AlertState.CRITICAL);
        users.delete(alice);
        assertThat(alerts.contact(contact)).isEmpty();
        assertThat(alerts.silences(1)).isEmpty();
        long rule = alerts.addRule(new org.numeter.alert.Rule("web*", "load", "*", "4", "none", 3, "5%", null),
                null, 1);
        assertThat(alerts.rules()).singleElement().satisfies(r -> {
            assertThat(r.rule().origin()).isEqualTo("rule " + rule);
            assertThat(r.rule().forPoints()).isEqualTo(3);
            assertThat(r.rule().hysteresis()).isEqualTo("5%");
        });
        assertThat(alerts.deleteRule(rule)).isTrue();
    }
}

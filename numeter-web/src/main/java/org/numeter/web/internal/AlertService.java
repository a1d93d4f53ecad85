package org.numeter.web.internal;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.numeter.alert.AlertEngine;
import org.numeter.alert.AlertState;
import org.numeter.alert.Change;
import org.numeter.alert.Glob;
import org.numeter.alert.Rule;
import org.numeter.alert.notify.Contact;
import org.numeter.alert.notify.Sender;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web's side of alerting: merges the storages' problems (a host's plugins each from the storage with their newest data), follows
 * every storage's change feed and queues notifications, and keeps the storages' rules in step with the web's (views'
 * thresholds, then the administrator's rules).
 *
 * <p>Queueing is exactly once per change: the notices a page of changes makes and the storage's cursor move in one
 * transaction, and the cursor moves only from where it was read, so a restart or a second web reading the same
 * database never queues a change twice; a crash before the commit reads the page again.
 */
public final class AlertService {
    private static final Logger LOG = LoggerFactory.getLogger(AlertService.class);
    /** With no cursor yet (a new web, a new storage), changes older than this are history, not news. */
    private static final long CATCH_UP_SECONDS = 600;

    /** A problem the storages report, with what the web knows of it. */
    public record Problem(Change state, AlertRepository.Ack ack, AlertRepository.Silence silence) {}

    private final Storages storages;
    private final Db db;
    private final AlertRepository repo;
    private final ViewRepository views;
    private final Access access;
    private final UserRepository users;
    private final Clock clock;
    private final Duration poll;
    private final Duration groupWindow;
    private final AtomicLong queued = new AtomicLong();
    private final AtomicLong feedErrors = new AtomicLong();
    private final Map<URI, String> failing = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile Sender sender;
    private ScheduledExecutorService timer;

    public AlertService(Storages storages, Db db, ViewRepository views, Access access, UserRepository users,
            Clock clock, Duration poll, Duration groupWindow) {
        this.storages = storages;
        this.db = db;
        this.repo = new AlertRepository(db);
        this.views = views;
        this.access = access;
        this.users = users;
        this.clock = clock;
        this.poll = poll;
        this.groupWindow = groupWindow;
    }

    public JdbcOutbox outbox() {
        return new JdbcOutbox(db);
    }

    public AlertRepository repository() {
        return repo;
    }

    public void sender(Sender sender) {
        this.sender = sender;
    }

    public Sender sender() {
        return sender;
    }

    public synchronized void start() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "alert-feed");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::cycle, 0, poll.toMillis(), TimeUnit.MILLISECONDS);
    }

    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            try {
                timer.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            timer = null;
        }
    }

    private void cycle() {
        List<Rule> rules = rules();
        for (StorageClient c : storages.clients()) {
            try {
                pushRules(c, rules);
                while (readFeed(c) > 0) {
                    // read on while full pages come
                }
                if (failing.remove(c.uri()) != null) {
                    LOG.info("alert feed of {} read again", c.uri());
                }
            } catch (IOException | RuntimeException e) {
                feedErrors.incrementAndGet();
                String why = e.getMessage();
                if (!String.valueOf(why).equals(failing.put(c.uri(), String.valueOf(why)))) {
                    LOG.warn("alert feed of {}: {}", c.uri(), why);
                }
            }
        }
    }

    // ---- rules

    /** Views' thresholds first, then the administrator's rules in their order. */
    public List<Rule> rules() {
        List<Rule> out = new ArrayList<>();
        for (ViewRepository.View v : views.withThresholds()) {
            String w = v.warning() == null ? null : number(v.warning());
            String c = v.critical() == null ? null : number(v.critical());
            for (ViewRepository.Source s : v.sources()) {
                Rule r = new Rule(s.host(), s.plugin(), s.field(), w, c, null, null, "view " + v.id());
                try {
                    r.compile();
                    out.add(r);
                } catch (IllegalArgumentException e) {
                    LOG.debug("view {}: source not usable as a rule: {}", v.id(), e.getMessage());
                }
            }
        }
        for (AlertRepository.StoredRule r : repo.rules()) {
            out.add(r.rule());
        }
        return out;
    }

    private static String number(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    private static void pushRules(StorageClient c, List<Rule> rules) throws IOException {
        Optional<List<Rule>> theirs = c.alertRules();
        if (theirs.isPresent() && !theirs.get().equals(rules)) {
            c.putAlertRules(rules);
            LOG.info("alert rules sent to {} ({} rules)", c.uri(), rules.size());
        }
    }

    /** Sends the rules to every storage now (after an edit), not at the next cycle. */
    public void pushRulesNow() {
        List<Rule> rules = rules();
        for (StorageClient c : storages.clients()) {
            try {
                pushRules(c, rules);
            } catch (IOException e) {
                LOG.warn("alert rules not sent to {} now ({}); the next cycle tries again", c.uri(), e.getMessage());
            }
        }
    }

    // ---- the change feed

    /** Reads one page of a storage's feed and queues its notices; answers how many changes it read. */
    int readFeed(StorageClient c) throws IOException {
        String storage = c.uri().toString();
        AlertRepository.Cursor cursor = repo.cursor(storage).orElse(null);
        Optional<AlertEngine.Feed> page = c.alertChanges(cursor == null ? 0 : cursor.seq(), 500);
        if (page.isEmpty()) {
            return 0;
        }
        AlertEngine.Feed feed = page.get();
        long after = cursor == null ? 0 : cursor.seq();
        boolean fresh = cursor == null;
        if (cursor != null && !cursor.epoch().equals(feed.epoch())) {
            LOG.warn("storage {} started a new alert journal (epoch {}, was {}); reading it from its start", storage,
                    feed.epoch(), cursor.epoch());
            feed = c.alertChanges(0, 500).orElseThrow();
            after = 0;
        } else if (after + 1 < feed.first() && !feed.changes().isEmpty()) {
            LOG.warn("storage {}: alert changes {} to {} were forgotten before the web read them", storage,
                    after + 1, feed.first() - 1);
        }
        List<Change> changes = feed.changes();
        if (!changes.isEmpty()) {
            current.remove(c.uri());
        }
        long last = changes.isEmpty() ? Math.max(after, fresh ? feed.last() : after)
                : changes.get(changes.size() - 1).seq();
        if (changes.isEmpty() && !fresh) {
            return 0;
        }
        long now = clock.millis();
        long catchUp = clock.instant().getEpochSecond() - CATCH_UP_SECONDS;
        AlertRepository.Cursor from = cursor;
        AlertRepository.Cursor to = new AlertRepository.Cursor(feed.epoch(), last);
        List<Contact> contacts = repo.contacts();
        db.inTransaction(tx -> {
            AlertRepository r = new AlertRepository(tx);
            JdbcOutbox outbox = new JdbcOutbox(tx);
            Map<String, Boolean> seen = new HashMap<>();
            List<AlertRepository.Ack> acks = new ArrayList<>(r.acks(now / 1000));
            List<AlertRepository.Silence> silences = r.silences(now / 1000);
            for (Change ch : changes) {
                if (fresh && ch.at() < catchUp) {
                    continue;
                }
                if (ch.to() == AlertState.OK && r.endAcks(ch.host(), ch.plugin(), ch.field()) > 0) {
                    acks.removeIf(a -> Change.key(a.host(), a.plugin(), a.field()).equals(ch.key()));
                }
                for (Contact ct : contacts) {
                    if (!ct.wants(ch.to()) || !mayTell(ct, ch.host(), seen) || suppressed(acks, silences, ch)) {
                        continue;
                    }
                    outbox.add(ct.id(), ch, now, groupWindow.toMillis());
                    queued.incrementAndGet();
                }
            }
            if (!r.moveCursor(storage, from, to)) {
                throw new IllegalStateException("another web read the alert feed of " + storage
                        + " meanwhile; this page is left to it");
            }
            return null;
        });
        return changes.size() == 500 ? changes.size() : 0;
    }

    /** Whether a contact may be told of a host: its user may see it, or its group holds it. */
    private boolean mayTell(Contact ct, String host, Map<String, Boolean> seen) {
        return seen.computeIfAbsent(ct.id() + "\u0000" + host, k -> {
            if (ct.userId() != null) {
                Optional<User> u = users.byId(ct.userId());
                return u.isPresent() && u.get().active() && access.canSee(u.get(), host);
            }
            return ct.groupId() != null && access.groupHolds(ct.groupId(), host);
        });
    }

    /** Acknowledged (a recovery is still told) or silenced (by someone who may see the host). */
    boolean suppressed(AlertRepository r, Contact ct, Change ch, long nowMillis) {
        long now = nowMillis / 1000;
        return suppressed(r.acks(now), r.silences(now), ch);
    }

    private boolean suppressed(List<AlertRepository.Ack> acks, List<AlertRepository.Silence> silences, Change ch) {
        if (ch.to() != AlertState.OK) {
            for (AlertRepository.Ack a : acks) {
                if (a.host().equals(ch.host()) && java.util.Objects.equals(a.plugin(), ch.plugin())
                        && java.util.Objects.equals(a.field(), ch.field())) {
                    return true;
                }
            }
        }
        return silenceOf(silences, ch.host(), ch.plugin()) != null;
    }

    /** The silence covering a host and plugin, made by someone who may see the host; or null. */
    AlertRepository.Silence silenceOf(List<AlertRepository.Silence> silences, String host, String plugin) {
        for (AlertRepository.Silence s : silences) {
            if (!Glob.of(s.hosts(), "host").matches(host)) {
                continue;
            }
            Glob p = Glob.of(s.plugins(), "plugin");
            if (plugin == null ? !p.any() : !p.matches(plugin)) {
                continue;
            }
            Optional<User> by = s.createdBy() == null ? Optional.empty() : users.byId(s.createdBy());
            if (by.isPresent() && access.canSee(by.get(), host)) {
                return s;
            }
        }
        return null;
    }

    /** For the sender: suppressed now, read afresh. */
    public Sender.Suppression suppression() {
        return (ct, ch, now) -> suppressed(repo, ct, ch, now);
    }

    // ---- reading

    /** The current problems of the hosts a user may see, each from the storage that holds its host. */
    public List<Problem> problems(User user) {
        Storages.Snapshot snap = storages.snapshot();
        List<StorageClient> clients = storages.clients();
        List<Future<List<Change>>> answers = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (StorageClient c : clients) {
                answers.add(pool.submit(() -> currentOf(c)));
            }
        }
        Set<String> visible = new HashSet<>(access.visibleHosts(user));
        long now = clock.instant().getEpochSecond();
        Map<String, AlertRepository.Ack> acks = new HashMap<>();
        for (AlertRepository.Ack a : repo.acks(now)) {
            acks.put(Change.key(a.host(), a.plugin(), a.field()), a);
        }
        List<AlertRepository.Silence> silences = repo.silences(now);
        Map<String, AlertRepository.Silence> silenceCache = new HashMap<>();
        List<Problem> out = new ArrayList<>();
        for (int i = 0; i < clients.size(); i++) {
            List<Change> list;
            try {
                list = answers.get(i).get();
            } catch (java.util.concurrent.ExecutionException e) {
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            URI uri = clients.get(i).uri();
            for (Change c : list) {
                if (!visible.contains(c.host())) {
                    continue;
                }
                // a host several storages hold: each plugin's state from the one with its newest data, the host's
                // silence from the one with the host's newest data
                Storages.Located l = snap.hosts().get(c.host());
                if (l != null && !(c.plugin() == null ? l.storages().get(0) : l.storageOf(c.plugin())).uri()
                        .equals(uri)) {
                    continue;
                }
                AlertRepository.Silence s = silences.isEmpty() ? null : silenceCache.computeIfAbsent(
                        c.host() + "\u0000" + c.plugin(), k -> Optional.ofNullable(silenceOf(silences, c.host(),
                                c.plugin())).orElse(NO_SILENCE));
                out.add(new Problem(c, acks.get(c.key()), s == NO_SILENCE ? null : s));
            }
        }
        return out;
    }

    /** A storage's problems as last read, and the feed position they include. */
    private record Current(List<Change> problems, long takenAt) {}

    private final Map<URI, Current> current = new java.util.concurrent.ConcurrentHashMap<>();
    private static final long CURRENT_MAX_AGE_MILLIS = 5000;

    /**
     * A storage's problems, read again only when its feed brought a change since (the feed is read every
     * {@code poll}) or after a few seconds: with thousands of problems, reading and parsing them is most of the
     * Problems page's time.
     */
    private List<Change> currentOf(StorageClient c) throws IOException {
        Current cached = current.get(c.uri());
        long now = clock.millis();
        if (cached != null && now - cached.takenAt() < CURRENT_MAX_AGE_MILLIS) {
            return cached.problems();
        }
        List<Change> fresh = c.alerts();
        current.put(c.uri(), new Current(fresh, now));
        return fresh;
    }

    private static final AlertRepository.Silence NO_SILENCE = new AlertRepository.Silence(0, "", "", "", 0, null,
            null, 0);

    /** State changes of the hosts a user may see (or of one of them), oldest first. */
    public List<Change> history(User user, String host, long from, long to) {
        Set<String> visible = new HashSet<>(access.visibleHosts(user));
        List<Change> out = new ArrayList<>();
        for (StorageClient c : storages.clients()) {
            try {
                for (Change ch : c.alertHistory(host, from, to)) {
                    if (visible.contains(ch.host())) {
                        out.add(ch);
                    }
                }
            } catch (IOException e) {
                LOG.debug("history of {}: {}", c.uri(), e.getMessage());
            }
        }
        out.sort(java.util.Comparator.comparingLong(Change::at).thenComparingLong(Change::seq));
        return out;
    }

    public Map<String, Object> figures() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("queued", queued.get());
        out.put("feedErrors", feedErrors.get());
        out.put("feedsFailing", failing.size());
        Sender s = sender;
        if (s != null) {
            out.putAll(s.figures());
        }
        return out;
    }
}

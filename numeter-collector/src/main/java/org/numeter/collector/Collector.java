package org.numeter.collector;

import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.numeter.codec.RecordCodec;
import org.numeter.link.BearerToken;
import org.numeter.collector.internal.CollectorRoutes;
import org.numeter.collector.internal.HostCheckSink;
import org.numeter.collector.internal.PollerEntry;
import org.numeter.collector.internal.PollersFile;
import org.numeter.collector.internal.RegistrationsFile;
import org.numeter.collector.internal.Rejections;
import org.numeter.collector.internal.SelfPlugin;
import org.numeter.component.CheckResult;
import org.numeter.component.Component;
import org.numeter.link.Drain;
import org.numeter.link.HttpErrors;
import org.numeter.link.HttpSpoolReader;
import org.numeter.link.PullRoutes;
import org.numeter.link.RecordSink;
import org.numeter.model.Names;
import org.numeter.spool.Spool;
import org.numeter.spool.SpoolReader;
import org.numeter.spool.SpoolRecord;
import org.numeter.spool.SpoolStats;
import org.numeter.telemetry.Telemetry;
import org.numeter.telemetry.TelemetryRoutes;
import org.numeter.time.TimePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The collector role: on a schedule, drains every poller it is responsible for into its own spool, in parallel
 * but never more than {@code parallelism} at once, each poller page by page until it is empty; then storages drain
 * the collector's spool the same way.
 *
 * <p>Its pollers come from three places, merged by host: a static list, a pollers file ({@code host url [token]}
 * per line, read again when it changes), and registrations ({@code POST /collector/v1/register}), which pollers
 * repeat as a heartbeat. A registration needs the registering host's own token ({@link RegistrationSecret}); what
 * was registered is kept in a file, so a restarted collector drains its pollers again at once. A host listed in
 * the configuration keeps its configured address; a registration cannot move it. A registered poller is read with
 * the token it registered, never with the collector's {@code pollerToken}, which goes only to configured URLs.
 *
 * <p>A poller from which no record came for {@code silentIntervals} of its own intervals is reported silent (status,
 * its own plugin, a WARN when it falls silent and an INFO when it speaks again). Its interval is learned from how
 * often its records arrive, never less than the collector's: a collector draining every 2 s would otherwise call a
 * poller at 10 s silent at every cycle, and one at 30 s a poller at 300 s (munin's interval).
 *
 * <p>What a poller sends is checked before it is spooled: a batch must be well formed, no larger than
 * {@code maxBatchBytes}, and about the poller's own host. Anything else is refused, counted and logged, and the
 * rest of the transfer goes on.
 */
public final class Collector implements Component {
    private static final Logger LOG = LoggerFactory.getLogger(Collector.class);

    private final String host;
    private final Spool spool;
    private final Function<PollerAddress, SpoolReader> readers;
    private final Duration readTimeout;
    private final String pollerToken;
    private final List<PollerAddress> staticPollers;
    private final PollersFile pollersFile;
    private final Duration interval;
    private final int parallelism;
    private final int pageSize;
    private final int maxBatchBytes;
    private final String token;
    private final String bindHost;
    private final int port;
    private final Clock clock;
    private final Path registrationSecretFile;
    private volatile RegistrationSecret registrationSecret;
    private final RegistrationsFile registrationsFile;
    private final Duration silentAfter;
    private final int silentIntervals;
    private final Duration pollerInterval;

    private final Map<String, PollerEntry> pollers = new ConcurrentHashMap<>();
    private final Map<String, PollerAddress> filePollers = new LinkedHashMap<>();
    private final Map<String, PollerAddress> registered = new ConcurrentHashMap<>();
    private final Rejections rejections;
    private final Semaphore permits;
    private final Object membership = new Object();
    private ScheduledExecutorService scheduler;
    private ExecutorService drains;
    private Javalin server;
    private volatile CollectorRoutes routes;
    private volatile boolean started;
    private volatile long startedAt;
    private volatile boolean metaSent;
    private volatile String fileProblem;
    private volatile String spoolProblem;
    private final Telemetry given;
    private Telemetry.Lease telemetry;
    private volatile String registrationsProblem;
    private final Object saving = new Object();
    private long changedGeneration; // under membership: bumped by every change of the registrations
    private long savedGeneration; // under saving: the generation the file holds

    private Collector(Builder b) {
        this.host = Names.requireHost(b.host);
        this.spool = Objects.requireNonNull(b.spool, "collector spool");
        this.readers = b.readers != null ? b.readers : a -> null;
        this.readTimeout = b.readTimeout;
        this.pollerToken = b.pollerToken;
        this.staticPollers = List.copyOf(b.pollers.values());
        this.pollersFile = b.pollersFile == null ? null : new PollersFile(b.pollersFile);
        this.interval = b.interval;
        this.parallelism = b.parallelism;
        this.pageSize = b.pageSize;
        this.maxBatchBytes = b.maxBatchBytes;
        this.token = b.token;
        this.bindHost = b.bindHost;
        this.port = b.port;
        this.clock = b.clock;
        this.given = b.telemetry;
        this.rejections = new Rejections(new TimePolicy(clock, b.maxClockSkew));
        this.registrationSecret = b.registrationSecret == null ? null : RegistrationSecret.of(b.registrationSecret);
        this.registrationSecretFile = b.registrationSecretFile;
        this.registrationsFile = b.registrationsFile == null ? null : new RegistrationsFile(b.registrationsFile);
        this.silentAfter = b.silentAfter;
        this.silentIntervals = b.silentIntervals;
        this.pollerInterval = b.pollerInterval;
        this.permits = new Semaphore(parallelism);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads the pollers file (failing when it cannot be read) and the registrations kept (an unreadable file is
     * moved aside and the collector starts without it), opens the HTTP port when one was configured, and starts
     * the schedule: the first cycle runs at once.
     */
    @Override
    public void start() throws IOException {
        startedAt = clock.millis();
        if (registrationSecret == null && registrationSecretFile != null) {
            try {
                registrationSecret = RegistrationSecret.loadOrCreate(registrationSecretFile);
            } catch (IOException e) {
                throw new IOException("collector: registration secret file '" + registrationSecretFile + "': "
                        + e.getMessage(), e);
            }
        }
        if (pollersFile != null) {
            try {
                reloadPollersFile();
            } catch (IOException e) {
                throw new IOException("collector: pollers file '" + pollersFile.path() + "' cannot be read: "
                        + e.getMessage(), e);
            }
        }
        if (registrationsFile != null) {
            synchronized (membership) {
                Map<String, PollerAddress> configured = configured();
                for (PollerAddress a : registrationsFile.load(clock.instant())) {
                    if (!configured.containsKey(a.host())) {
                        registered.put(a.host(), a);
                    }
                }
            }
        }
        rebuildPollers();
        drains = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("collector-drain-", 0).factory());
        telemetry = Telemetry.lease(given);
        CollectorFigures.bind(telemetry.meters(), this);
        // The schedule first: the pollers it already knows (configured, or kept from their registrations) are
        // drained while the HTTP server is still starting.
        if (!interval.isZero()) {
            scheduler = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().name("collector-schedule").daemon().factory());
            scheduler.scheduleAtFixedRate(this::scheduledCycle, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        }
        if (port >= 0) {
            try {
                server = Javalin.create(config -> {
                    config.startup.showJavalinBanner = false;
                    config.concurrency.useVirtualThreads = true;
                    TelemetryRoutes.install(config, telemetry.telemetry(), new HttpErrors("collector"));
                    mount(config.routes);
                });
                server.start(bindHost, port);
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }
        started = true;
        LOG.info("{} started", this);
    }

    /**
     * Adds the collector's endpoints to a server's routes, inside {@code Javalin.create(config -> ...)}: its spool
     * under {@code /spool/v1} for storages to drain and its status, behind its token (401 without it), and the
     * registration, behind each host's own registration token. {@link #start()} does it on its own server when a
     * port was configured, with {@link HttpErrors} installed (400 for bad input, 403 for another host's token, 409
     * for a registration that conflicts with the configuration); a launcher mounting it on a shared server installs
     * {@link HttpErrors} there once.
     */
    public void mount(RoutesConfig routes) {
        CollectorRoutes r = new CollectorRoutes(BearerToken.of(token, "collector"), registrationSecret,
                this::register, this::statusDocument);
        r.register(routes);
        this.routes = r;
        new PullRoutes(spool, token).register(routes);
    }

    /** The port the collector listens on once started, or -1 when it serves no HTTP of its own. */
    public int port() {
        return server == null ? -1 : server.port();
    }

    /**
     * Adds or updates a poller that announced itself, whose credential the caller checked, and keeps it in the
     * registrations file. A host the configuration lists cannot be moved ({@link IllegalStateException}); one it
     * lists at the same URL keeps its configured entry.
     *
     * @return true when the collector did not know the poller at this address (new, moved or forgotten), false
     *     for a heartbeat that changes nothing
     */
    public boolean register(PollerAddress address) {
        PollerAddress before;
        long generation;
        synchronized (membership) {
            PollerAddress configured = configured().get(address.host());
            if (configured != null) {
                if (!configured.url().equals(address.url())) {
                    throw new IllegalStateException("poller " + address.host() + " is configured at "
                            + configured.safeUrl() + "; a registration from " + address.safeUrl()
                            + " cannot replace it");
                }
                return false;
            }
            before = registered.put(address.host(), address);
            if (address.equals(before)) {
                return false;
            }
            rebuildPollers();
            generation = ++changedGeneration;
        }
        saveRegistrations(generation);
        drainSoon(address.host());
        if (before == null) {
            LOG.info("poller {} registered at {}", address.host(), address.safeUrl());
        } else {
            LOG.info("poller {} registered again at {} (was {}{})", address.host(), address.safeUrl(),
                    before.safeUrl(), before.url().equals(address.url()) ? ", with another token" : "");
        }
        return true;
    }

    /**
     * Drains a poller that just registered now rather than at the next cycle, so that one the collector had
     * forgotten loses no more than a heartbeat. Only on a schedule: {@link #runOnce()} callers drain themselves.
     */
    private void drainSoon(String host) {
        PollerEntry entry = pollers.get(host);
        if (!started || scheduler == null || entry == null || !entry.tryBegin()) {
            return;
        }
        try {
            drains.submit(() -> drainGuarded(entry));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            entry.end(); // closing
        }
    }

    /**
     * Writes the registrations file unless a write since {@code generation} did. Registrations arriving together
     * (pollers after a collector restart) wait for one write that holds them all, rather than one fsync each.
     */
    private void saveRegistrations(long generation) {
        if (registrationsFile == null) {
            return;
        }
        synchronized (saving) {
            if (savedGeneration >= generation) {
                return;
            }
            long writing;
            List<PollerAddress> snapshot;
            synchronized (membership) {
                writing = changedGeneration;
                snapshot = List.copyOf(registered.values());
            }
            if (write(snapshot)) {
                savedGeneration = writing;
            }
        }
    }

    private boolean write(List<PollerAddress> snapshot) {
        try {
            registrationsFile.save(snapshot);
            if (registrationsProblem != null) {
                LOG.info("registrations file {} written again", registrationsFile.path());
            }
            registrationsProblem = null;
            return true;
        } catch (IOException | RuntimeException e) {
            // The registration holds in memory; after a restart the poller's next heartbeat registers it again.
            if (registrationsProblem == null) {
                LOG.warn("registrations file {} cannot be written ({}); registrations hold until the collector"
                        + " stops", registrationsFile.path(), e.toString());
            }
            registrationsProblem = "registrations file '" + registrationsFile.path() + "' cannot be written: "
                    + e.getMessage();
            return false;
        }
    }

    /**
     * Runs one cycle now and waits for it: every poller not already being drained is drained until empty, then
     * the collector's own plugin is appended. Tests call this instead of waiting for the schedule.
     */
    public void runOnce() throws InterruptedException {
        cycle(true);
    }

    private void scheduledCycle() {
        try {
            cycle(false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // The schedule must survive anything one cycle does.
            LOG.error("collector cycle failed", e);
        }
    }

    private void cycle(boolean wait) throws InterruptedException {
        if (pollersFile != null) {
            try {
                reloadPollersFile();
                fileProblem = null;
            } catch (IOException e) {
                if (fileProblem == null) {
                    LOG.warn("pollers file '{}' cannot be read ({}); keeping the last list", pollersFile.path(),
                            e.toString());
                }
                fileProblem = "pollers file '" + pollersFile.path() + "' cannot be read: " + e.getMessage();
            }
        }
        if (registrationsProblem != null) {
            long generation;
            synchronized (membership) {
                generation = changedGeneration;
            }
            saveRegistrations(generation); // tried again each cycle until the disk takes it
        }
        reportSilence();
        List<Future<?>> launched = new ArrayList<>();
        for (PollerEntry entry : pollers.values()) {
            if (entry.tryBegin()) {
                launched.add(drains.submit(() -> drainGuarded(entry)));
            }
        }
        if (wait) {
            for (Future<?> f : launched) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    LOG.error("drain failed", e.getCause());
                }
            }
        }
        appendSelfPlugin();
    }

    /** A WARN when a poller falls silent, an INFO when it speaks again: once each, never once a cycle. */
    private void reportSilence() {
        long now = clock.millis();
        for (PollerEntry entry : pollers.values()) {
            Boolean changed = entry.updateSilence(now, silentAfterMillis(entry));
            if (Boolean.TRUE.equals(changed)) {
                LOG.warn("poller {} at {} is silent: no record since {} ({} s){}", entry.address().host(),
                        entry.address().safeUrl(), java.time.Instant.ofEpochMilli(entry.lastHeard()),
                        (now - entry.lastHeard()) / 1000, entry.status().lastError() == null ? ""
                                : "; last error: " + entry.status().lastError());
            } else if (Boolean.FALSE.equals(changed)) {
                LOG.info("poller {} speaks again", entry.address().host());
            }
        }
    }

    /**
     * How long {@code entry} may send nothing before it is silent: the fixed {@code silentAfter} when one was given,
     * else {@code silentIntervals} of its interval (as learned, {@code pollerInterval} until then, at least the
     * collector's).
     */
    private long silentAfterMillis(PollerEntry entry) {
        if (silentAfter != null) {
            return silentAfter.toMillis();
        }
        return silentIntervals * Math.max(interval.toMillis(), entry.cadenceMillis(pollerInterval.toMillis()));
    }

    private void drainGuarded(PollerEntry entry) {
        try {
            permits.acquire();
            try {
                drain(entry);
            } finally {
                permits.release();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            entry.end();
        }
    }

    private void drain(PollerEntry entry) {
        long now = clock.millis();
        entry.attempted(now);
        // the spool's sink is chosen once the reader is made: it depends on the reader (spoolInto)
        HostCheckSink sink = new HostCheckSink(entry.address().host(), records -> spoolInto(entry).accept(records),
                maxBatchBytes, rejections, now);
        try {
            SpoolReader reader = entry.reader(a -> httpReader(a, entry));
            Drain drain = new Drain("poller " + entry.address().host(), reader, sink, pageSize, clock);
            drain.drainOnce();
            long skipped = entry.skippedByReader(rejections);
            entry.succeeded(clock.millis(), sink.accepted(), sink.rejected() + skipped, sink.lagMillis());
            entry.pages(drain.pagesMoved());
            entry.refreshPollerStats();
        } catch (IOException | RuntimeException e) {
            long skipped = entry.skippedByReader(rejections);
            long inARow = entry.failed(clock.millis(), e.toString(), sink.accepted(), sink.rejected() + skipped);
            // One line when a poller starts failing, then one every 10 cycles, so an outage does not flood the log.
            if (inARow == 1 || inARow % 10 == 0) {
                LOG.warn("poller {} at {}: drain failed ({} in a row): {}", entry.address().host(),
                        entry.address().safeUrl(), inARow, e.toString());
            }
        }
    }

    private void appendSelfPlugin() {
        try {
            long second = Math.max(1, clock.millis() / 1000);
            boolean withMeta = !metaSent;
            spool.append(RecordCodec.encode(SelfPlugin.batch(host, second, statuses(), spool.stats(), withMeta)));
            metaSent = true;
            spoolProblem = null;
        } catch (IOException | RuntimeException e) {
            if (spoolProblem == null) {
                LOG.warn("collector {}: its own plugin could not be spooled: {}", host, e.toString());
            }
            spoolProblem = e.toString();
        }
    }

    private void reloadPollersFile() throws IOException {
        var parsed = pollersFile.reloadIfChanged();
        if (parsed.isPresent()) {
            synchronized (membership) {
                filePollers.clear();
                parsed.get().pollers().forEach(a -> filePollers.put(a.host(), a));
                rebuildPollers();
            }
        }
    }

    private Map<String, PollerAddress> configured() {
        Map<String, PollerAddress> all = new LinkedHashMap<>(filePollers);
        staticPollers.forEach(a -> all.put(a.host(), a));
        return all;
    }

    /** Makes the poller map match the sources, keeping the state of pollers whose address did not change. */
    private void rebuildPollers() {
        synchronized (membership) {
            Map<String, PollerEntry> wanted = new LinkedHashMap<>();
            registered.values().forEach(a -> wanted.put(a.host(), entryFor(a, "registered")));
            filePollers.values().forEach(a -> wanted.put(a.host(), entryFor(a, "file")));
            staticPollers.forEach(a -> wanted.put(a.host(), entryFor(a, "static")));
            for (var it = pollers.entrySet().iterator(); it.hasNext(); ) {
                var e = it.next();
                if (wanted.get(e.getKey()) != e.getValue()) {
                    it.remove();
                    closeQuietly(e.getValue());
                }
            }
            pollers.putAll(wanted);
        }
    }

    private PollerEntry entryFor(PollerAddress address, String source) {
        PollerEntry current = pollers.get(address.host());
        if (current != null && current.address().equals(address) && current.source().equals(source)) {
            return current;
        }
        return new PollerEntry(address, source, readers, clock.millis());
    }

    /**
     * Sends each poller the acknowledgement its reader keeps for the next read ({@link HttpSpoolReader#flushAck}),
     * all at once, so that pollers free the pages this collector has spooled rather than send them again to the next
     * collector (duplicates, not a loss: a poller that does not answer in time just sends its page again).
     */
    private void flushAcks() {
        List<HttpSpoolReader> waiting = pollers.values().stream().map(PollerEntry::readerMade)
                .filter(r -> r instanceof HttpSpoolReader h && h.ackWaiting()).map(r -> (HttpSpoolReader) r)
                .toList();
        if (waiting.isEmpty()) {
            return;
        }
        try (ExecutorService flushes = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("collector-ack-", 0).factory())) {
            for (HttpSpoolReader reader : waiting) {
                flushes.submit(() -> {
                    try {
                        reader.flushAck();
                    } catch (IOException | RuntimeException e) {
                        LOG.debug("{}: last acknowledgement not sent at close: {}", reader, e.toString());
                    }
                });
            }
            flushes.shutdown();
            if (!flushes.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.info("collector {}: {} pollers did not take their last acknowledgement within 5 s; they send"
                        + " their last page again", host, waiting.size());
                waiting.forEach(HttpSpoolReader::close); // ends the exchanges under way
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The pull link to a poller, its own connection kept between cycles. A registered poller gets only the token it
     * registered: the collector's own poller token goes to configured URLs and nowhere else.
     */
    private SpoolReader httpReader(PollerAddress a, PollerEntry entry) {
        String source = entry.source();
        String scheme = a.url().getScheme();
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("poller " + a.host() + ": url '" + a.safeUrl()
                    + "' needs the Redis link; this collector was given no reader for it");
        }
        String presented = a.token() != null || source.equals("registered") ? a.token() : pollerToken;
        // HostCheckSink reads every record's envelope: the reader need not read it first. The reader makes the
        // poller's pages durable here before an acknowledgement of them leaves (at its next read, usually a cycle
        // later), so the pages drained meanwhile share one fsync.
        HttpSpoolReader reader = HttpSpoolReader.builder(a.url()).token(presented).readTimeout(readTimeout)
                .ackOnNextRead(true).checkRecords(false)
                .beforeAck(() -> spool.awaitDurable(entry.spooledUpTo())).build();
        entry.durableBeforeAck();
        return reader;
    }

    /**
     * Where a poller's pages go: the spool, made durable at once, or written now and made durable only before their
     * acknowledgement leaves when the poller's reader waits for that ({@link #httpReader}).
     */
    private RecordSink spoolInto(PollerEntry entry) {
        if (!entry.isDurableBeforeAck()) {
            return RecordSink.into(spool);
        }
        return records -> {
            List<byte[]> payloads = new ArrayList<>(records.size());
            for (SpoolRecord r : records) {
                payloads.add(r.payload());
            }
            entry.spooled(spool.appendAllDeferred(payloads));
        };
    }

    private static void closeQuietly(PollerEntry entry) {
        try {
            entry.close();
        } catch (Exception e) {
            LOG.debug("closing the reader of poller {}: {}", entry.address().host(), e.toString());
        }
    }

    /** Every poller's state, by host. */
    public List<PollerStatus> statuses() {
        return pollers.values().stream().map(PollerEntry::status)
                .sorted(Comparator.comparing(PollerStatus::host)).toList();
    }

    /** Pollers known from their registrations (not from the configuration). */
    int registeredCount() {
        return registered.size();
    }

    /** Registrations refused (a wrong or another host's token) since start. */
    long registrationsRefused() {
        CollectorRoutes r = routes;
        return r == null ? 0 : r.refused();
    }

    /** The pollers' entries, for the figures. */
    Collection<PollerEntry> entries() {
        return pollers.values();
    }

    Spool spool() {
        return spool;
    }

    Clock clock() {
        return clock;
    }

    /** Records refused since start, by reason. */
    public Rejections rejections() {
        return rejections;
    }

    private Map<String, Object> statusDocument() {
        Map<String, Object> doc = new LinkedHashMap<>();
        CheckResult check = check();
        SpoolStats s = spool.stats();
        doc.put("ok", check.ok());
        doc.put("status", check.status());
        doc.put("detail", check.detail());
        doc.put("host", host);
        doc.put("startedAt", startedAt);
        doc.put("intervalSeconds", interval.toSeconds());
        doc.put("parallelism", parallelism);
        List<PollerStatus> statuses = statuses();
        doc.put("silent", statuses.stream().filter(PollerStatus::silent).count());
        doc.put("silentAfterIntervals", silentIntervals);
        Map<String, Object> registration = new LinkedHashMap<>();
        registration.put("open", registrationSecret != null);
        registration.put("registered", registered.size());
        CollectorRoutes r = routes;
        registration.put("refused", r == null ? 0 : r.refused());
        registration.put("problem", registrationsProblem);
        doc.put("registration", registration);
        doc.put("spool", Map.of("records", s.records(), "bytes", s.bytes(),
                "oldestAgeMillis", s.oldestAgeMillis(clock.millis()), "lastSequence", s.lastSequence(),
                "dropped", s.dropped()));
        doc.put("rejected", Map.of("oversized", rejections.oversized(), "malformed", rejections.malformed(),
                "foreignHost", rejections.foreignHost(), "future", rejections.future()));
        doc.put("futureByHost", rejections.timeFaults().byHost().entrySet().stream()
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> e.getValue().future())));
        doc.put("pollers", statuses);
        return doc;
    }

    /**
     * Ready when started, its spool answers and took the last append, and at least one of its pollers drains (or it
     * has none yet: pollers register themselves); degraded while some pollers fail, each named with why.
     */
    @Override
    public CheckResult check() {
        if (!started) {
            return CheckResult.failed("collector " + host + " is not started");
        }
        try {
            spool.stats();
        } catch (RuntimeException e) {
            return CheckResult.failed("spool " + spool + " does not answer: " + e.getMessage());
        }
        String appendFailed = spoolProblem;
        if (appendFailed != null) {
            return CheckResult.failed("the last append to spool " + spool + " failed: " + appendFailed);
        }
        List<PollerStatus> all = statuses();
        List<String> failing = all.stream().filter(p -> p.consecutiveErrors() > 0)
                .map(p -> p.host() + " at " + p.url() + ": " + p.lastError()).toList();
        String shown = failing.size() <= 5 ? String.join("; ", failing)
                : String.join("; ", failing.subList(0, 5)) + "; and " + (failing.size() - 5) + " more";
        if (!all.isEmpty() && failing.size() == all.size()) {
            return CheckResult.failed("every poller fails (" + all.size() + "): " + shown);
        }
        long silent = pollers.values().stream().filter(PollerEntry::silent).count();
        StringBuilder problems = new StringBuilder();
        for (String problem : new String[] {fileProblem, registrationsProblem}) {
            if (problem != null) {
                problems.append("; ").append(problem);
            }
        }
        if (!failing.isEmpty()) {
            return CheckResult.degraded(failing.size() + " of " + all.size() + " pollers failing: " + shown
                    + (silent == 0 ? "" : "; " + silent + " silent") + problems);
        }
        if (all.isEmpty() && problems.isEmpty()) {
            return new CheckResult(true, "no pollers yet (none configured or registered)");
        }
        String detail = all.size() + " pollers, 0 failing, " + silent + " silent" + problems;
        return silent > 0 || !problems.isEmpty() ? CheckResult.degraded(detail) : new CheckResult(true, detail);
    }

    /**
     * Stops the schedule, lets running drains finish (up to 10 s), sends the acknowledgements that waited for the
     * next read (up to 5 s), and stops the HTTP port. The spool is the caller's.
     */
    @Override
    public void close() {
        started = false;
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        if (drains != null) {
            drains.shutdown();
            try {
                if (!drains.awaitTermination(10, TimeUnit.SECONDS)) {
                    drains.shutdownNow();
                }
            } catch (InterruptedException e) {
                drains.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        flushAcks();
        if (server != null) {
            server.stop();
        }
        pollers.values().forEach(Collector::closeQuietly);
        if (telemetry != null) {
            telemetry.close();
            telemetry = null;
        }
    }

    @Override
    public String toString() {
        return "Collector{" + host + ", pollers=" + pollers.size() + ", interval=" + interval + ", parallelism="
                + parallelism + (token == null ? "" : ", token=***") + (pollerToken == null ? "" : ", pollerToken=***")
                + (registrationSecret == null ? "" : ", registrationSecret=***") + "}";
    }

    /** Builds a collector; only the host and the spool are required. */
    public static final class Builder {
        private String host;
        private Spool spool;
        private Function<PollerAddress, SpoolReader> readers;
        private Duration readTimeout = Duration.ofSeconds(30);
        private String pollerToken;
        private final Map<String, PollerAddress> pollers = new LinkedHashMap<>();
        private Path pollersFile;
        private Duration interval = Duration.ofSeconds(30);
        private int parallelism = 64;
        private int pageSize = 500;
        private int maxBatchBytes = 1024 * 1024;
        private String token;
        private String bindHost = "0.0.0.0";
        private int port = -1;
        private Clock clock = Clock.systemUTC();
        private Telemetry telemetry;
        private Duration maxClockSkew = TimePolicy.DEFAULT_MAX_SKEW;
        private String registrationSecret;
        private Path registrationsFile;
        private Path registrationSecretFile;
        private Duration silentAfter;
        private int silentIntervals = 3;
        private Duration pollerInterval = Duration.ofMinutes(5);

        private Builder() {}

        /**
         * The process's telemetry: the collector's figures and check go there, and its server (when it has one)
         * serves {@code /health}, {@code /ready} and {@code /metrics} from it. By default one of its own.
         */
        public Builder telemetry(Telemetry telemetry) {
            this.telemetry = telemetry;
            return this;
        }

        /** The collector's own host id, under which its {@code numeter_collector} plugin is stored. */
        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /** Where what the pollers send is held until storages fetch it. The caller closes it. */
        public Builder spool(Spool spool) {
            this.spool = spool;
            return this;
        }

        /**
         * How to reach a poller. For a poller this answers null for (and without a factory, for every poller), the
         * pull link: {@link HttpSpoolReader} on one HTTP client shared by all pollers, with the poller's token or
         * {@link #pollerToken}, the host check done by the collector. A launcher answers for {@code redis://}
         * URLs with a {@code RedisSpool} and null otherwise; tests give the pollers' spools. Readers that are
         * {@link Spool}s are never closed by the collector (they may be another role's); others are, with it.
         */
        public Builder readers(Function<PollerAddress, SpoolReader> readers) {
            this.readers = readers;
            return this;
        }

        /** The token presented to pollers whose address carries none; null for none. */
        public Builder pollerToken(String pollerToken) {
            this.pollerToken = pollerToken == null || pollerToken.isBlank() ? null : pollerToken;
            return this;
        }

        /** How long one request to a poller may take, answer included. Default 30 s. */
        public Builder readTimeout(Duration readTimeout) {
            if (readTimeout.isNegative() || readTimeout.isZero()) {
                throw new IllegalArgumentException("collector read timeout " + readTimeout + " must be positive");
            }
            this.readTimeout = readTimeout;
            return this;
        }

        public Builder poller(PollerAddress poller) {
            this.pollers.put(poller.host(), poller);
            return this;
        }

        public Builder pollers(Collection<PollerAddress> pollers) {
            pollers.forEach(this::poller);
            return this;
        }

        /** A file of {@code host url [token]} lines, read at start (it must exist) and again when it changes. */
        public Builder pollersFile(Path file) {
            this.pollersFile = file;
            return this;
        }

        /** Time between cycles; zero for none (the caller calls {@link Collector#runOnce()}). Default 60 s. */
        public Builder interval(Duration interval) {
            if (interval.isNegative()) {
                throw new IllegalArgumentException("collector interval " + interval + " must not be negative");
            }
            this.interval = interval;
            return this;
        }

        /** How many pollers are drained at once. Default 64. */
        public Builder parallelism(int parallelism) {
            if (parallelism <= 0) {
                throw new IllegalArgumentException("collector parallelism " + parallelism + " must be positive");
            }
            this.parallelism = parallelism;
            return this;
        }

        /** Records asked for per request. Default 500. */
        public Builder pageSize(int pageSize) {
            if (pageSize <= 0) {
                throw new IllegalArgumentException("collector page size " + pageSize + " must be positive");
            }
            this.pageSize = pageSize;
            return this;
        }

        /** Batches larger than this are refused and counted. Default 1 MiB. */
        public Builder maxBatchBytes(int maxBatchBytes) {
            if (maxBatchBytes <= 0) {
                throw new IllegalArgumentException("collector max batch bytes " + maxBatchBytes
                        + " must be positive");
            }
            this.maxBatchBytes = maxBatchBytes;
            return this;
        }

        /**
         * The secret each host's registration token is derived from ({@link RegistrationSecret}); with none here
         * nor in a {@link #registrationSecretFile}, registration is off, so that only configured pollers are drained.
         */
        public Builder registrationSecret(String secret) {
            this.registrationSecret = secret == null || secret.isBlank() ? null : secret;
            return this;
        }

        /**
         * Where the registration secret is kept when {@link #registrationSecret} gives none: read at start, or made
         * and written there (readable by its owner only). Without either, registration is off.
         */
        public Builder registrationSecretFile(Path file) {
            this.registrationSecretFile = file;
            return this;
        }

        /** Where registrations are kept across restarts; none by default (they then live in memory only). */
        public Builder registrationsFile(Path file) {
            this.registrationsFile = file;
            return this;
        }

        /**
         * A fixed time a poller may send nothing before it is reported silent, instead of
         * {@link #silentIntervals} of its interval.
         */
        public Builder silentAfter(Duration silentAfter) {
            if (silentAfter.isNegative() || silentAfter.isZero()) {
                throw new IllegalArgumentException("collector silent-after " + silentAfter + " must be positive");
            }
            this.silentAfter = silentAfter;
            return this;
        }

        /**
         * How many of its intervals a poller may send nothing before it is reported silent. Default 3. Its interval
         * is learned from how often its records arrive (never less than the collector's); see
         * {@link #pollerInterval} for before that.
         */
        public Builder silentIntervals(int silentIntervals) {
            if (silentIntervals < 1) {
                throw new IllegalArgumentException("collector silent-after " + silentIntervals
                        + " must be at least 1 interval");
            }
            this.silentIntervals = silentIntervals;
            return this;
        }

        /**
         * The interval a poller is taken to have until its records' arrivals tell (after its second drain that
         * brings some). Default 5 minutes, munin's interval and the longest in common use, so that a collector's
         * restart, which forgets what it learned, calls no poller silent too early; {@code numeter standalone} gives
         * its own {@code poller.interval}.
         */
        public Builder pollerInterval(Duration pollerInterval) {
            if (pollerInterval.isNegative() || pollerInterval.isZero()) {
                throw new IllegalArgumentException("poller interval " + pollerInterval + " must be positive");
            }
            this.pollerInterval = pollerInterval;
            return this;
        }

        /**
         * The token storages and operators must present to drain the collector's spool and read its status; null
         * for none. Registration has its own credentials ({@link #registrationSecret}).
         */
        public Builder token(String token) {
            this.token = token == null || token.isBlank() ? null : token;
            return this;
        }

        /** Serve the collector's endpoints on this address and port (0 for any free port). Default: no server. */
        public Builder listen(String bindHost, int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("collector port " + port + " is not between 0 and 65535");
            }
            this.bindHost = bindHost;
            this.port = port;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** Batches further ahead of the clock than this are refused and counted as future (default 5 minutes). */
        public Builder maxClockSkew(Duration maxClockSkew) {
            if (maxClockSkew.isNegative()) {
                throw new IllegalArgumentException("collector max clock skew " + maxClockSkew
                        + " must not be negative");
            }
            this.maxClockSkew = maxClockSkew;
            return this;
        }

        public Collector build() {
            return new Collector(this);
        }
    }
}

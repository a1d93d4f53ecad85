package org.numeter.web.internal;

import java.util.List;

/**
 * Who may see and change what: the one place where the permission rules live.
 *
 * <ul>
 *   <li>A superuser sees every host; any other user sees the hosts of its groups. A host a user may not see is
 *       answered exactly like one that does not exist, so that its name does not leak.
 *   <li>A dashboard is read by its owner and by the users and groups it is shared with; a view by its owner and by
 *       readers of a dashboard holding it. Only owners (and superusers) change them.
 *   <li>Whoever reads a view or an event sees only its sources and hosts that it may see anyway.
 * </ul>
 */
public final class Access {
    private final HostRepository hosts;
    private final DashboardRepository dashboards;
    private final Runnable learnHosts;

    /**
     * @param learnHosts asks the storages for the hosts they hold (at most once per refresh interval), so that a
     *     host the web has not listed yet is known before a request for it is answered
     */
    public Access(HostRepository hosts, DashboardRepository dashboards, Runnable learnHosts) {
        this.hosts = hosts;
        this.dashboards = dashboards;
        this.learnHosts = learnHosts;
    }

    public List<String> visibleHosts(User user) {
        return user.superuser() ? hosts.all() : hosts.visibleTo(user.id());
    }

    public boolean canSee(User user, String host) {
        return user.superuser() ? hosts.exists(host) : hosts.visibleTo(user.id(), host);
    }

    /** Whether a group holds a host: a group's alert contacts are told of its hosts only. */
    public boolean groupHolds(long groupId, String host) {
        return hosts.groupsOf(host).stream().anyMatch(g -> g.id() == groupId);
    }

    /**
     * The host id, checked; a 404 when the user may not see it. A host the web has not listed yet (a bookmark right
     * after a start, a script asking first, a page opened before the storages' next refresh) is learnt from the
     * storages first, for pages and API alike; what may not be seen stays a 404.
     */
    public String requireHost(User user, String host) {
        Input.host(host);
        if (!canSee(user, host)) {
            learnHosts.run();
            if (!canSee(user, host)) {
                throw HttpProblem.notFound("host '" + host + "' is unknown");
            }
        }
        return host;
    }

    public void requireSuperuser(User user) {
        if (!user.superuser()) {
            throw HttpProblem.forbidden("only a superuser may do this");
        }
    }

    public DashboardRepository.Dashboard readableDashboard(User user, DashboardRepository.Dashboard d) {
        if (user.superuser() || d.ownerId() == user.id() || dashboards.readableBy(user.id()).contains(d.id())) {
            return d;
        }
        throw HttpProblem.notFound("dashboard " + d.id() + " is unknown");
    }

    public DashboardRepository.Dashboard editableDashboard(User user, DashboardRepository.Dashboard d) {
        readableDashboard(user, d);
        if (!user.superuser() && d.ownerId() != user.id()) {
            throw HttpProblem.forbidden("only the owner of dashboard " + d.id() + " may change it");
        }
        return d;
    }

    public ViewRepository.View readableView(User user, ViewRepository.View v) {
        if (user.superuser() || v.ownerId() == user.id() || dashboards.viewReadableBy(user.id(), v.id())) {
            return v;
        }
        throw HttpProblem.notFound("view " + v.id() + " is unknown");
    }

    public ViewRepository.View editableView(User user, ViewRepository.View v) {
        readableView(user, v);
        if (!user.superuser() && v.ownerId() != user.id()) {
            throw HttpProblem.forbidden("only the owner of view " + v.id() + " may change it");
        }
        return v;
    }

    /** The sources of a view that the user may see; the others are left out, names and all. */
    public List<ViewRepository.Source> visibleSources(User user, ViewRepository.View v) {
        return v.sources().stream().filter(s -> canSee(user, s.host())).toList();
    }

    /** The hosts of an event that the user may see; none means the event is not the user's to see. */
    public List<String> visibleHosts(User user, EventRepository.Event e) {
        return e.hosts().stream().filter(h -> canSee(user, h)).toList();
    }
}

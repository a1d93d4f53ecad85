package org.numeter.web.internal;

import java.util.List;

/**
 * Who may see and change what: the one place where the permission rules live. A superuser sees every host; any
 * other user sees the hosts of its groups. A host a user may not see is answered exactly like one that does not
 * exist, so that its name does not leak.
 */
public final class Access {
    private final HostRepository hosts;

    public Access(HostRepository hosts) {
        this.hosts = hosts;
    }

    public List<String> visibleHosts(User user) {
        return user.superuser() ? hosts.all() : hosts.visibleTo(user.id());
    }

    public boolean canSee(User user, String host) {
        return user.superuser() ? hosts.exists(host) : hosts.visibleTo(user.id(), host);
    }

    /** The host id, checked; a 404 when the user may not see it. */
    public String requireHost(User user, String host) {
        Input.host(host);
        if (!canSee(user, host)) {
            throw HttpProblem.notFound("host '" + host + "' is unknown");
        }
        return host;
    }

    public void requireSuperuser(User user) {
        if (!user.superuser()) {
            throw HttpProblem.forbidden("only a superuser may do this");
        }
    }
}

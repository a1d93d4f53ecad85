package org.numeter.poller.exec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The users and groups that plugin-conf.d names, resolved through the system's databases with {@code getent} (so
 * users from LDAP or sssd count, as they do for munin-node) and kept until the configuration is read again.
 * Numbers, not names, go to {@code setpriv}: a user's primary group is the one its passwd entry gives (Debian's
 * {@code nobody} is in {@code nogroup}), and a name that resolves to nothing is said here, with the name, rather
 * than as setpriv's "failed to parse reuid".
 */
final class Accounts {
    /** A resolved user: its uid and its primary gid. */
    record User(String name, long uid, long gid) {}

    /** Thrown for a user or group that the system does not know; the message names it. */
    static final class Unknown extends Exception {
        private static final long serialVersionUID = 1L;

        Unknown(String message) {
            super(message, null, false, false);
        }
    }

    private final Map<String, String[]> passwd = new ConcurrentHashMap<>();
    private final Map<String, String[]> groups = new ConcurrentHashMap<>();

    /** Forgets what was resolved: the configuration, or the system's users, may have changed. */
    void clear() {
        passwd.clear();
        groups.clear();
    }

    User user(String name) throws Unknown {
        String[] entry = lookup(passwd, "passwd", name);
        if (entry == null || entry.length < 4) {
            throw new Unknown("its configuration (plugin-conf.d) asks for user '" + name
                    + "', which does not exist on this host (getent passwd " + name + " found nothing)");
        }
        return new User(name, Long.parseLong(entry[2]), Long.parseLong(entry[3]));
    }

    /** The group's gid, or -1 when the system has no such group. */
    long group(String name) throws Unknown {
        String[] entry = lookup(groups, "group", name);
        return entry == null || entry.length < 3 ? -1 : Long.parseLong(entry[2]);
    }

    private static String[] lookup(Map<String, String[]> cache, String database, String name) throws Unknown {
        String[] known = cache.get(name);
        if (known != null) {
            return known.length == 0 ? null : known;
        }
        String[] entry = getent(database, name);
        cache.put(name, entry == null ? new String[0] : entry);
        return entry;
    }

    /** The entry's fields, or null when getent says there is none (exit status 2). */
    private static String[] getent(String database, String name) throws Unknown {
        try {
            Process p = new ProcessBuilder("getent", database, "--", name).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readNBytes(64 * 1024), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new Unknown("'getent " + database + " " + name + "' did not answer within 10 s");
            }
            if (p.exitValue() == 2) {
                return null;
            }
            if (p.exitValue() != 0) {
                throw new Unknown("'getent " + database + " " + name + "' exited with " + p.exitValue() + ": " + out);
            }
            String[] fields = out.lines().findFirst().orElse("").split(":", -1);
            for (int i = 2; i < Math.min(fields.length, database.equals("passwd") ? 4 : 3); i++) {
                if (!fields[i].matches("\\d+")) {
                    throw new Unknown("'getent " + database + " " + name + "' answered '" + out
                            + "', not an entry with numeric ids");
                }
            }
            return fields;
        } catch (IOException e) {
            throw new Unknown("could not run 'getent " + database + " " + name + "': " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unknown("interrupted while looking up " + database + " '" + name + "'");
        }
    }
}

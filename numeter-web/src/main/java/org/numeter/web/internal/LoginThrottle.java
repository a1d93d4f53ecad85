package org.numeter.web.internal;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows password guessing: after {@code userLimit} failed logins for one username, or {@code addressLimit} from one
 * address, within the window, further attempts are refused until the oldest failure leaves the window. The address
 * limit is the larger, since many people may share one address. A success clears the username.
 */
public final class LoginThrottle {
    private final int userLimit;
    private final int addressLimit;
    private final long windowMillis;
    private final Clock clock;
    private static final int MAX_KEYS = 10_000;

    private final Map<String, Deque<Long>> failures = new ConcurrentHashMap<>();

    public LoginThrottle(int userLimit, int addressLimit, long windowMillis, Clock clock) {
        this.userLimit = userLimit;
        this.addressLimit = addressLimit;
        this.windowMillis = windowMillis;
        this.clock = clock;
    }

    /** Seconds to wait before trying again, or 0 when an attempt is allowed now. */
    public long retryAfter(String username, String address) {
        return Math.max(wait("u:" + username, userLimit), wait("a:" + address, addressLimit));
    }

    public void failed(String username, String address) {
        long now = clock.millis();
        if (failures.size() > MAX_KEYS) {
            // Guessing with ever new usernames must not grow memory without bound: forget what left the window.
            failures.entrySet().removeIf(e -> {
                synchronized (e.getValue()) {
                    Long last = e.getValue().peekLast();
                    return last == null || now - last >= windowMillis;
                }
            });
        }
        for (String key : new String[] {"u:" + username, "a:" + address}) {
            Deque<Long> d = failures.computeIfAbsent(key, k -> new ArrayDeque<>());
            synchronized (d) {
                d.addLast(now);
                while (d.size() > Math.max(userLimit, addressLimit)) {
                    d.removeFirst();
                }
            }
        }
    }

    public void succeeded(String username) {
        failures.remove("u:" + username);
    }

    private long wait(String key, int limit) {
        Deque<Long> d = failures.get(key);
        if (d == null) {
            return 0;
        }
        long now = clock.millis();
        synchronized (d) {
            while (!d.isEmpty() && now - d.peekFirst() >= windowMillis) {
                d.removeFirst();
            }
            if (d.size() < limit) {
                return 0;
            }
            long oldestThatCounts = d.stream().skip(d.size() - limit).findFirst().orElseThrow();
            return Math.max(1, (oldestThatCounts + windowMillis - now + 999) / 1000);
        }
    }
}

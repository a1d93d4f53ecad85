package org.numeter.web.internal;

import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hosts appear by themselves: the first time a storage reports one it is recorded, in no group, unless its name
 * matches one of the configured patterns ({@code *} and {@code ?} globs), which assign it to their group.
 */
public final class HostRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(HostRegistry.class);

    private final HostRepository hosts;
    private final GroupRepository groups;
    private final Map<Pattern, String> patterns = new LinkedHashMap<>();
    private final Clock clock;
    private final Set<String> known = ConcurrentHashMap.newKeySet();

    public HostRegistry(HostRepository hosts, GroupRepository groups, Map<String, String> globToGroup, Clock clock) {
        this.hosts = hosts;
        this.groups = groups;
        this.clock = clock;
        globToGroup.forEach((glob, group) -> patterns.put(glob(glob), group));
    }

    public void seen(Map<String, URI> hostToStorage) {
        hostToStorage.forEach((host, storage) -> {
            if (known.contains(host)) {
                return;
            }
            if (hosts.addIfAbsent(host, storage.toString(), clock.millis())) {
                LOG.info("new host {} on storage {}", host, storage);
                patterns.forEach((pattern, group) -> {
                    if (pattern.matcher(host).matches()) {
                        long groupId = groups.byName(group).map(Group::id)
                                .orElseGet(() -> groups.create(group, clock.millis()));
                        hosts.assign(host, groupId);
                    }
                });
            }
            known.add(host);
        });
    }

    static Pattern glob(String glob) {
        StringBuilder re = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString());
    }
}

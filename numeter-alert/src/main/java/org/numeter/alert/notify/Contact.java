package org.numeter.alert.notify;

import java.util.Set;
import org.numeter.alert.AlertState;

/**
 * Who is told, how, and of what: munin's {@code contact.NAME}, owned by a user (told of the hosts it may see) or
 * by a group (told of the group's hosts).
 *
 * @param id its id in the web's database
 * @param name a short name, for lists and logs
 * @param channel {@code email}, {@code webhook} or {@code command}
 * @param target the address, the URL, or the command line
 * @param secret the webhook's shared secret (signs the body), or null; never printed
 * @param states the states a change must reach to be sent (a recovery is a change to OK)
 * @param userId the owning user, or null
 * @param groupId the owning group, or null
 */
public record Contact(long id, String name, String channel, String target, String secret, Set<AlertState> states,
        Long userId, Long groupId) {

    public Contact {
        states = Set.copyOf(states);
    }

    public boolean wants(AlertState state) {
        return states.contains(state);
    }

    @Override
    public String toString() {
        return "contact " + id + " (" + name + ", " + channel + ")";
    }
}

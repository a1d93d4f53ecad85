package org.numeter.model;

/**
 * A monitored machine.
 *
 * @param id a stable identifier, the fully qualified name by default
 * @param name what people call it, shown in the web
 * @param address where it answers, or null when unknown
 */
public record Host(String id, String name, String address) {
    public Host {
        Names.requireHost(id);
        if (name == null || name.isBlank()) {
            name = id;
        }
    }

    public static Host of(String id) {
        return new Host(id, id, null);
    }
}

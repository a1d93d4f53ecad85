package org.numeter.web.internal;

/**
 * A set of users that sees a set of hosts.
 *
 * @param id the database id
 * @param name its unique name
 */
public record Group(long id, String name) {}

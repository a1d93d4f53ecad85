package org.numeter.web.internal;

/**
 * An account. The password hash never leaves the repository.
 *
 * @param id the database id
 * @param username how it logs in
 * @param email where to reach it
 * @param active false to refuse its logins and tokens without deleting it
 * @param superuser sees every host and may change users, groups and hosts
 */
public record User(long id, String username, String email, boolean active, boolean superuser) {}

package org.numeter.web.internal;

import java.util.UUID;

/** The repository contract on embedded H2, the default database. */
class RepositoryH2Test extends RepositoryContract {
    @Override
    Database open() {
        return Database.open("jdbc:h2:mem:repo-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
    }

    @Override
    void drop() {
        // DB_CLOSE_DELAY keeps it until the JVM ends; each test has its own name.
    }
}

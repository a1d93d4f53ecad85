package org.numeter.link;

/**
 * One HTTP request and its answer as the link's routes see them, whichever server carries them: Javalin's in the
 * collector and standalone, the JDK's in a poller ({@link PullServer}).
 */
interface Exchange {
    /** The query parameter {@code name}, decoded; null when absent. */
    String query(String name);

    /** The request header {@code name}; null when absent. */
    String requestHeader(String name);

    void responseHeader(String name, String value);

    /** Answers {@code status} with {@code body} of {@code contentType}; a null body answers none (204). */
    void answer(int status, String contentType, byte[] body);
}

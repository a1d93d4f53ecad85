package org.numeter.link;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The poller's server cuts a request that does not arrive whole, and an answer that is not taken, in bounded time:
 * the JDK's server, left to its defaults, waits for ever, and five peers stopped halfway stopped the link (seen with
 * a poller process: six half-sent requests, and /health did not answer again; with these limits it did after 30 s).
 */
class PullServerLimitsTest {

    @Test
    void theJdkServersTimeLimitsAreSetOnceThePullServerIsLoaded() throws ClassNotFoundException {
        Class.forName(PullServer.class.getName(), true, getClass().getClassLoader()); // its initializer sets them
        assertThat(System.getProperty("sun.net.httpserver.maxReqTime"))
                .isEqualTo(Integer.toString(PullServer.REQUEST_SECONDS));
        assertThat(System.getProperty("sun.net.httpserver.maxRspTime"))
                .isEqualTo(Integer.toString(PullServer.ANSWER_SECONDS));
    }
}

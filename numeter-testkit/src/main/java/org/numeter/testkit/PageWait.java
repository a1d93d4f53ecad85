package org.numeter.testkit;

import static org.awaitility.Awaitility.await;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.PlaywrightException;
import java.time.Duration;

/**
 * Waits until a script condition holds on a page, the one way every browser test waits. Playwright's own
 * {@code waitForCondition} runs its predicate inside its event loop: a predicate that evaluates on a page which
 * reloads meanwhile can trip Playwright's internal assertion ({@code WaitableRace.get}) instead of being asked again.
 * {@code waitForFunction} would need the page to allow eval, which its CSP forbids. So: poll with evaluate, on the
 * test's own thread (Playwright is not thread-safe), a page that is navigating being asked again on the new one.
 */
public final class PageWait {
    private static final Duration DEFAULT = Duration.ofSeconds(30);

    private PageWait() {}

    /** Waits up to 30 s until {@code condition}, a script expression, is truthy on {@code page}. */
    public static void until(Page page, String condition) {
        until(page, condition, DEFAULT);
    }

    public static void until(Page page, String condition, Duration atMost) {
        await("the page to show " + condition).atMost(atMost).pollInSameThread()
                .pollInterval(Duration.ofMillis(100)).until(() -> holds(page, condition));
    }

    private static boolean holds(Page page, String condition) {
        try {
            return Boolean.TRUE.equals(page.evaluate("() => !!(" + condition + ")"));
        } catch (PlaywrightException e) {
            String message = String.valueOf(e.getMessage());
            if (message.contains("Execution context was destroyed") || message.contains("Cannot find context")
                    || message.contains("navigat")) {
                return false; // the page is being replaced: asked again on the new one
            }
            throw e;
        }
    }
}

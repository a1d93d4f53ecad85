package org.numeter.poller;

import org.numeter.munin.Problems;

/**
 * How each plugin's collection in one cycle ended, told by the sources that read plugins one by one ({@code munin},
 * {@code exec}); the poller keeps each plugin's {@link PluginHealth} from it. Bad output lines go to
 * {@link Cycle#problems()}.
 */
public interface PluginOutcomes {

    /** The plugin answered in time and its values were read (some lines may still have been bad). */
    void ok(String plugin);

    /** The plugin did not answer within its timeout, or its node said it timed out: no value this cycle. */
    void timedOut(String plugin, String detail);

    /**
     * The plugin could not be read: it exited with an error, could not be started, or its connection broke.
     *
     * @param exitCode the plugin's exit status when known, else null
     */
    void failed(String plugin, Integer exitCode, String detail);

    /** Tells timeouts and failures to {@code problems}, as a plain list of what went wrong. */
    static PluginOutcomes reportingTo(Problems problems) {
        return new PluginOutcomes() {
            @Override
            public void ok(String plugin) {}

            @Override
            public void timedOut(String plugin, String detail) {
                problems.report(plugin, detail);
            }

            @Override
            public void failed(String plugin, Integer exitCode, String detail) {
                problems.report(plugin, detail);
            }
        };
    }
}

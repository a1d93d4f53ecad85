package org.numeter.poller;

/**
 * The state of one plugin of one source after its last collection.
 *
 * @param source the source's name
 * @param plugin the plugin
 * @param state how its last collection ended
 * @param detail why, quoting the offending line or the exit status; empty when ok
 * @param exitCode the exit status of a failed plugin, when known
 * @param sinceMillis epoch milliseconds it has been in this state (with this detail)
 * @param lastSuccessMillis epoch milliseconds of its last collection that brought values, 0 for never
 * @param count collections in this state in a row
 */
public record PluginHealth(String source, String plugin, State state, String detail, Integer exitCode,
        long sinceMillis, long lastSuccessMillis, long count) {

    /** How a plugin's collection ended; {@link #label()} is how status pages and figures name it. */
    public enum State {
        OK("ok"),
        TIMED_OUT("timed out"),
        FAILED("failed"),
        BAD_OUTPUT("bad output");

        private final String label;

        State(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        /** The name of the kind in figures and in the {@code numeter_plugins} plugin: {@code timed_out}. */
        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}

package org.numeter.config;

import java.util.List;

/** Start-up stops here: every problem of a configuration, reported together, each naming its key and value. */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient List<String> problems;

    public ConfigException(List<String> problems) {
        super("configuration has " + problems.size() + (problems.size() == 1 ? " problem" : " problems") + ":\n  - "
                + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}

package org.numeter.config;

import java.util.Locale;
import java.util.Objects;

/**
 * One documented setting: its name in a configuration file, the environment variable that overrides it, its
 * default and how its text becomes a value. A role declares its keys once, as constants; {@link Config} reads
 * them and {@link ConfigDoc} prints the table for the README from the same constants.
 *
 * @param <T> the type of the value
 */
public final class ConfigKey<T> {
    private final String name;
    private final String defaultText;
    private final ValueParser<T> parser;
    private final String description;
    private final boolean secret;

    private ConfigKey(String name, String defaultText, ValueParser<T> parser, String description, boolean secret) {
        this.name = Objects.requireNonNull(name);
        this.defaultText = defaultText;
        this.parser = Objects.requireNonNull(parser);
        this.description = Objects.requireNonNull(description);
        this.secret = secret;
    }

    /** A key whose default is {@code defaultText} parsed like any other value; null means "not set". */
    public static <T> ConfigKey<T> of(String name, String defaultText, ValueParser<T> parser, String description) {
        return new ConfigKey<>(name, defaultText, parser, description, false);
    }

    /** A key whose value is never printed (tokens, passwords). */
    public static <T> ConfigKey<T> secret(String name, String defaultText, ValueParser<T> parser, String description) {
        return new ConfigKey<>(name, defaultText, parser, description, true);
    }

    /** The same key with another default, for a command whose defaults differ ({@code numeter standalone}). */
    public ConfigKey<T> withDefault(String newDefault) {
        return new ConfigKey<>(name, newDefault, parser, description, secret);
    }

    public String name() {
        return name;
    }

    /** {@code poller.interval} is overridden by {@code NUMETER_POLLER_INTERVAL}. */
    public String env() {
        return Config.ENV_PREFIX + name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    public String defaultText() {
        return defaultText;
    }

    public String description() {
        return description;
    }

    public boolean secret() {
        return secret;
    }

    T parse(String text) {
        return parser.parse(text);
    }

    @Override
    public String toString() {
        return name;
    }
}

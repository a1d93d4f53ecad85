package org.numeter.alert;

import java.util.regex.Pattern;

/**
 * A name pattern with {@code *} (any run) and {@code ?} (one character), as skeletons and host groups write them.
 * Only plain name characters are allowed, so a pattern never carries markup or regular-expression syntax.
 */
public final class Glob {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_.*?\\-]{1,200}");
    private static final Glob ANY = new Glob("*");

    private final String text;
    private final Pattern pattern;
    private final boolean any;

    private Glob(String text) {
        this.text = text;
        this.any = text.equals("*");
        StringBuilder regex = new StringBuilder();
        for (char c : text.toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        this.pattern = Pattern.compile(regex.toString());
    }

    /** Reads a pattern; null or blank is {@code *}; anything else invalid names {@code what} and quotes it. */
    public static Glob of(String text, String what) {
        if (text == null || text.isBlank() || text.trim().equals("*")) {
            return ANY;
        }
        String t = text.trim();
        if (!VALID.matcher(t).matches()) {
            throw new IllegalArgumentException(what + " pattern '" + (t.length() > 60 ? t.substring(0, 60) + "…" : t)
                    + "' is not valid (letters, digits, '.', '_', '-', '*', '?'; at most 200)");
        }
        return new Glob(t);
    }

    public boolean matches(String name) {
        return any || (name != null && pattern.matcher(name).matches());
    }

    /** Matches everything. */
    public boolean any() {
        return any;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Glob g && g.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}

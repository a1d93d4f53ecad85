package org.numeter.store;

/**
 * A query within {@link QueryLimits} whose answer would still be too large (too many rows or values): HTTP 413,
 * with a message that says how to ask for less.
 */
public final class QueryTooLargeException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public QueryTooLargeException(String message) {
        super(message);
    }
}

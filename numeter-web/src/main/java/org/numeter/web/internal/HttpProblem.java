package org.numeter.web.internal;

/**
 * A request that cannot be served, with the status it maps to. {@link ErrorMapping} turns it into a one-line
 * plain-text answer; nothing else in the web decides a status code for a failure.
 */
public class HttpProblem extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;

    HttpProblem(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }

    /** Bad input: the message quotes the value and says where it was. */
    public static HttpProblem badRequest(String message) {
        return new HttpProblem(400, message);
    }

    public static HttpProblem unauthorized(String message) {
        return new HttpProblem(401, message);
    }

    public static HttpProblem forbidden(String message) {
        return new HttpProblem(403, message);
    }

    /** Unknown, or not visible to this user: the two are the same answer so that nothing leaks. */
    public static HttpProblem notFound(String message) {
        return new HttpProblem(404, message);
    }

    public static HttpProblem conflict(String message) {
        return new HttpProblem(409, message);
    }

    public static HttpProblem tooManyRequests(String message) {
        return new HttpProblem(429, message);
    }

    public static HttpProblem unavailable(String message) {
        return new HttpProblem(503, message);
    }
}

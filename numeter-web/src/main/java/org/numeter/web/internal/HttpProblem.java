package org.numeter.web.internal;

import io.javalin.http.HttpResponseException;
import java.util.Map;

/**
 * A request that cannot be served, with the status it maps to. The one mapping of every Numeter server,
 * {@link org.numeter.link.HttpErrors}, answers it with its status and its one-line message as plain text; nothing
 * else in the web decides a status code for a failure.
 */
public class HttpProblem extends HttpResponseException {
    private static final long serialVersionUID = 1L;

    HttpProblem(int status, String message) {
        super(status, message, Map.of());
    }

    public int status() {
        return getStatus();
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

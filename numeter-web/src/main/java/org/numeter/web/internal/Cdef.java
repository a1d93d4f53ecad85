package org.numeter.web.internal;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import org.numeter.model.Names;

/**
 * A munin {@code cdef}: an RPN expression over the plugin's fields, such as {@code up,8,*} (bytes to bits). The
 * graph shows what munin shows, so the web applies it to the values the storage returns. The operators are those
 * munin plugins use: {@code + - * / %}, {@code MIN MAX}, comparisons, {@code UN}, {@code IF}, {@code ABS}.
 */
public final class Cdef {
    private final List<String> tokens;

    private Cdef(List<String> tokens) {
        this.tokens = tokens;
    }

    /** The expression, or an {@link IllegalArgumentException} naming the token it does not know. */
    public static Cdef parse(String expression) {
        List<String> tokens = List.of(expression.trim().split("\\s*,\\s*"));
        for (String t : tokens) {
            if (!isNumber(t) && !Names.isField(t) && !OPERATORS.contains(t.toUpperCase(Locale.ROOT))) {
                throw new IllegalArgumentException("cdef '" + expression + "': unknown token '" + t + "'");
            }
        }
        Cdef c = new Cdef(tokens);
        c.apply(f -> 1.0);
        return c;
    }

    private static final Set<String> OPERATORS = Set.of("+", "-", "*", "/", "%", "MIN", "MAX", "LT", "LE", "GT",
            "GE", "EQ", "NE", "UN", "IF", "ABS");

    /** The fields it reads. */
    public Set<String> references() {
        Set<String> out = new LinkedHashSet<>();
        for (String t : tokens) {
            if (!isNumber(t) && !OPERATORS.contains(t.toUpperCase(Locale.ROOT))) {
                out.add(t);
            }
        }
        return out;
    }

    /** The value for one moment; NaN (unknown) propagates as in rrdtool. */
    public double apply(ToDoubleFunction<String> field) {
        Deque<Double> stack = new ArrayDeque<>();
        for (String t : tokens) {
            String op = t.toUpperCase(Locale.ROOT);
            if (isNumber(t)) {
                stack.push(Double.parseDouble(t));
            } else if (!OPERATORS.contains(op)) {
                stack.push(field.applyAsDouble(t));
            } else if (op.equals("UN")) {
                stack.push(Double.isNaN(pop(stack)) ? 1.0 : 0.0);
            } else if (op.equals("ABS")) {
                stack.push(Math.abs(pop(stack)));
            } else if (op.equals("IF")) {
                double otherwise = pop(stack);
                double then = pop(stack);
                double condition = pop(stack);
                stack.push(condition != 0 && !Double.isNaN(condition) ? then : otherwise);
            } else {
                double b = pop(stack);
                double a = pop(stack);
                stack.push(binary(op, a, b));
            }
        }
        if (stack.size() != 1) {
            throw new IllegalArgumentException("cdef '" + String.join(",", tokens) + "' leaves " + stack.size()
                    + " values instead of one");
        }
        return stack.pop();
    }

    private static double binary(String op, double a, double b) {
        return switch (op) {
            case "+" -> a + b;
            case "-" -> a - b;
            case "*" -> a * b;
            case "/" -> a / b;
            case "%" -> a % b;
            case "MIN" -> Math.min(a, b);
            case "MAX" -> Math.max(a, b);
            case "LT" -> a < b ? 1 : 0;
            case "LE" -> a <= b ? 1 : 0;
            case "GT" -> a > b ? 1 : 0;
            case "GE" -> a >= b ? 1 : 0;
            case "EQ" -> a == b ? 1 : 0;
            default -> a != b ? 1 : 0;
        };
    }

    private double pop(Deque<Double> stack) {
        if (stack.isEmpty()) {
            throw new IllegalArgumentException("cdef '" + String.join(",", tokens) + "' runs out of values");
        }
        return stack.pop();
    }

    private static boolean isNumber(String t) {
        return t.matches("-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?");
    }
}

package dev.weft.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * Argument checks shared by the API and the implementation, so that every bad argument fails at
 * once with a message naming the parameter and the value.
 */
public final class Checks {
    private Checks() {}

    /** Longest accepted name: names end up in thread names and reports. */
    public static final int MAX_NAME_LENGTH = 200;

    /**
     * @return {@code value} if it is a non-blank name of at most {@value #MAX_NAME_LENGTH} characters
     * @throws NullPointerException if it is null
     * @throws IllegalArgumentException if it is blank or too long
     */
    public static String check(String parameter, String value) {
        Objects.requireNonNull(value, () -> parameter + " must not be null");
        if (value.isBlank()) {
            throw new IllegalArgumentException(parameter + " must not be blank, was \"" + value + "\"");
        }
        if (value.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException(parameter + " must be at most " + MAX_NAME_LENGTH
                    + " characters, was " + value.length());
        }
        return value;
    }

    /**
     * @return {@code value} if it is positive and representable in nanoseconds as a {@code long}
     * @throws NullPointerException if it is null
     * @throws IllegalArgumentException if it is zero, negative or longer than about 292 years
     */
    public static Duration positive(String parameter, Duration value) {
        Objects.requireNonNull(value, () -> parameter + " must not be null");
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(parameter + " must be positive, was " + value);
        }
        try {
            value.toNanos();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(parameter + " is too long, was " + value);
        }
        return value;
    }

    /**
     * @return {@code value} if it is zero or positive (zero means "do not wait")
     * @throws NullPointerException if it is null
     * @throws IllegalArgumentException if it is negative or too long
     */
    public static Duration nonNegative(String parameter, Duration value) {
        Objects.requireNonNull(value, () -> parameter + " must not be null");
        if (value.isNegative()) {
            throw new IllegalArgumentException(parameter + " must not be negative, was " + value);
        }
        try {
            value.toNanos();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(parameter + " is too long, was " + value);
        }
        return value;
    }

    /**
     * @return {@code value} if it lies in {@code [1, max]}
     * @throws IllegalArgumentException otherwise
     */
    public static int positive(String parameter, int value, int max) {
        if (value < 1 || value > max) {
            throw new IllegalArgumentException(parameter + " must be between 1 and " + max + ", was " + value);
        }
        return value;
    }

    /** @return {@code value} if it is not null */
    public static <T> T notNull(String parameter, T value) {
        return Objects.requireNonNull(value, () -> parameter + " must not be null");
    }
}

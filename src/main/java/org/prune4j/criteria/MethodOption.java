package org.prune4j.criteria;

import org.prune4j.util.Prune4jException;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One setting a method or an allocation declares: its name (the CLI flag without dashes), its default, one line of
 * help, and how a value is parsed and checked. The CLI builds its {@code --flags} from these declarations, and
 * {@code prune4j methods}, the report's method options and the README table come from them too, so the name, the
 * default and the help are written once, in the method's own package.
 *
 * @param defaultText the value when none is given, as text; null when the method derives it (then {@link #value} is
 *                    null and the help says what the method does instead)
 * @param flag        a switch without a value (given: "true")
 * @param parse       text → value; throws {@link Prune4jException} with one line on a bad value
 */
public record MethodOption<T>(String name, String defaultText, String help, boolean flag, Function<String, T> parse) {
    public MethodOption {
        if (name == null || name.isBlank() || name.startsWith("-")) throw new IllegalArgumentException("an option name is a flag without dashes, got " + name);
    }

    /** The given value, else the default, parsed and checked; null when neither exists. */
    public T value(MethodOptions given) {
        String v = given.values().get(name);
        if (v == null) v = defaultText;
        return v == null ? null : parse.apply(v);
    }

    /** Whether the user gave this option. */
    public boolean given(MethodOptions o) {
        return o.has(name);
    }

    /** The help line with its default, as listings and {@code --help} show it. */
    public String description() {
        return flag || defaultText == null ? help : help + " (default: " + defaultText + ")";
    }

    /** A number that must satisfy {@code ok}; {@code what} says what it must be ("a positive finite number"). */
    public static MethodOption<Double> number(String name, String defaultText, String help, Predicate<Double> ok, String what) {
        return new MethodOption<>(name, defaultText, help, false, v -> {
            double d;
            try {
                d = Double.parseDouble(v.trim());
            } catch (NumberFormatException e) {
                throw new Prune4jException("--" + name + " must be a number, got '" + v + "'");
            }
            if (!ok.test(d)) throw new Prune4jException("--" + name + " must be " + what + ", got " + d);
            return d;
        });
    }

    /** An integer of at least {@code min}. */
    public static MethodOption<Integer> integer(String name, String defaultText, String help, int min) {
        return new MethodOption<>(name, defaultText, help, false, v -> {
            int i;
            try {
                i = Integer.parseInt(v.trim());
            } catch (NumberFormatException e) {
                throw new Prune4jException("--" + name + " must be an integer, got '" + v + "'");
            }
            if (i < min) throw new Prune4jException("--" + name + " must be at least " + min + ", got " + i);
            return i;
        });
    }

    /** One of an enum's constants, typed as their lower-case names with '-' for '_' ({@code downstream-mean}). */
    public static <E extends Enum<E>> MethodOption<E> choice(String name, E defaultValue, String help, Class<E> type) {
        E[] all = type.getEnumConstants();
        List<String> names = Arrays.stream(all).map(MethodOption::typed).toList();
        return new MethodOption<>(name, defaultValue == null ? null : typed(defaultValue), help, false, v -> {
            int i = names.indexOf(v.trim());
            if (i < 0) throw new Prune4jException("--" + name + " must be " + orList(names) + ", got '" + v + "'");
            return all[i];
        });
    }

    /** A switch: absent is false, given is true (a saved run may also say "false"). */
    public static MethodOption<Boolean> flag(String name, String help) {
        return new MethodOption<>(name, "false", help, true, v -> switch (v.trim()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new Prune4jException("--" + name + " takes true or false, got '" + v + "'");
        });
    }

    /** Free text (a path, say), checked by the method when it is used. */
    public static MethodOption<String> text(String name, String defaultText, String help) {
        return new MethodOption<>(name, defaultText, help, false, v -> v);
    }

    /** How users type an enum constant. */
    public static String typed(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static String orList(List<String> names) {
        if (names.size() == 1) return names.get(0);
        return String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
    }
}

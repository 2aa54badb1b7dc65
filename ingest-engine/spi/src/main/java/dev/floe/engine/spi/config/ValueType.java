package dev.floe.engine.spi.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * How a config value is written and what Java value it becomes. {@link #convert} receives what the
 * YAML parser produced (a String, Number, Boolean, List or Map) and throws {@link
 * IllegalArgumentException} with what was expected.
 */
public final class ValueType<T> {
    private final String name;
    private final Function<Object, T> converter;

    private ValueType(String name, Function<Object, T> converter) {
        this.name = name;
        this.converter = converter;
    }

    /** How the reference documentation names this type. */
    public String name() {
        return name;
    }

    public T convert(Object raw) {
        return converter.apply(raw);
    }

    public static final ValueType<String> STRING = new ValueType<>("string", ValueType::scalarText);

    public static final ValueType<Integer> INTEGER = new ValueType<>("integer", raw -> {
        long value = integral(raw);
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("expected an integer, got " + raw);
        }
        return (int) value;
    });

    public static final ValueType<Long> LONG = new ValueType<>("integer", ValueType::integral);

    public static final ValueType<Boolean> BOOLEAN = new ValueType<>("boolean", raw -> {
        if (raw instanceof Boolean) {
            return (Boolean) raw;
        }
        String text = scalarText(raw).toLowerCase(Locale.ROOT);
        if (text.equals("true") || text.equals("false")) {
            return Boolean.valueOf(text);
        }
        throw new IllegalArgumentException("expected true or false, got '" + raw + "'");
    });

    public static final ValueType<Duration> DURATION =
            new ValueType<>("duration (500ms, 10s, 5m, 2h, 7d)", raw -> Durations.parse(scalarText(raw)));

    public static final ValueType<DataSize> DATA_SIZE =
            new ValueType<>("size (512KB, 128MB, 1GB)", raw -> DataSize.parse(scalarText(raw)));

    public static final ValueType<List<String>> STRING_LIST = new ValueType<>("list of strings", raw -> {
        if (raw instanceof List) {
            List<String> values = new ArrayList<>();
            for (Object element : (List<?>) raw) {
                values.add(scalarText(element));
            }
            return Collections.unmodifiableList(values);
        }
        // a single value stands for a list of one
        return List.of(scalarText(raw));
    });

    /** Free-form key/value pairs passed through to a library (Kafka client, catalog properties). */
    public static final ValueType<Map<String, String>> STRING_MAP = new ValueType<>("map of strings", raw -> {
        if (!(raw instanceof Map)) {
            throw new IllegalArgumentException("expected a mapping of keys to values");
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : ((Map<?, ?>) raw).entrySet()) {
            values.put(String.valueOf(entry.getKey()), entry.getValue() == null ? "" : scalarText(entry.getValue()));
        }
        return Collections.unmodifiableMap(values);
    });

    /** One of an enum's constants, written in lower kebab case ({@code DEAD_LETTER} as {@code dead-letter}). */
    public static <E extends Enum<E>> ValueType<E> enumeration(Class<E> type) {
        E[] constants = type.getEnumConstants();
        String names = Arrays.stream(constants).map(ValueType::configName).collect(Collectors.joining(", "));
        return new ValueType<>("one of: " + names, raw -> {
            String text = scalarText(raw).trim();
            for (E constant : constants) {
                if (configName(constant).equalsIgnoreCase(text)
                        || constant.name().equalsIgnoreCase(text)
                        || configName(constant).replace("-", "").equalsIgnoreCase(text)) {
                    return constant;
                }
            }
            throw new IllegalArgumentException("expected one of " + names + ", got '" + raw + "'");
        });
    }

    /** How an enum constant is written in config: {@code DEAD_LETTER} becomes {@code dead-letter}. */
    public static String configName(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static long integral(Object raw) {
        if (raw instanceof Integer || raw instanceof Long || raw instanceof Short) {
            return ((Number) raw).longValue();
        }
        if (raw instanceof String) {
            try {
                return Long.parseLong(((String) raw).trim());
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new IllegalArgumentException("expected an integer, got '" + raw + "'");
    }

    private static String scalarText(Object raw) {
        if (raw instanceof Map || raw instanceof List) {
            throw new IllegalArgumentException(
                    "expected a single value, got a " + (raw instanceof Map ? "mapping" : "list"));
        }
        return String.valueOf(raw);
    }
}

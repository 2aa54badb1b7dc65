package dev.floe.engine.spi.config;

import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * One key of a config section: its name, type, default and description. Options are declared as
 * constants next to the code that reads them; the loader validates files against them and the
 * reference in {@code docs/configuration.md} is generated from them.
 *
 * @param <T> the Java type of the value
 */
public final class ConfigOption<T> {
    /** What an option holds: a value, a nested section, or a list of nested sections. */
    public enum Shape {
        VALUE,
        SECTION,
        SECTION_LIST
    }

    private final String key;
    private final ValueType<T> type;
    private final Shape shape;
    private final ConfigSpec nested;
    private final T defaultValue;
    private final boolean required;
    private final boolean secret;
    private final boolean template;
    private final String description;
    private final Predicate<T> constraint;
    private final String constraintText;

    private ConfigOption(Builder<T> builder) {
        this.key = Objects.requireNonNull(builder.key, "key");
        this.type = builder.type;
        this.shape = builder.shape;
        this.nested = builder.nested;
        this.defaultValue = builder.defaultValue;
        this.required = builder.required;
        this.secret = builder.secret;
        this.template = builder.template;
        this.description = Objects.requireNonNull(builder.description, "description of " + builder.key);
        this.constraint = builder.constraint;
        this.constraintText = builder.constraintText;
        if (required && defaultValue != null) {
            throw new IllegalArgumentException("option " + key + " cannot be both required and defaulted");
        }
    }

    public static <T> Builder<T> of(String key, ValueType<T> type) {
        return new Builder<>(key, type, Shape.VALUE, null);
    }

    public static Builder<String> string(String key) {
        return of(key, ValueType.STRING);
    }

    /** A nested mapping validated against {@code spec}. */
    public static Builder<ConfigSection> section(String key, ConfigSpec spec) {
        return new Builder<>(key, null, Shape.SECTION, Objects.requireNonNull(spec, "spec"));
    }

    /** A list of nested mappings, each validated against {@code spec}. */
    public static Builder<List<ConfigSection>> sectionList(String key, ConfigSpec spec) {
        return new Builder<>(key, null, Shape.SECTION_LIST, Objects.requireNonNull(spec, "spec"));
    }

    public String key() {
        return key;
    }

    /** The value type; null for sections. */
    public ValueType<T> type() {
        return type;
    }

    public Shape shape() {
        return shape;
    }

    /** The spec of a section or section list; null for values. */
    public ConfigSpec nested() {
        return nested;
    }

    /** The value used when the key is absent; null when there is none. */
    public T defaultValue() {
        return defaultValue;
    }

    public boolean required() {
        return required;
    }

    /** Secrets are redacted wherever the effective config is shown. */
    public boolean secret() {
        return secret;
    }

    /**
     * A template's {@code ${name}} placeholders are its own (filled in per record, such as a routed
     * table's {@code ${topic}}), so environment variables are not substituted in its value.
     */
    public boolean template() {
        return template;
    }

    public String description() {
        return description;
    }

    /** What a valid value looks like beyond its type, or null. */
    public String constraintText() {
        return constraintText;
    }

    /** Null when {@code value} satisfies the option's constraint, else what was expected. */
    public String check(T value) {
        if (constraint != null && !constraint.test(value)) {
            return "expected " + constraintText + ", got " + value;
        }
        return null;
    }

    @Override
    public String toString() {
        return key;
    }

    /** Declares an option. */
    public static final class Builder<T> {
        private final String key;
        private final ValueType<T> type;
        private final Shape shape;
        private final ConfigSpec nested;
        private T defaultValue;
        private boolean required;
        private boolean secret;
        private boolean template;
        private String description;
        private Predicate<T> constraint;
        private String constraintText;

        private Builder(String key, ValueType<T> type, Shape shape, ConfigSpec nested) {
            this.key = key;
            this.type = type;
            this.shape = shape;
            this.nested = nested;
        }

        public Builder<T> defaultValue(T value) {
            this.defaultValue = value;
            return this;
        }

        public Builder<T> required() {
            this.required = true;
            return this;
        }

        public Builder<T> secret() {
            this.secret = true;
            return this;
        }

        /** The value is a template with {@code ${name}} placeholders of its own: see {@link #template()}. */
        public Builder<T> template() {
            this.template = true;
            return this;
        }

        /** A constraint beyond the type, with how to describe a valid value ("at least 1"). */
        public Builder<T> constraint(Predicate<T> predicate, String expectation) {
            this.constraint = predicate;
            this.constraintText = expectation;
            return this;
        }

        public ConfigOption<T> description(String text) {
            this.description = text;
            return new ConfigOption<>(this);
        }
    }
}

package dev.floe.engine.config;

import dev.floe.engine.spi.config.ConfigOption;
import dev.floe.engine.spi.config.ConfigProblem;
import dev.floe.engine.spi.config.ConfigSection;
import dev.floe.engine.spi.config.ConfigSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A mapping of a config file checked against its {@link ConfigSpec}: values converted to their
 * types, nested sections checked recursively, unknown keys and missing required keys reported.
 * Every problem goes to one shared list, so a file is reported in full.
 */
final class ValidatedSection implements ConfigSection {
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_.]*)(?::-([^}]*))?}");

    private final String file;
    private final String path;
    private final ConfigSpec spec;
    private final YamlTree.Mapping node;
    private final Map<String, Object> values = new LinkedHashMap<>();
    private final List<ConfigProblem> problems;

    private ValidatedSection(
            String file,
            String path,
            ConfigSpec spec,
            YamlTree.Mapping node,
            List<ConfigProblem> problems,
            Function<String, String> variables) {
        this.file = file;
        this.path = path;
        this.spec = spec;
        this.node = node;
        this.problems = problems;
        validate(variables);
    }

    /** Validates {@code node} against {@code spec}; problems are appended to {@code problems}. */
    static ValidatedSection validate(
            String file,
            String path,
            ConfigSpec spec,
            YamlTree.Mapping node,
            List<ConfigProblem> problems,
            Function<String, String> variables) {
        return new ValidatedSection(file, path, spec, node, problems, variables);
    }

    private void validate(Function<String, String> variables) {
        for (Map.Entry<String, YamlTree.Node> entry : node.entries.entrySet()) {
            String key = entry.getKey();
            YamlTree.Node value = entry.getValue();
            ConfigOption<?> option = spec.option(key);
            if (option == null) {
                String suggestion = Suggestions.closest(key, spec.options().keySet())
                        .map(s -> "; did you mean '" + s + "'?")
                        .orElse("; valid keys here: "
                                + String.join(", ", spec.options().keySet()));
                report(value.line, child(key), "unknown key '" + key + "'" + suggestion);
                continue;
            }
            if (value instanceof YamlTree.Scalar && ((YamlTree.Scalar) value).value == null) {
                if (option.required()) {
                    report(value.line, child(key), "required key has no value: " + describe(option));
                }
                continue;
            }
            switch (option.shape()) {
                case VALUE:
                    convert(option, value, variables);
                    break;
                case SECTION:
                    if (value instanceof YamlTree.Mapping) {
                        values.put(
                                key,
                                validate(
                                        file,
                                        child(key),
                                        option.nested(),
                                        (YamlTree.Mapping) value,
                                        problems,
                                        variables));
                    } else {
                        report(
                                value.line,
                                child(key),
                                "expected a mapping of keys ("
                                        + String.join(
                                                ", ", option.nested().options().keySet()) + ")");
                    }
                    break;
                case SECTION_LIST:
                    sectionList(option, value, variables);
                    break;
                default:
                    throw new IllegalStateException("unknown option shape " + option.shape());
            }
        }
        for (ConfigOption<?> option : spec.options().values()) {
            if (option.required() && !values.containsKey(option.key()) && !node.entries.containsKey(option.key())) {
                report(node.line, child(option.key()), "missing required key: " + describe(option));
            }
        }
    }

    private <T> void convert(ConfigOption<T> option, YamlTree.Node value, Function<String, String> variables) {
        Object raw = value.plain();
        try {
            if (!option.template()) {
                raw = substitute(raw, variables);
            }
            T converted = option.type().convert(raw);
            String violation = option.check(converted);
            if (violation != null) {
                report(value.line, child(option.key()), violation, shown(option, value));
            } else {
                values.put(option.key(), converted);
            }
        } catch (IllegalArgumentException e) {
            report(value.line, child(option.key()), e.getMessage(), shown(option, value));
        }
    }

    private void sectionList(ConfigOption<?> option, YamlTree.Node value, Function<String, String> variables) {
        if (!(value instanceof YamlTree.Sequence)) {
            report(value.line, child(option.key()), "expected a list of mappings");
            return;
        }
        List<ConfigSection> sections = new ArrayList<>();
        List<YamlTree.Node> elements = ((YamlTree.Sequence) value).elements;
        for (int i = 0; i < elements.size(); i++) {
            YamlTree.Node element = elements.get(i);
            String elementPath = child(option.key()) + "[" + i + "]";
            if (element instanceof YamlTree.Mapping) {
                sections.add(
                        validate(file, elementPath, option.nested(), (YamlTree.Mapping) element, problems, variables));
            } else {
                report(
                        element.line,
                        elementPath,
                        "expected a mapping of keys ("
                                + String.join(", ", option.nested().options().keySet()) + ")");
            }
        }
        values.put(option.key(), List.copyOf(sections));
    }

    /** Replaces {@code ${NAME}} and {@code ${NAME:-default}} in strings, recursively in lists and maps. */
    private static Object substitute(Object raw, Function<String, String> variables) {
        if (raw instanceof String) {
            String text = (String) raw;
            Matcher matcher = VARIABLE.matcher(text);
            if (!matcher.find()) {
                return text;
            }
            StringBuilder result = new StringBuilder();
            matcher.reset();
            while (matcher.find()) {
                String name = matcher.group(1);
                String replacement = variables.apply(name);
                if (replacement == null) {
                    replacement = matcher.group(2);
                }
                if (replacement == null) {
                    throw new IllegalArgumentException(
                            "variable ${" + name + "} is not set (write ${" + name + ":-default} for a default)");
                }
                matcher.appendReplacement(result, Matcher.quoteReplacement(replacement));
            }
            matcher.appendTail(result);
            return result.toString();
        }
        if (raw instanceof List) {
            List<Object> list = new ArrayList<>();
            for (Object element : (List<?>) raw) {
                list.add(substitute(element, variables));
            }
            return list;
        }
        if (raw instanceof Map) {
            Map<Object, Object> map = new LinkedHashMap<>();
            for (Map.Entry<?, ?> entry : ((Map<?, ?>) raw).entrySet()) {
                map.put(entry.getKey(), substitute(entry.getValue(), variables));
            }
            return map;
        }
        return raw;
    }

    private static String describe(ConfigOption<?> option) {
        return option.description();
    }

    private String child(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private void report(int line, String where, String message) {
        problems.add(new ConfigProblem(file, line, where, message));
    }

    private void report(int line, String where, String message, String value) {
        problems.add(new ConfigProblem(file, line, where, message, value));
    }

    /** The value as the file writes it, for a problem report; a secret's is redacted. */
    private static String shown(ConfigOption<?> option, YamlTree.Node value) {
        return option.secret() ? "<redacted>" : String.valueOf(value.plain());
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public ConfigSpec spec() {
        return spec;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T get(ConfigOption<T> option) {
        requireDeclared(option);
        Object value = values.get(option.key());
        if (value != null) {
            return (T) value;
        }
        if (option.shape() == ConfigOption.Shape.SECTION_LIST) {
            return (T) List.of();
        }
        if (option.shape() == ConfigOption.Shape.SECTION && option.defaultValue() == null) {
            // an absent section reads as an empty one, so its own defaults apply
            ValidatedSection empty = validate(
                    file,
                    child(option.key()),
                    option.nested(),
                    new YamlTree.Mapping(new LinkedHashMap<>(), node.line),
                    problems,
                    name -> null);
            values.put(option.key(), empty);
            return (T) empty;
        }
        return option.defaultValue();
    }

    @Override
    public boolean isSet(ConfigOption<?> option) {
        requireDeclared(option);
        return node.entries.containsKey(option.key());
    }

    @Override
    public void problem(ConfigOption<?> option, String message) {
        requireDeclared(option);
        YamlTree.Node value = node.entries.get(option.key());
        if (value == null) {
            report(node.line, child(option.key()), message);
        } else {
            report(
                    value.line,
                    child(option.key()),
                    message,
                    option.shape() == ConfigOption.Shape.VALUE ? shown(option, value) : "");
        }
    }

    /** Where {@code option}'s value is in the file (the section itself when it is absent). */
    ConfigLocation locate(ConfigOption<?> option) {
        requireDeclared(option);
        YamlTree.Node value = node.entries.get(option.key());
        return new ConfigLocation(file, value == null ? node.line : value.line, child(option.key()));
    }

    private void requireDeclared(ConfigOption<?> option) {
        if (spec.option(option.key()) != option) {
            throw new IllegalArgumentException("option " + option.key() + " is not declared by spec " + spec.name());
        }
    }

    /** Close matches for misspelled keys. */
    static final class Suggestions {
        private Suggestions() {}

        static Optional<String> closest(String key, Collection<String> candidates) {
            return candidates.stream()
                    .filter(candidate -> distance(key.toLowerCase(), candidate.toLowerCase())
                                    <= Math.max(2, key.length() / 3)
                            || candidate.equalsIgnoreCase(key.replace("-", "").replace("_", "")))
                    .min(Comparator.comparingInt(candidate -> distance(key.toLowerCase(), candidate.toLowerCase())));
        }

        static int distance(String a, String b) {
            int[] previous = new int[b.length() + 1];
            int[] current = new int[b.length() + 1];
            for (int j = 0; j <= b.length(); j++) {
                previous[j] = j;
            }
            for (int i = 1; i <= a.length(); i++) {
                current[0] = i;
                for (int j = 1; j <= b.length(); j++) {
                    int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                    current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
                }
                int[] swap = previous;
                previous = current;
                current = swap;
            }
            return previous[b.length()];
        }
    }
}

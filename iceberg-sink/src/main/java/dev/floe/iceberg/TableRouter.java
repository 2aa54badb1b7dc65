package dev.floe.iceberg;

import dev.floe.engine.spi.error.BadRecordException;
import dev.floe.engine.spi.error.FatalException;
import dev.floe.engine.spi.row.Row;
import dev.floe.engine.spi.row.RowType;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which table a row goes to: a fixed {@code namespace.table}, or a template whose {@code ${topic}}
 * and {@code ${column}} placeholders take the row's source topic and top-level column values, such
 * as {@code raw.${topic}} or {@code sales.orders_${country}}. Values become lower-case identifier
 * text: every character other than a letter, a digit or {@code _} becomes {@code _}.
 */
final class TableRouter {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
    static final String TOPIC = "topic";

    private final String template;
    /** Literal text and placeholders, alternating: literals at even indexes. */
    private final List<String> parts;

    private final Map<RowType, int[]> positions = new IdentityHashMap<>();

    private TableRouter(String template, List<String> parts) {
        this.template = template;
        this.parts = parts;
    }

    static TableRouter of(String template) {
        List<String> parts = new ArrayList<>();
        Matcher matcher = PLACEHOLDER.matcher(template);
        int last = 0;
        while (matcher.find()) {
            parts.add(template.substring(last, matcher.start()));
            parts.add(matcher.group(1));
            last = matcher.end();
        }
        parts.add(template.substring(last));
        return new TableRouter(template, List.copyOf(parts));
    }

    /** Null when {@code template} is a valid table name or template, else what is wrong. */
    static String check(String template) {
        String sample = PLACEHOLDER.matcher(template).replaceAll("x");
        if (!sample.matches("[A-Za-z0-9_]+(\\.[A-Za-z0-9_]+)+")) {
            return "expected namespace.table, where names may hold ${topic} or ${column} placeholders, got '" + template
                    + "'";
        }
        if (template.replaceAll(PLACEHOLDER.pattern(), "").contains("$")) {
            return "cannot read a placeholder in '" + template + "': write ${topic} or ${column}";
        }
        return null;
    }

    String template() {
        return template;
    }

    boolean isFixed() {
        return parts.size() == 1;
    }

    /** The placeholders' names, in order. */
    List<String> placeholders() {
        List<String> names = new ArrayList<>();
        for (int i = 1; i < parts.size(); i += 2) {
            names.add(parts.get(i));
        }
        return names;
    }

    /** Whether the namespace part holds no placeholder. */
    boolean hasFixedNamespace() {
        return namespaceOf(parts.get(0)) != null;
    }

    /** The namespace of a template whose namespace is literal, such as {@code raw} of {@code raw.${topic}}. */
    String fixedNamespace() {
        return namespaceOf(parts.get(0));
    }

    private static String namespaceOf(String literalPrefix) {
        int dot = literalPrefix.lastIndexOf('.');
        return dot < 0 ? null : literalPrefix.substring(0, dot);
    }

    /** Whether {@code name} is a table this template can produce. */
    boolean matches(String name) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < parts.size(); i++) {
            regex.append(i % 2 == 0 ? Pattern.quote(parts.get(i).toLowerCase(Locale.ROOT)) : "[a-z0-9_]+");
        }
        return name.toLowerCase(Locale.ROOT).matches(regex.toString());
    }

    /**
     * The single value a template with one placeholder routes by, or the whole name otherwise: a
     * cheap key for caching the route of a row. Allocates nothing for one placeholder.
     */
    Object routeKey(Row row) {
        if (parts.size() == 3) {
            return value(row, 0);
        }
        return tableName(row);
    }

    /** The table of {@code row}. */
    String tableName(Row row) {
        if (isFixed()) {
            return template;
        }
        StringBuilder name = new StringBuilder(parts.get(0));
        for (int i = 1; i < parts.size(); i += 2) {
            name.append(sanitize(value(row, i / 2).toString())).append(parts.get(i + 1));
        }
        return name.toString();
    }

    /** The table a route key of {@link #routeKey} stands for. */
    String tableNameOfKey(Object key) {
        if (parts.size() == 3) {
            return parts.get(0) + sanitize(key.toString()) + parts.get(2);
        }
        return (String) key;
    }

    private Object value(Row row, int placeholder) {
        String name = parts.get(2 * placeholder + 1);
        if (name.equals(TOPIC)) {
            String topic = row.originTopic();
            if (topic == null) {
                throw new BadRecordException(
                        IcebergErrorCode.ROUTE_FAILED,
                        "Cannot route a row to a table of '" + template + "': the row has no source topic");
            }
            return topic;
        }
        int position = positionsOf(row.type())[placeholder];
        if (row.isNull(position)) {
            throw new BadRecordException(
                    IcebergErrorCode.ROUTE_FAILED,
                    "Cannot route the record at " + row.originTopic() + "-" + row.originPartition() + "@"
                            + row.originOffset() + " to a table of '" + template + "': its column '" + name
                            + "' is null");
        }
        return row.get(position, Object.class);
    }

    private int[] positionsOf(RowType type) {
        int[] found = positions.get(type);
        if (found == null) {
            found = new int[parts.size() / 2];
            for (int p = 0; p < found.length; p++) {
                String name = parts.get(2 * p + 1);
                found[p] = -1;
                for (int i = 0; i < type.size() && !name.equals(TOPIC); i++) {
                    if (type.field(i).name().equals(name)) {
                        found[p] = i;
                    }
                }
                if (found[p] < 0 && !name.equals(TOPIC)) {
                    throw new FatalException(
                            IcebergErrorCode.ROUTE_FAILED,
                            "Cannot route rows to a table of '" + template + "': the records have no top-level"
                                    + " column '" + name + "' (their columns: "
                                    + type.struct().fields().stream()
                                            .map(field -> field.name())
                                            .toList()
                                    + ")");
                }
            }
            positions.put(type, found);
        }
        return found;
    }

    /** A value as identifier text: lower case, anything but letters, digits and '_' as '_'. */
    static String sanitize(String value) {
        StringBuilder text = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = Character.toLowerCase(value.charAt(i));
            text.append((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ? c : '_');
        }
        return text.toString();
    }
}

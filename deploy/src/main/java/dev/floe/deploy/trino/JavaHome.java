package dev.floe.deploy.trino;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An installed JDK and its feature release. Trino's classes are compiled for a newer Java than
 * Floe needs, so Trino often runs on another JDK than Floe: this finds one.
 *
 * @param home the JDK's home directory
 * @param feature its feature release (25 for 25.0.1)
 */
public record JavaHome(Path home, int feature) {
    /** The variable that names the JDK to run Trino with, before any installed one is looked for. */
    public static final String TRINO_JAVA_HOME = "TRINO_JAVA_HOME";

    private static final Pattern VERSION = Pattern.compile("(?m)^JAVA_VERSION=\"?(\\d+)");
    /** Where Linux distributions, macOS and SDKMAN install JDKs. */
    private static final List<String> INSTALL_DIRECTORIES =
            List.of("/usr/lib/jvm", "/usr/java", "/opt/java", "/Library/Java/JavaVirtualMachines");

    public JavaHome {
        Objects.requireNonNull(home, "home");
    }

    /** The {@code java} launcher of this JDK. */
    public Path java() {
        return home.resolve("bin").resolve("java");
    }

    /**
     * The JDK to run a program that needs Java {@code minimumFeature} or newer: the one {@code
     * TRINO_JAVA_HOME} names when it is new enough, else this JVM's, else the newest installed.
     *
     * @param environment the process environment, for {@code TRINO_JAVA_HOME}
     * @param userHome the user's home directory, for SDKMAN's JDKs
     */
    public static Optional<JavaHome> find(int minimumFeature, Map<String, String> environment, Path userHome) {
        List<Path> candidates = new ArrayList<>();
        String named = environment.get(TRINO_JAVA_HOME);
        if (named != null && !named.isBlank()) {
            Optional<JavaHome> chosen = of(Path.of(named)).filter(jdk -> jdk.feature() >= minimumFeature);
            if (chosen.isPresent()) {
                return chosen;
            }
        }
        candidates.add(Path.of(System.getProperty("java.home")));
        for (String directory : INSTALL_DIRECTORIES) {
            candidates.addAll(children(Path.of(directory)));
        }
        candidates.addAll(children(userHome.resolve(".sdkman/candidates/java")));
        return candidates.stream()
                .map(JavaHome::of)
                .flatMap(Optional::stream)
                .filter(jdk -> jdk.feature() >= minimumFeature)
                .max(Comparator.comparingInt(JavaHome::feature));
    }

    /** The JDK at {@code home} (or at {@code home/Contents/Home} on macOS), if it is one. */
    public static Optional<JavaHome> of(Path home) {
        for (Path candidate : List.of(home, home.resolve("Contents/Home"))) {
            Path release = candidate.resolve("release");
            if (Files.isRegularFile(release) && Files.isExecutable(candidate.resolve("bin/java"))) {
                try {
                    Matcher matcher = VERSION.matcher(Files.readString(release, StandardCharsets.UTF_8));
                    if (matcher.find()) {
                        int feature = Integer.parseInt(matcher.group(1));
                        // Java 8 and older call themselves 1.x
                        return Optional.of(new JavaHome(candidate.toAbsolutePath(), feature == 1 ? 8 : feature));
                    }
                } catch (IOException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    private static List<Path> children(Path directory) {
        List<Path> children = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return children;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            entries.forEach(children::add);
        } catch (IOException e) {
            // an unreadable directory holds no JDK we can use
        }
        return children;
    }
}

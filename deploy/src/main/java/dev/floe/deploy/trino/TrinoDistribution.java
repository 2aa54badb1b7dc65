package dev.floe.deploy.trino;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parts of Trino's server tarball ({@code io.trino:trino-server:<version>:tar.gz} on Maven
 * Central) that Floe runs: {@code lib/} and the Iceberg connector, unpacked once into a cache that
 * outlives builds. The whole tarball is 821 MB with every connector; these parts are about 400 MB.
 *
 * <p>Most plugin jars in the tarball are hard links to a copy in another plugin's folder, which an
 * extraction of a few folders alone cannot create. So the archive is read twice: once for the link
 * targets the wanted folders need, once to extract the wanted files and those targets to the
 * links' places.
 */
public final class TrinoDistribution {
    private static final Logger LOG = LoggerFactory.getLogger(TrinoDistribution.class);
    /** The newest trino-server on Maven Central. */
    public static final String VERSION = "476";
    /** Trino 476's classes need this Java. */
    public static final int JAVA_FEATURE = 24;

    private static final List<String> WANTED = List.of("lib/", "plugin/iceberg/");
    /** The connector's HDFS file system: Floe's tables are on S3 or local disks. */
    private static final List<String> UNWANTED = List.of("plugin/iceberg/hdfs/");

    private static final String COMPLETE = ".unpacked";

    private final Path home;

    private TrinoDistribution(Path home) {
        this.home = home;
    }

    /** Where Maven keeps the tarball once anything fetched it: the local repository. */
    public static Path archiveInLocalRepository(Path userHome) {
        return userHome.resolve(
                ".m2/repository/io/trino/trino-server/" + VERSION + "/trino-server-" + VERSION + ".tar.gz");
    }

    /** The cache directory for unpacked servers: $XDG_CACHE_HOME/floe, else ~/.cache/floe. */
    public static Path defaultCache(Map<String, String> environment, Path userHome) {
        String xdg = environment.get("XDG_CACHE_HOME");
        return (xdg == null || xdg.isBlank() ? userHome.resolve(".cache") : Path.of(xdg)).resolve("floe");
    }

    /**
     * The server unpacked under {@code cache}, unpacking {@code archive} first if it is not yet.
     * Safe when several processes do it at once: each unpacks to a directory of its own and the
     * first to rename it into place wins.
     */
    public static TrinoDistribution unpacked(Path archive, Path cache) {
        Path home = cache.resolve("trino-server-" + VERSION).toAbsolutePath();
        if (Files.exists(home.resolve(COMPLETE))) {
            return new TrinoDistribution(home);
        }
        if (!Files.isRegularFile(archive)) {
            throw new IllegalStateException("Cannot unpack Trino " + VERSION + ": " + archive + " does not exist;"
                    + " fetch it with ./mvnw dependency:get -Dartifact=io.trino:trino-server:" + VERSION
                    + ":tar.gz -Dtransitive=false");
        }
        long started = System.nanoTime();
        Path staging;
        try {
            Files.createDirectories(cache);
            staging = Files.createTempDirectory(cache, "trino-server-" + VERSION + "-unpacking-");
            Map<String, List<String>> linksByTarget = linksToFollow(archive);
            extract(archive, staging, linksByTarget);
            Files.createFile(staging.resolve(COMPLETE));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot unpack Trino from " + archive + " into " + cache + ": " + e, e);
        }
        try {
            Files.move(staging, home, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
            // another process was faster; its copy is as good
            delete(staging);
        } catch (IOException e) {
            if (!Files.exists(home.resolve(COMPLETE))) {
                throw new UncheckedIOException("Cannot move the unpacked Trino to " + home + ": " + e, e);
            }
            delete(staging);
        }
        LOG.info("Unpacked Trino {} into {} in {} s", VERSION, home, (System.nanoTime() - started) / 1_000_000_000);
        return new TrinoDistribution(home);
    }

    public Path home() {
        return home;
    }

    public Path lib() {
        return home.resolve("lib");
    }

    public Path pluginDirectory() {
        return home.resolve("plugin");
    }

    private static boolean wanted(String name) {
        return WANTED.stream().anyMatch(name::startsWith) && UNWANTED.stream().noneMatch(name::startsWith);
    }

    /** The tarball's names without its top folder ({@code trino-server-476/}). */
    private static String relative(String name) {
        int slash = name.indexOf('/');
        return slash < 0 ? "" : name.substring(slash + 1);
    }

    /** For every hard link target outside the wanted folders, the wanted links to it. */
    private static Map<String, List<String>> linksToFollow(Path archive) throws IOException {
        Map<String, List<String>> linksByTarget = new HashMap<>();
        try (TarArchiveInputStream tar = open(archive)) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                String name = relative(entry.getName());
                if (entry.isLink() && wanted(name)) {
                    String target = relative(entry.getLinkName());
                    if (!wanted(target)) {
                        linksByTarget
                                .computeIfAbsent(target, t -> new ArrayList<>())
                                .add(name);
                    }
                }
            }
        }
        return linksByTarget;
    }

    private static void extract(Path archive, Path root, Map<String, List<String>> linksByTarget) throws IOException {
        try (TarArchiveInputStream tar = open(archive)) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                String name = relative(entry.getName());
                if (entry.isDirectory()) {
                    if (wanted(name)) {
                        Files.createDirectories(root.resolve(name));
                    }
                } else if (entry.isLink()) {
                    String target = relative(entry.getLinkName());
                    if (wanted(name) && wanted(target)) {
                        copyOrLink(root.resolve(target), root.resolve(name));
                    }
                    // a link to a target outside the wanted folders was written with its target
                } else if (entry.isFile()) {
                    List<String> destinations = new ArrayList<>();
                    if (wanted(name)) {
                        destinations.add(name);
                    }
                    destinations.addAll(linksByTarget.getOrDefault(name, List.of()));
                    if (destinations.isEmpty()) {
                        continue;
                    }
                    Path first = root.resolve(destinations.get(0));
                    Files.createDirectories(first.getParent());
                    Files.copy(tar, first, StandardCopyOption.REPLACE_EXISTING);
                    for (String other : destinations.subList(1, destinations.size())) {
                        copyOrLink(first, root.resolve(other));
                    }
                }
            }
        }
    }

    private static void copyOrLink(Path existing, Path link) throws IOException {
        Files.createDirectories(link.getParent());
        try {
            Files.createLink(link, existing);
        } catch (UnsupportedOperationException | IOException e) {
            Files.copy(existing, link, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static TarArchiveInputStream open(Path archive) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(archive), 1 << 16);
        return new TarArchiveInputStream(new GZIPInputStream(in, 1 << 16));
    }

    private static void delete(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            LOG.warn("Cannot delete {}: {}", directory, e.toString());
        }
    }
}

package dev.floe.it.node;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An npm project under it/target made from files on the test class path, installed with the
 * machine's npm from the npm registry (once per build: reused while its package.json is unchanged),
 * whose scripts the tests run with the machine's Node.js.
 */
public final class NodeProject {
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(10);

    private final Path directory;

    private NodeProject(Path directory) {
        this.directory = directory;
    }

    /**
     * Copies {@code files} from the class path folder {@code resources} into {@code directory} and
     * installs the dependencies of its package.json unless that exact package.json is installed.
     */
    public static NodeProject prepare(String resources, List<String> files, Path directory)
            throws IOException, InterruptedException {
        String nodeVersion = toolVersion("node");
        String npmVersion = toolVersion("npm");
        Path project = directory.toAbsolutePath();
        Files.createDirectories(project);
        for (String file : files) {
            try (InputStream in = NodeProject.class.getResourceAsStream("/" + resources + "/" + file)) {
                if (in == null) {
                    fail("No " + file + " in " + resources + " on the test class path");
                }
                Files.copy(in, project.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Path installed = project.resolve(".installed-package.json");
        byte[] wanted = Files.readAllBytes(project.resolve("package.json"));
        if (Files.exists(installed)
                && Arrays.equals(Files.readAllBytes(installed), wanted)
                && Files.isDirectory(project.resolve("node_modules"))) {
            return new NodeProject(project);
        }
        Path log = project.resolve("npm-install.log");
        // install scripts would only build optional native helpers that no test uses
        int status =
                run(project, log, INSTALL_TIMEOUT, "npm", "install", "--no-audit", "--no-fund", "--ignore-scripts");
        if (status != 0) {
            fail("Cannot install the npm packages of " + project + " with node " + nodeVersion + " and npm "
                    + npmVersion + ": npm exited with " + status + "\n" + Files.readString(log));
        }
        Files.write(installed, wanted);
        return new NodeProject(project);
    }

    public Path directory() {
        return directory;
    }

    /**
     * Runs {@code node script arguments...} in the project and returns the lines it printed; fails
     * with what it wrote to its standard error when it exits non-zero or outlasts {@code timeout}.
     */
    public List<String> runScript(String script, Duration timeout, String... arguments)
            throws IOException, InterruptedException {
        Path output = directory.resolve(script + ".out");
        Path errors = directory.resolve(script + ".err");
        List<String> command = new ArrayList<>(List.of("node", script));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectOutput(output.toFile())
                .redirectError(errors.toFile())
                .start();
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("Cannot run " + script + ": it did not finish within " + timeout.toSeconds() + " s\n"
                    + Files.readString(errors));
        }
        if (process.exitValue() != 0) {
            fail("Cannot run " + script + " " + String.join(" ", arguments) + ": node exited with "
                    + process.exitValue() + "\n" + Files.readString(errors));
        }
        return Files.readAllLines(output, StandardCharsets.UTF_8);
    }

    /** The version a tool prints, or a failure that says the tool is missing and where CI has it. */
    private static String toolVersion(String tool) throws InterruptedException, IOException {
        Path output = Files.createTempFile("floe-" + tool, ".version");
        try {
            int status = run(Path.of("."), output, Duration.ofSeconds(60), tool, "--version");
            if (status != 0) {
                fail("Cannot run '" + tool + " --version': it exited with " + status);
            }
            return Files.readString(output).strip();
        } catch (IOException e) {
            return fail(tool + " is not on the PATH (" + e.getMessage() + "). The tests need Node.js 20 or newer"
                    + " with npm, as CI has; on Debian: apt-get install nodejs npm");
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private static int run(Path directory, Path log, Duration timeout, String... command)
            throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("Cannot run '" + String.join(" ", command) + "': it did not finish within " + timeout.toSeconds()
                    + " s");
        }
        return process.exitValue();
    }
}

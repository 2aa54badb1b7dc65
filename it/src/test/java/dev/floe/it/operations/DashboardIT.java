package dev.floe.it.operations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.deploy.demo.OrdersGenerator;
import dev.floe.deploy.demo.OrdersGeneratorSettings;
import dev.floe.deploy.kafka.EmbeddedKafkaBroker;
import dev.floe.deploy.registry.EmbeddedSchemaRegistry;
import dev.floe.engine.FloeRuntime;
import dev.floe.engine.cli.Sinks;
import dev.floe.engine.config.ConfigLoader;
import dev.floe.engine.config.FloeConfig;
import dev.floe.engine.config.HttpConfig;
import dev.floe.engine.http.FloeHttpServer;
import dev.floe.it.servers.EmbeddedServers;
import dev.floe.it.servers.EmbeddedServersExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard in a real browser: headless Chromium (Debian's chromium and chromedriver) opens the
 * page Floe serves while orders stream in, and sees the pipeline, its throughput and a committed
 * checkpoint. The screenshot is saved as target/dashboard.png.
 */
@ExtendWith(EmbeddedServersExtension.class)
class DashboardIT {
    private static final Logger LOG = LoggerFactory.getLogger(DashboardIT.class);
    private static final String TOPIC = "dashboard-orders";
    private static final String PIPELINE = "dashboard-orders";
    private static final List<Path> BROWSERS = List.of(
            Path.of("/usr/bin/chromium"), Path.of("/usr/bin/chromium-browser"), Path.of("/usr/bin/google-chrome"));
    private static final List<Path> DRIVERS =
            List.of(Path.of("/usr/bin/chromedriver"), Path.of("/usr/lib/chromium/chromedriver"));

    private final EmbeddedKafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;
    private final Path directory;

    DashboardIT(EmbeddedKafkaBroker broker, EmbeddedSchemaRegistry registry, EmbeddedServers servers) {
        this.broker = broker;
        this.registry = registry;
        this.directory = servers.newDirectory("dashboard");
    }

    private static Path firstExisting(List<Path> candidates) {
        return candidates.stream().filter(Files::isExecutable).findFirst().orElse(null);
    }

    /** The text of the element at {@code css} in {@code parent}, found afresh until it is not stale. */
    private static String text(WebDriverWait wait, WebElement parent, String css) {
        return wait.until(d -> parent.findElement(By.cssSelector(css)).getText());
    }

    @Test
    void showsThePipelineItsThroughputAndACommittedCheckpointLive() throws Exception {
        Path browser = firstExisting(BROWSERS);
        Path driverBinary = firstExisting(DRIVERS);
        if (browser == null || driverBinary == null) {
            LOG.error(
                    "SKIPPING the dashboard browser test: no Chromium ({}) or chromedriver ({}) on this machine;"
                            + " install Debian's chromium and chromium-driver packages",
                    BROWSERS,
                    DRIVERS);
        }
        Assumptions.assumeTrue(
                browser != null && driverBinary != null,
                "no Chromium and chromedriver found in " + BROWSERS + " and " + DRIVERS);

        String yaml = """
                kafka:
                  bootstrapServers: %s
                schemaRegistry:
                  url: %s
                catalog:
                  name: dashboard
                  type: jdbc
                  uri: jdbc:sqlite:%s
                  warehouse: %s
                checkpoints:
                  interval: 1s
                  storage: %s
                pipelines:
                  - id: %s
                    parallelism: 2
                    source:
                      topics: [%s]
                      startFrom: earliest
                    sink:
                      table: dashboard.orders
                """.formatted(
                        broker.bootstrapServers(),
                        registry.url(),
                        directory.resolve("catalog.db"),
                        directory.resolve("warehouse").toUri(),
                        directory.resolve("checkpoints"),
                        PIPELINE,
                        TOPIC);
        FloeConfig config = new ConfigLoader(Sinks.installed(), name -> null, 2).parse("dashboard.yaml", yaml);
        AtomicBoolean producing = new AtomicBoolean(true);
        try (OrdersGenerator generator = OrdersGenerator.start(
                        OrdersGeneratorSettings.of(broker.bootstrapServers(), registry.url(), TOPIC)
                                .withPartitions(2)
                                .withMalformedFraction(0.01));
                FloeRuntime runtime = FloeRuntime.start(config, Clock.systemUTC());
                FloeHttpServer server = FloeHttpServer.start(runtime, HttpConfig.open(0), Clock.systemUTC())) {
            // orders keep coming while the page is open, so it has throughput to show
            CompletableFuture<Void> production = CompletableFuture.runAsync(() -> {
                while (producing.get()) {
                    generator.produce(2_000);
                }
            });
            ChromeOptions options = new ChromeOptions()
                    .setBinary(browser.toFile())
                    .addArguments(
                            "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,2000");
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(driverBinary.toFile())
                    .usingAnyFreePort()
                    .build();
            ChromeDriver driver = new ChromeDriver(service, options);
            try {
                driver.get(server.url() + "/");
                // the page re-renders a pipeline's tables on every refresh: a found cell may go stale
                WebDriverWait wait = new WebDriverWait(driver, Duration.ofMinutes(2), Duration.ofMillis(500));
                wait.ignoring(StaleElementReferenceException.class);
                By section = By.cssSelector("section[data-pipeline='" + PIPELINE + "']");
                WebElement pipeline =
                        wait.until(d -> d.findElements(section).isEmpty() ? null : d.findElement(section));
                wait.until(d -> text(wait, pipeline, ".state").equals("RUNNING"));
                wait.until(
                        d -> !text(wait, pipeline, "[data-kpi='throughput'] b").equals("0/s"));
                wait.until(d -> !pipeline.findElements(
                                By.xpath(".//tr[contains(@class,'checkpoint-row')][td[2][text()='COMMITTED']]"))
                        .isEmpty());
                wait.until(d ->
                        !pipeline.findElements(By.cssSelector("tr.table-row")).isEmpty());
                wait.until(d -> pipeline.findElements(By.cssSelector(".throughput-chart canvas"))
                                .size()
                        == 1);

                assertThat(text(wait, pipeline, ".name")).isEqualTo(PIPELINE);
                assertThat(text(wait, pipeline, "[data-kpi='records-in'] b")).isNotEqualTo("0");
                assertThat(text(wait, pipeline, "tr.table-row td")).isEqualTo("dashboard.orders");
                Integer operatorRows = wait.until(d ->
                        pipeline.findElements(By.cssSelector(".operators tr")).size());
                assertThat(operatorRows)
                        .as("a header and one row per source subtask")
                        .isEqualTo(3);
                assertThat(driver.findElement(By.id("connection")).getText()).startsWith("live");

                Path screenshot = Path.of("target", "dashboard.png");
                Files.createDirectories(screenshot.getParent());
                Files.write(screenshot, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
                LOG.info("Dashboard screenshot in {}", screenshot.toAbsolutePath());
            } finally {
                driver.quit();
                producing.set(false);
                production.join();
            }
        }
    }
}

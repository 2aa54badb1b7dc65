package dev.floe.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The config validates itself whole, and shows no secret. */
class RegistryClientConfigTest {
    private static final String PASSWORD = "pa55-word";
    private static final String TOKEN = "eyJ-token";
    private static final String API_KEY = "key-8c1f";

    @Test
    void theFirstReleasesConstructorStillWorksWithDefaultsForTheRest() {
        RegistryClientConfig config = new RegistryClientConfig(
                List.of(URI.create("http://registry:8081")),
                RegistryCredentials.NONE,
                Map.of(),
                Duration.ofSeconds(3),
                5,
                Duration.ofMillis(100),
                Duration.ofSeconds(5));

        assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.tls()).isEqualTo(RegistryTls.DEFAULT);
        assertThat(config.cache()).isEqualTo(SchemaCacheConfig.DEFAULT);
    }

    @Test
    void toStringShowsNoSecret() {
        RegistryClientConfig config = RegistryClientConfig.of("https://registry:8081")
                .withCredentials(new RegistryCredentials.Basic("alice", PASSWORD))
                .withHeaders(Map.of("X-Api-Key", API_KEY))
                .withTls(new RegistryTls(
                        new RegistryTls.KeyStoreIdentity(Path.of("client.p12"), "PKCS12", PASSWORD),
                        new RegistryTls.KeyStoreTrust(Path.of("trust.p12"), "PKCS12", PASSWORD)));
        RegistryClientConfig bearer = RegistryClientConfig.of("https://registry:8081")
                .withCredentials(new RegistryCredentials.Bearer(TOKEN))
                .withTls(new RegistryTls(
                        new RegistryTls.PemIdentity(Path.of("chain.pem"), Path.of("key.pem"), PASSWORD),
                        new RegistryTls.PemTrust(Path.of("ca.pem"))));

        assertThat(config.toString())
                .contains("alice", "X-Api-Key", "client.p12", "trust.p12")
                .doesNotContain(PASSWORD, API_KEY);
        assertThat(bearer.toString()).contains("key.pem").doesNotContain(TOKEN, PASSWORD);
        assertThat(new RegistryCredentials.Bearer(TOKEN).description()).doesNotContain(TOKEN);
    }

    @Test
    void aUrlWithUserInfoIsRefusedWithoutRepeatingIt() {
        Throwable thrown = catchThrowable(() -> RegistryClientConfig.of("http://alice:" + PASSWORD + "@registry:8081"));

        assertThat(thrown)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Cannot configure the schema registry client: URL http://***@registry carries user info;"
                        + " set the credentials instead");
    }

    @Test
    void refusesWhatCannotWork() {
        assertThat(invalid(() -> RegistryClientConfig.of(List.of())))
                .isEqualTo("Cannot configure the schema registry client: at least one URL is needed");
        assertThat(invalid(() -> RegistryClientConfig.of("ftp://registry")))
                .isEqualTo("Cannot configure the schema registry client: URL ftp://registry must start with http://"
                        + " or https://");
        assertThat(invalid(() -> RegistryClientConfig.of("http://registry").withHeaders(Map.of("Host", "x"))))
                .isEqualTo("Cannot configure the schema registry client: header Host is set by the client itself");
        assertThat(invalid(() -> RegistryClientConfig.of("http://registry")
                        .withCredentials(new RegistryCredentials.Bearer(TOKEN))
                        .withHeaders(Map.of("Authorization", "Basic x"))))
                .isEqualTo("Cannot configure the schema registry client: header Authorization would replace the"
                        + " configured credentials; set one of them");
        assertThat(invalid(() -> RegistryClientConfig.of("http://registry")
                        .withRetries(3, Duration.ofSeconds(2), Duration.ofSeconds(1))))
                .isEqualTo("Cannot configure the schema registry client: maxBackoff (PT1S) must not be shorter than"
                        + " initialBackoff (PT2S)");
        assertThat(invalid(() ->
                        RegistryClientConfig.of("http://registry").withTimeouts(Duration.ZERO, Duration.ofSeconds(1))))
                .isEqualTo("Cannot configure the schema registry client: connectTimeout must be positive, got PT0S");
        assertThat(invalid(() -> RegistryClientConfig.of("http://registry")
                        .withTls(new RegistryTls(
                                new RegistryTls.NoIdentity(), new RegistryTls.PemTrust(Path.of("ca.pem"))))))
                .isEqualTo("Cannot configure the schema registry client: TLS settings are given but no URL is https");
        assertThat(invalid(() -> new SchemaCacheConfig(0, 1, 1, Duration.ZERO, Duration.ZERO)))
                .isEqualTo("Cannot configure the schema cache: maxSchemas must be at least 1, got 0");
        assertThat(invalid(() -> SchemaCacheConfig.DEFAULT.withUnknownIdTtl(Duration.ofSeconds(-1))))
                .isEqualTo("Cannot configure the schema cache: unknownIdTtl must not be negative, got PT-1S");
    }

    private static String invalid(Runnable construction) {
        Throwable thrown = catchThrowable(construction::run);
        assertThat(thrown).isInstanceOf(IllegalArgumentException.class);
        return thrown.getMessage();
    }
}

package dev.floe.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.floe.registry.TestingRegistryServer.Response;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutual TLS against an HTTPS fake registry that refuses clients without a certificate signed by
 * the test's own authority, with the client's identity and trust from each supported source.
 */
class MutualTlsTest {
    @TempDir
    static Path directory;

    private static TestingCertificates certificates;
    private static TestingRegistryServer server;

    @BeforeAll
    static void start() throws IOException, GeneralSecurityException {
        certificates = new TestingCertificates(directory);
        server = TestingRegistryServer.httpsRequiringClientCertificate(certificates.serverContext);
        server.route("GET", "/subjects", Response.json("[\"orders-value\"]"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void presentsAPkcs12ClientCertificateAndTrustsAPkcs12TrustStore() {
        RegistryTls tls = new RegistryTls(
                new RegistryTls.KeyStoreIdentity(
                        certificates.clientPkcs12, "PKCS12", TestingCertificates.STORE_PASSWORD),
                new RegistryTls.KeyStoreTrust(certificates.trustPkcs12, "PKCS12", TestingCertificates.STORE_PASSWORD));

        assertHandshake(server.url(), tls);
    }

    @Test
    void presentsAJksClientCertificateWhoseKeyHasItsOwnPassword() {
        RegistryTls tls = new RegistryTls(
                new RegistryTls.KeyStoreIdentity(
                        certificates.clientJks,
                        "JKS",
                        TestingCertificates.STORE_PASSWORD,
                        TestingCertificates.KEY_PASSWORD),
                new RegistryTls.KeyStoreTrust(certificates.trustJks, "JKS", TestingCertificates.STORE_PASSWORD));

        assertHandshake(server.urlByName(), tls);
    }

    @Test
    void presentsAPemClientCertificateAndTrustsAPemAuthority() {
        RegistryTls tls = new RegistryTls(
                new RegistryTls.PemIdentity(certificates.clientChainPem, certificates.clientKeyPem),
                new RegistryTls.PemTrust(certificates.caPem));

        assertHandshake(server.url(), tls);
    }

    @Test
    void opensAnEncryptedPemKeyWithItsPassword() {
        RegistryTls tls = new RegistryTls(
                new RegistryTls.PemIdentity(
                        certificates.clientChainPem,
                        certificates.clientEncryptedKeyPem,
                        TestingCertificates.KEY_PASSWORD),
                new RegistryTls.KeyStoreTrust(certificates.trustPkcs12, "PKCS12", TestingCertificates.STORE_PASSWORD));

        assertHandshake(server.url(), tls);
    }

    @Test
    void anUntrustedServerIsAnAuthenticationFailureWithoutRetries() {
        RegistryTls tls = new RegistryTls(
                new RegistryTls.KeyStoreIdentity(
                        certificates.clientPkcs12, "PKCS12", TestingCertificates.STORE_PASSWORD),
                new RegistryTls.SystemTrust());
        int before = server.requests().size();

        Throwable thrown = catchThrowable(() -> subjects(server.url(), tls));

        assertThat(thrown)
                .isInstanceOf(RegistryAuthenticationException.class)
                .hasMessageStartingWith("Cannot list the subjects: " + server.url() + ": the TLS handshake failed (")
                .hasMessageEndingWith("; check the client certificate and the trusted certificates");
        assertThat(server.requests()).hasSize(before);
    }

    @Test
    void withoutAClientCertificateTheServerClosesTheConnectionAndTheMessageSaysWhy() {
        RegistryTls tls = new RegistryTls(new RegistryTls.NoIdentity(), new RegistryTls.PemTrust(certificates.caPem));
        int before = server.requests().size();

        Throwable thrown = catchThrowable(() -> subjects(server.url(), tls));

        // TLS 1.3: the server closes the connection after the handshake, which is retried
        assertThat(thrown)
                .isInstanceOf(RegistryUnavailableException.class)
                .hasMessageContaining(server.url().toString())
                .hasMessageContaining("the registry asked for a client certificate signed by [CN=floe-test-ca] and"
                        + " none is configured");
        assertThat(server.requests()).hasSize(before);
    }

    @Test
    void aWrongKeyStorePasswordFailsTheClientWithoutShowingAnyPassword() {
        String wrong = "not-the-password";
        RegistryTls tls = new RegistryTls(
                new RegistryTls.KeyStoreIdentity(certificates.clientPkcs12, "PKCS12", wrong),
                new RegistryTls.SystemTrust());

        Throwable thrown = catchThrowable(() -> subjects(server.url(), tls));

        assertThat(thrown)
                .isInstanceOf(RegistryConfigurationException.class)
                .hasMessageStartingWith(
                        "Cannot load the client certificate key store " + certificates.clientPkcs12 + ": ");
        assertThat(thrown.getMessage()).doesNotContain(wrong).doesNotContain(TestingCertificates.STORE_PASSWORD);
    }

    @Test
    void aMissingTrustStoreIsNamed() {
        Path missing = directory.resolve("missing.p12");
        RegistryTls tls = new RegistryTls(
                new RegistryTls.NoIdentity(), new RegistryTls.KeyStoreTrust(missing, "PKCS12", "secret"));

        assertThat(catchThrowable(() -> subjects(server.url(), tls)))
                .isInstanceOf(RegistryConfigurationException.class)
                .hasMessage("Cannot load the trust store " + missing + ": no such file");
    }

    @Test
    void aPrivateKeyThatIsNotPkcs8SaysHowToConvertIt() throws IOException {
        Path rsa = Files.writeString(
                directory.resolve("rsa-key.pem"),
                TestingCertificates.pem("RSA PRIVATE KEY", new byte[] {1, 2, 3}),
                StandardCharsets.US_ASCII);
        RegistryTls tls = new RegistryTls(
                new RegistryTls.PemIdentity(certificates.clientChainPem, rsa), new RegistryTls.SystemTrust());

        assertThat(catchThrowable(() -> subjects(server.url(), tls)))
                .isInstanceOf(RegistryConfigurationException.class)
                .hasMessage("Cannot load the client private key " + rsa + ": expected one PKCS#8 PEM block (BEGIN"
                        + " PRIVATE KEY or BEGIN ENCRYPTED PRIVATE KEY), got 0; found RSA PRIVATE KEY (convert other"
                        + " formats with: openssl pkcs8 -topk8 -in key.pem)");
    }

    @Test
    void anEncryptedKeyWithTheWrongPasswordIsNamed() {
        RegistryTls tls = new RegistryTls(
                new RegistryTls.PemIdentity(
                        certificates.clientChainPem, certificates.clientEncryptedKeyPem, "wrong-pass"),
                new RegistryTls.SystemTrust());

        Throwable thrown = catchThrowable(() -> subjects(server.url(), tls));

        assertThat(thrown)
                .isInstanceOf(RegistryConfigurationException.class)
                .hasMessageStartingWith("Cannot load the client private key " + certificates.clientEncryptedKeyPem);
        assertThat(thrown.getMessage()).doesNotContain("wrong-pass").doesNotContain(TestingCertificates.KEY_PASSWORD);
    }

    private static void assertHandshake(URI url, RegistryTls tls) {
        int before = server.requests().size();

        assertThat(subjects(url, tls)).containsExactly("orders-value");

        assertThat(server.requests()).hasSize(before + 1);
        assertThat(server.requests().get(before).clientCertificate()).isEqualTo(TestingCertificates.CLIENT_NAME);
    }

    private static List<String> subjects(URI url, RegistryTls tls) {
        RegistryClientConfig config = RegistryClientConfig.of(url.toString())
                .withTls(tls)
                .withRetries(1, Duration.ofMillis(1), Duration.ofMillis(2));
        try (HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(config)) {
            return client.subjects();
        }
    }
}

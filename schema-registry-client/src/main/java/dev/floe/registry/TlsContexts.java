package dev.floe.registry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Builds the {@link SSLContext} of a {@link RegistryTls}: key managers from the client's identity,
 * trust managers from its trusted certificates. Every failure names the file and never a password.
 */
final class TlsContexts {
    private static final String IN_MEMORY_TYPE = "PKCS12";
    private static final String CLIENT_ALIAS = "schema-registry-client";
    /** Protects a key only inside a key store that lives in this process's memory. */
    private static final String IN_MEMORY_PASSWORD = "in-memory";

    private TlsContexts() {}

    /**
     * The context for {@code tls}, with the key manager that observes its certificate requests.
     *
     * @throws RegistryConfigurationException when a file is missing, unreadable or refuses its
     *     password
     */
    static ClientTls create(RegistryTls tls) {
        ObservingKeyManager keyManager = new ObservingKeyManager(keyManager(tls.identity()));
        TrustManager[] trustManagers = trustManagers(tls.trust());
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[] {keyManager}, trustManagers, null);
            return new ClientTls(context, keyManager);
        } catch (GeneralSecurityException e) {
            throw new RegistryConfigurationException(
                    "Cannot create the TLS context of the schema registry client: " + e.getMessage(), e);
        }
    }

    /** The client's TLS context, and its key manager. */
    record ClientTls(SSLContext context, ObservingKeyManager keyManager) {}

    /** The key manager of the client's certificate, or null for none. */
    private static X509ExtendedKeyManager keyManager(RegistryTls.Identity identity) {
        if (identity instanceof RegistryTls.NoIdentity) {
            return null;
        }
        if (identity instanceof RegistryTls.KeyStoreIdentity store) {
            String what = "the client certificate key store " + store.path();
            KeyStore keyStore = load(what, store.path(), store.type(), store.storePassword());
            return keyManager(what, keyStore, store.keyPassword());
        }
        RegistryTls.PemIdentity pem = (RegistryTls.PemIdentity) identity;
        List<X509Certificate> chain = certificates("client certificate chain", pem.certificateChain());
        PrivateKey key;
        try {
            key = PemFiles.privateKey(pem.privateKey(), pem.privateKeyPassword());
        } catch (IOException | GeneralSecurityException e) {
            throw cannotLoad("the client private key " + pem.privateKey(), e);
        }
        String what = "the client certificate " + pem.certificateChain() + " with key " + pem.privateKey();
        KeyStore keyStore = emptyKeyStore();
        try {
            keyStore.setKeyEntry(
                    CLIENT_ALIAS, key, IN_MEMORY_PASSWORD.toCharArray(), chain.toArray(new X509Certificate[0]));
        } catch (GeneralSecurityException e) {
            throw cannotLoad(what, e);
        }
        return keyManager(what, keyStore, IN_MEMORY_PASSWORD);
    }

    private static TrustManager[] trustManagers(RegistryTls.Trust trust) {
        KeyStore trusted;
        if (trust instanceof RegistryTls.SystemTrust) {
            return null;
        } else if (trust instanceof RegistryTls.KeyStoreTrust store) {
            trusted = load("the trust store " + store.path(), store.path(), store.type(), store.password());
        } else {
            RegistryTls.PemTrust pem = (RegistryTls.PemTrust) trust;
            trusted = emptyKeyStore();
            List<X509Certificate> certificates = certificates("trusted certificates", pem.certificates());
            try {
                for (int i = 0; i < certificates.size(); i++) {
                    trusted.setCertificateEntry("trusted-" + i, certificates.get(i));
                }
            } catch (GeneralSecurityException e) {
                throw cannotLoad("the trusted certificates " + pem.certificates(), e);
            }
        }
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trusted);
            return factory.getTrustManagers();
        } catch (GeneralSecurityException e) {
            throw cannotLoad("the trusted certificates", e);
        }
    }

    private static X509ExtendedKeyManager keyManager(String what, KeyStore keyStore, String keyPassword) {
        try {
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(keyStore, keyPassword.toCharArray());
            for (KeyManager keyManager : factory.getKeyManagers()) {
                if (keyManager instanceof X509ExtendedKeyManager x509) {
                    return x509;
                }
            }
            throw new GeneralSecurityException("the JDK gave no X.509 key manager");
        } catch (GeneralSecurityException e) {
            throw cannotLoad(what, e);
        }
    }

    private static KeyStore load(String what, Path path, String type, String password) {
        try (InputStream in = Files.newInputStream(path)) {
            KeyStore keyStore = KeyStore.getInstance(type);
            keyStore.load(in, password.toCharArray());
            return keyStore;
        } catch (IOException | GeneralSecurityException e) {
            throw cannotLoad(what, e);
        }
    }

    private static List<X509Certificate> certificates(String what, Path path) {
        try {
            return PemFiles.certificates(path);
        } catch (IOException | GeneralSecurityException e) {
            throw cannotLoad("the " + what + " " + path, e);
        }
    }

    private static KeyStore emptyKeyStore() {
        try {
            KeyStore keyStore = KeyStore.getInstance(IN_MEMORY_TYPE);
            keyStore.load(null, null);
            return keyStore;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no " + IN_MEMORY_TYPE + " key store", e);
        }
    }

    private static RegistryConfigurationException cannotLoad(String what, Exception cause) {
        String reason = cause instanceof NoSuchFileException
                ? "no such file"
                : cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return new RegistryConfigurationException("Cannot load " + what + ": " + reason, cause);
    }
}

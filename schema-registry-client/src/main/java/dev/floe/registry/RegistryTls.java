package dev.floe.registry;

import java.nio.file.Path;
import java.util.Objects;

/**
 * TLS towards the registry: the client's own certificate (for mutual TLS) and the certificates it
 * trusts. Each comes from a key store file (PKCS12 or JKS, with passwords) or from PEM files, in
 * any combination. The files are read once, when the client is built. {@link #toString()} never
 * shows a password.
 *
 * @param identity the certificate and private key the client presents, if any
 * @param trust the certificates that may sign the registry's certificate
 */
public record RegistryTls(Identity identity, Trust trust) {
    /** No client certificate; the JDK's default trusted certificates. */
    public static final RegistryTls DEFAULT = new RegistryTls(new NoIdentity(), new SystemTrust());

    public RegistryTls {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(trust, "trust");
    }

    /** Whether this differs from the JDK's defaults, so that the client needs its own TLS context. */
    boolean isCustom() {
        return !(identity instanceof NoIdentity && trust instanceof SystemTrust);
    }

    /** The certificate and private key the client presents to the registry. */
    public sealed interface Identity permits NoIdentity, KeyStoreIdentity, PemIdentity {}

    /** The certificates the client trusts to sign the registry's certificate. */
    public sealed interface Trust permits SystemTrust, KeyStoreTrust, PemTrust {}

    /** No client certificate. */
    public record NoIdentity() implements Identity {}

    /**
     * A key store file holding one private key entry with its certificate chain.
     *
     * @param path the key store file
     * @param type {@code PKCS12} or {@code JKS}
     * @param storePassword the key store's password
     * @param keyPassword the private key's password; for PKCS12 usually the store password
     */
    public record KeyStoreIdentity(Path path, String type, String storePassword, String keyPassword)
            implements Identity {
        public KeyStoreIdentity {
            Objects.requireNonNull(path, "path");
            type = keyStoreType(type);
            Objects.requireNonNull(storePassword, "storePassword");
            Objects.requireNonNull(keyPassword, "keyPassword");
        }

        /** A key store whose key has the store's password, as PKCS12 files have. */
        public KeyStoreIdentity(Path path, String type, String storePassword) {
            this(path, type, storePassword, storePassword);
        }

        @Override
        public String toString() {
            return "KeyStoreIdentity[path=" + path + ", type=" + type + ", storePassword=***, keyPassword=***]";
        }
    }

    /**
     * PEM files: the certificate chain (the client's certificate first) and its PKCS#8 private key.
     *
     * @param certificateChain the file with the {@code CERTIFICATE} blocks
     * @param privateKey the file with one {@code PRIVATE KEY} or {@code ENCRYPTED PRIVATE KEY} block
     * @param privateKeyPassword the password of an encrypted key; empty for an unencrypted one
     */
    public record PemIdentity(Path certificateChain, Path privateKey, String privateKeyPassword) implements Identity {
        public PemIdentity {
            Objects.requireNonNull(certificateChain, "certificateChain");
            Objects.requireNonNull(privateKey, "privateKey");
            Objects.requireNonNull(privateKeyPassword, "privateKeyPassword");
        }

        /** An unencrypted private key. */
        public PemIdentity(Path certificateChain, Path privateKey) {
            this(certificateChain, privateKey, "");
        }

        @Override
        public String toString() {
            return "PemIdentity[certificateChain=" + certificateChain + ", privateKey=" + privateKey
                    + ", privateKeyPassword=***]";
        }
    }

    /** The JDK's default trusted certificates. */
    public record SystemTrust() implements Trust {}

    /**
     * A trust store file: every certificate in it is trusted.
     *
     * @param path the trust store file
     * @param type {@code PKCS12} or {@code JKS}
     * @param password the trust store's password
     */
    public record KeyStoreTrust(Path path, String type, String password) implements Trust {
        public KeyStoreTrust {
            Objects.requireNonNull(path, "path");
            type = keyStoreType(type);
            Objects.requireNonNull(password, "password");
        }

        @Override
        public String toString() {
            return "KeyStoreTrust[path=" + path + ", type=" + type + ", password=***]";
        }
    }

    /**
     * A PEM file of trusted certificates (a CA bundle).
     *
     * @param certificates the file with one or more {@code CERTIFICATE} blocks
     */
    public record PemTrust(Path certificates) implements Trust {
        public PemTrust {
            Objects.requireNonNull(certificates, "certificates");
        }
    }

    private static String keyStoreType(String type) {
        Objects.requireNonNull(type, "type");
        if (type.isBlank()) {
            throw new IllegalArgumentException("a key store type (PKCS12 or JKS) must not be blank");
        }
        return type.strip();
    }
}

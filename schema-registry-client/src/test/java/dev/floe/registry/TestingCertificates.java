package dev.floe.registry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.PBEParameterSpec;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throw-away certificate authority with a server and a client certificate, written as the files
 * a user would configure (PKCS12 and JKS stores, PEM files). Certificates are built with the JDK
 * alone: a few DER structures signed with {@link Signature}, in milliseconds.
 */
final class TestingCertificates {
    static final String STORE_PASSWORD = "store-pass-4711";
    static final String KEY_PASSWORD = "key-pass-0815";
    static final String CLIENT_NAME = "CN=floe-client";

    private static final String SIGNATURE = "SHA256withECDSA";
    private static final String ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";
    private static final String PBE = "PBEWithHmacSHA256AndAES_128";
    private static final String PBES2 = "1.2.840.113549.1.5.13";

    final Path clientPkcs12;
    final Path clientJks;
    final Path trustPkcs12;
    final Path trustJks;
    final Path caPem;
    final Path clientChainPem;
    final Path clientKeyPem;
    final Path clientEncryptedKeyPem;
    final SSLContext serverContext;

    TestingCertificates(Path directory) throws IOException, GeneralSecurityException {
        KeyPair caKeys = keyPair();
        X509Certificate ca = certificate("CN=floe-test-ca", caKeys, "CN=floe-test-ca", caKeys, authorityExtension());
        KeyPair serverKeys = keyPair();
        X509Certificate server = certificate("CN=localhost", serverKeys, "CN=floe-test-ca", caKeys, hostExtension());
        KeyPair clientKeys = keyPair();
        X509Certificate client = certificate(CLIENT_NAME, clientKeys, "CN=floe-test-ca", caKeys, null);
        X509Certificate[] clientChain = {client, ca};

        clientPkcs12 = directory.resolve("client.p12");
        KeyStore pkcs12 = KeyStore.getInstance("PKCS12");
        pkcs12.load(null, null);
        pkcs12.setKeyEntry("client", clientKeys.getPrivate(), STORE_PASSWORD.toCharArray(), clientChain);
        store(pkcs12, clientPkcs12);

        clientJks = directory.resolve("client.jks");
        KeyStore jks = KeyStore.getInstance("JKS");
        jks.load(null, null);
        jks.setKeyEntry("client", clientKeys.getPrivate(), KEY_PASSWORD.toCharArray(), clientChain);
        store(jks, clientJks);

        trustPkcs12 = directory.resolve("truststore.p12");
        store(trustStore("PKCS12", ca), trustPkcs12);
        trustJks = directory.resolve("truststore.jks");
        store(trustStore("JKS", ca), trustJks);

        caPem = write(directory.resolve("ca.pem"), pem("CERTIFICATE", ca.getEncoded()));
        clientChainPem = write(
                directory.resolve("client-chain.pem"),
                pem("CERTIFICATE", client.getEncoded()) + pem("CERTIFICATE", ca.getEncoded()));
        clientKeyPem = write(
                directory.resolve("client-key.pem"),
                pem("PRIVATE KEY", clientKeys.getPrivate().getEncoded()));
        clientEncryptedKeyPem = write(
                directory.resolve("client-key-encrypted.pem"),
                pem("ENCRYPTED PRIVATE KEY", encrypt(clientKeys.getPrivate().getEncoded(), KEY_PASSWORD)));

        KeyStore serverStore = KeyStore.getInstance("PKCS12");
        serverStore.load(null, null);
        serverStore.setKeyEntry(
                "server", serverKeys.getPrivate(), STORE_PASSWORD.toCharArray(), new X509Certificate[] {server, ca});
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(serverStore, STORE_PASSWORD.toCharArray());
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trustStore("PKCS12", ca));
        serverContext = SSLContext.getInstance("TLS");
        serverContext.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        return generator.generateKeyPair();
    }

    private static KeyStore trustStore(String type, X509Certificate ca) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(type);
        store.load(null, null);
        store.setCertificateEntry("ca", ca);
        return store;
    }

    private static void store(KeyStore store, Path file) throws IOException, GeneralSecurityException {
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, STORE_PASSWORD.toCharArray());
        }
    }

    private static Path write(Path file, String text) throws IOException {
        return Files.writeString(file, text, StandardCharsets.US_ASCII);
    }

    /** A PKCS#8 key encrypted with PBES2, as {@code openssl pkcs8 -topk8 -v2 aes128} writes it. */
    private static byte[] encrypt(byte[] pkcs8, String password) throws IOException, GeneralSecurityException {
        SecureRandom random = new SecureRandom();
        byte[] salt = new byte[16];
        byte[] iv = new byte[16];
        random.nextBytes(salt);
        random.nextBytes(iv);
        Cipher cipher = Cipher.getInstance(PBE);
        cipher.init(
                Cipher.ENCRYPT_MODE,
                SecretKeyFactory.getInstance(PBE).generateSecret(new PBEKeySpec(password.toCharArray())),
                new PBEParameterSpec(salt, 1_000, new IvParameterSpec(iv)));
        byte[] encrypted = cipher.doFinal(pkcs8);
        // EncryptedPrivateKeyInfo cannot name PBES2 parameters on Java 17: write its DER directly
        byte[] algorithm = sequence(oid(PBES2), cipher.getParameters().getEncoded());
        byte[] info = sequence(algorithm, octets(encrypted));
        return new EncryptedPrivateKeyInfo(info).getEncoded();
    }

    // X.509 v3, RFC 5280 section 4.1, with just what TLS needs

    private static X509Certificate certificate(
            String subject, KeyPair subjectKeys, String issuer, KeyPair issuerKeys, byte[] extension)
            throws GeneralSecurityException {
        Instant now = Instant.now();
        byte[] algorithm = sequence(oid(ECDSA_WITH_SHA256));
        List<byte[]> tbs = new ArrayList<>(List.of(
                tagged(0xa0, integer(BigInteger.TWO)),
                integer(BigInteger.valueOf(new SecureRandom().nextInt(Integer.MAX_VALUE))),
                algorithm,
                name(issuer),
                sequence(utcTime(now.minus(Duration.ofHours(1))), utcTime(now.plus(Duration.ofDays(1)))),
                name(subject),
                subjectKeys.getPublic().getEncoded()));
        if (extension != null) {
            tbs.add(tagged(0xa3, sequence(extension)));
        }
        byte[] toBeSigned = sequence(tbs.toArray(new byte[0][]));
        Signature signature = Signature.getInstance(SIGNATURE);
        signature.initSign(issuerKeys.getPrivate());
        signature.update(toBeSigned);
        byte[] signed = signature.sign();
        byte[] bits = new byte[signed.length + 1];
        System.arraycopy(signed, 0, bits, 1, signed.length);
        byte[] der = sequence(toBeSigned, algorithm, tagged(0x03, bits));
        return (X509Certificate)
                CertificateFactory.getInstance("X.509").generateCertificate(new java.io.ByteArrayInputStream(der));
    }

    /** Basic constraints, critical: a certificate authority. */
    private static byte[] authorityExtension() {
        return sequence(
                oid("2.5.29.19"),
                tagged(0x01, new byte[] {(byte) 0xff}),
                octets(sequence(tagged(0x01, new byte[] {(byte) 0xff}))));
    }

    /** Subject alternative names: localhost and 127.0.0.1. */
    private static byte[] hostExtension() {
        byte[] names = sequence(
                tagged(0x82, "localhost".getBytes(StandardCharsets.US_ASCII)),
                tagged(0x87, InetAddress.getLoopbackAddress().getAddress()));
        return sequence(oid("2.5.29.17"), octets(names));
    }

    private static byte[] name(String commonName) {
        String value = commonName.substring("CN=".length());
        return sequence(tagged(0x31, sequence(oid("2.5.4.3"), tagged(0x0c, value.getBytes(StandardCharsets.UTF_8)))));
    }

    private static byte[] utcTime(Instant instant) {
        String text = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'")
                .withZone(ZoneOffset.UTC)
                .format(instant);
        return tagged(0x17, text.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] integer(BigInteger value) {
        return tagged(0x02, value.toByteArray());
    }

    private static byte[] octets(byte[] content) {
        return tagged(0x04, content);
    }

    private static byte[] oid(String dotted) {
        String[] arcs = dotted.split("\\.");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(Integer.parseInt(arcs[0]) * 40 + Integer.parseInt(arcs[1]));
        for (int i = 2; i < arcs.length; i++) {
            long arc = Long.parseLong(arcs[i]);
            int groups = 1;
            while ((arc >> (7 * groups)) != 0) {
                groups++;
            }
            for (int group = groups - 1; group >= 0; group--) {
                int bits = (int) ((arc >> (7 * group)) & 0x7f);
                out.write(group == 0 ? bits : bits | 0x80);
            }
        }
        return tagged(0x06, out.toByteArray());
    }

    private static byte[] sequence(byte[]... parts) {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            content.writeBytes(part);
        }
        return tagged(0x30, content.toByteArray());
    }

    private static byte[] tagged(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int length = content.length;
        if (length < 0x80) {
            out.write(length);
        } else if (length < 0x100) {
            out.write(0x81);
            out.write(length);
        } else {
            out.write(0x82);
            out.write(length >> 8);
            out.write(length & 0xff);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }
}

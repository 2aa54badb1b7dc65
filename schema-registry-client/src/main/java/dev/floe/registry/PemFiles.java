package dev.floe.registry;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/** Reads certificates and PKCS#8 private keys from PEM files with the JDK alone. */
final class PemFiles {
    private static final Pattern BLOCK =
            Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
    private static final String CERTIFICATE = "CERTIFICATE";
    private static final String PRIVATE_KEY = "PRIVATE KEY";
    private static final String ENCRYPTED_PRIVATE_KEY = "ENCRYPTED PRIVATE KEY";
    private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS", "DSA");

    private PemFiles() {}

    /** Every {@code CERTIFICATE} block of {@code file}, in order; at least one. */
    static List<X509Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        List<X509Certificate> certificates = new ArrayList<>();
        for (Block block : blocks(file)) {
            if (block.type().equals(CERTIFICATE)) {
                Certificate certificate = factory.generateCertificate(new ByteArrayInputStream(block.der()));
                certificates.add((X509Certificate) certificate);
            }
        }
        if (certificates.isEmpty()) {
            throw new GeneralSecurityException("it holds no PEM CERTIFICATE block");
        }
        return certificates;
    }

    /**
     * The one private key of {@code file}: a {@code PRIVATE KEY} block, or an {@code ENCRYPTED
     * PRIVATE KEY} block opened with {@code password}.
     */
    static PrivateKey privateKey(Path file, String password) throws IOException, GeneralSecurityException {
        List<Block> keys = new ArrayList<>();
        List<String> others = new ArrayList<>();
        for (Block block : blocks(file)) {
            if (block.type().equals(PRIVATE_KEY) || block.type().equals(ENCRYPTED_PRIVATE_KEY)) {
                keys.add(block);
            } else if (!block.type().equals(CERTIFICATE)) {
                others.add(block.type());
            }
        }
        if (keys.size() != 1) {
            String found = others.isEmpty() ? "" : "; found " + String.join(", ", others);
            throw new GeneralSecurityException("expected one PKCS#8 PEM block (BEGIN PRIVATE KEY or BEGIN ENCRYPTED"
                    + " PRIVATE KEY), got " + keys.size() + found
                    + " (convert other formats with: openssl pkcs8 -topk8 -in key.pem)");
        }
        Block key = keys.get(0);
        PKCS8EncodedKeySpec spec = key.type().equals(PRIVATE_KEY)
                ? new PKCS8EncodedKeySpec(key.der())
                : decrypt(new EncryptedPrivateKeyInfo(key.der()), password);
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (InvalidKeySpecException | NoSuchAlgorithmException e) {
                // not this algorithm: try the next one
            }
        }
        throw new GeneralSecurityException("the private key is none of " + KEY_ALGORITHMS);
    }

    private static PKCS8EncodedKeySpec decrypt(EncryptedPrivateKeyInfo info, String password)
            throws GeneralSecurityException {
        if (password.isEmpty()) {
            throw new GeneralSecurityException("the private key is encrypted and no password is configured");
        }
        String algorithm = info.getAlgName();
        // PBES2 names its real cipher in its parameters: "PBEWithHmacSHA256AndAES_256"
        if (algorithm.equals("PBES2") || algorithm.equals("1.2.840.113549.1.5.13")) {
            algorithm = info.getAlgParameters().toString();
        }
        char[] chars = password.toCharArray();
        PBEKeySpec keySpec = new PBEKeySpec(chars);
        try {
            Cipher cipher = Cipher.getInstance(algorithm);
            cipher.init(
                    Cipher.DECRYPT_MODE,
                    SecretKeyFactory.getInstance(algorithm).generateSecret(keySpec),
                    info.getAlgParameters());
            return info.getKeySpec(cipher);
        } catch (InvalidKeySpecException e) {
            throw new GeneralSecurityException("the private key does not decrypt with the configured password", e);
        } finally {
            keySpec.clearPassword();
            Arrays.fill(chars, '\0');
        }
    }

    private static List<Block> blocks(Path file) throws IOException, GeneralSecurityException {
        String text = Files.readString(file, StandardCharsets.ISO_8859_1);
        List<Block> blocks = new ArrayList<>();
        Matcher matcher = BLOCK.matcher(text);
        while (matcher.find()) {
            try {
                blocks.add(new Block(matcher.group(1), Base64.getMimeDecoder().decode(matcher.group(2))));
            } catch (IllegalArgumentException e) {
                throw new GeneralSecurityException("its " + matcher.group(1) + " block is not valid base64", e);
            }
        }
        if (blocks.isEmpty()) {
            throw new GeneralSecurityException("it holds no PEM block");
        }
        return blocks;
    }

    private record Block(String type, byte[] der) {}
}

package dev.floe.registry;

/**
 * The registry refused the credentials (401, 403), or the TLS handshake with every URL failed (an
 * untrusted server certificate, a refused client certificate): fatal until the configuration is
 * fixed.
 */
public final class RegistryAuthenticationException extends SchemaRegistryException {
    private static final long serialVersionUID = 1L;

    public RegistryAuthenticationException(String message, int errorCode) {
        super(message, errorCode, null);
    }

    public RegistryAuthenticationException(String message, int errorCode, Throwable cause) {
        super(message, errorCode, cause);
    }
}

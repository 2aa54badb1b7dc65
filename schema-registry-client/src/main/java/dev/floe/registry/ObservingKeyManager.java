package dev.floe.registry;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The client's key manager, which remembers when a registry asked for a client certificate that
 * the client could not give. Under TLS 1.3 a server that then refuses the client just closes the
 * connection, which the client sees as an end of stream: this is how a message can say why.
 */
final class ObservingKeyManager extends X509ExtendedKeyManager {
    /** The client's own, or null when it has no certificate. */
    private final X509ExtendedKeyManager delegate;

    private final AtomicReference<String> unansweredRequest = new AtomicReference<>();

    ObservingKeyManager(X509ExtendedKeyManager delegate) {
        this.delegate = delegate;
    }

    /**
     * Why the last certificate request went unanswered, once, as in "the registry asked for a
     * client certificate signed by [CN=ca] and none is configured"; or null.
     */
    String takeUnansweredRequest() {
        return unansweredRequest.getAndSet(null);
    }

    /** Forgets an unanswered request that did not matter: the registry answered anyway. */
    void forgetUnansweredRequest() {
        unansweredRequest.set(null);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return observe(delegate == null ? null : delegate.chooseEngineClientAlias(keyType, issuers, engine), issuers);
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return observe(delegate == null ? null : delegate.chooseClientAlias(keyType, issuers, socket), issuers);
    }

    private String observe(String alias, Principal[] issuers) {
        if (alias == null) {
            String signers = issuers == null || issuers.length == 0
                    ? "by any authority"
                    : "by "
                            + Arrays.toString(Arrays.stream(issuers)
                                    .map(Principal::getName)
                                    .toArray());
            unansweredRequest.set("the registry asked for a client certificate signed " + signers
                    + (delegate == null ? " and none is configured" : " and the configured one is not"));
        }
        return alias;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return delegate == null ? null : delegate.getClientAliases(keyType, issuers);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return null;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return delegate == null ? null : delegate.getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return delegate == null ? null : delegate.getPrivateKey(alias);
    }
}

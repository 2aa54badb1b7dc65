package dev.floe.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * A fake of an external Confluent-API registry: a JDK HTTP(S) server on a free loopback port that
 * records every request and answers from routes the test sets ("GET /schemas/ids/1"). A request
 * without a route gets a 404 registry error naming it.
 */
final class TestingRegistryServer implements AutoCloseable {
    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private final HttpServer server;
    private final String scheme;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, Function<Request, Response>> routes = new ConcurrentHashMap<>();

    private TestingRegistryServer(HttpServer server, String scheme) {
        this.server = server;
        this.scheme = scheme;
        server.setExecutor(executor);
        server.createContext("/", this::serve);
        server.start();
    }

    static TestingRegistryServer http() throws IOException {
        return new TestingRegistryServer(HttpServer.create(loopback(), 0), "http");
    }

    /** Over TLS with {@code context}'s certificate, refusing clients without a trusted certificate. */
    static TestingRegistryServer httpsRequiringClientCertificate(SSLContext context) throws IOException {
        HttpsServer server = HttpsServer.create(loopback(), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(context) {
            @Override
            public void configure(HttpsParameters parameters) {
                SSLParameters ssl = context.getDefaultSSLParameters();
                ssl.setNeedClientAuth(true);
                parameters.setSSLParameters(ssl);
            }
        });
        return new TestingRegistryServer(server, "https");
    }

    private static InetSocketAddress loopback() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }

    /** The base URL, by IP address. */
    URI url() {
        return URI.create(scheme + "://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The base URL, by host name (the name a certificate names). */
    URI urlByName() {
        return URI.create(scheme + "://localhost:" + server.getAddress().getPort());
    }

    /** Answers {@code method path} (the raw path with its query) with {@code response}. */
    void route(String method, String path, Response response) {
        route(method, path, request -> response);
    }

    void route(String method, String path, Function<Request, Response> answer) {
        routes.put(method + " " + path, answer);
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    Request onlyRequest() {
        if (requests.size() != 1) {
            throw new AssertionError("expected one request, got " + requests);
        }
        return requests.get(0);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Request request = new Request(
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().getRawPath()
                            + (exchange.getRequestURI().getRawQuery() == null
                                    ? ""
                                    : "?" + exchange.getRequestURI().getRawQuery()),
                    body,
                    Map.copyOf(exchange.getRequestHeaders()),
                    clientCertificate(exchange));
            requests.add(request);
            Function<Request, Response> answer = routes.get(request.method() + " " + request.path());
            Response response = answer == null
                    ? Response.error(
                            404, 404, "the fake registry has no route for " + request.method() + " " + request.path())
                    : answer.apply(request);
            byte[] bytes = response.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", response.contentType());
            exchange.sendResponseHeaders(response.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    /** The subject of the certificate the client presented over TLS, or null. */
    private static String clientCertificate(HttpExchange exchange) {
        if (!(exchange instanceof HttpsExchange https)) {
            return null;
        }
        try {
            return ((X509Certificate) https.getSSLSession().getPeerCertificates()[0])
                    .getSubjectX500Principal()
                    .getName();
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }

    /** A request as the server received it. */
    record Request(
            String method, String path, String body, Map<String, List<String>> headers, String clientCertificate) {
        /** The first value of header {@code name}, or null. */
        String header(String name) {
            for (Map.Entry<String, List<String>> header : headers.entrySet()) {
                if (header.getKey().equalsIgnoreCase(name)) {
                    return header.getValue().get(0);
                }
            }
            return null;
        }
    }

    /** An answer. */
    record Response(int status, String body, String contentType) {
        static Response json(String body) {
            return new Response(200, body, CONTENT_TYPE);
        }

        static Response status(int status, String body) {
            return new Response(status, body, CONTENT_TYPE);
        }

        /** A registry error body, as Confluent's registry sends it. */
        static Response error(int status, int errorCode, String message) {
            return new Response(
                    status,
                    "{\"error_code\":" + errorCode + ",\"message\":\"" + message.replace("\"", "'") + "\"}",
                    CONTENT_TYPE);
        }

        static Response html(int status, String body) {
            return new Response(status, body, "text/html");
        }
    }
}

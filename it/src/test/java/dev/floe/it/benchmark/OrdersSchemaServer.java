package dev.floe.it.benchmark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.floe.deploy.demo.OrderSchema;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;

/**
 * A registry for benchmarks that answers the one request a cold schema cache makes, {@code GET
 * /schemas/ids/1}, with the orders schema. The benchmarks' warm caches never ask again.
 */
final class OrdersSchemaServer implements AutoCloseable {
    static final int SCHEMA_ID = 1;

    private final HttpServer server;

    private OrdersSchemaServer(HttpServer server) {
        this.server = server;
    }

    static OrdersSchemaServer start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        byte[] body = new ObjectMapper()
                .writeValueAsBytes(Map.of("schema", OrderSchema.avro().toString()));
        server.createContext("/schemas/ids/" + SCHEMA_ID, exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "application/vnd.schemaregistry.v1+json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return new OrdersSchemaServer(server);
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

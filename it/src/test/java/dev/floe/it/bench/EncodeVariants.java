package dev.floe.it.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.floe.deploy.demo.OrderSamples;
import dev.floe.deploy.demo.OrderSchema;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The decode + encode bound of {@link IngestBenchmark} under several sets of Parquet writer
 * properties, in interleaved rounds, by the CPU time of the measuring thread: how a writer setting
 * changes the CPU per record and the file size, on a machine too busy for wall-clock comparisons.
 * No broker: the orders come from the demo's encoder. Never run by the tests:
 *
 * <pre>
 * java -cp (the it module's test class path) dev.floe.it.bench.EncodeVariants 500000 \
 *     write.parquet.compression-codec=zstd \
 *     write.parquet.compression-codec=zstd,write.parquet.dict-size-bytes=262144
 * </pre>
 */
public final class EncodeVariants {
    private static final int ROUNDS = 3;

    private EncodeVariants() {}

    public static void main(String[] args) throws Exception {
        int records = Integer.parseInt(args[0].replace("_", ""));
        List<Map<String, String>> variants = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            Map<String, String> properties = new LinkedHashMap<>();
            for (String setting : args[i].split(",")) {
                String[] pair = setting.split("=", 2);
                properties.put(pair[0], pair[1]);
            }
            variants.add(properties);
        }
        HttpServer registry = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        byte[] body = new ObjectMapper()
                .writeValueAsBytes(Map.of("schema", OrderSchema.avro().toString()));
        registry.createContext("/schemas/ids/1", exchange -> {
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        registry.start();
        try {
            String url = "http://127.0.0.1:" + registry.getAddress().getPort();
            PhysicalBound.Values values = new PhysicalBound.Values();
            for (byte[] value : OrderSamples.framed(42, 1, records, 1)) {
                values.add(ByteBuffer.wrap(value));
            }
            double[][] cpu = new double[variants.size()][ROUNDS];
            for (int round = 0; round < ROUNDS; round++) {
                for (int v = 0; v < variants.size(); v++) {
                    PhysicalBound.Pass pass =
                            PhysicalBound.decodeAndEncode(url, OrderSchema.avro(), values, variants.get(v));
                    cpu[v][round] = pass.cpuSecondsPerMillion();
                    System.out.printf(
                            "round %d %s: %.2f CPU-s per million records, %.2f bytes a record%n",
                            round + 1,
                            variants.get(v),
                            pass.cpuSecondsPerMillion(),
                            (double) pass.fileBytes() / pass.records());
                }
            }
            for (int v = 0; v < variants.size(); v++) {
                java.util.Arrays.sort(cpu[v]);
                System.out.printf("median %s: %.2f CPU-s per million records%n", variants.get(v), cpu[v][ROUNDS / 2]);
            }
        } finally {
            registry.stop(0);
        }
    }
}

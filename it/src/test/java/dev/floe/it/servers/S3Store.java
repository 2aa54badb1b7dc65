package dev.floe.it.servers;

import dev.floe.deploy.process.ServerProcess;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;

/**
 * An S3-compatible object store running as a child process on a loopback port: Adobe's S3Mock or
 * S3Proxy. Clients reach it with path-style access, region {@value #REGION} and static keys.
 */
public final class S3Store implements AutoCloseable {
    public static final String REGION = "us-east-1";
    public static final String ACCESS_KEY_ID = "floe-it";
    public static final String SECRET_ACCESS_KEY = "floe-it-secret";

    /** The two independent implementations the tests run against. */
    public enum Kind {
        S3MOCK("S3Mock"),
        S3PROXY("S3Proxy");

        private final String displayName;

        Kind(String displayName) {
            this.displayName = displayName;
        }

        @Override
        public String toString() {
            return displayName;
        }
    }

    private final Kind kind;
    private final ServerProcess process;
    private final URI endpoint;

    S3Store(Kind kind, ServerProcess process, URI endpoint) {
        this.kind = kind;
        this.process = process;
        this.endpoint = endpoint;
    }

    public Kind kind() {
        return kind;
    }

    public URI endpoint() {
        return endpoint;
    }

    public ServerProcess process() {
        return process;
    }

    /** A client of this store; the caller closes it. */
    public S3Client client() {
        return S3Client.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .endpointOverride(endpoint)
                .region(Region.of(REGION))
                .forcePathStyle(true)
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY_ID, SECRET_ACCESS_KEY)))
                .build();
    }

    /** Creates {@code bucket} unless it exists; returns its name. */
    public String createBucket(String bucket) {
        try (S3Client client = client()) {
            client.createBucket(request -> request.bucket(bucket));
        } catch (BucketAlreadyOwnedByYouException e) {
            // created by an earlier test of the run
        }
        return bucket;
    }

    /** The Iceberg catalog properties that make S3FileIO write to this store. */
    public Map<String, String> icebergProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("s3.endpoint", endpoint.toString());
        properties.put("s3.path-style-access", "true");
        properties.put("s3.access-key-id", ACCESS_KEY_ID);
        properties.put("s3.secret-access-key", SECRET_ACCESS_KEY);
        properties.put("client.region", REGION);
        return properties;
    }

    /** The Trino Iceberg connector properties for its native S3 file system on this store. */
    public Map<String, String> trinoProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("fs.native-s3.enabled", "true");
        properties.put("s3.endpoint", endpoint.toString());
        properties.put("s3.path-style-access", "true");
        properties.put("s3.region", REGION);
        properties.put("s3.aws-access-key", ACCESS_KEY_ID);
        properties.put("s3.aws-secret-key", SECRET_ACCESS_KEY);
        return properties;
    }

    /** The {@code checkpoints.s3} section of a Floe config for this store, as YAML lines. */
    public String checkpointYaml(String indent) {
        return indent + "s3:\n"
                + indent + "  endpoint: " + endpoint + "\n"
                + indent + "  region: " + REGION + "\n"
                + indent + "  pathStyleAccess: true\n"
                + indent + "  accessKeyId: " + ACCESS_KEY_ID + "\n"
                + indent + "  secretAccessKey: " + SECRET_ACCESS_KEY + "\n";
    }

    @Override
    public void close() {
        process.close();
    }

    @Override
    public String toString() {
        return kind + " at " + endpoint;
    }
}

package dev.floe.engine.config;

import java.net.URI;

/**
 * How checkpoint storage reaches an S3 bucket. Null fields fall back to the AWS SDK's defaults
 * (its region chain, its credentials chain, AWS's endpoint).
 *
 * @param endpoint the endpoint of an S3-compatible store, or null for AWS
 * @param region the bucket's region, or null
 * @param pathStyleAccess whether buckets are addressed as endpoint/bucket
 * @param accessKeyId a static access key id, or null
 * @param secretAccessKey its secret, or null
 */
public record S3ClientConfig(
        URI endpoint, String region, boolean pathStyleAccess, String accessKeyId, String secretAccessKey) {
    public S3ClientConfig {
        if ((accessKeyId == null) != (secretAccessKey == null)) {
            throw new IllegalArgumentException("static credentials need both accessKeyId and secretAccessKey");
        }
    }

    @Override
    public String toString() {
        // the secret stays out of logs and messages
        return "S3ClientConfig[endpoint=" + endpoint + ", region=" + region + ", pathStyleAccess=" + pathStyleAccess
                + ", accessKeyId=" + accessKeyId + ", secretAccessKey=" + (secretAccessKey == null ? null : "***")
                + "]";
    }
}

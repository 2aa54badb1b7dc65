package dev.floe.registry;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/** How the client authenticates. {@link #toString()} never shows the secret. */
public sealed interface RegistryCredentials {
    /** The value of the {@code Authorization} header, or null for none. */
    String authorizationHeader();

    /** What these credentials are, for error messages: never the secret itself. */
    String description();

    RegistryCredentials NONE = new None();

    /** No authentication. */
    record None() implements RegistryCredentials {
        @Override
        public String authorizationHeader() {
            return null;
        }

        @Override
        public String description() {
            return "no credentials";
        }
    }

    /** HTTP basic authentication. */
    record Basic(String user, String password) implements RegistryCredentials {
        public Basic {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(password, "password");
        }

        @Override
        public String authorizationHeader() {
            String token = user + ":" + password;
            return "Basic " + Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String description() {
            return "basic authentication as user '" + user + "'";
        }

        @Override
        public String toString() {
            return "Basic[user=" + user + ", password=***]";
        }
    }

    /** A bearer token. */
    record Bearer(String token) implements RegistryCredentials {
        public Bearer {
            Objects.requireNonNull(token, "token");
        }

        @Override
        public String authorizationHeader() {
            return "Bearer " + token;
        }

        @Override
        public String description() {
            return "a bearer token";
        }

        @Override
        public String toString() {
            return "Bearer[***]";
        }
    }
}

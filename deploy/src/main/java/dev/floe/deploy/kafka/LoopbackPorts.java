package dev.floe.deploy.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Free TCP ports on the loopback interface, for servers that must know their port before they
 * bind it (a KRaft controller announces its own address in its configuration).
 */
final class LoopbackPorts {
    private LoopbackPorts() {}

    /** A port that was free a moment ago; the caller retries if it is taken before it binds. */
    static int free() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot find a free loopback port", e);
        }
    }
}

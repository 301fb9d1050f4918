package io.kupervisor.core.config;

/**
 * The socket supervisord creates for an {@code [fcgi-program:x]}: {@code unix:///abs/path} (with
 * owner and mode) or {@code tcp://host:port}.
 */
public sealed interface FcgiSocket {
    String url();

    record Unix(String path, String owner, int mode, Integer backlog) implements FcgiSocket {
        public String url() {
            return "unix://" + path;
        }
    }

    record Tcp(String host, int port, Integer backlog) implements FcgiSocket {
        public String url() {
            return "tcp://" + host + ":" + port;
        }
    }
}

package io.kupervisor.core.config;

/** An HTTP server of supervisord: {@code [inet_http_server]} or {@code [unix_http_server]}. */
public sealed interface ServerConfig {
    String section();

    String username();

    String password();

    /** The part after ':' in the section name, if any ({@code [unix_http_server:foo]}). */
    String name();

    /** @param host empty for every interface */
    record Inet(String section, String name, String host, int port, String username, String password)
            implements ServerConfig {
    }

    /** @param chownUser null when unchanged; @param chownGroup null when unchanged */
    record Unix(String section, String name, String file, int chmod, UserRef chownUser, UserRef chownGroup,
                String username, String password) implements ServerConfig {
    }
}

package io.kupervisor.supervisord.control;

import io.kupervisor.core.config.SupervisorConfig;

import java.io.IOException;

/**
 * What serves the daemon to the outside (its HTTP servers: XML-RPC, the web page, health), given
 * to the daemon by the entry point so that the daemon's loop does not know the servers. The daemon
 * opens it at boot where supervisord opens its servers (after the logs, before the pid file) and
 * closes it before a reload reads the configuration again, and at exit. Called on the loop.
 */
public interface Frontend {

    /** Nothing to serve (tests of the engine alone). */
    Frontend NONE = new Frontend() {
        @Override
        public void open(SupervisorConfig config) {
        }

        @Override
        public void close(boolean reloading) {
        }
    };

    /**
     * Opens what {@code config} asks for.
     *
     * @throws IOException with supervisord's message (the daemon prints it after "Error: " and
     *                     exits 2), e.g. a port in use
     */
    void open(SupervisorConfig config) throws IOException;

    /** Closes it; {@code reloading}: {@link #open} follows with the fresh configuration. */
    void close(boolean reloading);
}

package io.kupervisor.supervisord.http;

import java.io.IOException;

/** Serves one request; the server has read its head and checked the credentials. */
@FunctionalInterface
public interface Route {
    void serve(Exchange exchange) throws IOException;
}

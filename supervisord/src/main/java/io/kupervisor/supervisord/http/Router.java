package io.kupervisor.supervisord.http;

/** Picks the route of a request; null is 404. */
@FunctionalInterface
public interface Router {
    Route route(Exchange exchange);
}

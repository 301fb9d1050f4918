package io.kupervisor.supervisord.http;

/**
 * A request that cannot be served as sent: the status to answer with (400, 411, 413, 431, 501,
 * 503), after which the connection closes, since what follows on it cannot be trusted to be
 * where a request starts.
 */
final class BadRequest extends Exception {
    final int status;

    BadRequest(int status, String why) {
        super(why, null, false, false);
        this.status = status;
    }
}

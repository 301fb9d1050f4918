package io.kupervisor.supervisord.rpc;

import io.kupervisor.core.config.LogLevel;
import io.kupervisor.core.config.dialect.PyRepr;
import io.kupervisor.supervisord.control.Control;
import io.kupervisor.supervisord.http.Exchange;
import io.kupervisor.supervisord.http.Route;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** {@code /RPC2}: supervisord's {@code supervisor_xmlrpc_handler.continue_request}. */
public final class XmlRpcRoute implements Route {
    /** How much of a refused body the main log quotes (supervisord quotes all of it). */
    static final int LOGGED_BODY_CHARS = 256;

    private final Control control;
    private final RpcDispatcher dispatcher;

    public XmlRpcRoute(Control control, RpcDispatcher dispatcher) {
        this.control = control;
        this.dispatcher = dispatcher;
    }

    @Override
    public void serve(Exchange ex) throws IOException {
        if (!ex.method().equals("POST")) {
            ex.respondError(400, Map.of());
            return;
        }
        byte[] body = ex.readBody();
        if (body == null) {
            return;
        }
        XmlRpcRequestParser.Call call;
        try {
            call = XmlRpcRequestParser.parse(body);
        } catch (XmlRpcRequestParser.Malformed e) {
            control.log(LogLevel.ERROR, "XML-RPC request data " + quoted(body) + " is invalid: unmarshallable");
            ex.respondError(400, Map.of());
            return;
        }
        if (call.method() == null || call.method().isEmpty()) {
            control.log(LogLevel.ERROR, "XML-RPC request data " + quoted(body) + " is invalid: no method name");
            ex.respondError(400, Map.of());
            return;
        }
        String method = call.method();
        List<Object> params = call.params() == null ? List.of() : call.params();
        byte[] answer;
        try {
            control.log(LogLevel.TRACE, "XML-RPC method called: " + method + "()");
            Object value = RpcDispatcher.await(dispatcher.call(method, params), ex::clientGone);
            control.log(LogLevel.TRACE, "XML-RPC method " + method + "() returned successfully");
            answer = XmlRpcWriter.response(value);
        } catch (RpcFault f) {
            control.log(LogLevel.TRACE, "XML-RPC method " + method + "() returned fault: [" + f.code() + "] " + f.text());
            answer = XmlRpcWriter.fault(f.code(), f.text());
        } catch (RuntimeException e) {
            if (ex.clientGone()) {
                return;
            }
            control.log(LogLevel.CRITICAL, "Handling XML-RPC request with data " + quoted(body)
                    + " raised an unexpected exception: " + e);
            ex.respondError(500, Map.of());
            return;
        }
        ex.respond(200, "text/xml", answer);
    }

    /** The body as Python's {@code %r} shows it, cut after {@link #LOGGED_BODY_CHARS} characters. */
    static String quoted(byte[] body) {
        String s = new String(body, StandardCharsets.UTF_8);
        if (s.length() <= LOGGED_BODY_CHARS) {
            return PyRepr.repr(s);
        }
        return PyRepr.repr(s.substring(0, LOGGED_BODY_CHARS)) + "... (" + body.length + " bytes)";
    }
}

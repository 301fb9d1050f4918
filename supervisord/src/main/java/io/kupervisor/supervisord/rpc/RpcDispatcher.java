package io.kupervisor.supervisord.rpc;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * supervisord's method lookup ({@code traverse}) and its {@code system} namespace
 * ({@code SystemNamespaceRPCInterface}): {@code listMethods}, {@code methodHelp} (the docstrings
 * of supervisor 4.2.5, kept in {@code method-docs.txt}), {@code methodSignature} (parsed from
 * them as supervisord's {@code gettags} does) and {@code multicall} with supervisord's unwrapped
 * results.
 */
public final class RpcDispatcher {
    private static final Map<String, String> DOCS = loadDocs();
    /**
     * The most a multicall answers with (about: the characters of its results' strings): two log
     * reads of the largest size a call answers. supervisord has no bound; 150 reads of 2 MB each
     * held the daemon's memory at three times its size.
     */
    static final long MAX_MULTICALL_ANSWER = 2 * SupervisorNamespace.MAX_LOG_READ;

    /** namespace name → method name → method, the namespaces in registration order. */
    private final Map<String, Map<String, RpcMethod>> namespaces = new LinkedHashMap<>();
    /** "ns.method" → docstring. */
    private final Map<String, String> docs = new HashMap<>();

    public RpcDispatcher() {
    }

    /** Adds a namespace; {@code docNamespace} is where its docstrings are found ("supervisor"). */
    public void register(String namespace, String docNamespace, List<RpcMethod> methods) {
        Map<String, RpcMethod> ns = new LinkedHashMap<>();
        for (RpcMethod m : methods) {
            ns.put(m.name(), m);
            docs.put(namespace + "." + m.name(), DOCS.getOrDefault(docNamespace + "." + m.name(), "None"));
        }
        namespaces.put(namespace, ns);
    }

    /** Adds {@code system} (last, as supervisord does). */
    public void registerSystem() {
        register("system", "system", List.of(
                RpcMethod.of("listMethods", 0, a -> listMethods()),
                RpcMethod.of("methodHelp", 1, a -> methodHelp(a.get(0))),
                RpcMethod.of("methodSignature", 1, a -> methodSignature(a.get(0))),
                RpcMethod.of("multicall", 1, a -> multicall(a.get(0)))));
    }

    /**
     * Calls a method by its dotted name: the value, or a {@link CompletableFuture} for a deferred
     * answer. Faults are thrown.
     */
    public Object call(String method, List<Object> params) {
        String[] parts = method.split("\\.", -1);
        if (parts.length != 2) {
            throw RpcFault.of(Faults.UNKNOWN_METHOD);
        }
        if (parts[1].startsWith("_")) {
            throw RpcFault.of(Faults.UNKNOWN_METHOD);
        }
        Map<String, RpcMethod> ns = namespaces.get(parts[0]);
        if (ns == null) {
            throw RpcFault.of(Faults.UNKNOWN_METHOD);
        }
        RpcMethod m = ns.get(parts[1]);
        if (m == null) {
            throw RpcFault.of(Faults.UNKNOWN_METHOD);
        }
        if (params.size() < m.minArgs() || params.size() > m.maxArgs()) {
            throw RpcFault.of(Faults.INCORRECT_PARAMETERS);
        }
        return m.body().call(params);
    }

    /**
     * Waits for a deferred answer (checking {@code abandon} every second: a connection closed by
     * a reload stops waiting). Returns the value or throws the fault.
     */
    public static Object await(Object value, BooleanSupplier abandon) {
        if (!(value instanceof CompletableFuture<?> f)) {
            return value;
        }
        while (true) {
            try {
                return f.get(1, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                if (abandon.getAsBoolean()) {
                    throw new IllegalStateException("abandoned: the connection is gone");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted");
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                throw new IllegalStateException(e.getCause());
            }
        }
    }

    // ---- system ----

    private List<String> names() {
        List<String> names = new ArrayList<>();
        namespaces.forEach((ns, methods) -> methods.keySet().forEach(m -> names.add(ns + "." + m)));
        names.sort(null);
        return names;
    }

    private Object listMethods() {
        return new ArrayList<Object>(names());
    }

    private Object methodHelp(Object name) {
        if (name instanceof String s && docs.containsKey(s)) {
            return docs.get(s);
        }
        throw RpcFault.of(Faults.SIGNATURE_UNSUPPORTED);
    }

    private Object methodSignature(Object name) {
        if (!(name instanceof String s) || !docs.containsKey(s)) {
            throw RpcFault.of(Faults.SIGNATURE_UNSUPPORTED);
        }
        String rtype = null;
        List<Object> ptypes = new ArrayList<>();
        for (String[] tag : gettags(docs.get(s))) {
            if ("return".equals(tag[0])) {
                rtype = tag[1];
            } else if ("param".equals(tag[0])) {
                ptypes.add(tag[1]);
            }
        }
        if (rtype == null) {
            throw RpcFault.of(Faults.SIGNATURE_UNSUPPORTED);
        }
        List<Object> sig = new ArrayList<>();
        sig.add(rtype);
        sig.addAll(ptypes);
        return sig;
    }

    /** supervisord's {@code gettags}, reduced to what methodSignature uses: {tag, datatype} per tag line. */
    static List<String[]> gettags(String comment) {
        List<String[]> tags = new ArrayList<>();
        for (String raw : comment.split("\n", -1)) {
            String line = raw.strip();
            if (line.startsWith("@")) {
                String[] parts = line.split("\\s+", 4);
                tags.add(new String[] {parts[0].substring(1), parts.length >= 2 ? parts[1] : ""});
            }
        }
        return tags;
    }

    /** supervisord's multicall: sequential, deferred calls awaited in order, results unwrapped. */
    private Object multicall(Object callsArg) {
        if (!(callsArg instanceof List<?> calls)) {
            throw RpcFault.of(Faults.INCORRECT_PARAMETERS);
        }
        List<Object> results = new ArrayList<>(calls.size());
        long answerSize = 0;
        for (Object call : calls) {
            Object value;
            try {
                if (!(call instanceof Map<?, ?> c)) {
                    throw failed("AttributeError", "'" + PyValues.typeName(call) + "' object has no attribute 'get'");
                }
                Object name = c.get("methodName");
                if (name == null) {
                    throw RpcFault.of(Faults.INCORRECT_PARAMETERS, "No methodName");
                }
                if ("system.multicall".equals(name)) {
                    throw RpcFault.of(Faults.INCORRECT_PARAMETERS, "Recursive system.multicall forbidden");
                }
                if (!(name instanceof String method)) {
                    throw failed("AttributeError", "'" + PyValues.typeName(name) + "' object has no attribute 'split'");
                }
                Object params = c.containsKey("params") ? c.get("params") : List.of();
                value = await(callUnpacking(method, params), () -> false);
            } catch (RpcFault f) {
                Map<String, Object> fault = new LinkedHashMap<>();
                fault.put("faultCode", f.code());
                fault.put("faultString", f.text());
                value = fault;
            } catch (RuntimeException e) {
                Map<String, Object> fault = new LinkedHashMap<>();
                fault.put("faultCode", Faults.FAILED);
                fault.put("faultString", "FAILED: " + e);
                value = fault;
            }
            answerSize += PyValues.approximateSize(value);
            if (answerSize > MAX_MULTICALL_ANSWER) {
                // a fault for the whole call, not a connection dropped by an exhausted heap
                throw RpcFault.of(Faults.FAILED, "kupervisor answers at most " + MAX_MULTICALL_ANSWER
                        + " bytes in one multicall; split the calls");
            }
            results.add(value);
        }
        return results;
    }

    /** {@code func(*params)}: a list as it is, a string as its characters, a struct as its keys. */
    private Object callUnpacking(String method, Object params) {
        // instanceof, not a pattern switch: that is a class spun at run time (issue 18)
        List<Object> args = null;
        if (params instanceof List<?> l) {
            args = new ArrayList<>(l);
        } else if (params instanceof String s) {
            args = new ArrayList<>(s.codePoints().mapToObj(Character::toString).toList());
        } else if (params instanceof Map<?, ?> m) {
            args = new ArrayList<>(m.keySet());
        }
        if (args == null) {
            // traverse resolves the name before it unpacks the arguments
            validateOnly(method);
        }
        return call(method, args);
    }

    /** Resolves a method name for its fault (UNKNOWN_METHOD, else INCORRECT_PARAMETERS), never calling it. */
    private void validateOnly(String method) {
        String[] parts = method.split("\\.", -1);
        if (parts.length != 2 || parts[1].startsWith("_") || !namespaces.containsKey(parts[0])
                || !namespaces.get(parts[0]).containsKey(parts[1])) {
            throw RpcFault.of(Faults.UNKNOWN_METHOD);
        }
        throw RpcFault.of(Faults.INCORRECT_PARAMETERS);
    }

    private static RpcFault failed(String exception, String message) {
        return RpcFault.received(Faults.FAILED, "FAILED: <class '" + exception + "'>:" + message);
    }

    private static Map<String, String> loadDocs() {
        Map<String, String> docs = new HashMap<>();
        try (InputStream in = RpcDispatcher.class.getResourceAsStream("method-docs.txt")) {
            if (in == null) {
                throw new IllegalStateException("method-docs.txt is missing");
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int pos = 0;
            while (pos < text.length()) {
                int nl = text.indexOf('\n', pos);
                String[] head = text.substring(pos, nl).split(" ");
                int len = Integer.parseInt(head[1]);
                docs.put(head[0], text.substring(nl + 1, nl + 1 + len));
                pos = nl + 1 + len + 1;
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return docs;
    }
}

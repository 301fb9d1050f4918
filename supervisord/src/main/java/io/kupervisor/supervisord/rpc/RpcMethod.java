package io.kupervisor.supervisord.rpc;

import java.util.List;

/**
 * One XML-RPC method: how many arguments it takes (Python's {@code func(*params)} raises
 * TypeError, hence INCORRECT_PARAMETERS, for any other count) and what it does. The result is the
 * value, or a {@link java.util.concurrent.CompletableFuture} for supervisord's deferred answers.
 */
public record RpcMethod(String name, int minArgs, int maxArgs, Body body) {

    /** The method's work; faults are thrown as {@link RpcFault}. */
    @FunctionalInterface
    public interface Body {
        Object call(List<Object> args);
    }

    public static RpcMethod of(String name, int args, Body body) {
        return new RpcMethod(name, args, args, body);
    }

    public static RpcMethod of(String name, int minArgs, int maxArgs, Body body) {
        return new RpcMethod(name, minArgs, maxArgs, body);
    }
}

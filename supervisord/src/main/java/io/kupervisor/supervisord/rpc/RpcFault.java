package io.kupervisor.supervisord.rpc;

/**
 * supervisord's {@code RPCError}: a fault code and its text, {@code NAME} or {@code NAME: extra}
 * ({@code BAD_NAME: nosuch}). Also what the client raises for a {@code <fault>} answer, where the
 * text is whatever the server sent.
 */
public final class RpcFault extends RuntimeException {
    private final int code;
    private final String text;

    private RpcFault(int code, String text) {
        super(text, null, false, false);
        this.code = code;
        this.text = text;
    }

    /** The fault without an extra: its text is the bare name. */
    public static RpcFault of(int code) {
        return new RpcFault(code, Faults.name(code));
    }

    /** The fault with an extra, rendered as Python's {@code str()} renders it; null means none. */
    public static RpcFault of(int code, Object extra) {
        return extra == null ? of(code) : new RpcFault(code, Faults.name(code) + ": " + PyValues.str(extra));
    }

    /** A fault as received, code and text as they came. */
    public static RpcFault received(int code, String text) {
        return new RpcFault(code, text);
    }

    public int code() {
        return code;
    }

    public String text() {
        return text;
    }
}

package io.kupervisor.core.config;

import java.util.Map;

/** An {@code [rpcinterface:x]} section: its factory and the extra keys passed to it. */
public record RpcInterfaceConfig(String name, String factory, Map<String, String> extras) {
    public static final String MAIN_FACTORY = "supervisor.rpcinterface:make_main_rpcinterface";
}

package io.kupervisor.supervisord.rpc;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A multicall's answer is bounded: 150 log reads of 2 MB each once held the daemon's heap at three
 * times its size until the connection died. Past the bound the call is a fault, and the daemon
 * stays as it was.
 */
class MulticallBoundTest {
    private static final String FIVE_MIB = "x".repeat(5 << 20);

    private static RpcDispatcher dispatcher() {
        RpcDispatcher d = new RpcDispatcher();
        d.register("t", "t", List.of(RpcMethod.of("big", 0, a -> FIVE_MIB)));
        d.registerSystem();
        return d;
    }

    private static List<Object> calls(int n) {
        List<Object> calls = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("methodName", "t.big");
            c.put("params", List.of());
            calls.add(c);
        }
        return calls;
    }

    @Test
    void answersWithinTheBoundAreWhole() {
        Object result = dispatcher().call("system.multicall", List.of(calls(3)));
        assertThat((List<?>) result).hasSize(3).allMatch(FIVE_MIB::equals);
    }

    @Test
    void aLargerAnswerIsAFault() {
        RpcFault f = catchThrowableOfType(RpcFault.class,
                () -> dispatcher().call("system.multicall", List.of(calls(150))));
        assertThat(f).isNotNull();
        assertThat(f.code()).isEqualTo(Faults.FAILED);
        assertThat(f.text()).isEqualTo("FAILED: kupervisor answers at most " + RpcDispatcher.MAX_MULTICALL_ANSWER
                + " bytes in one multicall; split the calls");
    }
}

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * What a sleeping JVM costs before and after the FFM (bench/class-cost.sh): prints "ready" and
 * sleeps, after nothing ({@code hello}), after N distinct native signatures ({@code ffm N}), or after
 * loading a class of the caller's choice ({@code class NAME}, e.g. kupervisor's Posix).
 */
public final class ClassCost {
    private static final FunctionDescriptor[] SIGNATURES = {
        FunctionDescriptor.of(JAVA_INT, JAVA_INT), FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT),
        FunctionDescriptor.of(JAVA_INT, ADDRESS), FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG),
        FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS),
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS), FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS),
        FunctionDescriptor.of(ADDRESS, JAVA_INT), FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS),
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_SHORT),
    };

    public static void main(String[] args) throws Throwable {
        switch (args[0]) {
            case "hello" -> { }
            case "ffm" -> {
                Linker linker = Linker.nativeLinker();
                MemorySegment getpid = linker.defaultLookup().find("getpid").orElseThrow();
                MethodHandle first = linker.downcallHandle(getpid, FunctionDescriptor.of(JAVA_INT));
                int pid = (int) first.invokeExact();
                // handles are only made, never called: each distinct signature spins its own stub
                for (int i = 0; i < Integer.parseInt(args[1]) && i < SIGNATURES.length; i++) {
                    linker.downcallHandle(getpid, SIGNATURES[i], Linker.Option.captureCallState("errno"));
                }
                if (pid == 0) {
                    throw new IllegalStateException();
                }
            }
            case "class" -> Class.forName(args[1]);
            default -> throw new IllegalArgumentException(args[0]);
        }
        System.out.println("ready");
        Thread.sleep(Long.MAX_VALUE);
    }
}

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
 * sleeps, after nothing ({@code hello}), after N distinct native signatures ({@code ffm N}), after
 * two calls through one syscall(2) signature ({@code syscall}, x86_64 numbers), or after loading a
 * class of the caller's choice ({@code class NAME}, e.g. kupervisor's Posix).
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
            case "syscall" -> {
                // the least the FFM could do for the daemon: every call through one variadic
                // signature, syscall(2), errno captured (getpid, then kill(pid, 0))
                Linker linker = Linker.nativeLinker();
                MethodHandle syscall = linker.downcallHandle(linker.defaultLookup().find("syscall").orElseThrow(),
                        FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
                        Linker.Option.firstVariadicArg(1), Linker.Option.captureCallState("errno"));
                try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
                    MemorySegment state = arena.allocate(Linker.Option.captureStateLayout());
                    long pid = (long) syscall.invokeExact(state, 39L, 0L, 0L, 0L, 0L, 0L, 0L);
                    if ((long) syscall.invokeExact(state, 62L, pid, 0L, 0L, 0L, 0L, 0L) != 0) {
                        throw new IllegalStateException("kill(getpid(), 0) failed");
                    }
                }
            }
            case "class" -> Class.forName(args[1]);
            default -> throw new IllegalArgumentException(args[0]);
        }
        System.out.println("ready");
        Thread.sleep(Long.MAX_VALUE);
    }
}

package io.kupervisor.cli.common;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandleProxies;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * POSIX signal handlers through {@code sun.misc.Signal} (jdk.unsupported, the JVM's only way),
 * looked up at run time: javac warns at every direct use of it and no flag silences that under
 * {@code --release}, and the build is meant to print no warnings.
 */
public final class SignalHandlers {
    private SignalHandlers() {
    }

    /**
     * Runs {@code handler} (on the JVM's signal thread) when the process gets signal {@code name}
     * (TERM, INT...); false when the JVM keeps that signal for itself.
     */
    public static boolean handle(String name, Runnable handler) {
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            Object sig = lookup.findConstructor(signal, MethodType.methodType(void.class, String.class)).invoke(name);
            MethodHandle run = MethodHandles.dropArguments(lookup.findVirtual(Runnable.class, "run",
                    MethodType.methodType(void.class)).bindTo(handler), 0, signal);
            Object h = MethodHandleProxies.asInterfaceInstance(handlerType, run);
            lookup.findStatic(signal, "handle", MethodType.methodType(handlerType, signal, handlerType)).invoke(sig, h);
            return true;
        } catch (IllegalArgumentException e) {
            return false; // the JVM reserves it
        } catch (Throwable e) {
            throw new IllegalStateException("cannot handle SIG" + name + ": " + e, e);
        }
    }
}

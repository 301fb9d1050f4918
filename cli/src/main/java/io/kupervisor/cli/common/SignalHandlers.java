package io.kupervisor.cli.common;

import sun.misc.Signal;

/**
 * POSIX signal handlers through {@code sun.misc.Signal} (jdk.unsupported, the JVM's only way).
 * Used directly, not through method handles and a proxy: those spin classes at run time, which
 * brought the JDK's bytecode library into the daemon (about 200 classes, resident in every pod).
 * javac's warning for it is silenced for this class alone (the build prints no warnings).
 */
@SuppressWarnings("sunapi")
public final class SignalHandlers {
    private SignalHandlers() {
    }

    /**
     * Runs {@code handler} (on the JVM's signal thread) when the process gets signal {@code name}
     * (TERM, INT...); false when the JVM keeps that signal for itself.
     */
    public static boolean handle(String name, Runnable handler) {
        try {
            Signal.handle(new Signal(name), new Handler(handler));
            return true;
        } catch (IllegalArgumentException e) {
            return false; // the JVM reserves it
        }
    }

    private record Handler(Runnable run) implements sun.misc.SignalHandler {
        @Override
        public void handle(Signal sig) {
            run.run();
        }
    }
}

package io.kupervisor.core.state;

/**
 * How a process ended, as decoded from a wait status: an exit code or a terminating signal.
 * A signal death is never "expected" ({@link #code()} is -1, which no {@code exitcodes} list holds).
 */
public sealed interface ExitStatus {

    /** Exited normally with {@code code} (0..255). */
    record Exited(int code) implements ExitStatus {
        public Exited {
            if (code < 0 || code > 255) {
                throw new IllegalArgumentException("exit code out of range 0..255: " + code);
            }
        }

        @Override
        public String describe() {
            return "exit status " + code;
        }
    }

    /** Terminated by {@code signal}; {@code coreDumped} adds supervisord's "(core dumped)". */
    record Signaled(int signal, boolean coreDumped) implements ExitStatus {
        public Signaled {
            if (signal <= 0) {
                throw new IllegalArgumentException("signal must be positive: " + signal);
            }
        }

        public Signaled(int signal) {
            this(signal, false);
        }

        @Override
        public String describe() {
            return "terminated by " + Signals.name(signal) + (coreDumped ? " (core dumped)" : "");
        }
    }

    static ExitStatus code(int code) {
        return new Exited(code);
    }

    static ExitStatus signal(int signal) {
        return new Signaled(signal, false);
    }

    /**
     * supervisord's {@code decode_wait_status} exit status: the exit code, or -1 for a signal death.
     * This is what {@code getProcessInfo} reports as {@code exitstatus} and what is matched against
     * {@code exitcodes}.
     */
    default int code() {
        // instanceof, not a pattern switch: that is a class spun at run time (issue 18)
        return this instanceof Exited e ? e.code() : -1;
    }

    /** The text supervisord puts in parentheses: {@code exit status 3}, {@code terminated by SIGKILL}. */
    String describe();
}

package io.kupervisor.core.config.dialect;

/**
 * Why {@link PercentFormat} could not expand a template, in the two shapes supervisord reports
 * (see {@code supervisor.options.expand}): an unknown {@code %(name)} or anything else.
 */
public final class FormatException extends Exception {

    public enum Kind {
        /** A {@code %(name)} that is not in the mapping; Python's {@code KeyError}. */
        MISSING_NAME,
        /** Any other error; the detail is Python's exception text. */
        BAD_FORMAT
    }

    private final Kind kind;
    private final String detail;
    private final String missingName;

    private FormatException(Kind kind, String detail, String missingName) {
        super(detail);
        this.kind = kind;
        this.detail = detail;
        this.missingName = missingName;
    }

    static FormatException missingName(String name) {
        return new FormatException(Kind.MISSING_NAME, PyRepr.repr(name), name);
    }

    static FormatException badFormat(String detail) {
        return new FormatException(Kind.BAD_FORMAT, detail, null);
    }

    public Kind kind() {
        return kind;
    }

    /** Python's {@code str(exception)}: for MISSING_NAME the repr of the name, e.g. {@code 'foo'}. */
    public String detail() {
        return detail;
    }

    /** The raw name for MISSING_NAME, null otherwise. */
    public String missingName() {
        return missingName;
    }
}

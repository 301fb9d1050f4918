package io.kupervisor.core.config;

/**
 * A configuration supervisord 4.2.5 would refuse. {@link #supervisordMessage()} is the text
 * supervisord prints after "Error: " (so scripts and people see the same words), and
 * {@link #origin()} says where the mistake is, down to the line, which supervisord often does not.
 */
public final class ConfigException extends Exception {
    private final String supervisordMessage;
    private final Origin origin;

    public ConfigException(String supervisordMessage, Origin origin) {
        super(supervisordMessage);
        this.supervisordMessage = supervisordMessage;
        this.origin = origin;
    }

    public String supervisordMessage() {
        return supervisordMessage;
    }

    public Origin origin() {
        return origin;
    }

    /**
     * Two lines for a person: supervisord's words, then where. An unset {@code %(ENV_X)s} names X
     * where supervisord lists every name the whole environment offers.
     */
    public String describe() {
        String where = origin == null ? "" : origin.describe();
        return "Error: " + personsMessage() + (where.isEmpty() ? "" : "\n  at " + where);
    }

    private static final java.util.regex.Pattern CANNOT_EXPAND = java.util.regex.Pattern.compile(
            "(?s)(.* contains names \\((.*)\\) which cannot be expanded)\\. Available names: (.*)");

    /**
     * The environment variables an unexpandable {@code %(ENV_X)s} wanted (X, without ENV_), in
     * the order written; empty for any other refusal.
     */
    public java.util.List<String> unsetEnvironment() {
        var m = CANNOT_EXPAND.matcher(supervisordMessage);
        if (!m.matches()) {
            return java.util.List.of();
        }
        java.util.List<String> names = new java.util.ArrayList<>();
        var quoted = java.util.regex.Pattern.compile("'ENV_([^']*)'").matcher(m.group(2));
        while (quoted.find()) {
            names.add(quoted.group(1));
        }
        return names;
    }

    private String personsMessage() {
        var m = CANNOT_EXPAND.matcher(supervisordMessage);
        if (!m.matches()) {
            return supervisordMessage;
        }
        java.util.List<String> unset = unsetEnvironment();
        java.util.List<String> others = java.util.Arrays.stream(m.group(3).split(", "))
                .filter(n -> !n.startsWith("ENV_")).toList();
        String missing = unset.isEmpty() ? "" : ": " + String.join(", ", unset)
                + (unset.size() == 1 ? " is" : " are") + " not set in the environment";
        boolean onlyEnv = m.group(2).split(", ").length == unset.size();
        return m.group(1) + missing + (onlyEnv ? "" : ". Available names: " + String.join(", ", others)
                + " and ENV_ with any variable of the environment");
    }
}

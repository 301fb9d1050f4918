package io.kupervisor.cli.migrate;

import java.util.Locale;
import java.util.Set;

/** Kubernetes names from supervisord names. */
final class Names {
    private Names() {
    }

    /** A DNS-1123 label: lower case, [a-z0-9-], at most 63, starting and ending alphanumeric. */
    static String label(String name) {
        String s = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("-+", "-");
        s = s.replaceAll("^-+", "").replaceAll("-+$", "");
        if (s.length() > 63) {
            s = s.substring(0, 63).replaceAll("-+$", "");
        }
        return s.isEmpty() ? "x" : s;
    }

    /** A label not in {@code taken} (suffixes -2, -3, ...), added to it. */
    static String unique(String base, Set<String> taken) {
        String name = base;
        for (int i = 2; taken.contains(name); i++) {
            String suffix = "-" + i;
            name = (base.length() + suffix.length() > 63 ? base.substring(0, 63 - suffix.length()) : base) + suffix;
        }
        taken.add(name);
        return name;
    }

    /** A ConfigMap key for a relative file path: [-._a-zA-Z0-9], '/' as "__". */
    static String configMapKey(String relativePath) {
        return relativePath.replace("/", "__").replaceAll("[^-._a-zA-Z0-9]", "_");
    }
}

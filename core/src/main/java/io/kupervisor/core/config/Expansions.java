package io.kupervisor.core.config;

import io.kupervisor.core.config.dialect.FormatException;
import io.kupervisor.core.config.dialect.PercentFormat;
import io.kupervisor.core.config.dialect.PyRepr;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** supervisord's {@code expand()}: Python %-formatting of a value, with its error texts. */
final class Expansions {
    private Expansions() {
    }

    static String expand(String s, Map<String, ?> expansions, String name) throws InvalidValue {
        try {
            return PercentFormat.format(s, expansions);
        } catch (FormatException e) {
            if (e.kind() == FormatException.Kind.MISSING_NAME) {
                List<String> available = new ArrayList<>(expansions.keySet());
                available.sort(null);
                throw new InvalidValue("Format string " + PyRepr.repr(s) + " for " + PyRepr.repr(name)
                        + " contains names (" + e.detail() + ") which cannot be expanded. Available names: "
                        + String.join(", ", available));
            }
            throw new InvalidValue("Format string " + PyRepr.repr(s) + " for " + PyRepr.repr(name)
                    + " is badly formatted: " + e.detail());
        }
    }
}

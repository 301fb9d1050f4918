package io.kupervisor.core.config.ini;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Sections and keys merged from every file read, as Python's {@code RawConfigParser} keeps them:
 * section names are case-sensitive and merged when repeated, keys are lower-cased and the last
 * one wins, and the keys of {@code [DEFAULT]} show through in every section.
 */
public final class IniDocument {
    public static final String DEFAULT_SECTION = "DEFAULT";

    private final Map<String, Map<String, IniEntry>> sections = new LinkedHashMap<>();
    private final Map<String, IniEntry> defaults = new LinkedHashMap<>();
    private final Map<String, Path> sectionToFile = new LinkedHashMap<>();
    private final Map<String, Integer> sectionLine = new LinkedHashMap<>();
    private final List<PendingHere> pendingHere = new ArrayList<>();

    private record PendingHere(Map<String, IniEntry> options, String key) {
    }

    /** Section names in the order first seen, without {@code DEFAULT}. */
    public List<String> sections() {
        return List.copyOf(sections.keySet());
    }

    public boolean hasSection(String section) {
        return sections.containsKey(section);
    }

    /** The value of a key in a section, or inherited from {@code [DEFAULT]}. */
    public Optional<IniEntry> get(String section, String key) {
        Map<String, IniEntry> options = sections.get(section);
        if (options == null) {
            return Optional.empty();
        }
        IniEntry entry = options.get(key);
        return Optional.ofNullable(entry != null ? entry : defaults.get(key));
    }

    /** Keys of a section, {@code DEFAULT}'s first, as {@code RawConfigParser.options()} lists them. */
    public List<String> options(String section) {
        Set<String> keys = new LinkedHashSet<>(defaults.keySet());
        keys.addAll(sections.getOrDefault(section, Map.of()).keySet());
        return new ArrayList<>(keys);
    }

    public Map<String, IniEntry> defaults() {
        return Collections.unmodifiableMap(defaults);
    }

    /** The file whose reading created the section, if it was an included file (supervisord's section_to_file). */
    public Optional<Path> includedFileOf(String section) {
        return Optional.ofNullable(sectionToFile.get(section));
    }

    /** Line of the section's first header, 0 if unknown. */
    public int headerLine(String section) {
        return sectionLine.getOrDefault(section, 0);
    }

    /**
     * supervisord's {@code expand_here}: a textual replacement of {@code %(here)s} in every value of
     * every section (inherited {@code DEFAULT} values included, which are then copied into the section).
     */
    public void expandHere(String here) {
        String marker = "%(here)s";
        boolean defaultsHaveMarker = defaults.values().stream().anyMatch(e -> e.value().contains(marker));
        if (!defaultsHaveMarker) {
            // only values read since the last call can still hold the marker
            for (PendingHere p : pendingHere) {
                IniEntry entry = p.options().get(p.key());
                if (entry != null && entry.value().contains(marker)) {
                    p.options().put(p.key(), entry.withValue(entry.value().replace(marker, here)));
                }
            }
            pendingHere.clear();
            return;
        }
        pendingHere.clear();
        for (String section : sections.keySet()) {
            Map<String, IniEntry> options = sections.get(section);
            for (String key : options(section)) {
                IniEntry entry = get(section, key).orElseThrow();
                if (entry.value().contains(marker)) {
                    options.put(key, entry.withValue(entry.value().replace(marker, here)));
                }
            }
        }
    }

    // Used by IniReader while reading.

    void put(Map<String, IniEntry> options, String key, IniEntry entry) {
        options.put(key, entry);
        if (entry.value().contains("%(here)s")) {
            pendingHere.add(new PendingHere(options, key));
        }
    }

    Map<String, IniEntry> sectionForWrite(String name, Path file, int line, boolean recordFile) {
        if (DEFAULT_SECTION.equals(name)) {
            return defaults;
        }
        return sections.computeIfAbsent(name, n -> {
            if (recordFile) {
                sectionToFile.put(n, file);
            }
            sectionLine.put(n, line);
            return new LinkedHashMap<>();
        });
    }
}

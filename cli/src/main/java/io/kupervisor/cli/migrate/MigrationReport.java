package io.kupervisor.cli.migrate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code kupervisor migrate} did with every program and key: mapped exactly, approximated
 * (and how), or left for a person to decide.
 */
public final class MigrationReport {
    public enum Status {
        MAPPED("mapped"), APPROXIMATED("approximated"), DECIDE("needs a decision");

        final String words;

        Status(String words) {
            this.words = words;
        }
    }

    public record Entry(String subject, String key, Status status, String note) {
    }

    private final String mode;
    private final List<Entry> entries = new ArrayList<>();

    public MigrationReport(String mode) {
        this.mode = mode;
    }

    /** Adds a row; every row has a key, and a row said once is not said again. */
    public void add(String subject, String key, Status status, String note) {
        Entry e = new Entry(subject, java.util.Objects.requireNonNull(key, "a report row needs a key"), status, note);
        if (!entries.contains(e)) {
            entries.add(e);
        }
    }

    public List<Entry> entries() {
        return List.copyOf(entries);
    }

    public long count(Status s) {
        return entries.stream().filter(e -> e.status() == s).count();
    }

    /** For the terminal: a summary, then the approximations and decisions (mapped keys counted). */
    public String text() {
        StringBuilder sb = new StringBuilder();
        sb.append("migration (").append(mode).append("): ").append(count(Status.MAPPED)).append(" mapped, ")
                .append(count(Status.APPROXIMATED)).append(" approximated, ").append(count(Status.DECIDE))
                .append(" need a decision\n");
        for (Status s : new Status[] {Status.DECIDE, Status.APPROXIMATED}) {
            for (Entry e : entries) {
                if (e.status() == s) {
                    sb.append("  ").append(s == Status.DECIDE ? "DECIDE " : "APPROX ").append(e.subject())
                            .append(e.key() == null ? "" : " " + e.key()).append(": ").append(e.note()).append('\n');
                }
            }
        }
        return sb.toString();
    }

    /** For {@code --report FILE}: every entry, grouped by program, as Markdown. */
    public String markdown() {
        StringBuilder sb = new StringBuilder("# kupervisor migrate report (" + mode + ")\n\n");
        sb.append(count(Status.MAPPED)).append(" mapped, ").append(count(Status.APPROXIMATED))
                .append(" approximated, ").append(count(Status.DECIDE)).append(" need a decision.\n");
        Map<String, List<Entry>> bySubject = new LinkedHashMap<>();
        entries.forEach(e -> bySubject.computeIfAbsent(e.subject(), k -> new ArrayList<>()).add(e));
        for (var group : bySubject.entrySet()) {
            sb.append("\n## ").append(group.getKey()).append("\n\n| key | result | how |\n|---|---|---|\n");
            for (Entry e : group.getValue()) {
                sb.append("| ").append(e.key() == null ? "" : "`" + e.key() + "`").append(" | ").append(e.status().words)
                        .append(" | ").append(e.note().replace("|", "\\|")).append(" |\n");
            }
        }
        return sb.toString();
    }
}

package io.kupervisor.supervisord.web;

import io.kupervisor.core.state.ProcessSnapshot;
import io.kupervisor.core.state.ProcessState;
import io.kupervisor.core.status.ProcessDescription;
import io.kupervisor.supervisord.control.DaemonStatus;
import io.kupervisor.supervisord.control.ProcessStatus;
import io.kupervisor.supervisord.control.SupervisorState;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The status table: supervisord's rows (one per process, by group then name; state, description,
 * name, actions), from a snapshot the daemon's loop took, rendered as the {@code <tbody>} of the page. The
 * same HTML goes into the page and into every {@code /events} update, so there is one renderer.
 */
record StatusTable(SupervisorState mood, Instant now, List<Row> rows) {

    /** One process as the page shows it. */
    record Row(String namespec, String group, String name, ProcessState state, String description, long pid,
               long start) {
        /** In a group of its own name (a plain program) or a member of a real group. */
        boolean member() {
            return !group.equals(name);
        }
    }

    /** The table of a snapshot. */
    static StatusTable of(DaemonStatus status, ZoneId zone) {
        Instant now = status.now();
        List<Row> rows = new ArrayList<>();
        for (ProcessStatus p : status.processesByName()) {
            ProcessSnapshot s = p.snapshot();
            rows.add(new Row(p.namespec(), p.group(), p.name(), s.state(),
                    ProcessDescription.describe(p.name(), s, now, zone), s.pid(), s.startEpochSecond()));
        }
        return new StatusTable(status.state(), now, rows);
    }

    /** supervisord's {@code css_class_for_state}. */
    static String cssClass(ProcessState state) {
        return switch (state) {
            case RUNNING -> "statusrunning";
            case FATAL, BACKOFF -> "statuserror";
            default -> "statusnominal";
        };
    }

    /** The rows of the {@code <tbody>}: a fold row before the members of each real group. */
    String tbody(String token) {
        StringBuilder sb = new StringBuilder(256 + rows.size() * 700);
        Map<String, List<Row>> members = new LinkedHashMap<>();
        for (Row r : rows) {
            if (r.member()) {
                members.computeIfAbsent(r.group(), k -> new ArrayList<>()).add(r);
            }
        }
        boolean shade = false;
        String headerDone = null;
        for (Row r : rows) {
            if (r.member() && !r.group().equals(headerDone)) {
                headerDone = r.group();
                groupRow(sb, r.group(), members.get(r.group()));
            }
            row(sb, r, shade, token);
            shade = !shade;
        }
        return sb.toString();
    }

    private static void groupRow(StringBuilder sb, String group, List<Row> members) {
        int running = 0;
        boolean error = false;
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Row r : members) {
            if (r.state() == ProcessState.RUNNING) {
                running++;
            }
            if (r.state() == ProcessState.FATAL || r.state() == ProcessState.BACKOFF) {
                error = true;
            }
            counts.merge(r.state().name().toLowerCase(java.util.Locale.ROOT), 1, Integer::sum);
        }
        String css = error ? "statuserror" : running == members.size() ? "statusrunning" : "statusnominal";
        StringBuilder summary = new StringBuilder();
        counts.forEach((state, n) -> summary.append(summary.isEmpty() ? "" : ", ").append(n).append(' ').append(state));
        String g = Text.html(group);
        sb.append("<tr class=\"grouprow\" data-group=\"").append(g).append("\">")
                .append("<td class=\"status\"><span class=\"").append(css).append("\" title=\"").append(running)
                .append(" of ").append(members.size()).append(" running\">").append(running).append('/')
                .append(members.size()).append("</span></td>")
                .append("<td class=\"desc\">").append(members.size()).append(members.size() == 1 ? " process: " : " processes: ")
                .append(Text.html(summary.toString())).append("</td>")
                .append("<td class=\"name\"><button type=\"button\" class=\"fold\" aria-expanded=\"true\" data-group=\"")
                .append(g).append("\">").append(g).append("</button></td>")
                .append("<td class=\"action\"></td></tr>\n");
    }

    private void row(StringBuilder sb, Row r, boolean shade, String token) {
        String ns = Text.html(r.namespec());
        String q = Text.html(Text.quote(r.namespec()));
        sb.append("<tr class=\"proc").append(shade ? " shade" : "").append(r.member() ? " member" : "")
                .append("\" data-name=\"").append(ns).append("\" data-group=\"").append(Text.html(r.group()))
                .append("\" data-state=\"").append(r.state().name()).append("\">");
        sb.append("<td class=\"status\"><span class=\"").append(cssClass(r.state())).append("\">")
                .append(r.state().name().toLowerCase(java.util.Locale.ROOT)).append("</span></td>");
        sb.append("<td class=\"desc\"");
        if (r.state() == ProcessState.RUNNING) {
            sb.append(" data-pid=\"").append(r.pid()).append("\" data-start=\"").append(r.start()).append('"');
        }
        sb.append('>').append(Text.html(r.description())).append("</td>");
        sb.append("<td class=\"name\"><a href=\"tail.html?processname=").append(q).append("\" target=\"_blank\">")
                .append(ns).append("</a></td>");
        sb.append("<td class=\"action\"><form method=\"post\" action=\"index.html\" class=\"actions\">")
                .append("<input type=\"hidden\" name=\"token\" value=\"").append(Text.html(token)).append("\">")
                .append("<input type=\"hidden\" name=\"processname\" value=\"").append(ns).append("\"><ul>");
        switch (r.state()) {
            case RUNNING -> {
                button(sb, "restart", "Restart");
                button(sb, "stop", "Stop");
            }
            case STOPPED, EXITED, FATAL -> button(sb, "start", "Start");
            default -> {
            }
        }
        button(sb, "clearlog", "Clear Log");
        sb.append("<li><a href=\"logtail/").append(q).append("\" target=\"_blank\" name=\"Tail -f Stdout\">Tail -f Stdout</a></li>");
        sb.append("<li><a href=\"logtail/").append(q)
                .append("/stderr\" target=\"_blank\" name=\"Tail -f Stderr\">Tail -f Stderr</a></li>");
        sb.append("</ul></form></td></tr>\n");
    }

    private static void button(StringBuilder sb, String action, String label) {
        sb.append("<li><button type=\"submit\" name=\"action\" value=\"").append(action).append("\">").append(label)
                .append("</button></li>");
    }
}

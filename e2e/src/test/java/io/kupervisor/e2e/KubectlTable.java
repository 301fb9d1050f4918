package io.kupervisor.e2e;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * kubectl's table output ({@code kubectl get}) read by its header: each column starts where its
 * header word starts (kubectl aligns left, at least three spaces apart), so an empty cell and a
 * cell with spaces in it read right.
 */
record KubectlTable(List<String> headers, List<Map<String, String>> rows) {

    static KubectlTable parse(String output) {
        List<String> lines = output.lines().filter(l -> !l.isBlank()).toList();
        if (lines.isEmpty()) {
            throw new AssertionError("no table in kubectl's output");
        }
        String header = lines.getFirst();
        List<String> headers = new ArrayList<>();
        List<Integer> starts = new ArrayList<>();
        Matcher m = Pattern.compile("\\S+").matcher(header);
        while (m.find()) {
            headers.add(m.group());
            starts.add(m.start());
        }
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < headers.size(); i++) {
                int from = Math.min(starts.get(i), line.length());
                int to = i + 1 < starts.size() ? Math.min(starts.get(i + 1), line.length()) : line.length();
                row.put(headers.get(i), line.substring(from, to).strip());
            }
            rows.add(row);
        }
        return new KubectlTable(List.copyOf(headers), List.copyOf(rows));
    }

    /** The row whose NAME is {@code name}. */
    Map<String, String> row(String name) {
        return rows.stream().filter(r -> name.equals(r.get("NAME"))).findFirst()
                .orElseThrow(() -> new AssertionError("no row " + name + " in " + rows));
    }
}

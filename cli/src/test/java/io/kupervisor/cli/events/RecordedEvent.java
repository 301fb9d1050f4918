package io.kupervisor.cli.events;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One event as the recording listener (resources/events/recorder.py) got it: header fields and payload. */
record RecordedEvent(Map<String, String> headers, String payload) {

    String name() {
        return headers.get("eventname");
    }

    long serial() {
        return Long.parseLong(headers.get("serial"));
    }

    /** The payload's own header fields (its first line), e.g. processname, pid. */
    Map<String, String> fields() {
        Map<String, String> f = new LinkedHashMap<>();
        String first = payload.split("\n", 2)[0];
        for (String token : first.split(" ")) {
            int colon = token.indexOf(':');
            if (colon > 0) {
                f.put(token.substring(0, colon), token.substring(colon + 1));
            }
        }
        return f;
    }

    /** The payload's body after its first line ('' when none). */
    String body() {
        String[] parts = payload.split("\n", 2);
        return parts.length > 1 ? parts[1] : "";
    }

    /** The payload with the pid replaced (pids differ between two daemons). */
    String normalized() {
        return payload.replaceAll("pid:\\d+", "pid:N");
    }

    /** Reads the recorder's file: the header line, len characters of payload, a newline; repeated. */
    static List<RecordedEvent> read(Path file) throws IOException {
        List<RecordedEvent> events = new ArrayList<>();
        if (!Files.exists(file)) {
            return events;
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        int at = 0;
        while (at < text.length()) {
            int eol = text.indexOf('\n', at);
            if (eol < 0) {
                break; // a record still being written
            }
            Map<String, String> headers = new LinkedHashMap<>();
            for (String field : text.substring(at, eol).split(" ")) {
                int colon = field.indexOf(':');
                headers.put(field.substring(0, colon), field.substring(colon + 1));
            }
            int len = Integer.parseInt(headers.get("len"));
            int start = eol + 1;
            if (text.codePointCount(start, text.length()) < len + 1) {
                break;
            }
            int end = text.offsetByCodePoints(start, len);
            events.add(new RecordedEvent(headers, text.substring(start, end)));
            at = end + 1;
        }
        return events;
    }
}

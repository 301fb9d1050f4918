package io.kupervisor.core.config.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/** Loads the vectors tools/dialect/generate-vectors.py computed with the real Python 3.11. */
final class Vectors {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Vectors() {}

    static JsonNode load(String name) {
        try (InputStream in = Vectors.class.getResourceAsStream("/dialect/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource /dialect/" + name);
            }
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Stream<JsonNode> stream(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false);
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** A readable test name: the Python repr of the input, cut to keep reports short. */
    static String name(String input) {
        String r = PyRepr.repr(input);
        return r.length() > 80 ? r.substring(0, 80) + "…" : r;
    }
}

package io.kupervisor.supervisord.http;

import java.util.List;
import java.util.Objects;

/**
 * A request head as read: the request line, the header fields in order, and how the body is
 * framed (decided once, by {@link RequestParser}, so that nothing downstream can read it another
 * way).
 *
 * @param method  as sent (medusa does not change its case: {@code post} is not POST)
 * @param uri     the target with its path unquoted, as medusa's handlers see it
 * @param version {@code 1.0}, {@code 1.1}, another version, or null for a request line without one
 */
public record RequestHead(String method, String uri, String version, List<Field> fields, Framing framing) {

    /** One header field, its value without surrounding whitespace. */
    public record Field(String name, String value) {
    }

    /** How the body is delimited (RFC 9112 §6). */
    public sealed interface Framing {
        /** No Content-Length and no Transfer-Encoding: no body. */
        record None() implements Framing {
        }

        /** Content-Length: exactly that many bytes. */
        record Length(long bytes) implements Framing {
        }

        /** Transfer-Encoding: chunked. */
        record Chunked() implements Framing {
        }
    }

    public RequestHead {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(uri, "uri");
        fields = List.copyOf(fields);
        Objects.requireNonNull(framing, "framing");
    }

    /** The first field of that name (case-insensitive); null if none. */
    public String header(String name) {
        for (Field f : fields) {
            if (f.name().equalsIgnoreCase(name)) {
                return f.value();
            }
        }
        return null;
    }

    /** Every value of that name, in order. */
    public List<String> headers(String name) {
        return fields.stream().filter(f -> f.name().equalsIgnoreCase(name)).map(Field::value).toList();
    }

    /** Whether a body follows the head. */
    public boolean hasBody() {
        // instanceof, not a pattern switch: that is a class spun at run time (issue 18)
        return framing instanceof Framing.Chunked || framing instanceof Framing.Length l && l.bytes() > 0;
    }
}

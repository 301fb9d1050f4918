package io.kupervisor.supervisord.rpc;

import java.util.ArrayList;
import java.util.List;

/**
 * A pull reader for the XML that XML-RPC sends, in one pass over a String: elements (their
 * attributes are checked and dropped), text with XML's five entities and character references,
 * CDATA sections; comments and processing instructions are checked and skipped. Line ends are
 * normalized as XML says ({@code \r\n} and a lone {@code \r} read as {@code \n}).
 *
 * <p>It reads XML 1.0 well-formedness as the JDK's StAX parser did before it (kupervisor's pod
 * runtime carries no java.xml), and refuses what XML-RPC never needs: a document type declaration
 * (so no entity beyond the five, nothing read from files), and, when the caller asks, control
 * characters. Errors are worded as Python's expat words them ({@code mismatched tag: line 1,
 * column 5}; the column counts from 0), since {@code kupervisor ctl} shows them as supervisorctl
 * shows an ExpatError.
 *
 * <p>The reader has no bound of its own on depth or element count: its callers stop reading when
 * theirs is passed, before the next event.
 */
final class XmlReader {
    /** An element starts: {@link #name()}. */
    static final int START = 1;
    /** An element ends: {@link #name()} ({@code <a/>} gives START then END). */
    static final int END = 2;
    /** Character data: {@link #appendText}. Text between two tags may come in several events. */
    static final int TEXT = 3;
    /** The root element has ended and only comments, PIs and blanks followed. */
    static final int END_DOCUMENT = 4;

    /** The document is not well-formed XML, or is XML that this reader refuses. */
    static final class NotWellFormed extends Exception {
        NotWellFormed(String message) {
            super(message, null, false, false);
        }
    }

    private static final int PROLOG = 0;
    private static final int CONTENT = 1;
    private static final int EPILOG = 2;
    private static final int DONE = 3;

    private final String s;
    private final int n;
    private final boolean controlChars;
    private int pos;
    private int state = PROLOG;
    private final List<String> open = new ArrayList<>();
    private final List<String> attributes = new ArrayList<>();
    private boolean emptyElement;
    private String name;
    // the current TEXT event: s[textStart, textEnd), or decoded when a reference or \r was in it
    private int textStart;
    private int textEnd;
    private StringBuilder decoded;
    private boolean inDecoded;

    /**
     * @param controlChars whether the characters below U+0020 that XML 1.0 forbids (all but tab,
     *                     newline and carriage return) are read as they are where text may be
     *                     (supervisord copies program output into its answers unescaped); a
     *                     character reference to one stays an error
     */
    XmlReader(String document, boolean controlChars) {
        this.s = document;
        this.n = document.length();
        this.controlChars = controlChars;
    }

    /** The element's name, for START and END. */
    String name() {
        return name;
    }

    /** Appends the characters of the current TEXT event. */
    void appendText(StringBuilder to) {
        if (inDecoded) {
            to.append(decoded);
        } else {
            to.append(s, textStart, textEnd);
        }
    }

    /** The current TEXT event's characters (for tests and small texts). */
    String text() {
        StringBuilder sb = new StringBuilder();
        appendText(sb);
        return sb.toString();
    }

    /** Reads the next event: START, END, TEXT or END_DOCUMENT (then END_DOCUMENT again). */
    int next() throws NotWellFormed {
        if (emptyElement) {
            emptyElement = false;
            return closed(open.removeLast());
        }
        while (true) {
            switch (state) {
                case PROLOG -> {
                    if (pos == 0 && s.startsWith("<?xml", 0) && n > 5 && (isSpace(s.charAt(5)) || s.charAt(5) == '?')) {
                        xmlDeclaration();
                    }
                    skipMisc();
                    if (pos >= n) {
                        throw error("no element found", pos);
                    }
                    if (s.startsWith("<!DOCTYPE", pos)) {
                        throw error("a document type declaration is not accepted", pos);
                    }
                    if (s.charAt(pos) != '<' || pos + 1 >= n || !isNameStart(s.codePointAt(pos + 1))) {
                        throw error("not well-formed (invalid token)", pos);
                    }
                    state = CONTENT;
                    return startTag();
                }
                case CONTENT -> {
                    if (pos >= n) {
                        throw error("no element found (<" + open.getLast() + "> is not closed)", pos);
                    }
                    if (s.charAt(pos) != '<') {
                        return charData();
                    }
                    char c = pos + 1 < n ? s.charAt(pos + 1) : 0;
                    if (c == '/') {
                        return endTag();
                    } else if (c == '?') {
                        processingInstruction();
                    } else if (s.startsWith("<!--", pos)) {
                        comment();
                    } else if (s.startsWith("<![CDATA[", pos)) {
                        return cdata();
                    } else if (pos + 1 < n && isNameStart(s.codePointAt(pos + 1))) {
                        return startTag();
                    } else {
                        throw error("not well-formed (invalid token)", pos + 1);
                    }
                }
                case EPILOG -> {
                    skipMisc();
                    if (pos < n) {
                        throw error("junk after document element", pos);
                    }
                    state = DONE;
                    return END_DOCUMENT;
                }
                default -> {
                    return END_DOCUMENT;
                }
            }
        }
    }

    private int closed(String element) {
        name = element;
        if (open.isEmpty()) {
            state = EPILOG;
        }
        return END;
    }

    // --- markup

    /** {@code <?xml version="1.0" encoding="..." standalone="yes"?>}; the encoding is not used (the body is UTF-8). */
    private void xmlDeclaration() throws NotWellFormed {
        int p = 5;
        String version = null;
        String encoding = null;
        String standalone = null;
        while (true) {
            int blank = p;
            while (p < n && isSpace(s.charAt(p))) {
                p++;
            }
            if (s.startsWith("?>", p)) {
                p += 2;
                break;
            }
            if (p >= n) {
                throw error("unclosed token", 0);
            }
            boolean spaced = p > blank;
            int nameStart = p;
            while (p < n && isNameChar(s.charAt(p))) {
                p++;
            }
            String pseudo = s.substring(nameStart, p);
            if (!spaced || pseudo.isEmpty()) {
                throw error("XML declaration not well-formed", nameStart);
            }
            int[] value = quotedAfterEq(p);
            String v = s.substring(value[0], value[1]);
            p = value[1] + 1;
            switch (pseudo) {
                case "version" -> {
                    if (version != null || encoding != null || standalone != null) {
                        throw error("XML declaration not well-formed", nameStart);
                    }
                    if (!v.equals("1.0") && !v.equals("1.1")) {
                        throw error("XML version " + v + " is not supported", value[0]);
                    }
                    version = v;
                }
                case "encoding" -> {
                    // any name (StAX read none of them either: the body is UTF-8)
                    if (version == null || encoding != null || standalone != null) {
                        throw error("XML declaration not well-formed", nameStart);
                    }
                    checkChars(value[0], value[1]);
                    encoding = v;
                }
                case "standalone" -> {
                    if (version == null || standalone != null || !(v.equals("yes") || v.equals("no"))) {
                        throw error("XML declaration not well-formed", nameStart);
                    }
                    standalone = v;
                }
                default -> throw error("XML declaration not well-formed", nameStart);
            }
        }
        if (version == null) {
            throw error("XML declaration not well-formed (no version)", 0);
        }
        pos = p;
    }

    /** After a pseudo-attribute's name at p: {@code S? = S? "value"}; the value's bounds. */
    private int[] quotedAfterEq(int p) throws NotWellFormed {
        while (p < n && isSpace(s.charAt(p))) {
            p++;
        }
        if (p >= n || s.charAt(p) != '=') {
            throw error("XML declaration not well-formed", p);
        }
        p++;
        while (p < n && isSpace(s.charAt(p))) {
            p++;
        }
        if (p >= n || (s.charAt(p) != '"' && s.charAt(p) != '\'')) {
            throw error("XML declaration not well-formed", p);
        }
        int end = s.indexOf(s.charAt(p), p + 1);
        if (end < 0) {
            throw error("unclosed token", p);
        }
        return new int[] {p + 1, end};
    }

    /** Blanks, comments and PIs before or after the root element. */
    private void skipMisc() throws NotWellFormed {
        while (pos < n) {
            char c = s.charAt(pos);
            if (isSpace(c)) {
                pos++;
            } else if (s.startsWith("<?", pos)) {
                processingInstruction();
            } else if (s.startsWith("<!--", pos)) {
                comment();
            } else {
                return;
            }
        }
    }

    /** {@code <name attr="v" ...>} or {@code <name .../>}, at pos. */
    private int startTag() throws NotWellFormed {
        int p = pos + 1;
        int nameEnd = nameEnd(p);
        String element = s.substring(p, nameEnd);
        p = nameEnd;
        attributes.clear();
        while (true) {
            int blank = p;
            while (p < n && isSpace(s.charAt(p))) {
                p++;
            }
            if (p >= n) {
                throw error("unclosed token", pos);
            }
            char c = s.charAt(p);
            if (c == '>') {
                pos = p + 1;
                break;
            }
            if (c == '/') {
                if (p + 1 < n && s.charAt(p + 1) == '>') {
                    pos = p + 2;
                    emptyElement = true;
                    break;
                }
                throw error("not well-formed (invalid token)", p);
            }
            if (p == blank || !isNameStart(s.codePointAt(p))) {
                throw error("not well-formed (invalid token)", p);
            }
            p = attribute(p);
        }
        open.add(element);
        name = element;
        return START;
    }

    /** {@code name S? = S? "value"} at p (the value is checked, not kept); where it ends. */
    private int attribute(int p) throws NotWellFormed {
        int nameEnd = attributeNameEnd(p);
        String attr = s.substring(p, nameEnd);
        if (attributes.contains(attr)) {
            throw error("duplicate attribute " + attr, p);
        }
        attributes.add(attr);
        p = nameEnd;
        while (p < n && isSpace(s.charAt(p))) {
            p++;
        }
        if (p >= n || s.charAt(p) != '=') {
            throw error("not well-formed (invalid token): attribute " + attr + " has no value", p);
        }
        p++;
        while (p < n && isSpace(s.charAt(p))) {
            p++;
        }
        if (p >= n || (s.charAt(p) != '"' && s.charAt(p) != '\'')) {
            throw error("not well-formed (invalid token): attribute " + attr + "'s value is not quoted", p);
        }
        char quote = s.charAt(p++);
        while (true) {
            if (p >= n) {
                throw error("unclosed token", p);
            }
            char c = s.charAt(p);
            if (c == quote) {
                return p + 1;
            } else if (c == '<') {
                throw error("not well-formed (invalid token): '<' in attribute " + attr, p);
            } else if (c == '&') {
                p = reference(p, null);
            } else {
                p += checkChar(p);
            }
        }
    }

    /**
     * An attribute's name is read as StAX read it even without namespaces: a second colon ends
     * it, and what follows its first colon (but at the start) must start a name.
     */
    private int attributeNameEnd(int p) throws NotWellFormed {
        int q = p + Character.charCount(s.codePointAt(p));
        int colon = -1;
        while (q < n && isNameCharAt(q)) {
            if (s.charAt(q) == ':') {
                if (colon >= 0) {
                    break;
                }
                colon = q;
            }
            q += Character.charCount(s.codePointAt(q));
        }
        if (colon >= 0 && (colon + 1 == q || !isNameStart(s.codePointAt(colon + 1)))) {
            throw error("not well-formed (invalid token): attribute name " + s.substring(p, q)
                    + " is not a qualified name", p);
        }
        return q;
    }

    /** {@code </name S?>} at pos. */
    private int endTag() throws NotWellFormed {
        int p = pos + 2;
        String expected = open.getLast();
        int len = expected.length();
        if (!s.startsWith(expected, p) || (p + len < n && isNameCharAt(p + len))) {
            throw error("mismatched tag (<" + expected + "> is open)", p);
        }
        p += len;
        while (p < n && isSpace(s.charAt(p))) {
            p++;
        }
        if (p >= n) {
            throw error("unclosed token", pos);
        }
        if (s.charAt(p) != '>') {
            throw error("not well-formed (invalid token)", p);
        }
        pos = p + 1;
        return closed(open.removeLast());
    }

    /** {@code <?target data?>} at pos; the target may not be xml in any case. */
    private void processingInstruction() throws NotWellFormed {
        int p = pos + 2;
        if (p >= n || !isNameStart(s.codePointAt(p))) {
            throw error("not well-formed (invalid token)", p);
        }
        int nameEnd = nameEnd(p);
        if (nameEnd - p == 3 && s.regionMatches(true, p, "xml", 0, 3)) {
            throw error("XML or text declaration not at start of entity", pos);
        }
        p = nameEnd;
        if (s.startsWith("?>", p)) {
            pos = p + 2;
            return;
        }
        if (p >= n || !isSpace(s.charAt(p))) {
            throw error(p >= n ? "unclosed token" : "not well-formed (invalid token)", p >= n ? pos : p);
        }
        int end = s.indexOf("?>", p);
        if (end < 0) {
            throw error("unclosed token", pos);
        }
        checkChars(p, end);
        pos = end + 2;
    }

    /** {@code <!-- ... -->} at pos: no {@code --} inside. */
    private void comment() throws NotWellFormed {
        int p = pos + 4;
        int dashes = s.indexOf("--", p);
        if (dashes < 0) {
            throw error("unclosed token", pos);
        }
        if (dashes + 2 >= n) {
            throw error("unclosed token", pos);
        }
        if (s.charAt(dashes + 2) != '>') {
            throw error("not well-formed (invalid token): '--' in a comment", dashes);
        }
        checkChars(p, dashes);
        pos = dashes + 3;
    }

    /**
     * {@code <![CDATA[ ... ]]>} at pos: its characters as they are (but for line ends); an empty
     * one is an empty TEXT event (so {@code <i8><![CDATA[]]></i8>} has the text "", as with StAX).
     */
    private int cdata() throws NotWellFormed {
        int p = pos + 9;
        int end = s.indexOf("]]>", p);
        if (end < 0) {
            throw error("unclosed CDATA section", pos);
        }
        boolean cr = false;
        for (int i = p; i < end; ) {
            if (s.charAt(i) == '\r') {
                cr = true;
            }
            i += checkChar(i);
        }
        if (cr) {
            decoded = reset(decoded);
            appendNormalized(decoded, p, end);
            inDecoded = true;
        } else {
            textStart = p;
            textEnd = end;
            inDecoded = false;
        }
        pos = end + 3;
        return TEXT;
    }

    // --- text

    /** Character data from pos to the next '<' or the end. */
    private int charData() throws NotWellFormed {
        int start = pos;
        int p = pos;
        StringBuilder out = null;
        int copied = start; // s[copied, p) is still to be copied into out
        while (p < n) {
            char c = s.charAt(p);
            if (c == '<') {
                break;
            }
            if (c == '&') {
                if (out == null) {
                    out = decoded = reset(decoded);
                }
                out.append(s, copied, p);
                p = reference(p, out);
                copied = p;
            } else if (c == '\r') {
                if (out == null) {
                    out = decoded = reset(decoded);
                }
                out.append(s, copied, p).append('\n');
                p += p + 1 < n && s.charAt(p + 1) == '\n' ? 2 : 1;
                copied = p;
            } else if (c == ']' && s.startsWith("]]>", p)) {
                throw error("not well-formed (invalid token): ']]>' outside a CDATA section", p);
            } else if (c >= 0x20 && c < 0xD800) {
                p++;
            } else {
                p += checkChar(p);
            }
        }
        pos = p;
        if (out == null) {
            textStart = start;
            textEnd = p;
            inDecoded = false;
        } else {
            out.append(s, copied, p);
            inDecoded = true;
        }
        return TEXT;
    }

    /**
     * A reference at p ({@code &name;}, {@code &#ddd;}, {@code &#xhh;}): its character appended to
     * out (when out is not null); where it ends.
     */
    private int reference(int p, StringBuilder out) throws NotWellFormed {
        int q = p + 1;
        if (q < n && s.charAt(q) == '#') {
            q++;
            boolean hex = q < n && s.charAt(q) == 'x';
            if (hex) {
                q++;
            }
            int digits = q;
            long value = 0;
            while (q < n) {
                int d = digit(s.charAt(q), hex);
                if (d < 0) {
                    break;
                }
                value = Math.min(value * (hex ? 16 : 10) + d, 0x110000);
                q++;
            }
            if (q == digits || q >= n || s.charAt(q) != ';') {
                throw error("not well-formed (invalid token)", q);
            }
            int cp = (int) value;
            if (!isXmlChar(cp)) {
                throw error("reference to invalid character number", p);
            }
            if (out != null) {
                out.appendCodePoint(cp);
            }
            return q + 1;
        }
        if (q >= n || !isNameStart(s.codePointAt(q))) {
            throw error("not well-formed (invalid token)", q);
        }
        int end = nameEnd(q);
        if (end >= n || s.charAt(end) != ';') {
            throw error("not well-formed (invalid token)", end);
        }
        char c = switch (s.substring(q, end)) {
            case "lt" -> '<';
            case "gt" -> '>';
            case "amp" -> '&';
            case "apos" -> '\'';
            case "quot" -> '"';
            default -> throw error("undefined entity &" + s.substring(q, end) + ";", p);
        };
        if (out != null) {
            out.append(c);
        }
        return end + 1;
    }

    /** An ASCII digit's value, or -1 (Character.digit would take other scripts' digits too). */
    private static int digit(char c, boolean hex) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (hex && c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (hex && c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    private void appendNormalized(StringBuilder out, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == '\r') {
                out.append('\n');
                if (i + 1 < to && s.charAt(i + 1) == '\n') {
                    i++;
                }
            } else {
                out.append(c);
            }
        }
    }

    private static StringBuilder reset(StringBuilder sb) {
        if (sb == null) {
            return new StringBuilder();
        }
        sb.setLength(0);
        return sb;
    }

    // --- characters and names

    /** Checks the character at p may be in the document; its length in chars (2 for a surrogate pair). */
    private int checkChar(int p) throws NotWellFormed {
        char c = s.charAt(p);
        if (c >= 0x20 && c < 0xD800 || c == '\t' || c == '\n' || c == '\r' || (c >= 0xE000 && c <= 0xFFFD)) {
            return 1;
        }
        if (Character.isHighSurrogate(c) && p + 1 < n && Character.isLowSurrogate(s.charAt(p + 1))) {
            return 2;
        }
        if (c < 0x20 && controlChars) {
            return 1;
        }
        throw error(String.format("not well-formed (invalid token): character U+%04X", (int) c), p);
    }

    private void checkChars(int from, int to) throws NotWellFormed {
        for (int i = from; i < to; ) {
            i += checkChar(i);
        }
    }

    private static boolean isXmlChar(int cp) {
        return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF)
                || (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    /** The end of the name that starts at p (the caller has checked its first character). */
    private int nameEnd(int p) throws NotWellFormed {
        if (p >= n || !isNameStart(s.codePointAt(p))) {
            throw error("not well-formed (invalid token)", p);
        }
        p += Character.charCount(s.codePointAt(p));
        while (p < n && isNameCharAt(p)) {
            p += Character.charCount(s.codePointAt(p));
        }
        return p;
    }

    private boolean isNameCharAt(int p) {
        return isNameChar(s.codePointAt(p));
    }

    /** XML 1.0 (fifth edition) NameStartChar. */
    static boolean isNameStart(int c) {
        if (c < 0x80) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
        }
        return (c >= 0xC0 && c <= 0xD6) || (c >= 0xD8 && c <= 0xF6) || (c >= 0xF8 && c <= 0x2FF)
                || (c >= 0x370 && c <= 0x37D) || (c >= 0x37F && c <= 0x1FFF) || (c >= 0x200C && c <= 0x200D)
                || (c >= 0x2070 && c <= 0x218F) || (c >= 0x2C00 && c <= 0x2FEF) || (c >= 0x3001 && c <= 0xD7FF)
                || (c >= 0xF900 && c <= 0xFDCF) || (c >= 0xFDF0 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0xEFFFF);
    }

    /** XML 1.0 (fifth edition) NameChar. */
    static boolean isNameChar(int c) {
        return isNameStart(c) || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == 0xB7
                || (c >= 0x300 && c <= 0x36F) || (c >= 0x203F && c <= 0x2040);
    }

    // --- errors

    /** An error at offset p, placed as expat places it: line from 1, column from 0. */
    private NotWellFormed error(String what, int p) {
        int line = 1;
        int lineStart = 0;
        int end = Math.min(p, n);
        for (int i = 0; i < end; i++) {
            char c = s.charAt(i);
            if (c == '\n' || (c == '\r' && (i + 1 >= n || s.charAt(i + 1) != '\n'))) {
                line++;
                lineStart = i + 1;
            }
        }
        return new NotWellFormed(what + ": line " + line + ", column " + (end - lineStart));
    }
}

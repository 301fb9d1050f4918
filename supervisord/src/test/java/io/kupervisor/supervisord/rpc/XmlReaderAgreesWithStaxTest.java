package io.kupervisor.supervisord.rpc;

import org.junit.jupiter.api.Test;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link XmlReader} reads what the JDK's StAX parser (with the settings the XML-RPC parsers used
 * before, java.xml being in the test's JDK only) read, and refuses what it refused: on a corpus of
 * documents and on thousands of mutations of them (a fixed seed, so a failure is repeatable). For
 * answers, which may carry control characters, the oracle is what the response parser did before:
 * StAX on the text with those characters moved into a private-use plane and back.
 */
class XmlReaderAgreesWithStaxTest {
    private static final XMLInputFactory STAX = stax();

    static final List<String> CORPUS = List.of(
            "<?xml version='1.0'?>\n<methodCall>\n<methodName>supervisor.getProcessInfo</methodName>\n<params>\n"
                    + "<param>\n<value><string>web:web_00</string></value>\n</param>\n</params>\n</methodCall>\n",
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\" ?><methodResponse><params><param><value>"
                    + "<struct><member><name>a&amp;b</name><value><int>-5</int></value></member></struct></value>"
                    + "</param></params></methodResponse>",
            "<a x='1' y=\"&lt;&#65;&#x42;\">t&#x1F600;&quot;&apos;<![CDATA[<&]]]]>\r\nu\rv<!-- c --><?pi d?></a>  ",
            "<!-- before --><?pi?>\n<a:b c:d='e'><é/><x-y.z>1</x-y.z></a:b><!-- after -->\n",
            "<a>colour \u001b[31mred\u001b[0m\ttab\u0001</a>",
            "<?xml version='1.0'?><a><b/><b></b ><c>&#13;&#10;&#9;</c></a>",
            "<a b:c='1' d = \"2\" e='&amp;&#x3C;'><!----><?x y z?><![CDATA[]]>\t</a>",
            "<?xml version='1.0' encoding='UTF-8'?><!DOCTYPE a><a/>",
            "<a><b><c><d>&#xFFFD;&#x10FFFF;&#9;x]y]]z</d></c></b></a>",
            "<?xml version='1.0' standalone='no'?>\r\n<!--x-->\r\n<a\r\nb='\r\n'\r\n>\r\n</a\r\n>\r\n");

    private static XMLInputFactory stax() {
        XMLInputFactory f = XMLInputFactory.newFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, false);
        f.setProperty(XMLInputFactory.IS_COALESCING, true);
        f.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, true);
        return f;
    }

    /** StAX's events as one string, or null when it refused the document. */
    static String stax(String doc, boolean controlChars) {
        StringBuilder out = new StringBuilder();
        StringBuilder text = new StringBuilder();
        try {
            XMLStreamReader r = STAX.createXMLStreamReader(new StringReader(controlChars ? protect(doc) : doc));
            while (r.hasNext()) {
                switch (r.next()) {
                    case XMLStreamConstants.DTD, XMLStreamConstants.ENTITY_REFERENCE -> {
                        return null;
                    }
                    case XMLStreamConstants.START_ELEMENT -> flush(text, out).append('<').append(r.getLocalName()).append('>');
                    case XMLStreamConstants.END_ELEMENT -> flush(text, out).append("</").append(r.getLocalName()).append('>');
                    case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE ->
                            text.append(controlChars ? unprotect(r.getText()) : r.getText());
                    default -> {
                    }
                }
            }
        } catch (XMLStreamException e) {
            return null;
        }
        return flush(text, out).toString();
    }

    /** XmlReader's events in the same form, or null when it refused the document. */
    static String ours(String doc, boolean controlChars) {
        StringBuilder out = new StringBuilder();
        StringBuilder text = new StringBuilder();
        XmlReader r = new XmlReader(doc, controlChars);
        try {
            for (int ev = r.next(); ev != XmlReader.END_DOCUMENT; ev = r.next()) {
                switch (ev) {
                    case XmlReader.START -> flush(text, out).append('<').append(r.name()).append('>');
                    case XmlReader.END -> flush(text, out).append("</").append(r.name()).append('>');
                    case XmlReader.TEXT -> r.appendText(text);
                    default -> throw new AssertionError(ev);
                }
            }
        } catch (XmlReader.NotWellFormed e) {
            return null;
        }
        return flush(text, out).toString();
    }

    private static StringBuilder flush(StringBuilder text, StringBuilder out) {
        if (!text.isEmpty()) {
            out.append("T[").append(text).append(']');
            text.setLength(0);
        }
        return out;
    }

    private static String protect(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                sb.appendCodePoint(0xF0000 + c);
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static String unprotect(String s) {
        StringBuilder sb = new StringBuilder();
        s.codePoints().forEach(cp -> {
            if (cp >= 0xF0000 && cp < 0xF0020) {
                sb.append((char) (cp - 0xF0000));
            } else {
                sb.appendCodePoint(cp);
            }
        });
        return sb.toString();
    }

    private static void agree(String doc, List<String> disagreements) {
        // XML 1.1 is read with 1.0's rules on purpose (DECISIONS.md): StAX switched rules there
        if (doc.contains("1.1")) {
            return;
        }
        for (boolean controlChars : new boolean[] {false, true}) {
            String theirs = stax(doc, controlChars);
            String ours = ours(doc, controlChars);
            if (theirs == null ? ours != null : !theirs.equals(ours)) {
                disagreements.add((controlChars ? "answer " : "call ") + PyValues.repr(doc) + ": StAX " + theirs
                        + ", XmlReader " + ours);
            }
        }
    }

    @Test
    void theCorpusReadsAsStaxReadIt() {
        List<String> disagreements = new ArrayList<>();
        for (String doc : CORPUS) {
            agree(doc, disagreements);
            assertThat(ours(doc, true)).as(doc).matches(events -> doc.contains("<!DOCTYPE") == (events == null));
        }
        assertThat(disagreements).isEmpty();
    }

    @Test
    void mutationsOfItAreReadOrRefusedAsStaxDid() {
        String alphabet = "<>&;#x/!?-[]'\"= \r\n\tab:1.\u0001\u0000\uFFFE\uD83D\uDE00é";
        String[] pieces = {"<!--", "-->", "<![CDATA[", "]]>", "&#", "&#x", "&lt;", "&nope;", "<?xml ", "?>", "<!DOCTYPE a>",
            "</a>", "<a>", "<b/>", "version='1.0'", "encoding='x'", "standalone='no'", "&#0;", "&#xD800;", "&#1114111;"};
        Random random = new Random(18);
        List<String> disagreements = new ArrayList<>();
        int read = 0;
        for (int i = 0; i < 30_000; i++) {
            String doc = CORPUS.get(random.nextInt(CORPUS.size()));
            int edits = 1 + random.nextInt(3);
            for (int e = 0; e < edits; e++) {
                int at = random.nextInt(doc.length() + 1);
                doc = switch (random.nextInt(4)) {
                    case 0 -> at < doc.length() ? doc.substring(0, at) + doc.substring(at + 1) : doc;
                    case 1 -> doc.substring(0, at) + alphabet.charAt(random.nextInt(alphabet.length())) + doc.substring(at);
                    case 2 -> doc.substring(0, at) + pieces[random.nextInt(pieces.length)] + doc.substring(at);
                    default -> doc.substring(0, at);
                };
            }
            agree(doc, disagreements);
            if (ours(doc, false) != null) {
                read++;
            }
        }
        // the mutations are not all refused at once: what is read is compared event by event
        assertThat(read).isGreaterThan(1000);
        assertThat(disagreements).as("%d disagreements", disagreements.size()).isEmpty();
    }
}

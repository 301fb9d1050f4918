package io.kupervisor.supervisord.rpc;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The XML that XML-RPC uses, read by {@link XmlReader}; and what it refuses, where and why. */
class XmlReaderTest {

    /** The events: {@code <name>}, {@code </name>}, {@code "text"} (each TEXT event on its own). */
    private static List<String> events(String doc, boolean controlChars) throws XmlReader.NotWellFormed {
        List<String> out = new ArrayList<>();
        XmlReader r = new XmlReader(doc, controlChars);
        for (int ev = r.next(); ev != XmlReader.END_DOCUMENT; ev = r.next()) {
            out.add(switch (ev) {
                case XmlReader.START -> "<" + r.name() + ">";
                case XmlReader.END -> "</" + r.name() + ">";
                case XmlReader.TEXT -> '"' + r.text() + '"';
                default -> throw new AssertionError(ev);
            });
        }
        assertThat(r.next()).isEqualTo(XmlReader.END_DOCUMENT);
        return out;
    }

    private static List<String> events(String doc) throws XmlReader.NotWellFormed {
        return events(doc, false);
    }

    private static String refusal(String doc) {
        return refusal(doc, false);
    }

    private static String refusal(String doc, boolean controlChars) {
        try {
            return "read: " + events(doc, controlChars);
        } catch (XmlReader.NotWellFormed e) {
            return e.getMessage();
        }
    }

    @Test
    void theXmlDeclarationIsReadAndItsEncodingIsNotUsed() throws Exception {
        assertThat(events("<?xml version='1.0'?>\n<a/>")).containsExactly("<a>", "</a>");
        assertThat(events("<?xml version = \"1.0\" encoding='ISO-8859-1' standalone='yes' ?><a>é</a>"))
                .containsExactly("<a>", "\"é\"", "</a>");
        assertThat(refusal("<?xml version='2.0'?><a/>")).isEqualTo("XML version 2.0 is not supported: line 1, column 15");
        assertThat(refusal("<?xml encoding='UTF-8'?><a/>")).startsWith("XML declaration not well-formed: line 1, column 6");
        assertThat(refusal("<?xml version='1.0'encoding='UTF-8'?><a/>")).startsWith("XML declaration not well-formed");
        assertThat(refusal("<?xml version='1.0' standalone='maybe'?><a/>")).startsWith("XML declaration not well-formed");
        assertThat(refusal(" <?xml version='1.0'?><a/>"))
                .isEqualTo("XML or text declaration not at start of entity: line 1, column 1");
    }

    @Test
    void elementsWithAttributesInEitherQuote() throws Exception {
        assertThat(events("<a x='1' y = \"&lt;'\" z:w='\"'><b/><c\n></c ></a>"))
                .containsExactly("<a>", "<b>", "</b>", "<c>", "</c>", "</a>");
        assertThat(events("<a:b>x</a:b>")).containsExactly("<a:b>", "\"x\"", "</a:b>");
    }

    @Test
    void textWithEntitiesAndCharacterReferences() throws Exception {
        assertThat(events("<a>&lt;&gt;&amp;&apos;&quot; &#65;&#x42;&#x1F600;&#128512;&#0065;</a>"))
                .containsExactly("<a>", "\"<>&'\" AB\uD83D\uDE00\uD83D\uDE00A\"", "</a>");
        assertThat(events("<a>&#9;&#10;&#13;</a>")).containsExactly("<a>", "\"\t\n\r\"", "</a>");
        assertThat(events("<a>plain ] text ]]</a>")).containsExactly("<a>", "\"plain ] text ]]\"", "</a>");
    }

    @Test
    void lineEndsAreReadAsNewlinesButAReferencedCarriageReturnStays() throws Exception {
        assertThat(events("<a>x\r\ny\rz&#13;</a>")).containsExactly("<a>", "\"x\ny\nz\r\"", "</a>");
        assertThat(events("<a><![CDATA[p\r\nq]]></a>")).containsExactly("<a>", "\"p\nq\"", "</a>");
    }

    @Test
    void cdataSectionsAreTextAsItIs() throws Exception {
        assertThat(events("<a>x<![CDATA[<&amp;]]]]>y</a>")).containsExactly("<a>", "\"x\"", "\"<&amp;]]\"", "\"y\"", "</a>");
        assertThat(events("<a><![CDATA[]]></a>")).containsExactly("<a>", "\"\"", "</a>");
    }

    @Test
    void commentsProcessingInstructionsAndBlanksAreSkipped() throws Exception {
        assertThat(events("<!-- c --><?pi data?>\n<a>x<!-- y -->z<?pi?></a>\n<!----><?x?> \n"))
                .containsExactly("<a>", "\"x\"", "\"z\"", "</a>");
        assertThat(events("<a>  \n</a>")).containsExactly("<a>", "\"  \n\"", "</a>");
    }

    @Test
    void aDocumentTypeDeclarationIsRefused() {
        assertThat(refusal("<?xml version='1.0'?>\n<!DOCTYPE a [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><a>&x;</a>"))
                .isEqualTo("a document type declaration is not accepted: line 2, column 0");
        assertThat(refusal("<a><!DOCTYPE a></a>")).isEqualTo("not well-formed (invalid token): line 1, column 4");
    }

    @Test
    void referencesThatAreNotCharactersOrNotDefinedAreRefused() {
        assertThat(refusal("<a>&nope;</a>")).isEqualTo("undefined entity &nope;: line 1, column 3");
        assertThat(refusal("<a>&#0;</a>")).isEqualTo("reference to invalid character number: line 1, column 3");
        assertThat(refusal("<a>&#x110000;</a>")).isEqualTo("reference to invalid character number: line 1, column 3");
        assertThat(refusal("<a>&#99999999999999999999;</a>")).isEqualTo("reference to invalid character number: line 1, column 3");
        assertThat(refusal("<a>&#xD800;</a>")).isEqualTo("reference to invalid character number: line 1, column 3");
        assertThat(refusal("<a>&#xFFFE;</a>")).isEqualTo("reference to invalid character number: line 1, column 3");
        assertThat(refusal("<a>&#1;</a>", true)).isEqualTo("reference to invalid character number: line 1, column 3");
        assertThat(refusal("<a>&#X41;</a>")).isEqualTo("not well-formed (invalid token): line 1, column 5");
        assertThat(refusal("<a>&#\u0661;</a>")).isEqualTo("not well-formed (invalid token): line 1, column 5");
        assertThat(refusal("<a>&#65</a>")).isEqualTo("not well-formed (invalid token): line 1, column 7");
        assertThat(refusal("<a>&amp</a>")).isEqualTo("not well-formed (invalid token): line 1, column 7");
        assertThat(refusal("<a>& b</a>")).isEqualTo("not well-formed (invalid token): line 1, column 4");
        assertThat(refusal("<a x='&'/>")).isEqualTo("not well-formed (invalid token): line 1, column 7");
    }

    @Test
    void whatIsNotWellFormedIsRefusedSayingWhatAndWhere() {
        assertThat(refusal("<a>\n  <b>x</c>")).isEqualTo("mismatched tag (<b> is open): line 2, column 8");
        assertThat(refusal("<a><ab></a></ab>")).isEqualTo("mismatched tag (<ab> is open): line 1, column 9");
        assertThat(refusal("<methodCall><methodName>a.b</methodName>"))
                .isEqualTo("no element found (<methodCall> is not closed): line 1, column 40");
        assertThat(refusal("<a></a>x")).isEqualTo("junk after document element: line 1, column 7");
        assertThat(refusal("<a></a><b/>")).isEqualTo("junk after document element: line 1, column 7");
        assertThat(refusal("<a x='<'/>")).isEqualTo("not well-formed (invalid token): '<' in attribute x: line 1, column 6");
        assertThat(refusal("<a x=1/>")).isEqualTo("not well-formed (invalid token): attribute x's value is not quoted: line 1, column 5");
        assertThat(refusal("<a x/>")).isEqualTo("not well-formed (invalid token): attribute x has no value: line 1, column 4");
        assertThat(refusal("<a x='1' x=\"2\"/>")).isEqualTo("duplicate attribute x: line 1, column 9");
        assertThat(refusal("<a b:='1'/>")).startsWith("not well-formed (invalid token): attribute name b: is not a qualified name");
        assertThat(refusal("<a x='1'y='2'/>")).isEqualTo("not well-formed (invalid token): line 1, column 8");
        assertThat(refusal("<a>]]></a>")).startsWith("not well-formed (invalid token): ']]>' outside a CDATA section: line 1, column 3");
        assertThat(refusal("<a><!-- x -- y --></a>")).startsWith("not well-formed (invalid token): '--' in a comment");
        assertThat(refusal("<a><?xml x?></a>")).isEqualTo("XML or text declaration not at start of entity: line 1, column 3");
        assertThat(refusal("<a><? pi?></a>")).isEqualTo("not well-formed (invalid token): line 1, column 5");
        assertThat(refusal("<a><!-- x</a>")).isEqualTo("unclosed token: line 1, column 3");
        assertThat(refusal("<a><![CDATA[x]]</a>")).isEqualTo("unclosed CDATA section: line 1, column 3");
        assertThat(refusal("<a x='1")).isEqualTo("unclosed token: line 1, column 7");
        assertThat(refusal("<1a/>")).isEqualTo("not well-formed (invalid token): line 1, column 0");
        assertThat(refusal("<a>text<</a>")).isEqualTo("not well-formed (invalid token): line 1, column 8");
        assertThat(refusal("")).isEqualTo("no element found: line 1, column 0");
        assertThat(refusal(" \n ")).isEqualTo("no element found: line 2, column 1");
        assertThat(refusal("not xml")).isEqualTo("not well-formed (invalid token): line 1, column 0");
        assertThat(refusal("\uFEFF<a/>")).isEqualTo("not well-formed (invalid token): line 1, column 0");
        assertThat(refusal("<a>x\r\ny\rz</b>")).isEqualTo("mismatched tag (<a> is open): line 3, column 3");
    }

    @Test
    void charactersXmlForbidsAreRefusedUnlessControlCharactersAreAskedFor() throws Exception {
        assertThat(refusal("<a>x\u0001</a>")).isEqualTo("not well-formed (invalid token): character U+0001: line 1, column 4");
        assertThat(refusal("<a x='\u001b'/>")).startsWith("not well-formed (invalid token): character U+001B");
        assertThat(refusal("<a><![CDATA[\u0000]]></a>")).startsWith("not well-formed (invalid token): character U+0000");
        assertThat(refusal("<a>\uFFFE</a>")).startsWith("not well-formed (invalid token): character U+FFFE");
        assertThat(refusal("<a>\uD800x</a>", true)).startsWith("not well-formed (invalid token): character U+D800");
        assertThat(refusal("<a>\uDC00</a>", true)).startsWith("not well-formed (invalid token): character U+DC00");
        assertThat(events("<a x='\u001b'>\u001b[31mred\u001b[0m\u0000<!--\u0001--><![CDATA[\u0002]]></a>", true))
                .containsExactly("<a>", "\"\u001b[31mred\u001b[0m\u0000\"", "\"\u0002\"", "</a>");
        // not in a name, nor as blank between attributes
        assertThat(refusal("<a\u0001/>", true)).isEqualTo("not well-formed (invalid token): line 1, column 2");
        assertThat(refusal("<a x='1'\u0001/>", true)).isEqualTo("not well-formed (invalid token): line 1, column 8");
    }

    @Test
    void aLongTextIsOneEventReadInOnePass() throws Exception {
        String big = "x".repeat(3 << 20);
        assertThat(events("<a>" + big + "</a>")).containsExactly("<a>", '"' + big + '"', "</a>");
        String escaped = "&lt;y&gt;".repeat(1 << 18);
        assertThat(events("<a>" + escaped + "</a>").get(1)).hasSize((3 << 18) + 2);
    }
}

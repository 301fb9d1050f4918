package io.kupervisor.supervisord.rpc;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The XML-RPC codec. Expected values are what supervisord 4.2.5's own loader
 * ({@code supervisor_xmlrpc_handler.loads}) and Python 3.11's {@code xmlrpc.client.dumps} give
 * for the same documents.
 */
class XmlRpcCodecTest {

    private static XmlRpcRequestParser.Call parse(String xml) throws Exception {
        return XmlRpcRequestParser.parse(xml.getBytes(StandardCharsets.UTF_8));
    }

    private static String call(String params) {
        return "<methodCall><methodName>a.b</methodName><params>" + params + "</params></methodCall>";
    }

    @Test
    void booleansAreTrueOnlyForOne() throws Exception {
        // supervisord: ((False, True), 'a.b')
        var c = parse(call("<param><value><boolean>true</boolean></value></param>"
                + "<param><value><boolean>1</boolean></value></param>"));
        assertThat(c.method()).isEqualTo("a.b");
        assertThat(c.params()).containsExactly(false, true);
    }

    @Test
    void untypedAndUnknownValuesAreTheirText() throws Exception {
        // supervisord: (('abc', '5', '', ''), 'a.b')
        var c = parse(call("<param><value>abc</value></param><param><value><i8>5</i8></value></param>"
                + "<param><value><string/></value></param><param><value></value></param>"));
        assertThat(c.params()).containsExactly("abc", "5", "", "");
    }

    @Test
    void numbersAreReadAsPythonReadsThem() throws Exception {
        // supervisord: ((12, 10, 1000.0), 'a.b')
        var c = parse(call("<param><value><int> 12 </int></value></param><param><value><int>1_0</int></value></param>"
                + "<param><value><double>1e3</double></value></param>"));
        assertThat(c.params()).containsExactly(12, 10, 1000.0);
    }

    @Test
    void arraysStructsBase64AndNil() throws Exception {
        // supervisord: (([1, {'k': 'v'}],), 'a.b') and (('hello', None), 'a.b')
        var c = parse(call("<param><value><array><data><value><int>1</int></value><value><struct><member>"
                + "<name>k</name><value><string>v</string></value></member></struct></value></data></array></value>"
                + "</param>"));
        Map<Object, Object> struct = new LinkedHashMap<>();
        struct.put("k", "v");
        assertThat(c.params()).containsExactly(List.of(1, struct));
        var d = parse(call("<param><value><base64>aGVsbG8=</base64></value></param><param><value><nil/></value></param>"));
        assertThat(d.params()).containsExactly("hello", null);
    }

    @Test
    void theLastMethodNameWinsAndADocumentWithoutOneHasNone() throws Exception {
        assertThat(parse("<foo/>")).isEqualTo(new XmlRpcRequestParser.Call(null, null));
        assertThat(parse("<methodCall><methodName>x</methodName><methodName>y</methodName></methodCall>").method())
                .isEqualTo("y");
    }

    @Test
    void whatSupervisordCannotUnmarshalIsMalformed() {
        for (String bad : List.of(
                call("<param><value><int>abc</int></value></param>"),
                "<methodCall><params><param><value><array></array></value></param></params></methodCall>",
                call("<param><value><struct><member><name>k</name></member></struct></value></param>"),
                "<methodCall><methodName>a.b</methodName>",
                "not xml at all",
                "")) {
            assertThatThrownBy(() -> parse(bad)).as(bad).isInstanceOf(XmlRpcRequestParser.Malformed.class);
        }
    }

    @Test
    void noDtdNoEntitiesNoFiles() {
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE m [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<methodCall><methodName>&x;</methodName></methodCall>";
        String laughs = "<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]>"
                + "<methodCall><methodName>&b;</methodName></methodCall>";
        String undeclared = "<methodCall><methodName>&nope;</methodName></methodCall>";
        for (String bad : List.of(xxe, laughs, undeclared)) {
            assertThatThrownBy(() -> parse(bad)).as(bad).isInstanceOf(XmlRpcRequestParser.Malformed.class);
        }
    }

    @Test
    void whatIsNotXmlIsRefusedSayingWhatAndWhereAsExpatWouldSay() {
        // Python (xmlrpc.client.loads): ExpatError: mismatched tag: line 2, column 17; and 1, 26 below
        assertThatThrownBy(() -> parse("<methodCall>\n<methodName>a.b</method></methodCall>"))
                .isInstanceOf(XmlRpcRequestParser.Malformed.class)
                .hasMessage("mismatched tag (<methodName> is open): line 2, column 17");
        assertThatThrownBy(() -> parse("<!DOCTYPE m><methodCall/>"))
                .isInstanceOf(XmlRpcRequestParser.Malformed.class)
                .hasMessage("a document type declaration is not accepted: line 1, column 0");
        assertThatThrownBy(() -> XmlRpcResponseParser.parse("<methodResponse><params></methodResponse>"
                .getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(XmlRpcResponseParser.BadResponse.class)
                .hasMessage("mismatched tag (<params> is open): line 1, column 26");
        assertThatThrownBy(() -> XmlRpcResponseParser.parse("<!DOCTYPE m><methodResponse/>".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(XmlRpcResponseParser.BadResponse.class)
                .hasMessageStartingWith("a document type declaration is not accepted");
    }

    @Test
    void anAnswersControlCharactersAreTextOnly() throws Exception {
        String answer = "<methodResponse><params><param><value><struct><member><name>k\u0001</name><value>"
                + "<array><data>\u0002<value>v\u0003</value></data></array></value></member></struct></value>"
                + "</param></params></methodResponse>";
        assertThat(XmlRpcResponseParser.parse(answer.getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(Map.of("k\u0001", List.of("v\u0003")));
        // a number is not read past one (Java's strip() would take FS as blank)
        String number = "<methodResponse><params><param><value><int>\u001c5</int></value></param></params></methodResponse>";
        assertThatThrownBy(() -> XmlRpcResponseParser.parse(number.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(XmlRpcResponseParser.BadResponse.class)
                .hasMessage("bad <int> value: a control character");
    }

    @Test
    void aLongEscapedTextIsReadWhole() throws Exception {
        // a log read of HTML: StAX (JDK 25) refused more than 100,000 characters from references
        // (jdk.xml.maxGeneralEntitySizeLimit); Python's client reads it, and so does kupervisor
        String html = "<p>&</p>".repeat(40_000);
        assertThat(XmlRpcResponseParser.parse(XmlRpcWriter.response(html))).isEqualTo(html);
        assertThat(XmlRpcRequestParser.parse(XmlRpcWriter.call("supervisor.x", List.of(html))).params())
                .containsExactly(html);
    }

    @Test
    void depthAndSizeAreBounded() {
        String deep = "<a>".repeat(XmlRpcRequestParser.MAX_DEPTH + 1) + "</a>".repeat(XmlRpcRequestParser.MAX_DEPTH + 1);
        assertThatThrownBy(() -> parse(deep)).isInstanceOf(XmlRpcRequestParser.Malformed.class);
        byte[] notUtf8 = {'<', 'a', '>', (byte) 0xff, '<', '/', 'a', '>'};
        assertThatThrownBy(() -> XmlRpcRequestParser.parse(notUtf8)).isInstanceOf(XmlRpcRequestParser.Malformed.class);
    }

    @Test
    void responsesAreWrittenByteForByteAsPythonDumpsThem() {
        // python3: xmlrpc.client.dumps(([{'a':1,'b':True,'c':[1.5,'x<&>"']}],), methodresponse=1)
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("a", 1);
        s.put("b", true);
        s.put("c", List.of(1.5, "x<&>\""));
        assertThat(new String(XmlRpcWriter.response(List.of(s)), StandardCharsets.UTF_8)).isEqualTo("""
                <?xml version='1.0'?>
                <methodResponse>
                <params>
                <param>
                <value><array><data>
                <value><struct>
                <member>
                <name>a</name>
                <value><int>1</int></value>
                </member>
                <member>
                <name>b</name>
                <value><boolean>1</boolean></value>
                </member>
                <member>
                <name>c</name>
                <value><array><data>
                <value><double>1.5</double></value>
                <value><string>x&lt;&amp;&gt;"</string></value>
                </data></array></value>
                </member>
                </struct></value>
                </data></array></value>
                </param>
                </params>
                </methodResponse>
                """);
        assertThat(new String(XmlRpcWriter.fault(6, "SHUTDOWN_STATE"), StandardCharsets.UTF_8)).isEqualTo("""
                <?xml version='1.0'?>
                <methodResponse>
                <fault>
                <value><struct>
                <member>
                <name>faultCode</name>
                <value><int>6</int></value>
                </member>
                <member>
                <name>faultString</name>
                <value><string>SHUTDOWN_STATE</string></value>
                </member>
                </struct></value>
                </fault>
                </methodResponse>
                """);
    }

    @Test
    void theClientReadsWhatTheServerWritesIncludingControlCharacters() throws Exception {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("text", "colour \u001b[31mred\u001b[0m\ttab");
        s.put("n", -1);
        s.put("ok", false);
        s.put("list", List.of("a", 2, 2.5));
        Object back = XmlRpcResponseParser.parse(XmlRpcWriter.response(s));
        assertThat(back).isEqualTo(s);
        assertThatThrownBy(() -> XmlRpcResponseParser.parse(XmlRpcWriter.fault(10, "BAD_NAME: x")))
                .isInstanceOfSatisfying(RpcFault.class, f -> {
                    assertThat(f.code()).isEqualTo(10);
                    assertThat(f.text()).isEqualTo("BAD_NAME: x");
                });
        // a call written by the client is read back by the server
        var c = XmlRpcRequestParser.parse(XmlRpcWriter.call("supervisor.startProcess", List.of("a:b", false)));
        assertThat(c.method()).isEqualTo("supervisor.startProcess");
        assertThat(c.params()).containsExactly("a:b", false);
    }

    @Test
    void pythonValuesPrintAsPythonPrintsThem() {
        assertThat(PyValues.floatRepr(1.0)).isEqualTo("1.0");
        assertThat(PyValues.floatRepr(1e16)).isEqualTo("1e+16");
        assertThat(PyValues.floatRepr(1e15)).isEqualTo("1000000000000000.0");
        assertThat(PyValues.floatRepr(0.0001)).isEqualTo("0.0001");
        assertThat(PyValues.floatRepr(1.5e-5)).isEqualTo("1.5e-05");
        assertThat(PyValues.repr(Arrays.asList(1, "a", true, null))).isEqualTo("[1, 'a', True, None]");
        assertThat(RpcFault.of(Faults.INCORRECT_PARAMETERS, 5).text()).isEqualTo("INCORRECT_PARAMETERS: 5");
        assertThat(RpcFault.of(Faults.BAD_NAME).text()).isEqualTo("BAD_NAME");
    }

    @Test
    void docstringsGiveSupervisordsSignatures() {
        RpcDispatcher d = new RpcDispatcher();
        d.register("supervisor", "supervisor", List.of(RpcMethod.of("startProcess", 1, 2, a -> true),
                RpcMethod.of("getAllProcessInfo", 0, a -> List.of()), RpcMethod.of("readLog", 2, a -> "")));
        d.registerSystem();
        assertThat(d.call("system.methodSignature", List.of("supervisor.startProcess")))
                .isEqualTo(List.of("boolean", "string", "boolean"));
        assertThat(d.call("system.methodSignature", List.of("supervisor.readLog")))
                .isEqualTo(List.of("string", "int", "int"));
        assertThat(d.call("system.methodSignature", List.of("system.multicall")))
                .isEqualTo(List.of("array", "array"));
        assertThat((String) d.call("system.methodHelp", List.of("supervisor.getAllProcessInfo")))
                .isEqualTo(" Get info about all processes\n\n        @return array result  An array of process "
                        + "status results\n        ");
        assertThatThrownBy(() -> d.call("system.methodHelp", List.of("nosuch.x")))
                .isInstanceOfSatisfying(RpcFault.class, f -> assertThat(f.code()).isEqualTo(Faults.SIGNATURE_UNSUPPORTED));
        for (String name : List.of("foo.bar.baz", "supervisor._update", "nosuch.x", "supervisor.nosuch", "x")) {
            assertThatThrownBy(() -> d.call(name, List.of())).as(name)
                    .isInstanceOfSatisfying(RpcFault.class, f -> assertThat(f.text()).isEqualTo("UNKNOWN_METHOD"));
        }
        assertThatThrownBy(() -> d.call("supervisor.readLog", List.of(1)))
                .isInstanceOfSatisfying(RpcFault.class, f -> assertThat(f.text()).isEqualTo("INCORRECT_PARAMETERS"));
    }
}

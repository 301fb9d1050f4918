package io.kupervisor.cli;

import io.kupervisor.supervisord.rpc.RpcClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The web page in a real browser: Debian's headless Chromium, driven through its chromedriver,
 * against {@code kupervisor supervisord} run from the built jar in a process of its own. It sees
 * every process in its state, presses Stop and Start and sees the row change without a reload
 * (also for a change made over XML-RPC), folds a group, follows a tail while the program prints,
 * and with a wrong password gets nothing but the challenge. Takes {@code target/web-page.png}
 * (the README's {@code docs/web-page.png}) on the way, as an artifact.
 *
 * <p>Chromium missing is a failure, not a skip: {@code apt-get install chromium chromium-driver}
 * ({@code .ci/run} does).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebPageIT {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path JAR = Path.of("target/kupervisor.jar").toAbsolutePath();
    static final String USER = "admin";
    static final String PASSWORD = "s3cret";
    static final Duration WAIT = Duration.ofSeconds(60); // a bound on each awaited event: a loaded machine starts a JVM slowly

    static final String PROGRAMS = """
            [program:sleeper]
            command=/bin/sleep 100000
            startsecs=1

            [program:ticker]
            command=/bin/sh -c 'i=0; while :; do echo "tick $i"; i=$((i+1)); sleep 0.2; done'
            startsecs=0

            [program:idle]
            command=/bin/sleep 100000
            autostart=false

            [program:broken]
            command=/bin/sh -c 'echo "cannot open /etc/broken.conf" >&2; exit 3'
            startretries=0

            [program:once]
            command=/bin/true
            startsecs=0
            autorestart=false

            [group:web]
            programs=nginx,php

            [program:nginx]
            command=/bin/sleep 100000
            startsecs=0

            [program:php]
            command=/bin/sleep 100000
            process_name=%(program_name)s_%(process_num)s
            numprocs=2
            startsecs=0
            """;

    static Path dir;
    static Process daemon;
    static int port;
    static ChromeDriver driver;

    @BeforeAll
    static void startDaemonAndBrowser() throws Exception {
        assertThat(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER))
                .as("the browser tests need Debian's chromium and chromium-driver (" + CHROMIUM + ", " + CHROMEDRIVER
                        + "): apt-get install -y chromium chromium-driver (.ci/run installs them)")
                .isTrue();
        assertThat(JAR).as("the shaded jar (mvn package)").exists();
        // under target/: the daemon's and chromedriver's logs stay there to look at
        dir = Files.createTempDirectory(Files.createDirectories(Path.of("target/web-it")).toAbsolutePath(), "run");
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Files.writeString(dir.resolve("supervisord.conf"), "[supervisord]\nnodaemon=true\nlogfile=" + dir.resolve(
                "supervisord.log") + "\npidfile=" + dir.resolve("supervisord.pid") + "\nchildlogdir=" + dir
                + "\nidentifier=web-it\n\n[inet_http_server]\nport=127.0.0.1:" + port + "\nusername=" + USER
                + "\npassword=" + PASSWORD + "\n\n[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = "
                + "supervisor.rpcinterface:make_main_rpcinterface\n\n" + PROGRAMS);
        daemon = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", JAR.toString(), "supervisord", "-n", "-c",
                dir.resolve("supervisord.conf").toString())
                .directory(dir.toFile())
                .redirectOutput(dir.resolve("daemon.out").toFile())
                .redirectError(dir.resolve("daemon.err").toFile())
                .start();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> {
            assertThat(daemon.isAlive()).as("daemon: " + Files.readString(dir.resolve("daemon.err"))).isTrue();
            Map<String, String> s = states();
            return "RUNNING".equals(s.get("sleeper")) && "FATAL".equals(s.get("broken"))
                    && "EXITED".equals(s.get("once")) && "RUNNING".equals(s.get("web:php_1"));
        });

        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withLogFile(dir.resolve("chromedriver.log").toFile())
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + Files.createDirectory(dir.resolve("chromium-profile")),
                "--window-size=1100,720");
        // the network as the browser saw it, for what a wrong password gets
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.PERFORMANCE, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(WAIT).scriptTimeout(WAIT);
    }

    @AfterAll
    static void stopAll() throws Exception {
        if (driver != null) {
            driver.quit();
        }
        if (daemon != null) {
            daemon.destroy();
            if (!daemon.waitFor(20, TimeUnit.SECONDS)) {
                daemon.destroyForcibly();
            }
        }
    }

    // ---- plumbing ----

    static RpcClient rpc() {
        return new RpcClient("http://127.0.0.1:" + port, USER, PASSWORD);
    }

    /** namespec -> state name, over XML-RPC. */
    static Map<String, String> states() throws Exception {
        try (RpcClient c = rpc()) {
            Map<String, String> out = new java.util.LinkedHashMap<>();
            for (Object o : (List<?>) c.call("supervisor.getAllProcessInfo")) {
                Map<?, ?> info = (Map<?, ?>) o;
                String name = (String) info.get("name");
                String group = (String) info.get("group");
                out.put(group.equals(name) ? name : group + ":" + name, (String) info.get("statename"));
            }
            return out;
        }
    }

    static String url(String path, String password) {
        return "http://" + USER + ":" + password + "@127.0.0.1:" + port + "/" + path;
    }

    static Object js(String script) {
        return ((JavascriptExecutor) driver).executeScript(script);
    }

    static WebElement row(String namespec) {
        return driver.findElement(By.cssSelector("tr.proc[data-name='" + namespec + "']"));
    }

    /** The row's state as shown: the text and the CSS class of its state cell. */
    static String shownState(String namespec) {
        WebElement span = row(namespec).findElement(By.cssSelector("td.status span"));
        return span.getText() + " " + span.getAttribute("class");
    }

    static void awaitShown(String namespec, String state) {
        try {
            await().atMost(WAIT).pollInterval(Duration.ofMillis(25)).ignoreExceptions()
                    .until(() -> shownState(namespec).startsWith(state + " "));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(namespec + " not shown " + state + "; the page shows " + shownState(namespec)
                    + ", message: " + message(), e);
        }
    }

    static String message() {
        return driver.findElement(By.id("statusmessage")).getText();
    }

    static String messageAsSent() {
        return driver.findElement(By.id("statusmessage")).getDomProperty("textContent").strip();
    }

    static void press(String namespec, String action) {
        await().atMost(WAIT).ignoreExceptions().until(() -> {
            row(namespec).findElement(By.cssSelector("button[value='" + action + "']")).click();
            return true;
        });
    }

    /** A mark in the page's window: still there later means the page was not loaded again. */
    static void markPage() {
        js("window.kupervisorTestMark = 'not reloaded'");
    }

    static void assertNotReloaded() {
        assertThat(js("return window.kupervisorTestMark")).isEqualTo("not reloaded");
    }

    // ---- the tests ----

    @Test
    @Order(1)
    void aWrongPasswordGetsOnlyTheChallenge() {
        // first, while the browser has no good credentials to fall back on
        for (String path : List.of("", "index.html", "tail.html?processname=ticker")) {
            driver.manage().logs().get(LogType.PERFORMANCE); // drop what came before
            driver.get(url(path, "wrong"));
            String page = driver.getPageSource();
            assertThat(page).doesNotContain("sleeper", "ticker", "kupervisor-token", "<table", "tick ");
            assertThat(driver.findElements(By.id("statustable"))).isEmpty();
            // what came over the wire for the page: the challenge, and only that
            List<String> answers = new ArrayList<>();
            for (LogEntry e : driver.manage().logs().get(LogType.PERFORMANCE)) {
                String m = e.getMessage();
                if (m.contains("\"Network.responseReceived") && m.contains(":" + port + "/" + path + "\"")) {
                    answers.add(m);
                }
            }
            assertThat(answers).as(path).isNotEmpty().allSatisfy(m -> assertThat(m)
                    .containsPattern("\"(status|statusCode)\":401")
                    .containsPattern("(?i)\"www-authenticate\":\"Basic realm=\\\\\"default\\\\\"\"")
                    .doesNotContainPattern("\"(status|statusCode)\":200"));
        }
    }

    @Test
    @Order(2)
    void everyProcessIsShownInItsState() throws Exception {
        driver.get(url("", PASSWORD));
        assertThat(driver.getTitle()).isEqualTo("Supervisor Status");
        // live once the event stream is open
        await().atMost(WAIT).until(() -> driver.findElement(By.id("live")).getText().equals("live"));
        List<String> names = new ArrayList<>();
        for (WebElement tr : driver.findElements(By.cssSelector("tr.proc"))) {
            names.add(tr.getAttribute("data-name"));
        }
        assertThat(names).containsExactly("broken", "idle", "once", "sleeper", "ticker", "web:nginx", "web:php_0",
                "web:php_1");
        // the page says what XML-RPC says, in supervisord's words and colours
        Map<String, String> rpc = states();
        for (String name : names) {
            String state = rpc.get(name).toLowerCase(java.util.Locale.ROOT);
            String css = switch (state) {
                case "running" -> "statusrunning";
                case "fatal", "backoff" -> "statuserror";
                default -> "statusnominal";
            };
            assertThat(shownState(name)).as(name).isEqualTo(state + " " + css);
        }
        assertThat(shownState("sleeper")).isEqualTo("running statusrunning");
        assertThat(shownState("idle")).isEqualTo("stopped statusnominal");
        assertThat(shownState("broken")).isEqualTo("fatal statuserror");
        assertThat(shownState("once")).isEqualTo("exited statusnominal");
        assertThat(row("idle").findElement(By.cssSelector("td.desc")).getText()).isEqualTo("Not started");
        assertThat(row("broken").findElement(By.cssSelector("td.desc")).getText())
                .isEqualTo("Exited too quickly (process log may have details)");
        assertThat(row("sleeper").findElement(By.cssSelector("td.desc")).getText())
                .matches("pid \\d+, uptime 0:00:\\d\\d");
        List<String> actions = new ArrayList<>();
        for (WebElement a : row("sleeper").findElements(By.cssSelector("td.action li > *"))) {
            actions.add(a.getText());
        }
        assertThat(actions).containsExactly("Restart", "Stop", "Clear Log", "Tail -f Stdout", "Tail -f Stderr");
        assertThat(row("idle").findElements(By.cssSelector("td.action li > *"))).extracting(WebElement::getText)
                .containsExactly("Start", "Clear Log", "Tail -f Stdout", "Tail -f Stderr");
        // nothing but the daemon's own files was loaded
        Object foreign = js("return performance.getEntriesByType('resource').map(e => e.name)"
                + ".filter(n => new URL(n).origin !== location.origin)");
        assertThat((List<?>) foreign).isEmpty();
    }

    @Test
    @Order(3)
    void stopAndStartChangeTheRowWithoutAReload() throws Exception {
        driver.get(url("", PASSWORD));
        await().atMost(WAIT).until(() -> driver.findElement(By.id("live")).getText().equals("live"));
        markPage();

        press("sleeper", "stop");
        awaitShown("sleeper", "stopped");
        await().atMost(WAIT).until(() -> message().equals("Process sleeper stopped"));
        assertThat(states().get("sleeper")).isEqualTo("STOPPED");
        assertThat(row("sleeper").findElement(By.cssSelector("td.desc")).getText())
                .matches("\\w{3} \\d\\d \\d\\d:\\d\\d [AP]M");
        assertThat(row("sleeper").findElements(By.cssSelector("button"))).extracting(WebElement::getText)
                .containsExactly("Start", "Clear Log");
        assertNotReloaded();

        // start: the row goes through STARTING (startsecs=1) to RUNNING as it happens
        press("sleeper", "start");
        awaitShown("sleeper", "starting");
        awaitShown("sleeper", "running");
        await().atMost(WAIT).until(() -> message().equals("Process sleeper started"));
        assertThat(states().get("sleeper")).isEqualTo("RUNNING");
        assertNotReloaded();

        // the uptime counts on in the page
        String desc = row("sleeper").findElement(By.cssSelector("td.desc")).getText();
        await().atMost(Duration.ofSeconds(5)).ignoreExceptions().until(() ->
                !row("sleeper").findElement(By.cssSelector("td.desc")).getText().equals(desc));
        assertNotReloaded();
    }

    @Test
    @Order(4)
    void changesMadeElsewhereArriveAndGroupsFold() throws Exception {
        driver.get(url("", PASSWORD));
        await().atMost(WAIT).until(() -> driver.findElement(By.id("live")).getText().equals("live"));
        markPage();
        try (RpcClient c = rpc()) {
            c.call("supervisor.stopProcess", "web:nginx");
        }
        awaitShown("web:nginx", "stopped");
        WebElement group = driver.findElement(By.cssSelector("tr.grouprow[data-group='web']"));
        await().atMost(WAIT).ignoreExceptions().until(() -> driver.findElement(
                By.cssSelector("tr.grouprow[data-group='web'] td.status span")).getText().equals("2/3"));
        assertThat(group.isDisplayed()).isTrue();
        try (RpcClient c = rpc()) {
            c.call("supervisor.startProcess", "web:nginx");
        }
        awaitShown("web:nginx", "running");
        assertNotReloaded();

        // fold the group: its processes are hidden, the others are not; and back
        driver.findElement(By.cssSelector("button.fold[data-group='web']")).click();
        for (String m : List.of("web:nginx", "web:php_0", "web:php_1")) {
            assertThat(row(m).isDisplayed()).as(m).isFalse();
        }
        assertThat(row("ticker").isDisplayed()).isTrue();
        // folded stays folded across updates
        try (RpcClient c = rpc()) {
            c.call("supervisor.stopProcess", "web:php_0");
        }
        await().atMost(WAIT).ignoreExceptions().until(() -> driver.findElement(
                By.cssSelector("tr.grouprow[data-group='web'] td.status span")).getText().equals("2/3"));
        assertThat(row("web:php_0").isDisplayed()).isFalse();
        driver.findElement(By.cssSelector("button.fold[data-group='web']")).click();
        assertThat(row("web:php_0").isDisplayed()).isTrue();
        assertThat(shownState("web:php_0")).isEqualTo("stopped statusnominal");
        try (RpcClient c = rpc()) {
            c.call("supervisor.startProcess", "web:php_0");
        }
        awaitShown("web:php_0", "running");
        assertNotReloaded();
        picture();
    }

    @Test
    @Order(5)
    void theTailFollowsWhileTheProgramPrints() {
        driver.get(url("tail.html?processname=ticker", PASSWORD));
        assertThat(driver.getTitle()).isEqualTo("Supervisor tail of process ticker");
        markPage();
        Pattern tick = Pattern.compile("tick (\\d+)\\n?$");
        int[] first = new int[1];
        await().atMost(WAIT).ignoreExceptions().until(() -> {
            Matcher m = tick.matcher(driver.findElement(By.id("tailbody")).getText());
            if (!m.find()) {
                return false;
            }
            first[0] = Integer.parseInt(m.group(1));
            return true;
        });
        // new lines arrive as the program prints them (every 0.2 s), without a reload
        await().atMost(WAIT).ignoreExceptions().until(() -> {
            Matcher m = tick.matcher(driver.findElement(By.id("tailbody")).getText());
            return m.find() && Integer.parseInt(m.group(1)) >= first[0] + 5;
        });
        assertThat(driver.findElement(By.id("live")).getText()).isEqualTo("live");
        String text = driver.findElement(By.id("tailbody")).getText();
        // in order, none lost or repeated
        Matcher all = Pattern.compile("tick (\\d+)").matcher(text);
        List<Integer> seen = new ArrayList<>();
        while (all.find()) {
            seen.add(Integer.parseInt(all.group(1)));
        }
        for (int i = 1; i < seen.size(); i++) {
            assertThat(seen.get(i)).isEqualTo(seen.get(i - 1) + 1);
        }
        assertNotReloaded();
    }

    /**
     * The README's picture of the page (target/web-page.png; -Dkupervisor.web.screenshot=PATH copies
     * it): an artifact of the test before, not a test. Taken once the rows' change highlights are over.
     */
    private static void picture() throws IOException {
        await().atMost(WAIT).until(() -> ((Number) ((org.openqa.selenium.JavascriptExecutor) driver).executeScript(
                "return document.getAnimations().filter(a => a.playState === 'running').length")).intValue() == 0);
        Path out = Path.of("target/web-page.png");
        Files.write(out, driver.getScreenshotAs(OutputType.BYTES));
        String copy = System.getProperty("kupervisor.web.screenshot");
        if (copy != null) {
            Files.copy(out, Path.of(copy), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Test
    @Order(6)
    void stopAllAndRestartAll() throws Exception {
        driver.get(url("", PASSWORD));
        await().atMost(WAIT).until(() -> driver.findElement(By.id("live")).getText().equals("live"));
        markPage();
        driver.findElement(By.cssSelector("#allactions button[value='stopall']")).click();
        // ctime's format pads the day to two places ("Dec  7"); the rendered text collapses that
        // space, so the format is checked on the text as sent, not as shown
        await().atMost(WAIT).until(() -> messageAsSent().matches("All stopped at \\w{3} \\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}"));
        for (String name : List.of("sleeper", "ticker", "idle", "web:nginx", "web:php_0", "web:php_1")) {
            awaitShown(name, "stopped");
        }
        assertThat(states().values()).allMatch(s -> s.equals("STOPPED") || s.equals("EXITED") || s.equals("FATAL"));
        driver.findElement(By.cssSelector("#allactions button[value='restartall']")).click();
        await().atMost(WAIT).until(() -> message().startsWith("All restarted at "));
        for (String name : List.of("sleeper", "ticker", "idle", "once", "web:nginx", "web:php_0", "web:php_1")) {
            awaitShown(name, name.equals("once") ? "exited" : "running");
        }
        assertNotReloaded();
    }
}

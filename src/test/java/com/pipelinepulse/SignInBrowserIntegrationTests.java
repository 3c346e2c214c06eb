package com.pipelinepulse;

import static org.assertj.core.api.Assertions.assertThat;

import com.pipelinepulse.testsupport.TestDatabaseConfiguration;
import com.pipelinepulse.testsupport.ZohoStandInServer;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The sign-in flow in a real browser (headless Debian Chromium through Selenium): a tiny SPA on its own origin
 * (src/test/resources/browser-spa) clicks "Sign in with Zoho", a sample user is picked on the in-process Zoho
 * stand-in's page, the browser lands back on the SPA, which refreshes with the HttpOnly cookie and the CSRF
 * header through CORS, reads {@code /api/auth/me} with the bearer token and shows the name; it signs out, and a
 * further refresh is refused. Proves what MockMvc cannot: redirects, cookie attributes and CORS as a browser
 * applies them.
 *
 * <p>Both origins are {@code localhost} on different ports (SPA and API): same-site, so the
 * {@code SameSite=Strict} refresh cookie flows, and Chromium accepts {@code Secure} cookies on
 * http://localhost. Screenshots of every step go to {@code target/browser-screenshots/} (kept, so a failure
 * can be looked at). The only browser-dependent test, tagged {@code browser}: run it alone with
 * {@code ./mvnw -B verify -Dit.test=SignInBrowserIntegrationTests -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false}.
 *
 * <p>Without {@code /usr/bin/chromium} and {@code /usr/bin/chromedriver} it is skipped, unless
 * {@code PP_BROWSER_TEST_REQUIRED=true} (set by .ci/run in CI), which makes it fail instead.
 */
@Tag("browser")
@ExtendWith(SignInBrowserIntegrationTests.OnlyWithABrowser.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
@ActiveProfiles("test")
@Import(TestDatabaseConfiguration.class)
class SignInBrowserIntegrationTests {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SCREENSHOTS = Path.of("target", "browser-screenshots");
    /** The session module's CSRF defence for cookie endpoints: this header and an allowlisted Origin. */
    static final String CSRF_HEADER = "X-Requested-With";
    static final String CSRF_VALUE = "pipeline-pulse";
    static final Duration STEP_TIMEOUT = Duration.ofSeconds(20);

    /** Picked before the context starts: the redirect URI and the SPA's config must name the API's port. */
    static final int API_PORT = freePort();

    static ZohoStandInServer standIn;
    static HttpServer spa;

    WebDriver browser;
    Path userDataDir;
    int step;

    static final String NOT_INSTALLED = "The browser test needs Debian's chromium and chromium-driver (" + CHROMIUM
            + ", " + CHROMEDRIVER + "): apt-get install chromium chromium-driver";

    static boolean browserInstalled() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    }

    /**
     * Without Chromium the test is skipped, and reported as skipped with the reason (before the Spring context or
     * anything else starts); with {@code PP_BROWSER_TEST_REQUIRED=true} it runs and fails in
     * {@link #browserIsInstalled()} instead.
     */
    static final class OnlyWithABrowser implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            if (browserInstalled()) {
                return ConditionEvaluationResult.enabled("Chromium and chromedriver are installed");
            }
            if (Boolean.parseBoolean(System.getenv("PP_BROWSER_TEST_REQUIRED"))) {
                return ConditionEvaluationResult.enabled("PP_BROWSER_TEST_REQUIRED=true: runs to fail");
            }
            return ConditionEvaluationResult.disabled(NOT_INSTALLED);
        }
    }

    @BeforeAll
    static void browserIsInstalled() {
        assertThat(browserInstalled())
                .as(NOT_INSTALLED + " (PP_BROWSER_TEST_REQUIRED=true, so this fails instead of skipping)").isTrue();
    }

    @DynamicPropertySource
    static void pointTheApiAtTheStandInAndTheSpa(DynamicPropertyRegistry registry) {
        standIn = ZohoStandInServer.start(0);
        spa = startSpa();
        String spaOrigin = "http://localhost:" + spa.getAddress().getPort();
        String redirectUri = "http://localhost:" + API_PORT + "/api/zoho/auth/callback";

        registry.add("server.port", () -> API_PORT);
        standIn.apiSettings().forEach((name, value) -> registry.add(name, () -> value));
        // Property names (which beat application-test.yml) and the operator variables the files read.
        Map.of("pipelinepulse.spa.base-url", spaOrigin, "PP_SPA_BASE_URL", spaOrigin,
                "pipelinepulse.cors.allowed-origins", spaOrigin, "PP_CORS_ALLOWED_ORIGINS", spaOrigin,
                "pipelinepulse.zoho.redirect-uri", redirectUri, "PP_ZOHO_REDIRECT_URI", redirectUri)
                .forEach((name, value) -> registry.add(name, () -> value));
    }

    @AfterAll
    static void stopServers() {
        if (spa != null) {
            spa.stop(0);
        }
        if (standIn != null) {
            standIn.close();
        }
    }

    @AfterEach
    void closeBrowser() throws IOException {
        if (browser != null) {
            browser.quit();
        }
        if (userDataDir != null) {
            org.springframework.util.FileSystemUtils.deleteRecursively(userDataDir);
        }
    }

    @Test
    void signInShowsTheNameThenSignOutMakesRefreshRefused() throws Exception {
        browser = startBrowser();
        String spaUrl = "http://localhost:" + spa.getAddress().getPort() + "/";
        try {
            browser.get(spaUrl);
            awaitState("signed-out");
            screenshot("spa-signed-out");
            assertThat(browser.findElement(By.id("refresh-result")).getDomAttribute("data-outcome"))
                    .as("without a cookie the API refuses the refresh (and CORS lets the SPA see that)")
                    .isEqualTo("refused");

            browser.findElement(By.id("sign-in")).click();
            WebElement adaAdmin = await("the Zoho stand-in's sign-in page",
                    b -> b.findElements(By.id("user-us-admin")).stream().findFirst().orElse(null));
            assertThat(browser.getCurrentUrl()).startsWith(standIn.baseUrl() + "/oauth/v2/auth?");
            screenshot("zoho-stand-in-sign-in-page");

            adaAdmin.click();
            awaitState("signed-in");
            assertThat(browser.getCurrentUrl()).startsWith(spaUrl);
            assertThat(browser.findElement(By.id("user-name")).getText()).isEqualTo("Ada Admin");
            assertThat(browser.findElement(By.id("refresh-result")).getDomAttribute("data-outcome")).isEqualTo("accepted");
            screenshot("spa-signed-in");

            browser.findElement(By.id("sign-out")).click();
            awaitState("signed-out-after-logout");
            screenshot("spa-signed-out-refresh-refused");
            assertThat(browser.findElement(By.id("logout-result")).getDomAttribute("data-outcome")).isEqualTo("signed out");
            WebElement refreshAfterLogout = browser.findElement(By.id("refresh-after-logout"));
            assertThat(refreshAfterLogout.getDomAttribute("data-outcome"))
                    .as("a refresh after sign-out is refused by the API (not blocked by CORS)").isEqualTo("refused");
            assertThat(Integer.parseInt(refreshAfterLogout.getDomAttribute("data-status"))).isBetween(400, 499);
        } catch (AssertionError | RuntimeException e) {
            screenshot("failure");
            Files.writeString(SCREENSHOTS.resolve("failure-page.html"), browser.getPageSource());
            throw new AssertionError("Browser step failed at " + browser.getCurrentUrl() + " (screenshots in "
                    + SCREENSHOTS.toAbsolutePath() + "): " + e.getMessage(), e);
        }
    }

    private WebDriver startBrowser() throws IOException {
        userDataDir = Files.createTempDirectory("pp-chromium-");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--window-size=1024,768", "--user-data-dir=" + userDataDir);
        return new ChromeDriver(service, options);
    }

    private void awaitState(String state) {
        await("page state " + state, b -> state.equals(b.findElement(By.tagName("body")).getDomAttribute("data-state"))
                ? Boolean.TRUE : null);
    }

    private <T> T await(String what, Function<WebDriver, T> condition) {
        return new WebDriverWait(browser, STEP_TIMEOUT).withMessage("waiting for " + what).until(condition::apply);
    }

    private void screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        step++;
        Files.write(SCREENSHOTS.resolve(String.format("%02d-%s.png", step, name)),
                ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    /** index.html and app.js from src/test/resources/browser-spa; config.js tells the SPA where the API is. */
    private static HttpServer startSpa() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", exchange -> {
                String path = exchange.getRequestURI().getPath();
                if (path.equals("/config.js")) {
                    respond(exchange, "text/javascript", ("window.PP_CONFIG = {api: 'http://localhost:" + API_PORT
                            + "', csrfHeader: '" + CSRF_HEADER + "', csrfValue: '" + CSRF_VALUE + "'};")
                            .getBytes(StandardCharsets.UTF_8));
                } else if (path.equals("/app.js")) {
                    respond(exchange, "text/javascript", resource("app.js"));
                } else {
                    // Any other path is a route of the SPA (/, /signin-error?reason=...): the page itself.
                    respond(exchange, "text/html; charset=utf-8", resource("index.html"));
                }
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void respond(HttpExchange exchange, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = SignInBrowserIntegrationTests.class.getResourceAsStream("/browser-spa/" + name)) {
            if (in == null) {
                throw new IOException("browser-spa/" + name + " is not on the test classpath");
            }
            return in.readAllBytes();
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

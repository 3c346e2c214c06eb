package com.pipelinepulse;

import static org.assertj.core.api.Assertions.assertThat;

import com.pipelinepulse.secrets.SecretName;
import com.pipelinepulse.zoho.ZohoDataCenters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The documentation names only things that exist: every relative link in {@code docs/**}{@code /*.md} and
 * {@code README.md} leads to a file (and, with {@code #anchor}, to a heading of that file, by GitHub's slug rules),
 * and every {@code PP_...} setting they name is read by the code: a {@code ${PP_...}} placeholder in
 * {@code src/main/resources/application*.yml}, a {@link SecretName}, or a string literal in {@code src/main/java}.
 * A few developer-tool settings are read only by test code or scripts; they are allowed when found there. Test
 * methods the docs cite as proof ({@code SomethingTests.method}) exist, and the data-centre tables of the docs are
 * the code's built-in table.
 */
class DocumentationLinksTests {

    /** Read only by tests, CI or scripts (docs/configuration.md, "Tests" and "Developer tools only"). */
    static final Set<String> TEST_ONLY_SETTINGS = Set.of("PP_TEST_DATABASE_URL", "PP_TEST_DATABASE_USERNAME",
            "PP_TEST_DATABASE_PASSWORD", "PP_BROWSER_TEST_REQUIRED", "PP_STAND_IN_PORT", "PP_STAND_IN_DEALS");

    private static final Pattern LINK = Pattern.compile("!?\\[[^\\]]*\\]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
    private static final Pattern REFERENCE_DEFINITION = Pattern.compile("^\\s{0,3}\\[[^\\]]+\\]:\\s*<?(\\S+?)>?(\\s.*)?$");
    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:");
    private static final Pattern HEADING = Pattern.compile("^\\s{0,3}(#{1,6})\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern FENCE = Pattern.compile("^\\s{0,3}(```|~~~)");
    private static final Pattern INLINE_CODE = Pattern.compile("`+[^`]*`+");
    private static final Pattern SETTING = Pattern.compile("\\bPP_[A-Z0-9_]*[A-Z0-9]");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{(PP_[A-Z0-9_]+)");
    private static final Pattern STRING_LITERAL = Pattern.compile("\"((?:[^\"\\\\\\n]|\\\\.)*)\"");

    /** {@code SomethingTests.method} as the docs cite tests (ASVS table, observability). */
    private static final Pattern TEST_METHOD = Pattern.compile("\\b([A-Z][A-Za-z0-9]*Tests)\\.([a-z][A-Za-z0-9_]*)\\b");
    /** A row of a data-centre table: {@code | `eu` | `https://accounts.zoho.eu` | ...}, backticks optional. */
    private static final Pattern DATA_CENTRE_ROW =
            Pattern.compile("^\\|\\s*`?([a-z]{2,8})`?\\s*\\|\\s*`?(https?://[^`\\s|]+)`?\\s*\\|");
    private static final Path ROOT = Path.of("").toAbsolutePath();

    @Test
    void everyRelativeLinkInTheDocsResolves() {
        List<Path> documents = documents(ROOT);
        assertThat(documents).as("docs/*.md and README.md").hasSizeGreaterThan(5);
        assertThat(deadLinks(ROOT, documents)).as("dead links (file:line: link, why)").isEmpty();
    }

    @Test
    void everyPpSettingTheDocsNameIsReadByTheCode() {
        Set<String> read = settingsReadByTheCode(ROOT);
        assertThat(read).as("settings found in the code").contains("PP_DATABASE_URL", "PP_JWT_KEYS",
                "PP_TRUSTED_PROXIES");
        Set<String> allowed = new TreeSet<>(read);
        allowed.addAll(testOnlySettingsInUse(ROOT));
        assertThat(unknownSettings(ROOT, documents(ROOT), allowed))
                .as("PP_ settings named in the docs that no code reads (file:line: name)").isEmpty();
    }

    @Test
    void everyTestMethodTheDocsNameExists() {
        List<String> missing = new ArrayList<>();
        for (Path document : documents(ROOT)) {
            List<String> lines = read(document);
            for (int i = 0; i < lines.size(); i++) {
                Matcher named = TEST_METHOD.matcher(lines.get(i));
                while (named.find()) {
                    if (named.group(2).equals("java")) {
                        continue; // a file name, not a method
                    }
                    List<Path> classes = files(ROOT.resolve("src/test/java"), named.group(1) + ".java", ".java");
                    Pattern method = Pattern.compile("\\bvoid\\s+" + named.group(2) + "\\s*\\(");
                    if (classes.stream().noneMatch(c -> method.matcher(String.join("\n", read(c))).find())) {
                        missing.add(ROOT.relativize(document) + ":" + (i + 1) + ": " + named.group(1) + "."
                                + named.group(2));
                    }
                }
            }
        }
        assertThat(missing).as("Class.method of tests named in the docs that do not exist").isEmpty();
    }

    @Test
    void everyDataCentreTableInTheDocsIsTheCodesTable() {
        Map<String, String> code = new java.util.LinkedHashMap<>();
        ZohoDataCenters.DEFAULT_TABLE.forEach((location, server) -> code.put(location, server.toString()));
        for (String name : List.of("README.md", "docs/zoho-integration.md", "docs/oauth-troubleshooting.md")) {
            Map<String, String> documented = new java.util.LinkedHashMap<>();
            for (String line : read(ROOT.resolve(name))) {
                Matcher row = DATA_CENTRE_ROW.matcher(line);
                if (row.find()) {
                    documented.put(row.group(1), row.group(2));
                }
            }
            assertThat(documented).as("data-centre table of " + name).containsExactlyEntriesOf(code);
        }
    }

    @Test
    void testOnlySettingsAreReallyReadByTestsOrScripts() {
        assertThat(testOnlySettingsInUse(ROOT)).containsExactlyInAnyOrderElementsOf(TEST_ONLY_SETTINGS);
    }

    // The checker itself must be able to fail: a dead file link, a dead anchor and an unknown setting are reported.

    @Test
    void aDeadLinkOrAnchorIsReported(@TempDir Path root) throws IOException {
        Files.createDirectories(root.resolve("docs"));
        Files.writeString(root.resolve("docs/a.md"), """
                # Guide
                ## Rolling back `v2` (the *easy* way)
                See [b](b.md), [section](#rolling-back-v2-the-easy-way), [web](https://example.com), `[x](no.md)`.
                ```
                [in a fence](missing-in-fence.md)
                ```
                See [gone](missing.md) and [bad anchor](b.md#nowhere) and [good anchor](b.md#part-two).
                """);
        Files.writeString(root.resolve("docs/b.md"), "# B\n## Part two\n");
        List<String> dead = deadLinks(root, List.of(root.resolve("docs/a.md"), root.resolve("docs/b.md")));
        assertThat(dead).hasSize(2);
        assertThat(dead.get(0)).contains("docs/a.md:7", "missing.md");
        assertThat(dead.get(1)).contains("docs/a.md:7", "b.md#nowhere");
    }

    @Test
    void anUnknownSettingIsReported(@TempDir Path root) throws IOException {
        Files.writeString(root.resolve("README.md"), "Set `PP_KNOWN`, the `PP_KNOWN_*` family and `PP_NOT_READ`.\n");
        assertThat(unknownSettings(root, List.of(root.resolve("README.md")), Set.of("PP_KNOWN", "PP_KNOWN_TOO")))
                .containsExactly("README.md:1: PP_NOT_READ");
    }

    @Test
    void slugsFollowGitHub() {
        assertThat(slug("Rate limits and failure throttling")).isEqualTo("rate-limits-and-failure-throttling");
        assertThat(slug("OWASP ASVS 5.0, level 2: V7, V9, V10, V13, V16"))
                .isEqualTo("owasp-asvs-50-level-2-v7-v9-v10-v13-v16");
        assertThat(slug("`invalid_client` / `invalid_client_secret`")).isEqualTo("invalid_client--invalid_client_secret");
        assertThat(slug("[Link](x.md) and *emphasis*")).isEqualTo("link-and-emphasis");
    }

    static List<Path> documents(Path root) {
        List<Path> documents = new ArrayList<>();
        Path readme = root.resolve("README.md");
        if (Files.isRegularFile(readme)) {
            documents.add(readme);
        }
        Path docs = root.resolve("docs");
        if (Files.isDirectory(docs)) {
            try (Stream<Path> files = Files.walk(docs)) {
                files.filter(p -> p.toString().endsWith(".md") && Files.isRegularFile(p)).sorted()
                        .forEach(documents::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return documents;
    }

    /** Each dead link as {@code path:line: link (why)}, in document order. */
    static List<String> deadLinks(Path root, List<Path> documents) {
        Map<Path, Set<String>> anchorsByFile = new HashMap<>();
        List<String> dead = new ArrayList<>();
        for (Path document : documents) {
            List<String> lines = read(document);
            boolean fenced = false;
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (FENCE.matcher(line).find()) {
                    fenced = !fenced;
                    continue;
                }
                if (fenced) {
                    continue;
                }
                String text = INLINE_CODE.matcher(line).replaceAll("");
                List<String> targets = new ArrayList<>();
                Matcher link = LINK.matcher(text);
                while (link.find()) {
                    targets.add(link.group(1));
                }
                Matcher definition = REFERENCE_DEFINITION.matcher(text);
                if (definition.matches()) {
                    targets.add(definition.group(1));
                }
                for (String target : targets) {
                    String why = check(root, document, target, anchorsByFile);
                    if (why != null) {
                        dead.add(root.relativize(document) + ":" + (i + 1) + ": " + target + " (" + why + ")");
                    }
                }
            }
        }
        return dead;
    }

    private static String check(Path root, Path document, String target, Map<Path, Set<String>> anchorsByFile) {
        if (SCHEME.matcher(target).find()) {
            return null;
        }
        int hash = target.indexOf('#');
        String pathPart = hash < 0 ? target : target.substring(0, hash);
        String anchor = hash < 0 ? null : URLDecoder.decode(target.substring(hash + 1), StandardCharsets.UTF_8);
        int query = pathPart.indexOf('?');
        if (query >= 0) {
            pathPart = pathPart.substring(0, query);
        }
        pathPart = URLDecoder.decode(pathPart.replace("+", "%2B"), StandardCharsets.UTF_8);
        Path file;
        if (pathPart.isEmpty()) {
            file = document;
        } else if (pathPart.startsWith("/")) {
            file = root.resolve(pathPart.substring(1)).normalize();
        } else {
            file = document.getParent().resolve(pathPart).normalize();
        }
        if (!Files.exists(file)) {
            return "no such file";
        }
        if (anchor == null || anchor.isEmpty()) {
            return null;
        }
        if (!file.toString().endsWith(".md")) {
            return "anchor on a file that is not Markdown";
        }
        Set<String> anchors = anchorsByFile.computeIfAbsent(file, DocumentationLinksTests::anchors);
        return anchors.contains(anchor) ? null : "no heading with that anchor";
    }

    /** The anchors GitHub generates for a document's headings (duplicates get -1, -2, ...). */
    static Set<String> anchors(Path document) {
        Set<String> anchors = new TreeSet<>();
        Map<String, Integer> seen = new HashMap<>();
        boolean fenced = false;
        for (String line : read(document)) {
            if (FENCE.matcher(line).find()) {
                fenced = !fenced;
                continue;
            }
            Matcher heading = HEADING.matcher(line);
            if (fenced || !heading.matches()) {
                continue;
            }
            String slug = slug(heading.group(2));
            int count = seen.merge(slug, 1, Integer::sum);
            anchors.add(count == 1 ? slug : slug + "-" + (count - 1));
        }
        return anchors;
    }

    /**
     * GitHub's heading slug: the rendered text (link targets, emphasis and code marks dropped), lower case, every
     * character that is not a letter, mark, digit, connector, space or hyphen removed, spaces made hyphens.
     */
    static String slug(String heading) {
        String text = heading.replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1")
                .replaceAll("<[^>]+>", "")
                .replace("`", "")
                .replaceAll("\\*+", "");
        return text.trim().toLowerCase(Locale.ROOT)
                .replaceAll("[^\\p{L}\\p{M}\\p{N}\\p{Pc} -]", "")
                .replace(' ', '-');
    }

    /** Each {@code PP_} name in the documents that is not in {@code allowed}, as {@code path:line: name}. */
    static List<String> unknownSettings(Path root, List<Path> documents, Set<String> allowed) {
        List<String> unknown = new ArrayList<>();
        for (Path document : documents) {
            List<String> lines = read(document);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                Matcher setting = SETTING.matcher(line);
                while (setting.find()) {
                    String name = setting.group();
                    String after = line.substring(setting.end());
                    boolean family = after.startsWith("_*") || after.startsWith("*");
                    boolean known = family
                            ? allowed.stream().anyMatch(a -> a.startsWith(name + "_") || a.equals(name))
                            : allowed.contains(name);
                    if (!known) {
                        unknown.add(root.relativize(document) + ":" + (i + 1) + ": " + name);
                    }
                }
            }
        }
        return unknown;
    }

    /** Every {@code PP_} setting the service reads. */
    static Set<String> settingsReadByTheCode(Path root) {
        Set<String> names = new TreeSet<>();
        for (SecretName secret : SecretName.values()) {
            names.add(secret.environmentVariable());
        }
        for (Path yml : files(root.resolve("src/main/resources"), "application", ".yml")) {
            Matcher placeholder = PLACEHOLDER.matcher(String.join("\n", read(yml)));
            while (placeholder.find()) {
                names.add(placeholder.group(1));
            }
        }
        for (Path java : files(root.resolve("src/main/java"), "", ".java")) {
            names.addAll(settingsInStringLiterals(read(java)));
        }
        return names;
    }

    /** The test-only settings that tests, CI or scripts really read (a listed name nobody reads is not allowed). */
    static Set<String> testOnlySettingsInUse(Path root) {
        StringBuilder text = new StringBuilder();
        for (Path file : files(root.resolve("src/test/java"), "", ".java")) {
            if (file.getFileName().toString().equals(DocumentationLinksTests.class.getSimpleName() + ".java")) {
                continue; // names the list itself
            }
            settingsInStringLiterals(read(file)).forEach(n -> text.append(n).append('\n'));
        }
        for (Path file : files(root.resolve("scripts"), "", "")) {
            text.append(String.join("\n", read(file))).append('\n');
        }
        Path ci = root.resolve(".ci/run");
        if (Files.isRegularFile(ci)) {
            text.append(String.join("\n", read(ci)));
        }
        Set<String> found = new TreeSet<>();
        Matcher setting = SETTING.matcher(text);
        while (setting.find()) {
            if (TEST_ONLY_SETTINGS.contains(setting.group())) {
                found.add(setting.group());
            }
        }
        return found;
    }

    private static Set<String> settingsInStringLiterals(List<String> lines) {
        Set<String> names = new TreeSet<>();
        for (String line : lines) {
            Matcher literal = STRING_LITERAL.matcher(line);
            while (literal.find()) {
                Matcher setting = SETTING.matcher(literal.group(1));
                while (setting.find()) {
                    names.add(setting.group());
                }
            }
        }
        return names;
    }

    private static List<Path> files(Path directory, String namePrefix, String nameSuffix) {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).filter(p -> {
                String name = p.getFileName().toString();
                return name.startsWith(namePrefix) && name.endsWith(nameSuffix);
            }).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> read(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/** The catalog, the scripts' directives and the pins agree with each other. */
class ToolkitFilesTest {
    static final Path SCRIPTS = Toolkit.REPO.resolve("scripts");

    @Test
    void catalogMapsEachAliasToAScriptWithADescription() throws Exception {
        Object cat = Toolkit.json(Files.readString(Toolkit.REPO.resolve("jbang-catalog.json")));
        Map<?, ?> aliases = (Map<?, ?>) Json.at(cat, "aliases");
        assertEquals(JBangTest.ALIASES, new ArrayList<>(aliases.keySet().stream().map(String::valueOf).toList()));
        for (Object a : aliases.keySet()) {
            Path script = Toolkit.REPO.resolve(Json.text(aliases.get(a), "script-ref"));
            assertTrue(Files.isRegularFile(script), a + " -> " + script);
            assertTrue(Json.text(aliases.get(a), "description").length() > 20, a + " has a one-line description");
        }
        assertEquals(null, Json.at(cat, "catalogs"),
                "no catalog named 'taskora' inside the repo: JBang resolves a relative catalog-ref from the working directory "
                        + "(a crash in subfolders) and it would shadow the one `jbang catalog add --global` registers; ./jbang maps @taskora");
    }

    @Test
    void everyScriptStandsAloneWithPinnedDependencies() throws Exception {
        Map<String, String> pom = new TreeMap<>();
        Matcher pm = Pattern.compile("<([a-z0-9-]+)\\.version>([^<]+)</").matcher(Files.readString(Toolkit.REPO.resolve("tests/toolkit/pom.xml")));
        while (pm.find()) pom.put(pm.group(1), pm.group(2));
        List<Path> files;
        try (Stream<Path> s = Files.walk(SCRIPTS)) { files = s.filter(p -> p.toString().endsWith(".java")).sorted().toList(); }
        int deps = 0;
        for (Path f : files) {
            String text = Files.readString(f);
            for (String line : text.lines().toList()) {
                if (line.startsWith("//DEPS ")) {
                    String[] gav = line.substring(7).trim().split(":");
                    assertEquals(3, gav.length, f + ": " + line);
                    assertTrue(gav[2].matches("[0-9]+(\\.[0-9]+)+"), "exact version: " + f + ": " + line);
                    assertEquals(pom.get(gav[1]), gav[2], "pom.xml and " + f.getFileName() + " pin " + gav[1] + " alike");
                    deps++;
                }
                if (line.startsWith("//SOURCES "))
                    for (String src : line.substring(10).trim().split("\\s+"))
                        assertTrue(Files.isRegularFile(f.getParent().resolve(src)), f + " includes " + src);
            }
            if (!f.getParent().getFileName().toString().equals("lib")) {
                assertTrue(text.startsWith("///usr/bin/env bash -c 'l=\"${0%/*}/../jbang\"; [ -x \"$l\" ] || l=jbang; exec \"$l\" \"$0\" \"$@\"' \"$0\" \"$@\" ; exit $?\n//JAVA 17+\n"),
                        f + " runs as ./Script.java, through the checkout's ./jbang (else a jbang on PATH)");
                assertTrue(text.contains("//SOURCES lib/Console.java lib/Cmd.java lib/Config.java lib/Json.java"), f + " brings its helpers");
                assertTrue(text.contains("public static void main(String... args)"), f + " has a main");
            }
        }
        assertTrue(deps >= 9, "every script and helper declares its dependencies: " + deps);
        Matcher v = Pattern.compile("JBANG_VERSION=\"\\$\\{TASKORA_JBANG_VERSION:-([0-9.]+)}\"").matcher(Files.readString(Toolkit.REPO.resolve("jbang")));
        assertTrue(v.find(), "the launcher pins JBang's version");
    }

    /**
     * docs/TROUBLESHOOTING.md quotes the scripts' errors and hints as `error: ...`, `hint: ...` and
     * preflight's FIX column as `fix: ...`, with … where a value goes: every piece between the …
     * must still be in the scripts' source (string escapes undone), so the guide follows the code.
     */
    @Test
    void troubleshootingQuotesWhatTheScriptsPrint() throws Exception {
        StringBuilder src = new StringBuilder();
        try (Stream<Path> s = Files.walk(SCRIPTS)) {
            for (Path f : s.filter(p -> p.toString().endsWith(".java")).sorted().toList()) src.append(Files.readString(f)).append('\n');
        }
        src.append(Files.readString(Toolkit.REPO.resolve("jbang")));
        String code = src.toString().replace("\\\"", "\"").replace("\\\\", "\\");
        Matcher m = Pattern.compile("`(error|hint|fix): ([^`]+)`").matcher(Files.readString(Toolkit.REPO.resolve("docs/TROUBLESHOOTING.md")));
        int quotes = 0;
        List<String> stale = new ArrayList<>();
        while (m.find()) {
            quotes++;
            for (String piece : m.group(2).split("…")) {
                String p = piece.replaceAll("^[\\s()'\":,]+|[\\s()'\":,]+$", "");
                if (p.length() >= 4 && !code.contains(p)) stale.add("`" + m.group(1) + ": " + m.group(2) + "`: '" + p + "'");
            }
        }
        assertTrue(quotes >= 20, "the guide quotes the scripts: " + quotes);
        assertEquals(List.of(), stale, "quoted in docs/TROUBLESHOOTING.md but no longer printed by the scripts");
    }
}

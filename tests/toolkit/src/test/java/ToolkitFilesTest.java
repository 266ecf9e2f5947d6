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

    static List<Path> javaFiles(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) { return s.filter(p -> p.toString().endsWith(".java")).sorted().toList(); }
    }

    /** The scripts' class names: scripts/*.java. */
    static List<String> scriptNames() throws Exception {
        return javaFiles(SCRIPTS).stream().map(p -> p.getFileName().toString().replace(".java", "")).toList();
    }

    /** The //SOURCES entries of a file, as written. */
    static List<String> sources(String text) {
        List<String> out = new ArrayList<>();
        for (String line : text.lines().toList())
            if (line.startsWith("//SOURCES ")) out.addAll(List.of(line.substring(10).trim().split("\\s+")));
        return out;
    }

    /** The source without comments and string literals (a name in a message is not a use). */
    static String code(String src) {
        return src.replaceAll("(?s)\"\"\".*?\"\"\"", "\"\"").replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"")
                .replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("(?m)//.*$", "");
    }

    @Test
    void everyFilePinsExactlyTheDependenciesOfThePom() throws Exception {
        Map<String, String> pom = new TreeMap<>();
        Matcher pm = Pattern.compile("<([a-z0-9-]+)\\.version>([^<]+)</").matcher(Files.readString(Toolkit.REPO.resolve("tests/toolkit/pom.xml")));
        while (pm.find()) pom.put(pm.group(1), pm.group(2));
        Map<String, String> pinned = new TreeMap<>();
        List<Path> files = new ArrayList<>(javaFiles(SCRIPTS));
        files.addAll(javaFiles(SCRIPTS.resolve("lib")));
        for (Path f : files) {
            for (String line : Files.readString(f).lines().toList()) {
                if (!line.startsWith("//DEPS ")) continue;
                String[] gav = line.substring(7).trim().split(":");
                assertEquals(3, gav.length, f + ": " + line);
                assertTrue(gav[2].matches("[0-9]+(\\.[0-9]+)+"), "exact version: " + f + ": " + line);
                assertEquals(pom.get(gav[1]), gav[2], "pom.xml and " + f.getFileName() + " pin " + gav[1] + " alike");
                pinned.put(gav[1], gav[2]);
            }
        }
        Map<String, String> runtime = new TreeMap<>(pom);
        runtime.keySet().removeAll(List.of("junit", "maven.compiler.release"));
        assertEquals(runtime, pinned, "the scripts pin exactly the pom's runtime dependencies, each somewhere");
        Matcher v = Pattern.compile("JBANG_VERSION=\"\\$\\{TASKORA_JBANG_VERSION:-([0-9.]+)}\"").matcher(Files.readString(Toolkit.REPO.resolve("jbang")));
        assertTrue(v.find(), "the launcher pins JBang's version");
    }

    @Test
    void everyScriptIsAProgramOfItsOwn() throws Exception {
        for (Path f : javaFiles(SCRIPTS)) {
            String text = Files.readString(f);
            assertTrue(text.startsWith("///usr/bin/env bash -c 'l=\"${0%/*}/../jbang\"; [ -x \"$l\" ] || l=jbang; exec \"$l\" \"$0\" \"$@\"' \"$0\" \"$@\" ; exit $?\n//JAVA 17+\n"),
                    f + " runs as ./Script.java, through the checkout's ./jbang (else a jbang on PATH)");
            assertTrue(text.contains("public static void main(String... args)"), f + " has a main");
        }
    }

    /**
     * Dependencies run one way: a script includes lib files only (never another script), a lib
     * file includes nothing (its script lists all it needs), and no lib code names a script's class.
     */
    @Test
    void dependenciesRunOneWayScriptsOverLib() throws Exception {
        List<String> scripts = scriptNames();
        List<String> problems = new ArrayList<>();
        for (Path f : javaFiles(SCRIPTS))
            for (String src : sources(Files.readString(f)))
                if (!src.matches("lib/[A-Z][A-Za-z0-9]*\\.java")) problems.add(f.getFileName() + " includes " + src + " (only lib/*.java)");
        Pattern uses = Pattern.compile("\\b(" + String.join("|", scripts) + ")\\b");
        for (Path f : javaFiles(SCRIPTS.resolve("lib"))) {
            String text = Files.readString(f);
            for (String src : sources(text))
                problems.add("lib/" + f.getFileName() + " includes " + src + " (a lib file includes nothing: each script lists every lib file it needs)");
            Matcher m = uses.matcher(code(text));
            java.util.Set<String> named = new java.util.TreeSet<>();
            while (m.find()) named.add(m.group(1));
            for (String n : named) problems.add("lib/" + f.getFileName() + " names the script class " + n);
        }
        assertEquals(List.of(), problems);
    }

    /**
     * Each script compiles with only itself and the lib files its //SOURCES name (and theirs), in a
     * temporary folder, against the pinned jars alone: what a copy of the script needs is what it says.
     */
    @Test
    void eachScriptCompilesWithOnlyItselfAndTheLibFilesItNames(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        String jars = String.join(java.io.File.pathSeparator, java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(e -> e.endsWith(".jar") && !e.contains("junit") && !e.contains("surefire") && !e.contains("opentest4j") && !e.contains("apiguardian")).toList());
        javax.tools.JavaCompiler javac = javax.tools.ToolProvider.getSystemJavaCompiler();
        List<String> problems = new ArrayList<>();
        for (Path f : javaFiles(SCRIPTS)) {
            String name = f.getFileName().toString();
            Path dir = tmp.resolve(name.replace(".java", ""));
            java.util.LinkedHashSet<Path> todo = new java.util.LinkedHashSet<>(List.of(f));
            List<Path> copied = new ArrayList<>();
            for (Path next; (next = todo.stream().filter(p -> !copied.contains(p)).findFirst().orElse(null)) != null; ) {
                Path target = dir.resolve(SCRIPTS.relativize(next).toString());
                Files.createDirectories(target.getParent());
                Files.copy(next, target);
                copied.add(next);
                for (String src : sources(Files.readString(next))) todo.add(next.getParent().resolve(src).normalize());
            }
            java.io.StringWriter err = new java.io.StringWriter();
            List<String> args = new ArrayList<>(List.of("-proc:none", "-d", dir.resolve("classes").toString(), "-cp", jars));
            for (Path p : copied) args.add(dir.resolve(SCRIPTS.relativize(p).toString()).toString());
            int rc = javac.run(null, new java.io.PrintStream(new java.io.ByteArrayOutputStream()), new java.io.PrintStream(new java.io.OutputStream() {
                public void write(int b) { err.write(b); }
            }), args.toArray(String[]::new));
            if (rc != 0) problems.add(name + " does not compile with only " + copied.stream().map(p -> SCRIPTS.relativize(p).toString()).toList()
                    + ":\n" + err.toString().lines().limit(12).reduce("", (a, b) -> a + b + "\n"));
        }
        assertEquals(List.of(), problems);
    }

    /**
     * docs/TROUBLESHOOTING.md quotes the scripts' errors and hints as `error: ...`, `hint: ...` and
     * preflight's fix lines (under each failed row) as `fix: ...`, with … where a value goes: every piece between the …
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
        String guide = Files.readString(Toolkit.REPO.resolve("docs/TROUBLESHOOTING.md"));
        int marked = guide.split("`error: ", -1).length + guide.split("`hint: ", -1).length + guide.split("`fix: ", -1).length - 3;
        assertEquals(marked, quotes, "every `error: …`, `hint: …` and `fix: …` of the guide is read as a quote");
        assertEquals(List.of(), stale, "quoted in docs/TROUBLESHOOTING.md but no longer printed by the scripts");
    }
}

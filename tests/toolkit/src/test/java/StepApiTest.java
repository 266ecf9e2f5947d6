import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Issue 14.1: a script that includes a step script (//SOURCES) calls only that step's declared
 * entry points (@EntryPoint), each step script's header lists them, and a tag is computed in one place.
 */
class StepApiTest {
    static final List<String> STEPS = List.of("Preflight", "MinikubeProfile", "BuildImages", "Smoke");
    static final Path SCRIPTS = Toolkit.REPO.resolve("scripts");

    /** Names of the members (methods, nested types) a step class declares with @EntryPoint. */
    static Set<String> declared(String step) throws Exception {
        Class<?> c = Class.forName(step);
        Set<String> out = new TreeSet<>();
        for (Method m : c.getDeclaredMethods()) if (m.isAnnotationPresent(EntryPoint.class)) out.add(m.getName());
        for (Class<?> n : c.getDeclaredClasses()) if (n.isAnnotationPresent(EntryPoint.class)) out.add(n.getSimpleName());
        return out;
    }

    /** The source without comments and string literals (a name in a message is not a call). */
    static String code(String src) {
        return src.replaceAll("(?s)\"\"\".*?\"\"\"", "\"\"").replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"")
                .replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("(?m)//.*$", "");
    }

    static List<Path> scripts() throws Exception {
        try (Stream<Path> s = Files.list(SCRIPTS)) { return s.filter(p -> p.toString().endsWith(".java")).sorted().toList(); }
    }

    @Test
    void scriptsIncludingAStepCallOnlyItsDeclaredEntryPoints() throws Exception {
        List<String> problems = new ArrayList<>();
        int uses = 0;
        for (Path f : scripts()) {
            String src = Files.readString(f);
            String self = f.getFileName().toString().replace(".java", "");
            for (String step : STEPS) {
                if (step.equals(self) || !Pattern.compile("(?m)^//SOURCES .*\\b" + step + "\\.java\\b").matcher(src).find()) continue;
                Set<String> api = declared(step);
                Matcher m = Pattern.compile("\\b" + step + "\\s*(?:\\.|::)\\s*(\\w+)").matcher(code(src));
                while (m.find()) {
                    uses++;
                    if (!api.contains(m.group(1))) problems.add(f.getFileName() + " uses " + step + "." + m.group(1) + ", not an entry point of " + step + " " + api);
                }
            }
        }
        assertTrue(uses > 0, "deploy calls the steps: nothing found to check");
        assertEquals(List.of(), problems);
    }

    @Test
    void eachStepScriptsHeaderListsItsEntryPoints() throws Exception {
        for (String step : STEPS) {
            String src = Files.readString(SCRIPTS.resolve(step + ".java"));
            String header = src.substring(0, src.indexOf("\nimport "));
            assertTrue(header.contains("// Entry points (@EntryPoint"), step + " says what it exposes:\n" + header);
            Set<String> listed = new TreeSet<>();
            Matcher m = Pattern.compile("(?m)^//\\s+(\\w+)\\(").matcher(header);
            while (m.find()) listed.add(m.group(1));
            Matcher t = Pattern.compile("(?m)^// Types: (.*)$").matcher(header);
            if (t.find()) for (Matcher n = Pattern.compile("\\b([A-Z]\\w+) \\(").matcher(t.group(1)); n.find(); ) listed.add(n.group(1));
            assertEquals(declared(step), listed, step + ": the header lists exactly the @EntryPoint members");
        }
    }

    @Test
    void anImageTagIsComputedInOnePlace() throws Exception {
        List<String> where = new ArrayList<>();
        for (Path f : scripts()) {
            String c = code(Files.readString(f));
            if (c.contains("Digest.dockerBuild(") || c.contains("gitTag(")) where.add(f.getFileName().toString());
        }
        assertEquals(List.of("BuildImages.java"), where, "only build-images computes tags (BuildImages.plan)");
    }
}

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Issue 14.4: an unexpected error exits 70 (not 1), with a bug-report line; the stack trace only with --verbose. */
class ExitCodeTest {
    @Command(name = "boom")
    static class Boom implements Callable<Integer> {
        @Option(names = {"-v", "--verbose"}) boolean verbose;

        @Override
        public Integer call() {
            String s = null;
            return s.length(); // a bug
        }
    }

    static String[] run(String... args) {
        PrintStream err = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Console.execute(new Boom(), args);
        } finally {
            System.setErr(err);
        }
        return new String[] {String.valueOf(code), buf.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void anUnexpectedErrorIsExit70WithABugReportLine() {
        String[] r = run();
        assertEquals(String.valueOf(Exit.UNEXPECTED), r[0]);
        assertEquals(70, Exit.UNEXPECTED);
        assertTrue(r[1].startsWith("boom: error: unexpected error (a bug in Taskora Deploy): java.lang.NullPointerException"), r[1]);
        assertTrue(r[1].contains("  hint: please report it with the command line and the output of the same command with --verbose"), r[1]);
        assertEquals(2, r[1].lines().count(), "two lines, no stack trace:\n" + r[1]);
        assertFalse(r[1].contains("\tat "), r[1]);
    }

    @Test
    void theStackTraceOnlyWithVerbose() {
        String[] r = run("--verbose");
        assertEquals("70", r[0]);
        assertTrue(r[1].contains("\tat ExitCodeTest$Boom.call"), r[1]);
    }

    /**
     * What each script can return, exactly: its own codes, 70 (a bug), and 130 and 143 (Ctrl-C, a
     * TERM: the JVM exits 128 + the signal). Its --help lists these and no other.
     */
    static final Map<String, Set<Integer>> CODES = Map.of(
            "Preflight", Set.of(0, 1, 2, 3, 70, 130, 143),
            "MinikubeProfile", Set.of(0, 2, 3, 4, 70, 130, 143),
            "BuildImages", Set.of(0, 1, 2, 3, 70, 130, 143),
            "Smoke", Set.of(0, 1, 2, 3, 70, 130, 143),
            "Deploy", Set.of(0, 1, 2, 3, 4, 5, 70, 130, 143),
            "AiOps", Set.of(0, 1, 2, 3, 6, 7, 70, 130, 143));

    /**
     * Codes a file a script includes can throw that the script never reaches: preflight asks
     * Minikube only for the CNI (Minikube.cni), never to ensure a profile (4, a mismatch).
     */
    static final Map<String, Set<Integer>> UNREACHABLE = Map.of("Preflight", Set.of(Exit.PROFILE_MISMATCH));

    static Object newScript(String name) throws ReflectiveOperationException {
        return Class.forName(name).getDeclaredConstructor().newInstance();
    }

    /** The codes of a script's --help ("Exit codes:" list). */
    static Set<Integer> listed(Object script) {
        String help = new picocli.CommandLine(script).getUsageMessage(picocli.CommandLine.Help.Ansi.OFF);
        String list = help.substring(help.indexOf("Exit codes:"));
        Set<Integer> out = new TreeSet<>();
        for (Matcher m = Pattern.compile("(?m)^  (\\d+) {2,}\\S").matcher(list); m.find(); ) out.add(Integer.parseInt(m.group(1)));
        return out;
    }

    /** The Exit codes named in a script and in every file it includes with //SOURCES (followed as JBang follows them). */
    static Set<Integer> named(Path file, Set<Path> seen) throws Exception {
        Set<Integer> out = new TreeSet<>();
        if (!seen.add(file.normalize())) return out;
        String src = Files.readString(file);
        for (Matcher m = Pattern.compile("\\bExit\\.([A-Z_]+)\\b").matcher(src.replaceAll("(?m)^\\s*(//|\\*).*$", "")); m.find(); )
            out.add(Exit.class.getDeclaredField(m.group(1)).getInt(null));
        for (Matcher m = Pattern.compile("(?m)^//SOURCES (.*)$").matcher(src); m.find(); )
            for (String s : m.group(1).trim().split("\\s+")) out.addAll(named(file.getParent().resolve(s), seen));
        return out;
    }

    @TestFactory
    List<DynamicTest> everyScriptsHelpListsEveryCodeItCanReturn() {
        List<DynamicTest> out = new ArrayList<>();
        for (String script : new TreeSet<>(CODES.keySet()))
            out.add(DynamicTest.dynamicTest(script, () -> {
                Set<Integer> listed = listed(newScript(script));
                assertEquals(new TreeSet<>(CODES.get(script)), listed, script + ".java --help lists exactly what it can return");
                Set<Integer> named = named(Toolkit.REPO.resolve("scripts/" + script + ".java"), new HashSet<>());
                named.removeAll(UNREACHABLE.getOrDefault(script, Set.of()));
                assertTrue(listed.containsAll(named), script + ": the code and the files it includes name " + named + "; --help lists " + listed);
            }));
        return out;
    }

    @Test
    void helpUsesTheTerminalsWidth() throws Exception {
        for (String script : CODES.keySet())
            assertTrue(Console.commandLine(newScript(script)).isUsageHelpAutoWidth(), script);
    }

    @Test
    void everyExitCodeIsDocumented() throws Exception {
        String doc = Files.readString(Toolkit.REPO.resolve("docs/TOOLKIT.md"));
        for (int code : new int[] {Exit.OK, Exit.CHECK_FAILED, Exit.USAGE, Exit.COMMAND_FAILED, Exit.PROFILE_MISMATCH, Exit.ROLLED_BACK, Exit.UNEXPECTED})
            assertTrue(doc.contains("\n| " + code + " | "), "docs/TOOLKIT.md's exit code table has " + code);
    }
}

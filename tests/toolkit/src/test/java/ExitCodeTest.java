import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.concurrent.Callable;

import org.junit.jupiter.api.Test;

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

    @Test
    void everyScriptsHelpListsExit70() {
        for (Object script : new Object[] {new Preflight(), new MinikubeProfile(), new BuildImages(), new Deploy(), new Smoke()}) {
            String help = new picocli.CommandLine(script).getUsageMessage(picocli.CommandLine.Help.Ansi.OFF);
            assertTrue(help.contains("70   unexpected error (a bug: please report it)"), help);
        }
    }

    @Test
    void everyExitCodeIsDocumented() throws Exception {
        String doc = Files.readString(Toolkit.REPO.resolve("docs/TOOLKIT.md"));
        for (int code : new int[] {Exit.OK, Exit.CHECK_FAILED, Exit.USAGE, Exit.COMMAND_FAILED, Exit.PROFILE_MISMATCH, Exit.ROLLED_BACK, Exit.UNEXPECTED})
            assertTrue(doc.contains("\n| " + code + " | "), "docs/TOOLKIT.md's exit code table has " + code);
    }
}

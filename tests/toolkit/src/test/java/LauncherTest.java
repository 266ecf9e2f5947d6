import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 25: ./jbang's one-JVM path. When nothing JBang reads has changed, the launcher runs the
 * command JBang printed last time directly; any change to the script or to a file it includes goes
 * through JBang again, which rebuilds (never a stale jar).
 *
 * Whether JBang ran is seen from outside: JBANG_JAVA_OPTIONS (the options of JBang's own JVM, not
 * the script's) set to an option no JVM knows makes every run that starts JBang fail, and leaves a
 * run that starts the script's JVM alone untouched.
 */
class LauncherTest {
    @TempDir Path tmp;

    static final String NO_JBANG_JVM = "-XX:+TaskoraNoSuchOption";

    /** A copy of the launcher, scripts/lib and one script, as the copy recipe of docs/TOOLKIT.md makes it. */
    Path copy(String script) throws Exception {
        Path other = Files.createDirectories(tmp.resolve("other-repo/scripts"));
        Files.copy(Toolkit.REPO.resolve("jbang"), other.getParent().resolve("jbang"));
        Toolkit.copyTree(Toolkit.REPO.resolve("scripts/lib"), other.resolve("lib"));
        Files.copy(Toolkit.REPO.resolve("scripts/" + script), other.resolve(script));
        other.getParent().resolve("jbang").toFile().setExecutable(true);
        other.resolve(script).toFile().setExecutable(true);
        return other.resolve(script);
    }

    static Toolkit.Run run(Path script, boolean jbangMustNotStart, String... args) {
        return run(script, jbangMustNotStart, Map.of(), args);
    }

    static Toolkit.Run run(Path script, boolean jbangMustNotStart, Map<String, String> extraEnv, String... args) {
        Map<String, String> env = JBangTest.noJbangEnv();
        env.putAll(extraEnv);
        env.put("TASKORA_NO_SYSTEM_JBANG", "1");
        env.put("JBANG_JAVA_OPTIONS", jbangMustNotStart ? NO_JBANG_JVM : null);
        List<String> argv = new ArrayList<>(List.of(script.toString()));
        argv.addAll(List.of(args));
        return Toolkit.exec(argv, env, script.getParent().getParent(), null, 600);
    }

    static void replace(Path file, String from, String to) throws Exception {
        String text = Files.readString(file);
        assertTrue(text.contains(from), file + " contains " + from);
        Files.writeString(file, text.replace(from, to));
    }

    @Test
    void nothingChangedRunsOneJvmAndAnyChangedSourceGoesThroughJBang() throws Exception {
        Path smoke = copy("Smoke.java");
        // The first run goes through JBang (it builds the copy) and keeps the command it printed.
        Toolkit.Run first = run(smoke, false, "--help").expect(0);
        assertTrue(first.out().startsWith("Usage: smoke ") && first.out().contains("Checks a deployed release"), first.all());
        // Nothing changed: the script's JVM alone (JBang's would not start), the same answer.
        Toolkit.Run direct = run(smoke, true, "--help").expect(0);
        assertEquals(first.out(), direct.out(), "the direct run answers as JBang's does");
        Toolkit.Run again = run(smoke, true, "--help").expect(0);
        assertEquals(first.out(), again.out(), "with the class-data archive or its class list, the same answer");

        // A change to the script itself: JBang must run (so the direct run fails with its options),
        // then the rebuilt script answers with the change, and the next run is direct again.
        replace(smoke, "Checks a deployed release:", "Checks a changed release:");
        Toolkit.Run stale = run(smoke, true, "--help");
        assertTrue(stale.exit() != 0 && stale.all().contains("TaskoraNoSuchOption"), "a changed script must go through JBang:\n" + stale.all());
        Toolkit.Run rebuilt = run(smoke, false, "--help").expect(0);
        assertTrue(rebuilt.out().contains("Checks a changed release:"), "the change is live:\n" + rebuilt.out());
        assertEquals(rebuilt.out(), run(smoke, true, "--help").expect(0).out());

        // A change to a file it includes with //SOURCES (lib/Config.java's --dry-run description).
        Path config = smoke.getParent().resolve("lib/Config.java");
        replace(config, "Show the commands that would change something; run none of them.",
                "Show the changed commands; run none of them.");
        Toolkit.Run staleLib = run(smoke, true, "--help");
        assertTrue(staleLib.exit() != 0 && staleLib.all().contains("TaskoraNoSuchOption"), "a changed lib source must go through JBang:\n" + staleLib.all());
        Toolkit.Run rebuiltLib = run(smoke, false, "--help").expect(0);
        assertTrue(rebuiltLib.out().contains("Show the changed commands;"), "the lib change is live:\n" + rebuiltLib.out());
        assertEquals(rebuiltLib.out(), run(smoke, true, "--help").expect(0).out());

        // A change back to an earlier content is that earlier build again (JBang keeps it): still
        // through JBang once, never a command kept for other sources.
        replace(config, "Show the changed commands; run none of them.", "Show the commands that would change something; run none of them.");
        assertTrue(run(smoke, true, "--help").exit() != 0, "the content changed again: through JBang");
        assertTrue(run(smoke, false, "--help").expect(0).out().contains("Show the commands that would change something;"));
    }

    /** The script's arguments pass through the direct run as they do through JBang (spaces, quotes). */
    @Test
    void theDirectRunPassesTheArgumentsAsTheyAre() throws Exception {
        Path smoke = copy("Smoke.java");
        run(smoke, false, "--help").expect(0);
        Toolkit.Run viaJbang = run(smoke, false, Map.of("TASKORA_JBANG_FAST", "0"), "--set", "it's a \"value\" with  spaces");
        Toolkit.Run direct = run(smoke, true, "--set", "it's a \"value\" with  spaces");
        assertEquals(viaJbang.exit(), direct.exit(), viaJbang.all() + "\n---\n" + direct.all());
        assertEquals(viaJbang.err(), direct.err());
        assertTrue(direct.err().contains("it's a \"value\" with  spaces"), direct.err());
    }
}

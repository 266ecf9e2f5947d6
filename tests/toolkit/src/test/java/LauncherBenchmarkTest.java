import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * Issue 25's benchmark (it prints, it does not judge the times): `--help` and ai-ops' translation,
 * through ./jbang and as direct java with the script's own JVM options (what `jbang info tools`
 * reports), 20 runs each, interleaved, median and p95 (tests/lib/launcher_bench.py; the suite's
 * summary repeats the lines). It fails only when the two do not answer alike.
 * docs/TOOLKIT.md#how-fast has the figures and the command that reproduces them.
 */
class LauncherBenchmarkTest {
    static void bench(String label, String... command) {
        List<String> argv = new ArrayList<>(List.of("python3", Toolkit.REPO.resolve("tests/lib/launcher_bench.py").toString(), "--runs", "20", label));
        argv.addAll(List.of(command));
        Map<String, String> env = JBangTest.noJbangEnv();
        env.put("TASKORA_NO_SYSTEM_JBANG", "1");
        Toolkit.Run r = Toolkit.exec(argv, env, Toolkit.REPO, null, 900).expect(0);
        assertTrue(r.out().startsWith("benchmark " + label + ": ./jbang p50 "), r.all());
        System.out.print(r.out());
    }

    @Test
    void help() {
        bench("deploy --help", "deploy@taskora", "--help");
    }

    @Test
    void aiOpsTranslation() {
        bench("ai-ops translation (--dry-run --json)", "ai-ops@taskora", "--dry-run", "--json", "scale the api to three pods");
    }
}

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 21.3, 21.4, 21.7: a partial taskora.yaml anywhere keeps the checkout's defaults, every
 * bad path is named at once, one home for state ($HOME and XDG, never Java's user.home alone),
 * and the configuration's errors name what the user really gave.
 */
class ConfigPathsTest {
    @TempDir Path tmp;

    Path write(String name, String yaml) throws Exception {
        Path f = tmp.resolve(name);
        Files.createDirectories(f.getParent());
        Files.writeString(f, yaml);
        return f;
    }

    /** Failed on the old code: services.frontend.context: 'app/frontend' (/elsewhere/app/frontend) is not a directory. */
    @Test
    void aSmallFileElsewhereKeepsTheCheckoutsDefaultPaths() throws Exception {
        Path small = write("elsewhere/small.yaml", "minikube: {cpus: 6}\nchart: {path: mychart}\n");
        Config cfg = Config.loadWith(small, List.of(), Toolkit.REPO);
        assertEquals(6, cfg.num("minikube.cpus"));
        assertEquals(Toolkit.REPO.resolve("app/frontend"), cfg.path("services.frontend.context"), "a default resolves from the checkout");
        assertEquals(Toolkit.REPO.resolve("charts/taskora/values-dev.yaml"), cfg.valuesFile());
        assertEquals(tmp.resolve("elsewhere/mychart"), cfg.path("chart.path"), "a key the file sets resolves from the file's folder");
        Config set = Config.loadWith(small, List.of(Config.Override.parseSet("services.backend.context=other")), Toolkit.REPO);
        assertEquals(tmp.resolve("elsewhere/other"), set.path("services.backend.context"), "an override resolves from the file's folder too");
        assertEquals(Toolkit.REPO.resolve("app/mcp-server"), set.path("services.mcp-server.context"));
    }

    @Test
    void withoutACheckoutTheDefaultsResolveFromTheFilesFolderAsBefore() throws Exception {
        Path small = write("other-repo/taskora.yaml", "chart: {release: myapp}\n");
        Config cfg = Config.loadWith(small, List.of(), null);
        assertEquals(tmp.resolve("other-repo/app/frontend"), cfg.path("services.frontend.context"));
    }

    /** Failed on the old code: only the first missing path was named. */
    @Test
    void everyMissingPathIsNamedAtOnce() throws Exception {
        Path f = write("app/taskora.yaml", "chart: {path: nochart}\nservices:\n  frontend: {context: nofront, dockerfile: no.Dockerfile}\n  backend: {context: noback}\n");
        Config cfg = Config.loadWith(f, List.of(), null);
        Failure e = assertThrows(Failure.class, () -> cfg.requirePaths(
                List.of("services.frontend.context", "services.backend.context", "chart.path"), List.of("services.frontend.dockerfile")));
        assertEquals(Exit.USAGE, e.exitCode);
        assertEquals("4 configured paths are missing: "
                + "services.frontend.context: 'nofront' (" + tmp.resolve("app/nofront") + ") is not a directory; "
                + "services.backend.context: 'noback' (" + tmp.resolve("app/noback") + ") is not a directory; "
                + "chart.path: 'nochart' (" + tmp.resolve("app/nochart") + ") is not a directory; "
                + "services.frontend.dockerfile: 'no.Dockerfile' (" + tmp.resolve("app/no.Dockerfile") + ") is not a file", e.getMessage());
        Failure one = assertThrows(Failure.class, () -> cfg.requirePaths(List.of("chart.path"), List.of()));
        assertEquals("chart.path: 'nochart' (" + tmp.resolve("app/nochart") + ") is not a directory", one.getMessage());
    }

    @Test
    void aMissingDefaultPathSaysItIsADefaultAndWhereItResolves() throws Exception {
        Path small = write("elsewhere/small.yaml", "minikube: {cpus: 6}\n");
        Config cfg = Config.loadWith(small, List.of(), tmp.resolve("no-checkout"));
        Failure e = assertThrows(Failure.class, () -> cfg.requirePaths(List.of("chart.path"), List.of()));
        assertTrue(e.hint.startsWith("chart.path is a default, which resolves from the Taskora Deploy checkout (" + tmp.resolve("no-checkout") + ")"), e.hint);
    }

    /** Failed on the old code: a folder was "not found", and the hint said to pass --config, which was passed. */
    @Test
    void configOptionErrorsSayWhatWasGiven() throws Exception {
        Files.createDirectories(tmp.resolve("conf"));
        Failure dir = assertThrows(Failure.class, () -> Config.locate(tmp.resolve("conf")));
        assertEquals("--config " + tmp.resolve("conf") + " is a folder, not a configuration file", dir.getMessage());
        assertEquals("pass the file itself: --config " + tmp.resolve("conf/taskora.yaml"), dir.hint);
        Failure missing = assertThrows(Failure.class, () -> Config.locate(Path.of("nope.yaml")));
        assertEquals("--config nope.yaml: no such file (" + Path.of("nope.yaml").toAbsolutePath() + ")", missing.getMessage());
        assertTrue(!missing.hint.contains("pass --config"), missing.hint);
    }

    /** Failed on the old code: "taskora.yaml: missing key 'services.web.component'" for a --set. */
    @Test
    void aNewServiceFromSetIsNamedByTheSet() throws Exception {
        Failure e = assertThrows(Failure.class, () -> Config.loadWith(Toolkit.REPO.resolve("taskora.yaml"),
                List.of(Config.Override.parseSet("services.web.image=x")), Toolkit.REPO));
        assertEquals("--set services.web.image: 'web' is not a service of taskora.yaml, and a new service needs 'services.web.component' too", e.getMessage());
    }

    /** Prints the homes Config computes, for the process test below. */
    public static final class Probe {
        public static void main(String[] args) {
            System.out.println(Config.home() + "\n" + Config.cacheDir() + "\n" + Config.stateDir() + "\n" + Config.jbangUserCatalog());
        }
    }

    /** Failed on the old code: the audit log, hadolint's cache and the JBang catalog followed user.home, not $HOME. */
    @Test
    void stateFollowsHomeAndXdgAsTheLauncherDoes() throws Exception {
        List<String> argv = List.of(Toolkit.javaBin(), "-Duser.home=" + tmp.resolve("account"), "-cp", System.getProperty("java.class.path"), "ConfigPathsTest$Probe");
        Map<String, String> env = new HashMap<>();
        env.put("HOME", tmp.resolve("home").toString());
        for (String v : List.of("TASKORA_CACHE", "XDG_CACHE_HOME", "XDG_STATE_HOME", "JBANG_DIR")) env.put(v, null);
        assertEquals(String.join("\n", tmp.resolve("home").toString(), tmp.resolve("home/.cache/taskora").toString(),
                tmp.resolve("home/.local/state/taskora").toString(), tmp.resolve("home/.jbang/jbang-catalog.json").toString()) + "\n",
                Toolkit.exec(argv, env, tmp, null, 60).expect(0).out());
        env.put("XDG_CACHE_HOME", tmp.resolve("xc").toString());
        env.put("XDG_STATE_HOME", tmp.resolve("xs").toString());
        String out = Toolkit.exec(argv, env, tmp, null, 60).expect(0).out();
        assertTrue(out.contains(tmp.resolve("xc/taskora") + "\n" + tmp.resolve("xs/taskora") + "\n"), out);
        env.put("TASKORA_CACHE", tmp.resolve("tc").toString());
        assertTrue(Toolkit.exec(argv, env, tmp, null, 60).expect(0).out().contains(tmp.resolve("tc") + "\n"));
    }
}

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9: everything checkable is checked before the first change, conflicting options are
 * refused, the dry run exits as the real run would, teardown keeps the data, the URL and smoke --url.
 */
class CaughtBeforeChangeTest {
    @TempDir Path tmp;
    final List<String> images = new ArrayList<>();

    @AfterEach
    void removeImages() {
        for (String ref : images) Toolkit.docker("image", "rm", "-f", ref);
    }

    Toolkit.Run run(Toolkit.World w, String script, Path app, Map<String, String> env, String... args) {
        List<String> a = new ArrayList<>(List.of("--config", app.resolve("taskora.yaml").toString()));
        a.addAll(List.of(args));
        Toolkit.Run r = w.script(script, env, a.toArray(String[]::new));
        Matcher m = Pattern.compile("(taskora-test/[a-z-]+:sha-[0-9a-f]{12})").matcher(r.out());
        while (m.find()) if (!images.contains(m.group(1))) images.add(m.group(1));
        return r;
    }

    /** Nothing that changes anything ran: no minikube start, docker build, create, helm upgrade or uninstall. */
    static void nothingChanged(Toolkit.World w, Toolkit.Run r) {
        assertTrue(w.allCalls().stream().noneMatch(c -> c.startsWith("minikube start -p") || c.contains(" create ") || c.startsWith("helm upgrade")
                || c.startsWith("helm uninstall") || c.contains(" delete ")), w.allCalls().toString());
        assertFalse(r.out().contains("docker build -f") && !r.out().contains("[dry-run]"), "no image built:\n" + r.out());
    }

    @Test
    void aDryRunExitsWithTheCodeTheRealRunWouldStopWithAndSaysWhere() {
        Path app = Toolkit.fixture(tmp.resolve("app"));
        Toolkit.World w = new Toolkit.World(tmp);
        w.writeState("{\"contexts\": [\"kind-test\"]}");
        Toolkit.Run r = run(w, "Deploy", app, Map.of(), "--dry-run", "--context", "kind-nope").expect(Exit.CHECK_FAILED);
        assertTrue(r.err().contains("deploy: error: dry run: the real run would stop at preflight: preflight failed: kube-context"), r.err());
        assertTrue(r.out().contains("the real run would stop at preflight"), r.out());
        assertTrue(r.out().contains("[dry-run] $ helm upgrade --install tiny"), "the dry run still shows the rest of the plan:\n" + r.out());
        Toolkit.Run real = run(w, "Deploy", app, Map.of(), "--context", "kind-nope").expect(Exit.CHECK_FAILED);
        assertTrue(real.err().contains("preflight failed: kube-context"), real.err());
        nothingChanged(w, real);
        run(w, "Deploy", app, Map.of(), "--dry-run", "--context", "kind-test").expect(0);
    }

    @Test
    void conflictingOptionsAreRefused() {
        Path app = Toolkit.fixture(tmp.resolve("app"));
        Toolkit.World w = new Toolkit.World(tmp);
        Toolkit.Run both = run(w, "Deploy", app, Map.of(), "--target", "minikube", "--context", "kind-dev", "--dry-run").expect(Exit.USAGE);
        assertTrue(both.err().contains("--target minikube --context kind-dev: with target minikube the kube-context is the profile's"), both.err());
        assertEquals(1, both.err().lines().filter(l -> l.contains("error:")).count(), both.err());
        Toolkit.Run local = run(w, "BuildImages", app, Map.of(), "--store", "local").expect(Exit.USAGE);
        assertTrue(local.err().contains("--store local with target minikube: the profile tiny cannot see images in the local engine"), local.err());
        Toolkit.Run mk = run(w, "MinikubeProfile", app, Map.of(), "--target", "context", "--dry-run").expect(Exit.USAGE);
        assertTrue(mk.err().contains("target is context: there is no Minikube profile to create or start"), mk.err());
        assertFalse(mk.out().contains("minikube start"), mk.out());
        Toolkit.Run purge = run(w, "Deploy", app, Map.of(), "--purge").expect(Exit.USAGE);
        assertTrue(purge.err().contains("--purge goes with --uninstall"), purge.err());
        assertTrue(w.calls("minikube").isEmpty() && w.calls("helm").isEmpty(), w.allCalls().toString());
    }

    @Test
    void badPathsStopTheDeployBeforeAnythingChanges() {
        Path app = Toolkit.fixture(tmp.resolve("app"));
        Toolkit.World w = new Toolkit.World(tmp);
        Toolkit.Run chart = run(w, "Deploy", app, Map.of(), "--set", "chart.path=nochart").expect(Exit.USAGE);
        assertTrue(chart.err().contains("chart.path: 'nochart' (" + app.resolve("nochart") + ") does not exist"), chart.err());
        nothingChanged(w, chart);
        Toolkit.Run df = run(w, "Deploy", app, Map.of(), "--set", "services.backend.dockerfile=missing.Dockerfile").expect(Exit.USAGE);
        assertTrue(df.err().contains("services.backend.dockerfile: 'missing.Dockerfile' (" + app.resolve("missing.Dockerfile") + ") is not a file"), df.err());
        nothingChanged(w, df);
        Toolkit.Run values = run(w, "Deploy", app, Map.of(), "--set", "environments.dev.valuesFile=chart/none.yaml").expect(Exit.USAGE);
        assertTrue(values.err().contains("environments.dev.valuesFile: 'chart/none.yaml' (" + app.resolve("chart/none.yaml") + ") is not a file"), values.err());
        nothingChanged(w, values);
    }

    /** The real chart and the real helm: a value its schema refuses stops the deploy before any change. */
    @Test
    void theChartIsRenderedWithTheFinalValuesBeforeAnyChange() {
        Path app = Toolkit.fixture(tmp.resolve("app"));
        Toolkit.World w = new Toolkit.World(tmp);
        String[] realChart = {"--set", "chart.path=" + Toolkit.REPO.resolve("charts/taskora"),
                "--set", "environments.dev.valuesFile=" + Toolkit.REPO.resolve("charts/taskora/values-dev.yaml"),
                "--set", "minikube.kubernetesVersion=v1.31.0"};
        List<String> bad = new ArrayList<>(List.of(realChart));
        bad.addAll(List.of("--set", "chart.values.frontend.replicaCount=abc"));
        Toolkit.Run r = run(w, "Deploy", app, Map.of(), bad.toArray(String[]::new)).expect(Exit.USAGE);
        assertTrue(r.err().contains("the chart does not render with these values: ")
                && r.err().contains("- at '/frontend/replicaCount': got string, want integer"), r.err());
        assertTrue(r.err().contains("<<'EOF' {") && r.err().contains("\"replicaCount\":\"abc\""), "the hint shows the values helm read on stdin: " + r.err());
        nothingChanged(w, r);
        assertTrue(w.calls("helm").stream().anyMatch(c -> c.startsWith("helm template tiny " + Toolkit.REPO.resolve("charts/taskora"))
                && c.contains(" -f - ")), "rendered with the exact values (on stdin): " + w.calls("helm"));
        Toolkit.Run dry = run(w, "Deploy", app, Map.of(), addDryRun(bad)).expect(Exit.USAGE);
        assertTrue(dry.err().contains("the real run would stop at checks"), dry.err());
        run(w, "Deploy", app, Map.of(), addDryRun(List.of(realChart))).expect(0);
    }

    static String[] addDryRun(List<String> args) {
        List<String> a = new ArrayList<>(args);
        a.add("--dry-run");
        return a.toArray(String[]::new);
    }

    @Test
    void uninstallKeepsTheVolumeAndTheSecretUnlessPurged() {
        Path app = Toolkit.fixture(tmp.resolve("app"));
        Toolkit.World w = new Toolkit.World(tmp);
        run(w, "Deploy", app, Map.of(), "--skip-smoke").expect(0);
        Toolkit.Run dry = run(w, "Deploy", app, Map.of(), "--uninstall", "--dry-run").expect(0);
        assertTrue(dry.out().contains("[dry-run] $ helm uninstall tiny --namespace tiny-ns --wait --kube-context tiny"), dry.out());
        assertTrue(w.calls("helm").stream().noneMatch(c -> c.startsWith("helm uninstall")));
        Toolkit.Run r = run(w, "Deploy", app, Map.of(), "--uninstall").expect(0);
        assertTrue(r.out().contains("kept: persistentvolumeclaim/data-tiny-taskora-postgresql-0, secret/tiny-taskora"), r.out());
        assertTrue(r.out().contains("deploy --uninstall --purge"), r.out());
        assertEquals("", Json.text(w.stateJson(), "releases", "tiny-ns/tiny"), "the release is gone");
        Toolkit.Run again = run(w, "Deploy", app, Map.of(), "--skip-smoke").expect(0);
        assertFalse(again.out().contains("docker build -f"), "images unchanged: " + again.out());
        Toolkit.Run purge = run(w, "Deploy", app, Map.of(), "--uninstall", "--purge").expect(0);
        assertTrue(purge.out().contains("deleted: persistentvolumeclaim/data-tiny-taskora-postgresql-0, secret/tiny-taskora (--purge: the data is gone)"), purge.out());
        assertTrue(w.calls("kubectl").contains("kubectl --context tiny delete secret/tiny-taskora -n tiny-ns --wait=true"), w.calls("kubectl").toString());
        Toolkit.Run none = run(w, "Deploy", app, Map.of(), "--uninstall").expect(0);
        assertTrue(none.out().contains("release tiny is not installed in tiny-ns; nothing to uninstall")
                && none.out().contains("nothing of the release is left in tiny-ns"), none.out());
    }

    @Test
    void theUrlWorksWhereDeployRuns() {
        Path app = Toolkit.fixture(tmp.resolve("app"));
        Toolkit.World w = new Toolkit.World(tmp);
        Toolkit.Run r = run(w, "Deploy", app, Map.of(), "--skip-smoke", "--set", "chart.values.frontend.service.type=NodePort").expect(0);
        String up = r.out().lines().filter(l -> l.startsWith("Taskora is up: ")).findFirst().orElseThrow(() -> new AssertionError(r.out()));
        List<String> asked = w.calls("kubectl").stream().filter(c -> c.contains(" get service")).toList();
        assertEquals(List.of("kubectl --context tiny get services,ingresses -n tiny-ns -l app.kubernetes.io/instance=tiny -o json"), asked,
                "the way to the app comes from one query (scripts/lib/Reach.java)");
        // This suite runs on Linux, where the node IP of the docker driver is routable.
        assertEquals("Taskora is up: http://192.168.49.2:30080/  (from another OS or host: minikube -p tiny service tiny-frontend -n tiny-ns --url)", up);
        Toolkit.Run ctx = run(w, "Deploy", app, Map.of(), "--skip-smoke", "--context", "kind-test").expect(0);
        assertTrue(ctx.out().contains("Taskora is up: kubectl --context kind-test -n tiny-ns port-forward svc/tiny-frontend 3000:3000  then http://127.0.0.1:3000/"), ctx.out());
    }

    @Test
    void smokeWithABadUrlSaysSoInOneLine() {
        Path app = Toolkit.fixture(tmp.resolve("app"));
        Toolkit.World w = new Toolkit.World(tmp);
        for (String bad : List.of("notaurl", "ftp://x", "http://")) {
            Toolkit.Run r = run(w, "Smoke", app, Map.of(), "--url", bad).expect(Exit.USAGE);
            assertEquals("smoke: error: --url " + bad + ": not an http:// or https:// URL with a host\n  hint: e.g. --url http://127.0.0.1:3000 (the frontend's base URL)\n", r.err());
            assertFalse(r.out().contains("Exception"), r.out());
        }
    }
}

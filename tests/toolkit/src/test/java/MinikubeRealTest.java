import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The toolkit against the real minikube v1.38.1 (built from its tagged source by
 * tests/lib/upstream.sh; tests/toolkit/run builds it in the background and names it in
 * MINIKUBE_READY), with an empty MINIKUBE_HOME of its own: everything minikube answers without a
 * node. The answers the other tests read from tests/toolkit/fixtures/minikube are checked here to
 * be this binary's own. A started profile cannot be had on this machine (docs/TESTING.md), so
 * the decision table's start and addon paths run on the fake (MinikubeProfileTest).
 */
class MinikubeRealTest {
    @TempDir Path tmp;

    static final String CFG = Toolkit.FIXTURE.resolve("taskora.yaml").toString();

    Toolkit.Run minikube(Toolkit.World w, String... args) {
        List<String> argv = new ArrayList<>(List.of(w.bin.resolve("minikube").toString()));
        argv.addAll(List.of(args));
        return Toolkit.exec(argv, w.env, Toolkit.REPO, null, 120);
    }

    /** The recorded answers the tests read are what the installed binary answers today. */
    @Test
    void theRecordedAnswersAreTheBinarysOwn() {
        Toolkit.World w = new Toolkit.World(tmp, "kubectl", "helm").realMinikube();
        Map<String, String[]> commands = Map.of(
                "version", new String[] {"version"},
                "version-short", new String[] {"version", "--short"},
                "profile-list-none.json", new String[] {"profile", "list", "-o", "json"},
                "start-help", new String[] {"start", "--help"},
                "config-get-kubernetes-version", new String[] {"config", "get", "kubernetes-version"});
        for (Map.Entry<String, String[]> c : commands.entrySet()) {
            Toolkit.Run r = minikube(w, c.getValue());
            assertEquals(Toolkit.recorded(c.getKey()), r.out(), "minikube " + String.join(" ", c.getValue()) + ": run tests/toolkit/record-minikube again");
            assertEquals(Toolkit.recorded(c.getKey() + ".exit").strip(), String.valueOf(r.exit()), String.join(" ", c.getValue()));
        }
        assertEquals("v1.38.1", minikube(w, "version", "--short").out().strip());
    }

    /** No profile: v1.38 prints empty lists and exits 0; the plan starts the profile, nothing else ran. */
    @Test
    void withNoProfileTheDryRunPlansTheStart() {
        Toolkit.World w = new Toolkit.World(tmp, "kubectl", "helm").realMinikube();
        Toolkit.Run r = w.script("MinikubeProfile", "--config", CFG, "--dry-run").expect(0);
        assertTrue(r.out().contains("[dry-run] $ minikube start -p tiny --driver=docker --cpus=2 --memory=2048mb --disk-size=5g"), r.out());
        assertEquals(List.of("minikube profile list -o json"), w.calls("minikube"), "only the read-only query ran");
    }

    /**
     * Issue 22: on a fresh profile (no kube-context yet, minikube.kubernetesVersion empty) the chart
     * is rendered for the Kubernetes the installed minikube starts (v1.38.1: v1.35.1,
     * constants.DefaultKubernetesVersion), never left to helm's default (1.27 or 1.28 for Helm 3.12
     * and 3.13, under the chart's kubeVersion >= 1.29). Before the fix no --kube-version was passed.
     */
    @Test
    void aFreshProfileIsRenderedForTheKubernetesMinikubeWillStart() {
        Path app = Toolkit.fixture(tmp.resolve("app"));
        Toolkit.World w = new Toolkit.World(tmp, "kubectl", "helm").realMinikube();
        Toolkit.Run r = w.script("Deploy", "--config", app.resolve("taskora.yaml").toString(), "--dry-run").expect(0);
        String template = w.calls("helm").stream().filter(c -> c.startsWith("helm template")).findFirst().orElseThrow();
        assertTrue(template.contains("--kube-version v1.35.1"), "the installed minikube's default Kubernetes: " + template);
        // The plan of the default path, as the real minikube answered it (no profile yet).
        String out = r.out();
        int start = out.indexOf("[dry-run] $ minikube start -p tiny"),
                build = out.indexOf("[dry-run] $ eval $(minikube -p tiny docker-env) && DOCKER_BUILDKIT=1 docker build"),
                helm = out.indexOf("[dry-run] $ helm upgrade --install tiny");
        assertTrue(start >= 0 && start < build && build < helm, "ordered plan:\n" + out);
        assertTrue(w.calls("minikube").stream().noneMatch(c -> c.startsWith("minikube start -p")), w.calls("minikube").toString());
        // minikube.kubernetesVersion, when set, wins
        Toolkit.World w2 = new Toolkit.World(tmp.resolve("w2"), "kubectl", "helm").realMinikube();
        w2.script("Deploy", "--config", app.resolve("taskora.yaml").toString(), "--dry-run", "--set", "minikube.kubernetesVersion=v1.33.13").expect(0);
        assertTrue(w2.calls("helm").stream().anyMatch(c -> c.startsWith("helm template") && c.contains("--kube-version v1.33.13")), w2.calls("helm").toString());
    }

    /** preflight with the real minikube: its version, and no profile to take the CNI from. */
    @Test
    void preflightReadsTheRealVersion() {
        Toolkit.World w = new Toolkit.World(tmp, "kubectl", "helm", "kubectl-ai", "kagent").realMinikube();
        Toolkit.Run r = w.script("Preflight", "--config", CFG).expect(0);
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("minikube ") && l.contains("1.38.1") && l.contains("ok")), r.out());
        assertFalse(r.out().contains("FAIL"), r.out());
    }
}

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 21: no success without a check, a dry run exits as the real run would and prints no
 * result it did not compute, and errors name the option the user gave. Each case printed a
 * success (or named the wrong option) on the code before it.
 */
class HonestAnswersTest {
    @TempDir Path tmp;

    /** A world whose PATH holds only the fakes named (no real helm, docker or minikube behind them). */
    Toolkit.World only(String... fakes) {
        Toolkit.World w = new Toolkit.World(tmp.resolve("w"), fakes);
        w.env.put("PATH", w.bin.toString());
        return w;
    }

    Path config() {
        return Toolkit.fixture(tmp.resolve("app")).resolve("taskora.yaml");
    }

    /** Before: "release tiny is not installed ...; nothing to uninstall", exit 0, with no helm at all. */
    @Test
    void uninstallWithoutHelmIsAFailureNotNothingToDo() {
        Toolkit.Run r = only("kubectl").script("Deploy", "--config", config().toString(), "--uninstall", "--context", "does-not-exist")
                .expect(Exit.COMMAND_FAILED);
        assertFalse(r.out().contains("nothing to uninstall"), r.out());
        assertTrue(r.err().startsWith("deploy: error: helm status tiny: helm: not found on PATH"), r.err());
        assertTrue(r.err().contains("hint: install Helm 3.12+"), r.err());
    }

    /** Before: exit 0 and "would be created and started"; the real run exits 3. */
    @Test
    void minikubeProfileDryRunWithoutMinikubeExitsAsTheRealRun() {
        Toolkit.World w = only("kubectl");
        Toolkit.Run dry = w.script("MinikubeProfile", "--config", config().toString(), "--dry-run").expect(Exit.COMMAND_FAILED);
        assertTrue(dry.out().contains("[dry-run] $ minikube start -p tiny "), "the plan is still shown:\n" + dry.out());
        assertFalse(dry.out().contains("would be created"), dry.out());
        assertTrue(dry.err().startsWith("minikube-profile: error: dry run: the real run would stop here: minikube is not installed"), dry.err());
        w.script("MinikubeProfile", "--config", config().toString()).expect(Exit.COMMAND_FAILED);
        Toolkit.Run del = w.script("MinikubeProfile", "--config", config().toString(), "--delete", "--dry-run").expect(Exit.COMMAND_FAILED);
        assertFalse(del.out().contains("nothing to delete"), del.out());
        assertTrue(del.err().startsWith("minikube-profile: error: minikube is not installed"), del.err());
    }

    /** Before: the CHECKS column said ok for images that were never built. */
    @Test
    void buildImagesDryRunClaimsNoCheckItDidNotRun() {
        Toolkit.Run r = new Toolkit.World(tmp.resolve("w")).script("BuildImages", "--config", config().toString(), "--target", "context", "--dry-run").expect(0);
        for (String service : List.of("frontend", "backend")) {
            List<String> row = Toolkit.tableRow(r.out(), "SERVICE", service);
            assertTrue(row != null && row.get(2).equals("would build") && row.get(5).equals("not run (checked once built)"), service + ": " + row + "\n" + r.out());
        }
    }

    /** Before: "review: 3 Dockerfile(s), 0 finding(s), 0 error(s)" for a review it never ran. */
    @Test
    void reviewDockerfilesDryRunReportsNoFindings() {
        Toolkit.Run r = new Toolkit.World(tmp.resolve("w")).script("AiOps", "--config", config().toString(), "--dry-run", "review-dockerfiles").expect(0);
        assertFalse(r.out().contains("finding(s)"), r.out());
        assertTrue(r.out().contains("no review was run"), r.out());
    }

    /** Before: "--set smoke.via: expected one of port-forward, ingress" for smoke --via tunnel. */
    @Test
    void smokeViaNamesItsOwnFlag() {
        Toolkit.Run r = new Toolkit.World(tmp.resolve("w")).script("Smoke", "--config", config().toString(), "--via", "tunnel").expect(Exit.USAGE);
        assertTrue(r.err().startsWith("smoke: error: --via: expected one of port-forward, ingress, got 'tunnel'"), r.err());
    }

    /** Before: accepted silently. */
    @Test
    void uninstallRefusesOptionsItWouldIgnore() {
        Toolkit.Run r = new Toolkit.World(tmp.resolve("w")).script("Deploy", "--config", config().toString(), "--uninstall", "--skip-build")
                .expect(Exit.USAGE);
        assertTrue(r.err().startsWith("deploy: error: --uninstall builds and smoke-tests nothing: --skip-build has no meaning with it"), r.err());
    }

    @Test
    void fullSmokeRefusesSkipSmoke() {
        Toolkit.Run r = new Toolkit.World(tmp.resolve("w")).script("Deploy", "--config", config().toString(), "--full-smoke", "--skip-smoke")
                .expect(Exit.USAGE);
        assertTrue(r.err().startsWith("deploy: error: --full-smoke goes without --skip-smoke"), r.err());
    }

    /** Before: every step after the one that would stop the real run was marked ok in the dry run's summary. */
    @Test
    void aDryRunsSummaryMarksNothingOkAfterTheStepThatWouldStopIt() {
        Toolkit.Run r = new Toolkit.World(tmp.resolve("w")).script("Deploy", "--config", config().toString(), "--dry-run", "--set", "minikube.cpus=256")
                .expect(Exit.CHECK_FAILED);
        assertTrue(r.err().contains("dry run: the real run would stop at preflight"), r.err());
        assertEquals("FAIL", Toolkit.tableRow(r.out(), "STEP", "preflight").get(1), r.out());
        for (String step : List.of("checks", "minikube profile", "build images", "secrets", "helm upgrade --install", "rollout", "smoke")) {
            List<String> row = Toolkit.tableRow(r.out(), "STEP", step);
            assertTrue(row != null && row.get(1).equals("-") && row.get(3).startsWith("not reached: the real run stops at preflight"),
                    step + ": " + row + "\n" + r.out());
        }
    }

    /** Issue 21.3: every bad path at once (before: only the first, services.frontend.context). */
    @Test
    void everyMissingPathOfADeployIsNamedAtOnce() {
        Toolkit.Run r = new Toolkit.World(tmp.resolve("w")).script("Deploy", "--config", config().toString(), "--dry-run",
                "--set", "services.frontend.context=nope", "--set", "services.backend.dockerfile=no.Dockerfile", "--set", "chart.path=nochart");
        assertTrue(r.exit() == Exit.USAGE || r.exit() == Exit.CHECK_FAILED, "the checks step (or preflight before it, on a host without BuildKit) stops it: " + r.exit());
        assertTrue(r.out().contains("[dry-run] the real run would stop here: 3 configured paths are missing: "
                + "services.frontend.context: 'nope' (" + tmp.resolve("app/nope") + ") is not a directory; "
                + "chart.path: 'nochart' (" + tmp.resolve("app/nochart") + ") does not exist; "
                + "services.backend.dockerfile: 'no.Dockerfile' (" + tmp.resolve("app/no.Dockerfile") + ") is not a file"), r.out());
    }

    /** Issue 21.7: before, "no helm release ... (helm: not found on PATH)", then kubectl's line four times. */
    @Test
    void aiOpsStatusWithoutAClusterSaysSoOnce() throws Exception {
        Toolkit.World w = only("kagent"); // neither helm nor kubectl on PATH
        Toolkit.Run noHelm = w.script("AiOps", "--config", config().toString(), "status").expect(Exit.COMMAND_FAILED);
        assertEquals("ai-ops: error: helm status tiny: helm: not found on PATH\n  hint: install Helm 3.12+: https://helm.sh/docs/intro/install/\n", noHelm.err());
        Toolkit.write(w.bin.resolve("helm"), "#!/bin/sh\necho 'Error: release: not found' >&2\nexit 1\n");
        Toolkit.write(w.bin.resolve("kubectl"), "#!/bin/sh\nfor i in 1 2 3 4 5; do echo 'error: context \"tiny\" does not exist' >&2; done\nexit 1\n");
        for (String tool : List.of("helm", "kubectl")) w.bin.resolve(tool).toFile().setExecutable(true);
        Toolkit.Run r = w.script("AiOps", "--config", config().toString(), "status").expect(Exit.COMMAND_FAILED);
        assertEquals(1, r.err().split("context \"tiny\" does not exist", -1).length - 1, "the cause once:\n" + r.err());
    }

    /** Issue 21.2: a dry run exits as the real run would: build-images without docker (before: exit 0, "would build"). */
    @Test
    void buildImagesDryRunWithoutDockerExitsAsTheRealRun() {
        Toolkit.World w = only("kubectl");
        Toolkit.Run real = w.script("BuildImages", "--config", config().toString(), "--target", "context").expect(Exit.COMMAND_FAILED);
        Toolkit.Run dry = w.script("BuildImages", "--config", config().toString(), "--target", "context", "--dry-run").expect(Exit.COMMAND_FAILED);
        assertTrue(dry.out().contains("[dry-run] $ DOCKER_BUILDKIT=1 docker build -f "), "the plan is still shown:\n" + dry.out());
        assertEquals(real.err(), dry.err());
        assertTrue(dry.err().startsWith("build-images: error: docker is not installed"), dry.err());
    }

    /** Issue 21.2: smoke's dry run against a cluster that does not answer fails as the real run does (before: exit 0). */
    @Test
    void smokeDryRunWithoutAClusterExitsAsTheRealRun() throws Exception {
        Toolkit.World w = only("kagent");
        Toolkit.write(w.bin.resolve("kubectl"), "#!/bin/sh\necho 'error: context \"tiny\" does not exist' >&2\nexit 1\n");
        w.bin.resolve("kubectl").toFile().setExecutable(true);
        Toolkit.Run real = w.script("Smoke", "--config", config().toString()).expect(Exit.CHECK_FAILED);
        Toolkit.Run dry = w.script("Smoke", "--config", config().toString(), "--dry-run").expect(Exit.CHECK_FAILED);
        assertTrue(dry.err().startsWith("smoke: error: dry run: the real run would fail at its first check: kubectl get pods: error: context \"tiny\" does not exist"),
                dry.err());
        assertTrue(real.out().contains("context \"tiny\" does not exist"), real.out());
    }
}

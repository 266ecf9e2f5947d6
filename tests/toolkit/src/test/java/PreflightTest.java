import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** preflight: version parsing, required vs optional tools, the table, --json, exit codes. */
class PreflightTest {
    @TempDir Path tmp;

    @Test
    void versionsAreReadFromEachToolsOutput() {
        assertEquals("1.34.0", ToolChecks.version("v1.34.0"));
        assertEquals("28.2.2", ToolChecks.version("28.2.2\n"));
        assertEquals("3.22.0", ToolChecks.version("v3.22.0+g1234"));
        assertEquals(null, ToolChecks.version("command not found: x"));
    }

    @Test
    void versionsCompareNumerically() {
        assertTrue(ToolChecks.atLeast("1.10.0", "1.9"));
        assertFalse(ToolChecks.atLeast("1.9.9", "1.10"));
        assertTrue(ToolChecks.atLeast("20.10", "20.10.0"));
        assertFalse(ToolChecks.atLeast("3.11.3", "3.12"));
        assertTrue(ToolChecks.atLeast("4.0.0", "3.12"));
    }

    @Test
    void missingMinikubeIsNamedWithAHintAndFails() {
        // Only kubectl and helm fakes: no minikube anywhere on PATH.
        Toolkit.World w = new Toolkit.World(tmp, "kubectl", "helm");
        Toolkit.Run r = w.script("Preflight", "--config", Toolkit.FIXTURE.resolve("taskora.yaml").toString()).expect(Exit.CHECK_FAILED);
        String row = row(r, "minikube");
        assertTrue(row.contains("FAIL") && row.contains("not found"), row);
        assertTrue(row.contains("install minikube 1.32+"), "a fix hint on the failed row: " + row);
        assertTrue(r.out().contains("required check(s) failed: minikube"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("kubectl-ai") && l.contains("optional") && l.contains("missing")),
                "optional tools are reported, not required: " + r.out());
    }

    @Test
    void allToolsPresentPasses() {
        Toolkit.World w = new Toolkit.World(tmp);
        Toolkit.Run r = w.script("Preflight", "--config", Toolkit.FIXTURE.resolve("taskora.yaml").toString()).expect(0);
        assertTrue(r.out().contains("preflight: all required checks passed"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("minikube ") && l.contains("1.38.1")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("kagent ") && l.contains("ok")), "optional kagent found: " + r.out());
        assertTrue(w.calls("kubectl-ai").contains("kubectl-ai version"));
    }

    @Test
    void tooOldToolsFailWithTheNeededVersion() {
        Toolkit.World w = new Toolkit.World(tmp);
        Toolkit.Run r = w.script("Preflight", "--config", Toolkit.FIXTURE.resolve("taskora.yaml").toString(),
                "--set", "preflight.minVersions.helm=3.30").expect(Exit.CHECK_FAILED);
        String row = row(r, "helm");
        assertTrue(row.contains("FAIL") && row.contains("3.22.0") && row.contains(">= 3.30"), row);
    }

    /** Another driver than docker: the profile is a VM on this host, held to the host's CPUs. */
    @Test
    void hostResourcesAreCheckedAgainstTheProfile() {
        Toolkit.World w = new Toolkit.World(tmp);
        Toolkit.Run r = w.script("Preflight", "--config", Toolkit.FIXTURE.resolve("taskora.yaml").toString(),
                "--set", "minikube.driver=kvm2", "--set", "minikube.cpus=256").expect(Exit.CHECK_FAILED);
        long cpus = Runtime.getRuntime().availableProcessors();
        assertEquals(List.of("host CPUs", "required", "FAIL", String.valueOf(cpus), ">= 256 (minikube.cpus)",
                "fix: use a bigger host, or ask for fewer: --set minikube.cpus=" + Math.max(2, cpus)), Toolkit.tableRow(r.out(), "CHECK", "host CPUs"),
                "the row, and its fix printed under it\n" + r.out());
    }

    /**
     * Issue 22: with the docker driver the profile is a container, and minikube start refuses more
     * CPUs or memory than Docker itself has ("Docker Desktop has only N MB memory but you specified
     * M MB"): preflight asks the real Docker (`docker info`), with a fix naming Docker Desktop's
     * settings. Before the fix it counted the JVM's CPUs and /proc/meminfo (unknown, and passing,
     * on macOS and Windows), and these rows did not exist.
     */
    @Test
    void theDockerDriverIsCheckedAgainstDockersOwnCpusAndMemory() {
        String[] info = Toolkit.docker("info", "--format", "{{.NCPU}} {{.MemTotal}}").expect(0).out().strip().split(" ");
        long cpus = Long.parseLong(info[0]), memMiB = Long.parseLong(info[1]) >> 20;
        Toolkit.World w = new Toolkit.World(tmp);
        Toolkit.Run fits = w.script("Preflight", "--config", fixture(), "--set", "minikube.cpus=" + Math.max(2, cpus),
                "--set", "minikube.memoryMiB=" + memMiB).expect(0);
        assertTrue(row(fits, "docker CPUs").contains(" ok ") && row(fits, "docker memory").contains(memMiB + " MiB"), fits.out());
        assertEquals(null, row(fits, "host CPUs"), "the host's own count says nothing of Docker's share:\n" + fits.out());
        Toolkit.Run big = w.script("Preflight", "--config", fixture(), "--set", "minikube.cpus=" + (cpus + 1),
                "--set", "minikube.memoryMiB=" + (memMiB + 1)).expect(Exit.CHECK_FAILED);
        assertEquals(List.of("docker memory", "required", "FAIL", memMiB + " MiB", ">= " + (memMiB + 1) + " MiB (minikube.memoryMiB)",
                "fix: give Docker more memory (Docker Desktop: Settings > Resources > Advanced (then Apply & restart); a Docker Engine on "
                        + "Linux has the host's), or ask for less: --set minikube.memoryMiB=" + Math.max(1800, memMiB - 512)),
                Toolkit.tableRow(big.out(), "CHECK", "docker memory"), big.out());
        assertTrue(row(big, "docker CPUs").contains("FAIL") && row(big, "docker CPUs").contains(">= " + (cpus + 1) + " (minikube.cpus)")
                && row(big, "docker CPUs").contains("Docker Desktop: Settings > Resources"), big.out());
    }

    /**
     * Issue 22: a Docker daemon on this machine is required only where deploy needs one: the docker
     * driver, or the local image store (target context). With a VM driver the images are built in
     * the profile's own daemon, so an unreachable local daemon is reported, not a failure. Before
     * the fix the row was always required.
     */
    @Test
    void aLocalDaemonIsRequiredOnlyWhereTheImageStoreNeedsIt() {
        Toolkit.World w = new Toolkit.World(tmp);
        java.util.Map<String, String> noDaemon = java.util.Map.of("DOCKER_HOST", "unix://" + tmp.resolve("no-docker.sock"));
        Toolkit.Run vm = w.script("Preflight", noDaemon, "--config", fixture(), "--set", "minikube.driver=qemu2").expect(0);
        assertTrue(row(vm, "docker daemon").contains("optional") && row(vm, "docker daemon").contains("unreachable")
                && row(vm, "docker daemon").contains("not needed (minikube.driver qemu2"), vm.out());
        Toolkit.Run kic = w.script("Preflight", noDaemon, "--config", fixture()).expect(Exit.CHECK_FAILED);
        assertTrue(row(kic, "docker daemon").contains("required") && row(kic, "docker daemon").contains("FAIL"), kic.out());
        Toolkit.Run context = w.script("Preflight", noDaemon, "--config", fixture(), "--context", "kind-test").expect(Exit.CHECK_FAILED);
        assertTrue(row(context, "docker daemon").contains("required") && row(context, "docker daemon").contains("FAIL"), context.out());
    }

    @Test
    void jsonOutputHasOneObjectPerCheck() {
        Toolkit.World w = new Toolkit.World(tmp, "kubectl", "helm");
        Toolkit.Run r = w.script("Preflight", "--config", Toolkit.FIXTURE.resolve("taskora.yaml").toString(), "--json")
                .expect(Exit.CHECK_FAILED);
        List<?> checks = (List<?>) Toolkit.json(r.out());
        Object minikube = checks.stream().filter(c -> "minikube".equals(Json.text(c, "name"))).findFirst().orElseThrow();
        assertEquals(Boolean.TRUE, Json.at(minikube, "required"));
        assertEquals(Boolean.FALSE, Json.at(minikube, "ok"));
        assertTrue(Json.text(minikube, "hint").contains("minikube"));
        assertEquals(List.of("java", "docker", "docker daemon", "docker BuildKit", "minikube", "kubectl", "helm",
                        "kubectl-ai", "kagent", "docker ai", "docker CPUs", "docker memory", "free disk"),
                checks.stream().map(c -> Json.text(c, "name")).toList(), "one object per check, in the table's order");
    }

    @Test
    void withTargetContextMinikubeIsOptionalButTheClusterMustAnswer() {
        Toolkit.World w = new Toolkit.World(tmp, "kubectl", "helm");
        Toolkit.Run ok = w.script("Preflight", "--config", Toolkit.FIXTURE.resolve("taskora.yaml").toString(),
                "--context", "kind-test", "--set", "minikube.cpus=256").expect(0);
        assertTrue(ok.out().lines().anyMatch(l -> l.startsWith("minikube ") && l.contains("optional")), ok.out());
        assertTrue(w.calls("kubectl").contains("kubectl --context kind-test get --raw /readyz"), w.calls("kubectl").toString());
        Toolkit.Run down = w.script("Preflight", java.util.Map.of("FAKE_KUBE_UNREACHABLE", "1"), "--config",
                Toolkit.FIXTURE.resolve("taskora.yaml").toString(), "--context", "kind-test").expect(Exit.CHECK_FAILED);
        assertTrue(down.out().lines().anyMatch(l -> l.startsWith("kube-context") && l.contains("unreachable")), down.out());
    }

    String fixture() {
        return Toolkit.FIXTURE.resolve("taskora.yaml").toString();
    }

    /** A check's row, its wrapped cells joined, and the fix printed under it; null when there is no such row. */
    static String row(Toolkit.Run r, String name) {
        List<String> cells = Toolkit.tableRow(r.out(), "CHECK", name);
        return cells == null ? null : String.join("  ", cells);
    }

    /** NetworkPolicies on with a CNI that ignores them: a warning row and line with the fix, exit 0 all the same. */
    @Test
    void networkPoliciesOnWithACniThatIgnoresThemIsAWarningNotAFailure() {
        Toolkit.World w = new Toolkit.World(tmp);
        Toolkit.Run off = w.script("Preflight", "--config", fixture()).expect(0);
        assertEquals(null, row(off, "NetworkPolicy CNI"), "the fixture's values leave the policies off: nothing to say\n" + off.out());
        assertFalse(off.out().contains("warning:"), off.out());
        assertEquals(List.of("minikube version --short"), w.calls("minikube"), "minikube is not asked for the profile then");

        Toolkit.Run on = w.script("Preflight", "--config", fixture(), "--set", "chart.values.networkPolicy.enabled=true").expect(0);
        String r = row(on, "NetworkPolicy CNI");
        assertTrue(r != null && r.contains("optional") && r.contains("warn") && r.contains("auto (minikube.cni; no profile tiny yet)")
                && r.contains("NetworkPolicies on: chart.values networkPolicy.enabled"), on.out());
        assertTrue(on.out().contains("warning: NetworkPolicy CNI: auto (minikube.cni; no profile tiny yet) does not enforce NetworkPolicies: "
                + "every flow stays open; set minikube.cni: calico in taskora.yaml (or --set minikube.cni=calico) before the profile is created"), on.out());
        assertTrue(on.out().contains("preflight: all required checks passed"), on.out());

        Toolkit.Run ok = w.script("Preflight", "--config", fixture(), "--set", "chart.values.networkPolicy.enabled=true",
                "--set", "minikube.cni=calico").expect(0);
        assertTrue(row(ok, "NetworkPolicy CNI").contains(" ok ") && row(ok, "NetworkPolicy CNI").contains("calico (minikube.cni; no profile tiny yet)"),
                ok.out());
        assertFalse(ok.out().contains("warning:"), ok.out());
        // Each CNI name's verdict: MinikubeProfileTest.theCniAndWhetherItEnforcesNetworkPolicies.
        assertEquals(null, ToolChecks.networkPolicyEnforcement(MinikubeProfileTest.cfg("chart.values.networkPolicy.enabled=true",
                "minikube.cni=cni/antrea.yaml"), false), "a CNI manifest cannot be told: no guess");
        assertTrue(ToolChecks.warning(ToolChecks.networkPolicyEnforcement(MinikubeProfileTest.cfg("chart.values.networkPolicy.enabled=true",
                "minikube.cni=flannel"), false)), "flannel ignores them: a warning");
        Toolkit.Run context = w.script("Preflight", "--config", fixture(), "--set", "chart.values.networkPolicy.enabled=true",
                "--context", "kind-test").expect(0);
        assertEquals(null, row(context, "NetworkPolicy CNI"), "another cluster's CNI cannot be told reliably: nothing said");
    }

    /** The running profile's CNI is what enforces or not, whatever minikube.cni says now. */
    @Test
    void theRunningProfilesCniIsJudgedWithTheFixToRecreateIt() {
        Toolkit.World w = new Toolkit.World(tmp);
        w.script("MinikubeProfile", "--config", fixture()).expect(0); // created without --cni
        Toolkit.Run r = w.script("Preflight", "--config", fixture(), "--set", "chart.values.networkPolicy.enabled=true",
                "--set", "minikube.cni=calico").expect(0);
        assertTrue(r.out().contains("warning: NetworkPolicy CNI: auto (profile tiny) does not enforce NetworkPolicies: every flow stays open; "
                + "recreate the profile with minikube.cni calico: minikube delete -p tiny, then deploy again"), r.out());
        Toolkit.Run plain = w.script("Preflight", "--config", fixture(), "--set", "chart.values.networkPolicy.enabled=true").expect(0);
        assertTrue(plain.out().contains("set minikube.cni: calico in taskora.yaml and recreate the profile: minikube delete -p tiny, then deploy again"),
                plain.out());
        assertTrue(w.calls("minikube").contains("minikube profile list -o json"));
        w.writeState("{\"minikube\":{\"tiny\":{\"status\":\"Running\",\"driver\":\"docker\",\"cpus\":2,\"memory\":2048,"
                + "\"disk\":5120,\"cni\":\"calico\",\"addons\":[\"ingress\",\"metrics-server\"]}}}"); // made with --cni=calico
        Toolkit.Run calico = w.script("Preflight", "--config", fixture(), "--set", "chart.values.networkPolicy.enabled=true").expect(0);
        assertTrue(row(calico, "NetworkPolicy CNI").contains("calico (profile tiny)") && row(calico, "NetworkPolicy CNI").contains(" ok "),
                "minikube.cni empty accepts the profile's calico: " + calico.out());
    }

    /** networkPolicy.enabled as helm merges it: chart.values over the environment's values file over the chart's values.yaml. */
    @Test
    void theEffectiveValuesDecideWhetherNetworkPoliciesAreOn() throws Exception {
        Path values = tmp.resolve("values-np.yaml");
        java.nio.file.Files.writeString(values, "replicas: 2\nnetworkPolicy:\n  enabled: true\n");
        Config byFile = Config.load(Toolkit.FIXTURE.resolve("taskora.yaml"), List.of("environments.prod.valuesFile=" + values, "environment=prod"));
        assertTrue(ToolChecks.networkPoliciesOnBy(byFile).startsWith("networkPolicy.enabled in ") && ToolChecks.networkPoliciesOnBy(byFile).endsWith("values-np.yaml"),
                ToolChecks.networkPoliciesOnBy(byFile));
        assertEquals(null, ToolChecks.networkPoliciesOnBy(Config.load(Toolkit.FIXTURE.resolve("taskora.yaml"),
                List.of("environments.prod.valuesFile=" + values, "environment=prod", "chart.values.networkPolicy.enabled=false"))), "--set wins");
        assertEquals(null, ToolChecks.networkPoliciesOnBy(Config.load(Toolkit.FIXTURE.resolve("taskora.yaml"), List.of())), "no file says: off");
        // The real chart: values.yaml turns them on, and neither values file turns them off.
        for (String env : List.of("dev", "prod"))
            assertEquals("networkPolicy.enabled in charts/taskora/values.yaml",
                    ToolChecks.networkPoliciesOnBy(Config.load(Toolkit.REPO.resolve("taskora.yaml"), List.of("environment=" + env))), env);
    }

    @Test
    void badOptionsAreOneLineAndExit2() {
        Toolkit.World w = new Toolkit.World(tmp);
        Toolkit.Run r = w.script("Preflight", "--bogus").expect(Exit.USAGE);
        assertTrue(r.err().startsWith("preflight: error: Unknown option: '--bogus'"), r.err());
        Toolkit.Run bad = w.script("Preflight", "--config", Toolkit.FIXTURE.resolve("taskora.yaml").toString(), "--set", "target=cloud")
                .expect(Exit.USAGE);
        assertTrue(bad.err().contains("target: expected one of minikube, context, got 'cloud'"), bad.err());
        assertFalse(bad.err().contains("Exception"), "no stack trace: " + bad.err());
    }

    /** What build-images needs from docker, on a table: BuildKit, through buildx on a Docker 23+ client. */
    @Test
    void dockerBuildNeedsBuildxOnA23PlusClientAndBuildKitOnAnOlderOne() {
        ToolChecks.Check missing = ToolChecks.buildKit("28.2.2", new Cmd.Result(1, "", "docker: unknown command: docker buildx", false), null);
        assertFalse(missing.ok());
        assertTrue(missing.required());
        assertTrue(missing.found().contains("no buildx plugin") && missing.hint().contains("docker-buildx-plugin")
                && missing.hint().contains("20.10 to 22 client"), missing.toString());
        ToolChecks.Check plugin = ToolChecks.buildKit("28.2.2", new Cmd.Result(0, "github.com/docker/buildx v0.17.1 6a6e2b1\n", "", false), null);
        assertTrue(plugin.ok() && plugin.found().equals("buildx 0.17.1"), plugin.toString());
        assertTrue(ToolChecks.buildKit("20.10.24", null, null).ok(), "a 20.10 client has BuildKit built in (DOCKER_BUILDKIT=1)");
        ToolChecks.Check off = ToolChecks.buildKit("20.10.24", null, "0");
        assertFalse(off.ok());
        assertTrue(off.hint().contains("unset DOCKER_BUILDKIT"), off.hint());
    }

    /**
     * A real Docker 23+ client without the buildx plugin (the 28.2 client first on PATH on our
     * machines): preflight fails the docker build row, and a real BuildKit build with it fails too.
     */
    @Test
    void aRealDockerClientWithoutBuildxFailsPreflightLikeTheBuildWould() throws Exception {
        Path client = null;
        for (String d : (System.getenv("PATH") + ":/usr/local/bin:/usr/bin").split(":")) {
            Path c = Path.of(d, "docker");
            if (!java.nio.file.Files.isExecutable(c)) continue;
            Toolkit.Run v = Toolkit.exec(List.of(c.toString(), "version", "--format", "{{.Client.Version}}"), java.util.Map.of(), tmp, null, 60);
            String ver = ToolChecks.version(v.out());
            if (ver == null || !ToolChecks.atLeast(ver, "23")) continue;
            if (Toolkit.exec(List.of(c.toString(), "buildx", "version"), java.util.Map.of(), tmp, null, 60).exit() != 0) { client = c; break; }
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(client != null, "no Docker 23+ client without buildx on this machine");
        Toolkit.World w = new Toolkit.World(tmp);
        java.nio.file.Files.createSymbolicLink(w.bin.resolve("docker"), client);
        Toolkit.Run r = w.script("Preflight", "--config", Toolkit.FIXTURE.resolve("taskora.yaml").toString()).expect(Exit.CHECK_FAILED);
        String row = row(r, "docker BuildKit");
        assertTrue(row.contains("FAIL") && row.contains("no buildx plugin") && row.contains("install the buildx plugin"), row);
        assertTrue(r.out().contains("required check(s) failed: docker BuildKit"), r.out());
        Path ctx = java.nio.file.Files.createDirectories(tmp.resolve("ctx"));
        java.nio.file.Files.writeString(ctx.resolve("Dockerfile"), "FROM scratch\n");
        Toolkit.Run build = Toolkit.exec(List.of(client.toString(), "build", "-t", "taskora-test/buildx-probe:never", ctx.toString()),
                java.util.Map.of("DOCKER_BUILDKIT", "1"), tmp, null, 120);
        assertTrue(build.exit() != 0 && build.all().contains("buildx component is missing"), "what build-images would meet: " + build.all());
    }

    @Test
    void theKubectlHintIsTheKubectlTheScriptsRun() {
        // PATH holds only the fakes minikube and helm: no kubectl at all.
        Toolkit.World w = new Toolkit.World(tmp, "minikube", "helm");
        Toolkit.Run r = w.script("Preflight", java.util.Map.of("PATH", w.bin.toString()),
                "--config", Toolkit.FIXTURE.resolve("taskora.yaml").toString(), "--json");
        Object kubectl = ((List<?>) Toolkit.json(r.out())).stream().filter(c -> "kubectl".equals(Json.text(c, "name"))).findFirst().orElseThrow();
        assertEquals(Boolean.FALSE, Json.at(kubectl, "ok"), r.out());
        String hint = Json.text(kubectl, "hint");
        assertFalse(hint.contains("minikube kubectl --"), "the scripts run kubectl from PATH, never `minikube kubectl --`: " + hint);
        assertTrue(hint.contains("https://kubernetes.io/docs/tasks/tools/"), hint);
    }
}

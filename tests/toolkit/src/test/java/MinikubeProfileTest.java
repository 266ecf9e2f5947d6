import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * minikube-profile: parsing `profile list -o json`, the decision table, idempotence, mismatches.
 * The parsed answers are the real minikube v1.38.1's, recorded (tests/toolkit/fixtures/minikube).
 * The decision table's runs use the fake minikube (tests/fakes/minikube): they need a profile that
 * starts, stops and enables addons, which the real one cannot give on this machine (no node runs:
 * docs/TESTING.md); MinikubeRealTest runs the real one where it answers.
 */
class MinikubeProfileTest {
    @TempDir Path tmp;

    static Config cfg(String... sets) {
        return Config.load(Toolkit.FIXTURE.resolve("taskora.yaml"), List.of(sets));
    }

    String config() {
        return Toolkit.FIXTURE.resolve("taskora.yaml").toString();
    }

    /** `profile list -o json` as the real minikube v1.38.1 answers it (recorded by tests/toolkit/record-minikube). */
    @Test
    void parsesTheRecordedProfileLists() {
        assertEquals("0", Toolkit.recorded("profile-list-none.json.exit").strip(), "v1.38: no profile is not an error");
        assertNull(Minikube.parse(Toolkit.recorded("profile-list-none.json"), "taskora"), "no profiles at all: {\"invalid\":[],\"valid\":[]}");
        String unmade = Toolkit.recorded("profile-list-unmade.json");
        Minikube.Profile p = Minikube.parse(unmade, "unmade");
        assertEquals(new Minikube.Profile("unmade", "", "docker", 2, 2048, "v1.35.1", ""), p,
                "a profile whose node never ran: Status empty, the Config as saved (Kubernetes: v1.38.1's default)");
        assertFalse(Minikube.running(p));
        assertEquals("without a node", Minikube.state(p));
        assertNull(Minikube.parse(unmade, "taskora"));
    }

    /**
     * Issue 22: what minikube itself treats as running (v1.38 profile_list.go: Running, OK,
     * Configured); since v1.35 a running profile's Status is "OK" (cluster/status.go, code 200).
     * The old code compared with "Running" and restarted every running profile
     * (createsWhenAbsentThenLeavesARunningMatchingProfileAlone failed on it, the fake answering OK).
     * A running profile's own answer cannot be recorded here: no node runs (docs/TESTING.md).
     */
    @Test
    void okAndConfiguredAreRunning() {
        for (String s : List.of("Running", "OK", "Configured"))
            assertTrue(Minikube.running(new Minikube.Profile("x", s, "docker", 2, 2048, "", "")), s);
        for (String s : List.of("Stopped", "Paused", "Error", "Unknown", "Insufficient Storage", ""))
            assertFalse(Minikube.running(new Minikube.Profile("x", s, "docker", 2, 2048, "", "")), s);
    }

    /** The Kubernetes a new profile gets, as the installed minikube says (its recorded start --help). */
    @Test
    void theDefaultKubernetesVersionIsMinikubesOwn() {
        String help = Toolkit.recorded("start-help");
        assertEquals("v1.35.1", Minikube.defaultKubernetesVersion(help, "stable"), "v1.38.1's constants.DefaultKubernetesVersion");
        assertEquals("v1.35.1", Minikube.defaultKubernetesVersion(help, "latest"));
        assertNull(Minikube.defaultKubernetesVersion("no such line", "stable"));
    }

    /**
     * Issue 22: `minikube addons enable` gets at least minikube's own bound: the manifests' apply
     * retried for 2 minutes, then 6 minutes for the addon's pods (v1.38 pkg/addons/addons.go,
     * verifyAddonStatusInternal). The old wait was 5 minutes.
     */
    @Test
    void theAddonWaitIsAtLeastMinikubesOwn() {
        assertTrue(Minikube.ADDON_TIMEOUT.compareTo(java.time.Duration.ofMinutes(2 + 6)) > 0, Minikube.ADDON_TIMEOUT.toString());
    }

    @Test
    void fewerCpusLessMemoryOrAnotherDriverIsAMismatchMoreIsNot() {
        Config c = cfg("minikube.cpus=4", "minikube.memoryMiB=8192");
        List<String> bad = Minikube.mismatches(new Minikube.Profile("taskora", "OK", "docker", 2, 4096, "v1.35.1", ""), c);
        assertEquals(List.of("2 CPUs (taskora.yaml asks for 4)", "4096 MiB memory (taskora.yaml asks for 8192)"), bad);
        assertTrue(Minikube.mismatches(new Minikube.Profile("x", "Running", "docker", 8, 16384, "", ""), c).isEmpty());
        assertEquals(List.of("driver kvm2 (taskora.yaml asks for docker)"),
                Minikube.mismatches(new Minikube.Profile("x", "Running", "kvm2", 8, 16384, "", ""), c));
    }

    /** minikube.cni is compared only when set: empty accepts any profile; auto and minikube's empty are one. */
    @Test
    void anotherCniIsAMismatchOnlyWhenMinikubeCniIsSet() {
        Minikube.Profile plain = new Minikube.Profile("x", "Running", "docker", 8, 16384, "", "");
        Minikube.Profile calico = new Minikube.Profile("x", "Running", "docker", 8, 16384, "", "calico");
        assertEquals(List.of("CNI auto (taskora.yaml asks for calico)"), Minikube.mismatches(plain, cfg("minikube.cni=calico")));
        assertEquals(List.of("CNI calico (taskora.yaml asks for flannel)"), Minikube.mismatches(calico, cfg("minikube.cni=flannel")));
        assertEquals(List.of(), Minikube.mismatches(calico, cfg("minikube.cni=calico")));
        assertEquals(List.of(), Minikube.mismatches(plain, cfg("minikube.cni=auto")), "auto is what a profile made without --cni runs");
        assertEquals(List.of(), Minikube.mismatches(plain, cfg()), "empty (the default): a profile made before the key existed matches");
        assertEquals(List.of(), Minikube.mismatches(calico, cfg()), "empty: the profile's own CNI is accepted");
    }

    @Test
    void startCommandCarriesTheProfileSettings() {
        assertEquals(List.of("minikube", "start", "-p", "tiny", "--driver=docker", "--cpus=2", "--memory=2048mb", "--disk-size=5g",
                        "--kubernetes-version=v1.31.0", "--addons=ingress", "--addons=metrics-server"),
                Minikube.startCommand(cfg("minikube.kubernetesVersion=v1.31.0")));
        assertEquals(List.of("minikube", "start", "-p", "tiny", "--driver=docker", "--cpus=2", "--memory=2048mb", "--disk-size=5g",
                        "--cni=calico", "--addons=ingress", "--addons=metrics-server"),
                Minikube.startCommand(cfg("minikube.cni=calico")));
        assertTrue(Minikube.startCommand(cfg("minikube.cni=cni/antrea.yaml"))
                        .contains("--cni=" + Toolkit.FIXTURE.resolve("cni/antrea.yaml")),
                "a manifest path resolves from taskora.yaml's folder, as every path of it does");
    }

    @Test
    void dryRunPlanStartsTheProfileWithTheCni() {
        Toolkit.World w = new Toolkit.World(tmp);
        Toolkit.Run r = w.script("MinikubeProfile", "--config", config(), "--dry-run", "--set", "minikube.cni=calico").expect(0);
        assertTrue(r.out().contains("[dry-run] $ minikube start -p tiny --driver=docker --cpus=2 --memory=2048mb --disk-size=5g --cni=calico --addons=ingress"),
                r.out());
        assertEquals(List.of("minikube profile list -o json"), w.calls("minikube"), "only the read-only query ran");
    }

    @Test
    void aMissingCniManifestIsABadPathCaughtBeforeTheStart() {
        Toolkit.World w = new Toolkit.World(tmp);
        Toolkit.Run r = w.script("MinikubeProfile", "--config", config(), "--set", "minikube.cni=cni/absent.yaml").expect(Exit.USAGE);
        assertTrue(r.err().contains("minikube.cni: 'cni/absent.yaml'") && r.err().contains("is not a file"), r.err());
        assertEquals(List.of("minikube profile list -o json"), w.calls("minikube"), "nothing started: " + w.calls("minikube"));
    }

    @Test
    void aProfileWithAnotherCniIsReportedWithTheFixAndTheProfileStays() {
        Toolkit.World w = new Toolkit.World(tmp);
        w.script("MinikubeProfile", "--config", config()).expect(0);
        assertEquals("", Json.text(w.stateJson(), "minikube", "tiny", "cni"), "created without --cni: minikube's default");
        Toolkit.Run r = w.script("MinikubeProfile", "--config", config(), "--set", "minikube.cni=calico").expect(Exit.PROFILE_MISMATCH);
        assertTrue(r.err().contains("minikube profile tiny (running) has CNI auto (taskora.yaml asks for calico)"), r.err());
        assertTrue(r.err().contains("minikube delete -p tiny && jbang minikube-profile@taskora") && r.err().contains("--set minikube.cni=auto"),
                "both fixes are printed: " + r.err());
        w.script("MinikubeProfile", "--config", config(), "--set", "minikube.cni=auto").expect(0);
        w.script("MinikubeProfile", "--config", config(), "--delete").expect(0);
        w.script("MinikubeProfile", "--config", config(), "--set", "minikube.cni=calico").expect(0);
        assertEquals("calico", Json.text(w.stateJson(), "minikube", "tiny", "cni"), "recreated with --cni=calico");
        assertTrue(w.calls("minikube").stream().filter(c -> c.startsWith("minikube start")).toList().get(1).contains("--cni=calico"),
                w.calls("minikube").toString());
        Toolkit.Run other = w.script("MinikubeProfile", "--config", config(), "--set", "minikube.cni=cilium").expect(Exit.PROFILE_MISMATCH);
        assertTrue(other.err().contains("has CNI calico (taskora.yaml asks for cilium)"), other.err());
    }

    /** Which CNIs enforce NetworkPolicies (the profile's own CNI wins over the configured one: PreflightTest). */
    @Test
    void theCniAndWhetherItEnforcesNetworkPolicies() {
        assertEquals(new Minikube.Cni("auto", false, "minikube.cni",
                "set minikube.cni: calico in taskora.yaml (or --set minikube.cni=calico) before the profile is created"),
                Minikube.cni(cfg(), false), "empty: minikube's default, bridge on the docker driver");
        for (String c : List.of("bridge", "kindnet", "flannel", "auto"))
            assertEquals(Boolean.FALSE, Minikube.cni(cfg("minikube.cni=" + c), false).enforces(), c);
        for (String c : List.of("calico", "cilium")) {
            Minikube.Cni on = Minikube.cni(cfg("minikube.cni=" + c), false);
            assertEquals(Boolean.TRUE, on.enforces(), c);
            assertEquals("", on.fix(), c);
        }
        assertNull(Minikube.cni(cfg("minikube.cni=cni/antrea.yaml"), false).enforces(), "a manifest: cannot be told");
    }

    /** The fake answers a running profile's Status as v1.35+ does ("OK"): the old code, comparing with "Running", started it again. */
    @Test
    void createsWhenAbsentThenLeavesARunningMatchingProfileAlone() {
        Toolkit.World w = new Toolkit.World(tmp);
        Toolkit.Run first = w.script("MinikubeProfile", "--config", config()).expect(0);
        assertTrue(first.out().contains("profile tiny created and started"), first.out());
        assertTrue(w.calls("minikube").contains(
                "minikube start -p tiny --driver=docker --cpus=2 --memory=2048mb --disk-size=5g --addons=ingress --addons=metrics-server"));
        int callsAfterFirst = w.calls("minikube").size();
        Toolkit.Run second = w.script("MinikubeProfile", "--config", config()).expect(0);
        assertTrue(second.out().contains("running as configured; nothing to do"), second.out());
        List<String> later = w.calls("minikube").subList(callsAfterFirst, w.calls("minikube").size());
        assertTrue(later.stream().noneMatch(c -> c.startsWith("minikube start") || c.contains("addons enable")),
                "a second run changes nothing: " + later);
    }

    @Test
    void startsAStoppedProfileAndEnablesMissingAddons() {
        Toolkit.World w = new Toolkit.World(tmp);
        w.writeState("{\"minikube\":{\"tiny\":{\"status\":\"Stopped\",\"driver\":\"docker\",\"cpus\":2,\"memory\":2048,"
                + "\"disk\":5120,\"addons\":[\"ingress\"]}}}");
        Toolkit.Run r = w.script("MinikubeProfile", "--config", config()).expect(0);
        assertTrue(r.out().contains("was stopped; started, enabled addons metrics-server"), r.out());
        List<String> calls = w.calls("minikube");
        assertTrue(calls.contains("minikube start -p tiny"), "a stopped profile starts with its own settings: " + calls);
        assertTrue(calls.contains("minikube addons enable metrics-server -p tiny"), calls.toString());
        assertTrue(calls.stream().noneMatch(c -> c.contains("addons enable ingress")), "enabled addons are left alone");
    }

    @Test
    void aRunningMismatchedProfileIsReportedWithTheFixNeverRecreated() {
        Toolkit.World w = new Toolkit.World(tmp);
        w.writeState("{\"minikube\":{\"tiny\":{\"status\":\"Running\",\"driver\":\"docker\",\"cpus\":2,\"memory\":2048,"
                + "\"disk\":5120,\"addons\":[\"ingress\",\"metrics-server\"]}}}");
        Toolkit.Run r = w.script("MinikubeProfile", "--config", config(), "--set", "minikube.cpus=4").expect(Exit.PROFILE_MISMATCH);
        assertTrue(r.err().contains("minikube profile tiny (running) has 2 CPUs (taskora.yaml asks for 4)"), r.err());
        assertTrue(r.err().contains("minikube delete -p tiny && jbang minikube-profile@taskora"), "the fix is printed: " + r.err());
        assertTrue(w.calls("minikube").stream().noneMatch(c -> c.contains(" start") || c.contains(" delete")),
                "nothing is started or deleted: " + w.calls("minikube"));
    }

    @Test
    void deleteRemovesTheProfileAndIsQuietWhenAbsent() {
        Toolkit.World w = new Toolkit.World(tmp);
        w.script("MinikubeProfile", "--config", config(), "--delete").expect(0);
        assertTrue(w.calls("minikube").stream().noneMatch(c -> c.contains("delete")), "nothing to delete");
        w.script("MinikubeProfile", "--config", config()).expect(0);
        Toolkit.Run r = w.script("MinikubeProfile", "--config", config(), "--delete").expect(0);
        assertTrue(r.out().contains("profile tiny deleted"));
        assertTrue(w.calls("minikube").contains("minikube delete -p tiny"));
        assertEquals(null, Json.at(w.stateJson(), "minikube", "tiny"));
    }

    @Test
    void dryRunShowsTheStartButRunsNothing() {
        Toolkit.World w = new Toolkit.World(tmp);
        Toolkit.Run r = w.script("MinikubeProfile", "--config", config(), "--dry-run").expect(0);
        assertTrue(r.out().contains("[dry-run] $ minikube start -p tiny --driver=docker"), r.out());
        assertEquals(List.of("minikube profile list -o json"), w.calls("minikube"), "only the read-only query ran");
    }

    @Test
    void aFailedStartExitsWith3AndTheToolsMessage() {
        Toolkit.World w = new Toolkit.World(tmp);
        Toolkit.Run r = w.script("MinikubeProfile", java.util.Map.of("FAKE_MINIKUBE_START_FAIL", "1"), "--config", config())
                .expect(Exit.COMMAND_FAILED);
        assertTrue(r.err().contains("minikube start failed (exit 80)") && r.err().contains("PROVIDER_DOCKER_NOT_RUNNING"), r.err());
    }

    @Test
    void anUnknownAddonIsABadValue() {
        Toolkit.World w = new Toolkit.World(tmp);
        w.script("MinikubeProfile", "--config", config()).expect(0);
        Toolkit.Run r = w.script("MinikubeProfile", "--config", config(), "--set", "minikube.addons=ingress,nosuchaddon")
                .expect(Exit.USAGE);
        assertTrue(r.err().contains("minikube has no addon 'nosuchaddon'"), r.err());
    }
}

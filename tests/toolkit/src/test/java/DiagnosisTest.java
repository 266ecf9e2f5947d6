import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shared diagnosis (scripts/lib/Diagnosis.java) on `kubectl get -o json` documents, events and
 * logs of one workload per failure class, labelled app.kubernetes.io/component=<class>, as
 * tests/toolkit/fixtures/diagnosis/record records them from a real cluster (RECORDED says where
 * the committed ones come from).
 */
class DiagnosisTest {
    static final Path DIR = Toolkit.REPO.resolve("tests/toolkit/fixtures/diagnosis");
    static Diagnosis.Snapshot snapshot;
    static List<Diagnosis.Finding> findings;
    static final Map<String, List<Diagnosis.Finding>> BY = new LinkedHashMap<>();

    /** Logs as recorded: logs/<pod>.<container>[.previous].txt. */
    static final Diagnosis.Logs RECORDED = (pod, container, previous, lines) -> {
        Path p = DIR.resolve("logs").resolve(pod + "." + container + (previous ? ".previous" : "") + ".txt");
        return Diagnosis.lastLines(Toolkit.read(p), lines);
    };

    @BeforeAll
    static void analyze() throws Exception {
        snapshot = Diagnosis.Snapshot.of(Toolkit.json(Files.readString(DIR.resolve("objects.json"))),
                Toolkit.json(Files.readString(DIR.resolve("events.json"))));
        findings = Diagnosis.analyze(snapshot, RECORDED);
        for (Diagnosis.Finding f : findings) BY.computeIfAbsent(f.component(), k -> new ArrayList<>()).add(f);
    }

    static Diagnosis.Finding one(String component) {
        List<Diagnosis.Finding> f = BY.getOrDefault(component, List.of());
        assertEquals(1, f.size(), component + ": one finding, got " + f + "\nall: " + findings);
        return f.get(0);
    }

    static void says(String component, String... parts) {
        Diagnosis.Finding f = one(component);
        for (String p : parts) assertTrue((f.text() + " || fix: " + f.fix()).contains(p), component + " says '" + p + "': " + f.text() + " || fix: " + f.fix());
    }

    @Test
    void aHealthyPodHasNoFinding() {
        assertFalse(BY.containsKey("healthy"), String.valueOf(BY.get("healthy")));
    }

    @Test
    void imageNotPullableNamesTheImage() {
        says("image-pull", "image taskora.local/does-not-exist:1.0 is not present on the node and cannot be pulled", "ImagePullBackOff",
                "fix: build and load that image");
    }

    @Test
    void crashLoopGivesTheExitCodeAndThePreviousContainersLastLines() {
        says("crashloop", "is in CrashLoopBackOff: exit code 3", "fatal: could not connect to the database at postgresql:5432", "--previous");
    }

    @Test
    void oomKilledNamesTheMemoryLimit() {
        says("oom", "was OOMKilled: it needed more than its memory limit of 32Mi", "raise the memory limit above 32Mi");
    }

    @Test
    void createContainerConfigErrorNamesTheSecretOrTheKey() {
        says("missing-secret", "cannot start: Secret taskora-secrets does not exist");
        says("missing-key", "cannot start: Secret partial-secrets has no key llm-api-key", "patch secret partial-secrets");
    }

    @Test
    void failingProbesComeFromTheEvents() {
        says("readiness", "readiness probe failing: Readiness probe failed:", ":8000/readyz");
        says("liveness", "restarted by its failing liveness probe", "Liveness probe failed:", ":8000/healthz");
    }

    @Test
    void pendingGivesTheSchedulersReason() {
        says("pending-cpu", "Pending: no node has enough free CPU for its requests (app: cpu 64, memory 64Mi)", "Insufficient cpu");
        says("pending-memory", "Pending: no node has enough free memory", "Insufficient memory");
        says("pending-pvc", "Pending: its PersistentVolumeClaim fx-data is not bound", "no-such-class");
    }

    @Test
    void failingInitContainerAndFailedHookJob() {
        says("init-fail", "init container wait-for-database", "exit code 1", "database not reachable after 5 s");
        says("migrations", "hook Job (post-install,pre-upgrade) fx-migrations failed", "BackoffLimitExceeded",
                "password authentication failed for user", "kubectl -n diag-fixtures logs fx-migrations-");
    }

    /** Each class has its cause code; the ones waiting cannot cure are definite (deploy stops waiting for them). */
    @Test
    void causeCodesAndWhichAreDefinite() {
        Map<String, String> codes = new LinkedHashMap<>();
        for (Diagnosis.Finding f : findings) codes.put(f.component(), f.code() + (f.definite() ? "!" : ""));
        assertEquals(Map.ofEntries(Map.entry("image-pull", "ImagePull!"), Map.entry("crashloop", "CrashLoop!"), Map.entry("oom", "OOMKilled!"),
                Map.entry("missing-secret", "ContainerConfig!"), Map.entry("missing-key", "ContainerConfig!"), Map.entry("readiness", "ProbeFailing"),
                Map.entry("liveness", "ProbeFailing"), Map.entry("pending-cpu", "Unschedulable!"), Map.entry("pending-memory", "Unschedulable!"),
                Map.entry("pending-pvc", "PVCUnbound!"), Map.entry("init-fail", "InitContainer"), Map.entry("migrations", "JobFailed!")), codes);
        // deploy's watch: only what was created after it started counts, and a crash loop only past 3 restarts
        assertEquals(List.of(), Diagnosis.definiteSince(snapshot, "2099-01-01T00:00:00Z", RECORDED));
        List<String> since = Diagnosis.definiteSince(snapshot, "2000-01-01T00:00:00Z", RECORDED).stream().map(Diagnosis.Finding::component).toList();
        assertTrue(since.contains("image-pull") && since.contains("oom") && since.contains("migrations") && !since.contains("readiness"), since.toString());
    }

    /** A claim is Pending while its pod is scheduled and the provisioner works: the watch waits its grace (DEFINITE) before it counts. */
    @Test
    void aNewUnboundClaimIsNotYetAFailureAnOldOneIs() {
        java.util.function.Function<java.time.Instant, Diagnosis.Snapshot> claimCreated = t -> new Diagnosis.Snapshot(List.of(), List.of(),
                List.of(Map.of("metadata", Map.of("name", "data-taskora-postgresql-0", "creationTimestamp", t.toString(),
                        "labels", Map.of("app.kubernetes.io/component", "postgresql")), "status", Map.of("phase", "Pending"))),
                List.of(), List.of());
        java.time.Instant now = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        assertEquals(List.of(), Diagnosis.definiteSince(claimCreated.apply(now), "2000-01-01T00:00:00Z", RECORDED),
                "a claim created just now is still being provisioned");
        assertEquals(List.of("PVCUnbound"), Diagnosis.definiteSince(claimCreated.apply(now.minusSeconds(600)), "2000-01-01T00:00:00Z", RECORDED)
                .stream().map(Diagnosis.Finding::code).toList(), "a claim unbound for 10 minutes is a failure");
    }

    /** A pod of the new revision that the scheduler cannot place, from `now`, with a PodScheduled=False condition since `since`. */
    static Object unschedulablePod(java.time.Instant created, java.time.Instant since) {
        return Map.of("kind", "Pod", "metadata", Map.of("name", "taskora-backend-7d9f-x2", "namespace", "taskora", "creationTimestamp", created.toString(),
                        "labels", Map.of("app.kubernetes.io/component", "backend")),
                "spec", Map.of("containers", List.of(Map.of("name", "backend", "resources", Map.of("requests", Map.of("cpu", "4"))))),
                "status", Map.of("phase", "Pending", "conditions", List.of(Map.of("type", "PodScheduled", "status", "False", "reason", "Unschedulable",
                        "lastTransitionTime", since.toString(), "message", "0/1 nodes are available: 1 Insufficient cpu."))));
    }

    static Object scheduledPod(java.time.Instant created) {
        return Map.of("kind", "Pod", "metadata", Map.of("name", "taskora-backend-7d9f-x2", "namespace", "taskora", "creationTimestamp", created.toString(),
                        "labels", Map.of("app.kubernetes.io/component", "backend")),
                "status", Map.of("phase", "Running", "conditions", List.of(Map.of("type", "PodScheduled", "status", "True"), Map.of("type", "Ready", "status", "True"))));
    }

    static Diagnosis.Snapshot pods(Object... pods) {
        return new Diagnosis.Snapshot(List.of(pods), List.of(), List.of(), List.of(), List.of());
    }

    /** Every cause code with a grace in the table is one the cluster may cure by itself; the rest count at once. */
    @Test
    void oneTableSaysHowLongEachCauseMustLast() {
        java.time.Duration now = java.time.Duration.ZERO, grace = java.time.Duration.ofSeconds(90);
        assertEquals(Map.of(Diagnosis.IMAGE_PULL, new Diagnosis.Definite(now, 0), Diagnosis.OOM_KILLED, new Diagnosis.Definite(now, 0),
                Diagnosis.CONFIG, new Diagnosis.Definite(now, 0), Diagnosis.JOB_FAILED, new Diagnosis.Definite(now, 0),
                Diagnosis.CRASH_LOOP, new Diagnosis.Definite(now, 3),
                Diagnosis.UNSCHEDULABLE, new Diagnosis.Definite(grace, 0), Diagnosis.PVC_UNBOUND, new Diagnosis.Definite(grace, 0)),
                Diagnosis.DEFINITE, "each definite cause: how long it must last (0: at once), or how many restarts");
        assertFalse(Diagnosis.DEFINITE.containsKey(Diagnosis.PROBE) || Diagnosis.DEFINITE.containsKey(Diagnosis.NOT_READY)
                || Diagnosis.DEFINITE.containsKey(Diagnosis.INIT), "waiting may cure these: helm's --timeout judges them");
    }

    /** The autoscaler adds a node 40 s in: the pod is scheduled before the grace ends, so the watch never stops deploy. */
    @Test
    void aTransientUnschedulableThatClearsWithinTheGraceDoesNotStopDeploy() {
        java.time.Instant t0 = java.time.Instant.parse("2026-12-01T10:00:00Z");
        Diagnosis.Watch w = new Diagnosis.Watch("2026-12-01T09:59:58Z");
        for (int s = 0; s <= 40; s += 5)
            assertEquals(List.of(), w.definite(pods(unschedulablePod(t0, t0)), RECORDED, t0.plusSeconds(s)), "at " + s + " s: within the grace");
        for (int s = 45; s <= 300; s += 5)
            assertEquals(List.of(), w.definite(pods(scheduledPod(t0)), RECORDED, t0.plusSeconds(s)), "at " + s + " s: scheduled and Ready");
        assertTrue(w.firstSeen.isEmpty(), "a cleared failure is forgotten: " + w.firstSeen);
    }

    /** Still unschedulable when the grace ends: definite, with the scheduler's reason, and deploy stops waiting. */
    @Test
    void anUnschedulableThatLastsStopsDeploy() {
        java.time.Instant t0 = java.time.Instant.parse("2026-12-01T10:00:00Z");
        long grace = Diagnosis.DEFINITE.get(Diagnosis.UNSCHEDULABLE).lasting().getSeconds();
        Diagnosis.Watch w = new Diagnosis.Watch("2026-12-01T09:59:58Z");
        long stoppedAt = -1;
        for (int s = 0; s <= 300 && stoppedAt < 0; s += 5) {
            List<Diagnosis.Finding> f = w.definite(pods(unschedulablePod(t0, t0)), RECORDED, t0.plusSeconds(s));
            if (f.isEmpty()) continue;
            stoppedAt = s;
            assertEquals(List.of("Unschedulable"), f.stream().map(Diagnosis.Finding::code).toList());
            assertTrue(f.get(0).text().contains("Pending: no node has enough free CPU") && f.get(0).text().contains("Insufficient cpu"), f.get(0).text());
        }
        assertTrue(stoppedAt >= grace && stoppedAt < grace + 5, "stopped at the first look past the " + grace + " s grace: " + stoppedAt);
        // the watch may start late: a pod whose condition already says it has been unschedulable longer counts at the first look
        Diagnosis.Watch late = new Diagnosis.Watch("2026-12-01T09:59:58Z");
        assertEquals(List.of("Unschedulable"), late.definite(pods(unschedulablePod(t0, t0)), RECORDED, t0.plusSeconds(grace + 1)).stream()
                .map(Diagnosis.Finding::code).toList());
    }

    /** A zero-grace cause (an image that cannot be pulled) stops deploy at the first look. */
    @Test
    void anImageThatCannotBePulledCountsAtTheFirstLook() {
        Diagnosis.Watch w = new Diagnosis.Watch("2000-01-01T00:00:00Z");
        List<String> first = w.definite(snapshot, RECORDED, java.time.Instant.now()).stream().map(Diagnosis.Finding::component).toList();
        // the probes and the init container may still cure themselves; the rest (and Pending pods older than the grace) count at once
        assertEquals(List.of("image-pull", "crashloop", "oom", "missing-secret", "missing-key", "pending-cpu", "pending-memory", "pending-pvc",
                "migrations"), first);
    }

    @Test
    void everyFindingIsOneLineOfCauseAndOneOfFixAndAlsoJson() {
        assertEquals(List.of("image-pull", "crashloop", "oom", "missing-secret", "missing-key", "readiness", "liveness",
                "pending-cpu", "pending-memory", "pending-pvc", "init-fail", "migrations"), findings.stream().map(Diagnosis.Finding::component).toList(), "one per failure class: " + findings);
        for (Diagnosis.Finding f : findings) {
            assertFalse(f.text().contains("\n") || f.fix().contains("\n"), f.toString());
            assertFalse(f.text().isBlank() || f.fix().isBlank(), f.toString());
        }
        Object doc = Toolkit.json(Json.write(Diagnosis.json(findings)));
        assertEquals("ProblemDetected", Json.text(doc, "status"));
        assertEquals(12L, Json.number(doc, "problems"));
        for (Object r : Json.items(doc, "results"))
            for (String k : List.of("kind", "name", "parent", "text", "fix")) assertTrue(((Map<?, ?>) r).containsKey(k), k + " in " + r);
        assertEquals("OK", Json.text(Toolkit.json(Json.write(Diagnosis.json(List.of()))), "status"));
    }
}

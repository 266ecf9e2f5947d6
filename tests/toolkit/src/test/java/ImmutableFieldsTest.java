import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy refuses an upgrade that would change a field Kubernetes cannot change in place (a
 * StatefulSet's selector, serviceName, volumeClaimTemplates, podManagementPolicy; a Deployment's
 * selector) before anything changes (issue 11; issue 9's bad-input rules). The comparison runs on
 * the real chart rendered by the real helm against tests/toolkit/fixtures/immutable/live-prod.json
 * (the release installed with values-prod.yaml, as the API server serves it); the whole flow runs
 * with the fakes.
 */
class ImmutableFieldsTest {
    @TempDir Path tmp;
    static final Path CHART = Toolkit.REPO.resolve("charts/taskora");

    static List<Object> render(String valuesFile, String... sets) {
        List<String> argv = new ArrayList<>(List.of("helm", "template", "taskora", CHART.toString(), "-n", "taskora", "--kube-version", "v1.33.0",
                "-f", CHART.resolve(valuesFile).toString()));
        for (String s : sets) { argv.add("--set"); argv.add(s); }
        Toolkit.Run r = Toolkit.exec(argv, Map.of(), Toolkit.REPO, null, 120).expect(0);
        List<Object> out = new ArrayList<>();
        for (Object d : Config.yaml().loadAll(r.out())) if (d != null) out.add(d);
        return out;
    }

    static List<?> live() {
        return Json.items(Toolkit.json(Toolkit.read(Toolkit.REPO.resolve("tests/toolkit/fixtures/immutable/live-prod.json"))), "items");
    }

    /** A deep copy of the live objects with one change made to the StatefulSet. */
    @SuppressWarnings("unchecked")
    static List<?> liveWith(String kind, java.util.function.Consumer<Map<String, Object>> change) {
        List<?> copy = Json.items(Toolkit.json(Json.write(Map.of("items", live()))), "items");
        for (Object o : copy) if (kind.equals(Json.text(o, "kind"))) { change.accept((Map<String, Object>) Json.at(o, "spec")); break; }
        return copy;
    }

    @Test
    void prodToDevInPlaceChangesThePostgresqlVolumeSize() {
        assertEquals(List.of("StatefulSet/taskora-postgresql spec.volumeClaimTemplates[data].spec.resources.requests.storage: 5Gi -> 1Gi"),
                ImmutableFields.changes(render("values-dev.yaml"), live()));
    }

    @Test
    void theSameValuesOrTheSameSizeWrittenOtherwiseChangeNothing() {
        assertEquals(List.of(), ImmutableFields.changes(render("values-prod.yaml"), live()), "the API server's defaults are no change");
        assertEquals(List.of(), ImmutableFields.changes(render("values-prod.yaml", "postgresql.persistence.size=5120Mi"), live()), "5120Mi is 5Gi");
        assertEquals(List.of(), ImmutableFields.changes(render("values-prod.yaml", "frontend.replicaCount=3", "backend.image.tag=sha-new"), live()),
                "replicas and images change in place");
        assertEquals(List.of(), ImmutableFields.changes(render("values-dev.yaml"), List.of()), "nothing live yet: an install");
    }

    @Test
    void eachImmutableFieldOfTheStatefulSetIsNamedOldToNew() {
        List<Object> prod = render("values-prod.yaml");
        assertEquals(List.of("StatefulSet/taskora-postgresql spec.volumeClaimTemplates[data].spec.storageClassName: (unset) -> fast"),
                ImmutableFields.changes(render("values-prod.yaml", "postgresql.persistence.storageClass=fast"), live()));
        assertEquals(List.of("StatefulSet/taskora-postgresql spec.volumeClaimTemplates[data].spec.accessModes: [\"ReadWriteMany\"] -> [\"ReadWriteOnce\"]"),
                ImmutableFields.changes(prod, liveWith("StatefulSet", s -> {
                    @SuppressWarnings("unchecked") Map<String, Object> t = (Map<String, Object>) Json.at(s, "volumeClaimTemplates", 0, "spec");
                    t.put("accessModes", List.of("ReadWriteMany"));
                })));
        assertEquals(List.of("StatefulSet/taskora-postgresql spec.serviceName: taskora-db -> taskora-postgresql-hl"),
                ImmutableFields.changes(prod, liveWith("StatefulSet", s -> s.put("serviceName", "taskora-db"))));
        assertEquals(List.of("StatefulSet/taskora-postgresql spec.podManagementPolicy: Parallel -> OrderedReady"),
                ImmutableFields.changes(prod, liveWith("StatefulSet", s -> s.put("podManagementPolicy", "Parallel"))));
        assertEquals(List.of("StatefulSet/taskora-postgresql spec.volumeClaimTemplates: (none) -> data"),
                ImmutableFields.changes(prod, liveWith("StatefulSet", s -> s.put("volumeClaimTemplates", List.of()))));
        List<String> selector = ImmutableFields.changes(prod, liveWith("StatefulSet", s -> s.put("selector",
                Map.of("matchLabels", Map.of("app.kubernetes.io/instance", "taskora", "app.kubernetes.io/name", "db")))));
        assertEquals(1, selector.size(), selector.toString());
        assertTrue(selector.get(0).startsWith("StatefulSet/taskora-postgresql spec.selector: {\"matchLabels\":{") && selector.get(0).contains("\"db\"")
                && selector.get(0).contains(" -> {\"matchLabels\":{"), selector.get(0));
    }

    @Test
    void aDeploymentsSelectorIsImmutableToo() {
        List<String> c = ImmutableFields.changes(render("values-prod.yaml"), liveWith("Deployment", s -> s.put("selector",
                Map.of("matchLabels", Map.of("app", "backend")))));
        assertEquals(1, c.size(), c.toString());
        assertTrue(c.get(0).startsWith("Deployment/taskora-backend spec.selector: {\"matchLabels\":{\"app\":\"backend\"}} -> "), c.get(0));
    }

    // ------------------------------------------------------------------------------ the whole flow
    /** A chart of one StatefulSet whose claim's size is a value, for the fakes' world. */
    static Path chart(Path dir) throws Exception {
        Files.createDirectories(dir.resolve("templates"));
        Files.writeString(dir.resolve("Chart.yaml"), "apiVersion: v2\nname: one-db\nversion: 0.1.0\n");
        Files.writeString(dir.resolve("values.yaml"), "size: 1Gi\n");
        Files.writeString(dir.resolve("values-dev.yaml"), "{}\n");
        Files.writeString(dir.resolve("templates/statefulset.yaml"), """
                apiVersion: apps/v1
                kind: StatefulSet
                metadata:
                  name: {{ .Release.Name }}-db
                  labels: {app.kubernetes.io/instance: {{ .Release.Name }}, app.kubernetes.io/component: postgresql}
                spec:
                  serviceName: {{ .Release.Name }}-db-hl
                  selector:
                    matchLabels: {app.kubernetes.io/instance: {{ .Release.Name }}, app.kubernetes.io/component: postgresql}
                  template:
                    metadata:
                      labels: {app.kubernetes.io/instance: {{ .Release.Name }}, app.kubernetes.io/component: postgresql}
                    spec:
                      containers: [{name: db, image: "postgres:17"}]
                  volumeClaimTemplates:
                    - metadata: {name: data}
                      spec:
                        accessModes: [ReadWriteOnce]
                        resources: {requests: {storage: {{ .Values.size | quote }}}}
                """);
        return dir;
    }

    @Test
    @SuppressWarnings("unchecked")
    void deployRefusesTheUpgradeBeforeAnythingChangesAndTheDryRunToo() throws Exception {
        Path app = Toolkit.fixture(tmp.resolve("app"));
        Path chart = chart(tmp.resolve("one-db"));
        Toolkit.World w = new Toolkit.World(tmp);
        List<String> base = List.of("--config", app.resolve("taskora.yaml").toString(), "--skip-build", "--skip-smoke",
                "--set", "chart.path=" + chart, "--set", "environments.dev.valuesFile=" + chart.resolve("values-dev.yaml"),
                "--set", "minikube.kubernetesVersion=v1.33.0");
        w.script("Deploy", base.toArray(String[]::new)).expect(0);
        // the fake helm installs its own objects; the StatefulSet as the API server keeps it is put beside them
        Object state = w.stateJson();
        Object sts = Config.yaml().load(Toolkit.exec(List.of("helm", "template", "tiny", chart.toString(), "-n", "tiny-ns"), Map.of(), tmp, null, 60)
                .expect(0).out());
        ((Map<String, Object>) sts).put("metadata", Map.of("name", "tiny-db", "namespace", "tiny-ns",
                "labels", Map.of("app.kubernetes.io/instance", "tiny", "app.kubernetes.io/component", "postgresql")));
        ((List<Object>) Json.at(state, "objects", "tiny-ns/tiny")).add(sts);
        w.writeState(Json.write(state));
        int upgrades = (int) w.calls("helm").stream().filter(c -> c.startsWith("helm upgrade")).count();

        List<String> bigger = new ArrayList<>(base);
        bigger.addAll(List.of("--set", "chart.values.size=2Gi"));
        Toolkit.Run r = w.script("Deploy", bigger.toArray(String[]::new)).expect(Exit.USAGE);
        assertTrue(r.err().contains("deploy: error: this upgrade of release tiny would change what Kubernetes cannot change in place: "
                + "StatefulSet/tiny-db spec.volumeClaimTemplates[data].spec.resources.requests.storage: 1Gi -> 2Gi (nothing was changed, helm was not run)"), r.err());
        assertTrue(r.err().contains("hint: keep the old value") && r.err().contains("deploy --uninstall (keeps the PersistentVolumeClaims and the Secret")
                && r.err().contains("--release NAME"), r.err());
        assertEquals(upgrades, w.calls("helm").stream().filter(c -> c.startsWith("helm upgrade")).count(), "no helm upgrade: " + w.calls("helm"));
        assertEquals(1, Json.items(w.stateJson(), "releases", "tiny-ns/tiny", "history").size() , "the release has no new revision");

        bigger.add("--dry-run");
        Toolkit.Run dry = w.script("Deploy", bigger.toArray(String[]::new)).expect(Exit.USAGE);
        assertTrue(dry.err().contains("the real run would stop at checks: this upgrade of release tiny would change what Kubernetes cannot change in place: "
                + "StatefulSet/tiny-db spec.volumeClaimTemplates[data].spec.resources.requests.storage: 1Gi -> 2Gi"), dry.err());

        List<String> same = new ArrayList<>(base);
        same.addAll(List.of("--set", "chart.values.size=1024Mi", "--set", "chart.values.other=x"));
        Toolkit.Run ok = w.script("Deploy", same.toArray(String[]::new)).expect(0);
        assertTrue(ok.out().contains("no field that cannot change in place changes"), ok.out());
        assertFalse(ok.err().contains("cannot change in place"), ok.err());
    }
}

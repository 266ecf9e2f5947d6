import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 24: drift and deploy --diff (scripts/lib/Drift.java). kubectl diff's output is read back
 * as GNU diff prints it (the real `diff`, run as kubectl runs it with KUBECTL_EXTERNAL_DIFF); the
 * rules of what is not drift (what Kubernetes or a controller owns), the Secret redaction and the
 * fields added by hand (managedFields, as the API server writes them) on objects; deploy --diff's
 * exit codes and deploy's repair as whole flows with the fakes. The same runs for real on the test
 * cluster: tests/e2e/drift.sh (prod suite).
 */
class DriftTest {
    @TempDir Path tmp;

    static Object yaml(String s) { return Config.yaml().load(s); }

    static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: taskora-backend
              namespace: taskora
              generation: 3
              resourceVersion: "1234"
              annotations:
                deployment.kubernetes.io/revision: "3"
            spec:
              replicas: 2
              template:
                metadata:
                  labels:
                    app.kubernetes.io/component: backend
                    app.kubernetes.io/part-of: taskora
                  annotations:
                    checksum/config: abc
                spec:
                  containers:
                  - name: backend
                    image: taskora/backend:sha-1
                    env:
                    - name: LOG_LEVEL
                      value: INFO
                  - name: sidecar
                    image: busybox:1
            status:
              replicas: 2
            """;

    /** kubectl diff runs `$KUBECTL_EXTERNAL_DIFF LIVE MERGED` on two folders of one file per object: the real GNU diff, as kubectl runs it. */
    @Test
    void kubectlDiffsUnifiedOutputIsReadBackIntoBothSides() throws Exception {
        Path live = tmp.resolve("LIVE-1"), merged = tmp.resolve("MERGED-2");
        Files.createDirectories(live);
        Files.createDirectories(merged);
        String after = DEPLOYMENT.replace("sha-1", "sha-2").replace("generation: 3", "generation: 4");
        Files.writeString(live.resolve("apps.v1.Deployment.taskora.taskora-backend"), DEPLOYMENT);
        Files.writeString(merged.resolve("apps.v1.Deployment.taskora.taskora-backend"), after);
        String svc = "apiVersion: v1\nkind: Service\nmetadata:\n  name: taskora-backend\nspec:\n  ports:\n  - port: 8000\n";
        Files.writeString(live.resolve("v1.Service.taskora.taskora-backend"), svc);
        Files.writeString(merged.resolve("v1.Service.taskora.taskora-backend"), svc);
        String np = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: taskora-frontend\nspec:\n  podSelector: {}\n";
        Files.writeString(merged.resolve("networking.k8s.io.v1.NetworkPolicy.taskora.taskora-frontend"), np);
        List<String> argv = new ArrayList<>(List.of("diff", live.toString(), merged.toString()));
        argv.addAll(List.of("diff -u -N --unified=1000000".split(" ")).subList(1, 4)); // kubectl appends the flags after the folders
        Toolkit.Run r = Toolkit.exec(argv, Map.of(), tmp, null, 30).expect(1);
        List<Object[]> pairs = Drift.unified(r.out());
        assertEquals(2, pairs.size(), r.out());
        Object[] dep = pairs.stream().filter(p -> p[1] != null && "Deployment".equals(Json.text(p[1], "kind"))).findFirst().orElseThrow();
        assertEquals(yaml(DEPLOYMENT), dep[0]);
        assertEquals(yaml(after), dep[1]);
        Object[] added = pairs.stream().filter(p -> "NetworkPolicy".equals(Json.text(p[1], "kind"))).findFirst().orElseThrow();
        assertNull(added[0], "an object that is not live: no live side");
        assertEquals(List.of(), Drift.unified(""), "no difference, no output");
    }

    /** Only what applying the manifest changes: not status, metadata Kubernetes writes, the revision annotation, restartedAt, nor an HPA's replicas. */
    @Test
    void theFieldsThatDifferLeaveOutWhatKubernetesOwns() {
        Object before = yaml(DEPLOYMENT.replace("replicas: 2\n  template", "replicas: 5\n  template")
                .replace("    checksum/config: abc", "    checksum/config: abc\n        kubectl.kubernetes.io/restartedAt: \"2026-12-06T10:00:00Z\""));
        Object after = yaml(DEPLOYMENT.replace("sha-1", "sha-2").replace("generation: 3", "generation: 4").replace("\"1234\"", "\"1240\"")
                .replace("deployment.kubernetes.io/revision: \"3\"", "deployment.kubernetes.io/revision: \"4\"")
                .replace("status:\n  replicas: 2", "status:\n  replicas: 3")
                .replace("        app.kubernetes.io/part-of: taskora\n", ""));
        List<String> hpa = Drift.fields("Deployment/taskora-backend", before, after, before, true).stream().map(f -> f.field() + ": " + f.live() + " -> " + f.wanted()).toList();
        assertEquals(List.of("spec.template.metadata.labels[\"app.kubernetes.io/part-of\"]: taskora -> (unset)",
                "spec.template.spec.containers[backend].image: taskora/backend:sha-1 -> taskora/backend:sha-2"), hpa, "an HPA's target: its replicas are not drift");
        List<String> plain = Drift.fields("Deployment/taskora-backend", before, after, before, false).stream().map(Drift.Field::field).toList();
        assertTrue(plain.contains("spec.replicas"), "without an HPA, replicas are: " + plain);
        assertEquals(3, plain.size(), plain.toString());
    }

    /** kubectl diff masks a Secret's values (*** (before), *** (after)); drift shows them as (redacted), never a value. */
    @Test
    void aSecretsValuesAreRedacted() {
        Object live = yaml("apiVersion: v1\nkind: Secret\nmetadata:\n  name: taskora\ndata:\n  jwt-secret: '*** (before)'\n  llm-api-key: '***'\n");
        Object want = yaml("apiVersion: v1\nkind: Secret\nmetadata:\n  name: taskora\ndata:\n  jwt-secret: '*** (after)'\n  llm-api-key: '***'\n");
        List<Drift.Field> f = Drift.fields("Secret/taskora", live, want, live, false);
        assertEquals(1, f.size(), f.toString());
        assertEquals("data.jwt-secret", f.get(0).field());
        assertEquals(Drift.REDACTED, f.get(0).live());
        assertEquals(Drift.REDACTED, f.get(0).wanted());
        // what the release's manifest holds against the live Secret (deploy --diff: the chart's lookup read the changed value)
        Object liveReal = yaml("apiVersion: v1\nkind: Secret\nmetadata:\n  name: taskora\ndata:\n  jwt-secret: ZHJpZnQ=\n  llm-api-key: ''\n");
        Object released = yaml("apiVersion: v1\nkind: Secret\nmetadata:\n  name: taskora\ndata:\n  jwt-secret: b2xk\n  llm-api-key: ''\n");
        List<Drift.Field> s = Drift.secretDrift(List.of(released), Map.of("Secret/taskora", liveReal));
        assertEquals(1, s.size(), s.toString());
        assertEquals("data.jwt-secret (redacted) -> (redacted)", s.get(0).field() + " " + s.get(0).live() + " -> " + s.get(0).wanted());
        assertTrue(s.stream().noneMatch(x -> x.toString().contains("ZHJpZnQ") || x.toString().contains("b2xk")), s.toString());
    }

    static final String MANAGED = """
            [
              {"manager": "helm", "operation": "Update", "apiVersion": "apps/v1", "time": "2026-12-06T09:00:00Z", "fieldsType": "FieldsV1",
               "fieldsV1": {"f:spec": {"f:replicas": {}, "f:template": {"f:spec": {"f:containers": {
                  "k:{\\"name\\":\\"backend\\"}": {".": {}, "f:image": {}, "f:name": {}, "f:env": {".": {}, "k:{\\"name\\":\\"LOG_LEVEL\\"}": {".": {}, "f:name": {}, "f:value": {}}}}}}}}}},
              {"manager": "kube-controller-manager", "operation": "Update", "apiVersion": "apps/v1", "time": "2026-12-06T09:01:00Z", "fieldsType": "FieldsV1",
               "fieldsV1": {"f:metadata": {"f:annotations": {"f:deployment.kubernetes.io/revision": {}}}}},
              {"manager": "kube-controller-manager", "operation": "Update", "apiVersion": "apps/v1", "time": "2026-12-06T09:01:00Z", "subresource": "status",
               "fieldsType": "FieldsV1", "fieldsV1": {"f:status": {"f:replicas": {}}}},
              {"manager": "kubectl-rollout", "operation": "Update", "apiVersion": "apps/v1", "time": "2026-12-06T09:05:00Z", "fieldsType": "FieldsV1",
               "fieldsV1": {"f:spec": {"f:template": {"f:metadata": {"f:annotations": {"f:kubectl.kubernetes.io/restartedAt": {}}}}}}},
              {"manager": "kubectl-set", "operation": "Update", "apiVersion": "apps/v1", "time": "2026-12-06T09:10:00Z", "fieldsType": "FieldsV1",
               "fieldsV1": {"f:spec": {"f:template": {"f:spec": {"f:containers": {"k:{\\"name\\":\\"backend\\"}": {
                  "f:image": {}, "f:env": {"k:{\\"name\\":\\"DRIFT\\"}": {".": {}, "f:name": {}, "f:value": {}}}}}}}}}}
            ]""";

    @SuppressWarnings("unchecked")
    static Map<String, Object> liveWithManagedFields() {
        Map<String, Object> live = (Map<String, Object>) yaml(DEPLOYMENT.replace("      value: INFO\n", "      value: INFO\n        - name: DRIFT\n          value: \"1\"\n")
                .replace("    checksum/config: abc", "    checksum/config: abc\n        kubectl.kubernetes.io/restartedAt: \"2026-12-06T10:00:00Z\""));
        ((Map<String, Object>) live.get("metadata")).put("managedFields", Json.parse(MANAGED, "managedFields"));
        return live;
    }

    /** A field live that the manifest lacks, owned by a manager that is not helm nor Kubernetes: added by hand, with its JSON pointer. */
    @Test
    void fieldsAddedByHandAreFoundInTheManagedFields() {
        Object want = yaml(DEPLOYMENT);
        List<Drift.Field> added = Drift.added("Deployment/taskora-backend", liveWithManagedFields(), want, false);
        assertEquals(1, added.size(), added.toString());
        Drift.Field f = added.get(0);
        assertEquals("spec.template.spec.containers[backend].env[DRIFT]", f.field());
        assertEquals("kubectl-set", f.manager());
        assertEquals("2026-12-06T09:10:00Z", f.time());
        assertEquals("/spec/template/spec/containers/0/env/1", f.pointer());
        assertEquals("{\"name\":\"DRIFT\",\"value\":\"1\"}", f.live());
        assertEquals(List.of(), Drift.added("Deployment/taskora-backend", yaml(DEPLOYMENT), want, false), "no managedFields, nothing by hand");
    }

    /** Who changed a field: the latest manager that owns it and is not helm nor Kubernetes. */
    @Test
    void theOwnerOfAFieldComesFromTheManagedFields() {
        Map<String, Object> live = liveWithManagedFields();
        Drift.Path image = Drift.Path.root().key("spec").key("template").key("spec").key("containers").item(Map.of("name", "backend"), 0).key("image");
        assertEquals("kubectl-set", Drift.owner(live, image)[0]);
        Drift.Path env = Drift.Path.root().key("spec").key("template").key("spec").key("containers").item(Map.of("name", "backend"), 0)
                .key("env").item(Map.of("name", "LOG_LEVEL"), 0).key("value");
        assertEquals("", Drift.owner(live, env)[0], "helm's own field: nobody by hand");
        assertEquals("spec.template.spec.containers[backend].image", image.shown());
        assertEquals("/spec/template/spec/containers/0/image", image.jsonPointer());
    }

    // ---------------------------------------------------------------- whole flows with the fakes
    Toolkit.Run deploy(Toolkit.World w, Path app, String... args) {
        List<String> a = new ArrayList<>(List.of("--config", app.resolve("taskora.yaml").toString()));
        a.addAll(List.of(args));
        return w.script("Deploy", a.toArray(String[]::new));
    }

    /** deploy --diff: 0 with no change, 1 with changes; deploy reverts a change made by hand, then "up to date" holds again. */
    @Test
    @SuppressWarnings("unchecked")
    void deployDiffExitsOneOnChangesAndDeployRevertsDrift() {
        Path app = Toolkit.fixture(tmp.resolve("app"));
        Toolkit.World w = new Toolkit.World(tmp);
        deploy(w, app, "--skip-smoke").expect(0);
        Toolkit.Run same = deploy(w, app, "--diff").expect(0);
        assertTrue(same.out().contains("no difference in 4 object(s)"), same.out());
        // someone scales the backend by hand (the fake state is the cluster)
        Map<String, Object> state = (Map<String, Object>) w.stateJson();
        for (Object o : (List<Object>) ((Map<String, Object>) state.get("objects")).get("tiny-ns/tiny"))
            if ("tiny-backend".equals(Json.text(o, "metadata", "name"))) {
                ((Map<String, Object>) Json.at(o, "spec")).put("replicas", 4);
            }
        w.writeState(Json.write(state));
        Toolkit.Run diff = deploy(w, app, "--diff").expect(1);
        assertTrue(diff.out().contains("Deployment/tiny-backend\n  spec.replicas: 4 -> 1"), diff.out());
        assertTrue(w.allCalls().stream().filter(c -> c.contains("--dry-run=server")).allMatch(c -> c.startsWith("helm upgrade --install")), "rendered by helm");
        Toolkit.Run fix = deploy(w, app, "--skip-smoke").expect(0);
        assertTrue(fix.out().contains(": helm runs again"), fix.out()); // (the fake counts 1 of 4 replicas ready: it says that first)
        assertTrue(fix.out().contains("drift (changed by hand; this deploy reverts it):\nobject / field: LIVE -> RELEASE"), fix.out());
        assertTrue(fix.out().replaceAll("\\s+", " ").contains("reverted 1 drifted field(s) (Deployment/tiny-backend spec.replicas); no drift left"), fix.out());
        deploy(w, app, "--diff").expect(0);
        Toolkit.Run settled = deploy(w, app, "--skip-smoke").expect(0);
        assertTrue(settled.out().replaceAll("\\s+", " ").contains("is up to date; helm not run (no drift"), settled.out());
    }

    @Test
    void deployDiffGoesAlone() {
        Toolkit.World w = new Toolkit.World(tmp);
        for (String other : List.of("--dry-run", "--uninstall", "--skip-smoke")) {
            Toolkit.Run r = w.script("Deploy", "--diff", other).expect(Exit.USAGE);
            assertTrue(r.err().contains("--diff changes and runs nothing already: it goes without " + other), r.err());
        }
    }
}

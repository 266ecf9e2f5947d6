import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** deploy: the helm command line, secrets, rollback, idempotence, the whole ordered flow with fakes. */
class DeployTest {
    @TempDir Path tmp;
    final List<String> images = new ArrayList<>();

    @AfterEach
    void removeImages() {
        for (String ref : images) Toolkit.docker("image", "rm", "-f", ref);
    }

    void remember(Toolkit.Run r) {
        Matcher m = Pattern.compile("(taskora-test/[a-z-]+:sha-[0-9a-f]{12})").matcher(r.out());
        while (m.find()) if (!images.contains(m.group(1))) images.add(m.group(1));
    }

    Toolkit.Run deploy(Toolkit.World w, Path app, Map<String, String> env, String... args) {
        List<String> a = new ArrayList<>(List.of("--config", app.resolve("taskora.yaml").toString()));
        a.addAll(List.of(args));
        Toolkit.Run r = w.script("Deploy", env, a.toArray(String[]::new));
        remember(r);
        return r;
    }

    static List<Images.Image> builtImages() {
        return List.of(new Images.Image("frontend", "frontend", "taskora/frontend", "sha-aaa", Path.of("."), Path.of("x"), Map.of()),
                new Images.Image("mcp-server", "mcpServer", "taskora/mcp-server", "sha-bbb", Path.of("."), Path.of("x"), Map.of()));
    }

    static List<String> helmArgs(Config cfg, List<Images.Image> images, int major) {
        return Release.command(cfg, images, "taskora-secrets", major).args();
    }

    @Test
    void helmCommandLineCarriesValuesImagesSecretAndAtomicity() {
        Config cfg = Config.load(Toolkit.REPO.resolve("taskora.yaml"), List.of("chart.values.postgresql.persistence.size=2Gi"));
        List<String> a = helmArgs(cfg, builtImages(), 3);
        String line = String.join(" ", a);
        assertTrue(line.startsWith("helm upgrade --install taskora " + Toolkit.REPO.resolve("charts/taskora") + " --namespace taskora --kube-context taskora -f "
                + Toolkit.REPO.resolve("charts/taskora/values-dev.yaml")), line);
        // every value deploy gives the chart goes on stdin as one values document, in order of precedence:
        // the images, the Secret's name, then the user's chart.values (typed as YAML types them); no --set
        assertTrue(line.contains(" -f - ") && !line.contains("--set"), line);
        Release.Command cmd = Release.command(cfg, builtImages(), "taskora-secrets", 3);
        Object values = Toolkit.json(cmd.stdin());
        assertEquals("sha-bbb", Json.text(values, "mcpServer", "image", "tag"));
        assertEquals("taskora/mcp-server", Json.text(values, "mcpServer", "image", "repository"));
        assertEquals("IfNotPresent", Json.text(values, "mcpServer", "image", "pullPolicy"));
        assertEquals("taskora-secrets", Json.text(values, "existingSecret"));
        assertEquals("2Gi", Json.text(values, "postgresql", "persistence", "size"));
        assertEquals(cmd.stdin(), cmd.stdinShown(), "nothing secret in it: shown as it is");
        // chart.values win over what deploy computed (the e2e's failed upgrade sets an image tag this way)
        Config tagged = Config.load(Toolkit.REPO.resolve("taskora.yaml"), List.of("chart.values.mcpServer.image.tag=never-built"));
        assertEquals("never-built", Json.text(Toolkit.json(Release.command(tagged, builtImages(), null, 3).stdin()), "mcpServer", "image", "tag"));
        assertTrue(line.endsWith("--wait --timeout 10m --atomic"), line);
        assertTrue(String.join(" ", helmArgs(cfg, builtImages(), 4)).endsWith("--rollback-on-failure"), "Helm 4 renamed --atomic");
        Config standIns = Config.load(Toolkit.REPO.resolve("taskora.yaml"), List.of("build.buildArgsFile=dockerfiles/stand-in/build-args.yaml"));
        Object si = Toolkit.json(Release.command(standIns, builtImages(), null, 3).stdin());
        assertEquals("taskora-stand-in/postgres", Json.text(si, "postgresql", "image", "repository"), "the stand-in file's postgresql entry names the database image");
        assertEquals("15-bookworm", Json.text(si, "postgresql", "image", "tag"));
        Config prod = Config.load(Toolkit.REPO.resolve("taskora.yaml"), List.of("environment=prod", "target=context", "context=kind-x"));
        String p = String.join(" ", helmArgs(prod, builtImages(), 3));
        assertTrue(p.contains("--kube-context kind-x -f " + Toolkit.REPO.resolve("charts/taskora/values-prod.yaml")), p);
    }

    /** The real chart accepts what deploy passes: rendered by the real helm, images and Secret as asked. */
    @Test
    void realHelmRendersTheRealChartWithDeploysArguments() {
        Path chart = Toolkit.REPO.resolve("charts/taskora/Chart.yaml");
        assertTrue(Files.isRegularFile(chart), "the chart is part of the repo: " + chart);
        Config cfg = Config.load(Toolkit.REPO.resolve("taskora.yaml"), List.of());
        List<String> a = new ArrayList<>(helmArgs(cfg, builtImages(), 3));
        // upgrade --install ... --wait --timeout T --atomic  ->  template ... (same chart, values and --set)
        a.set(1, "template");
        a.remove(2);
        int kc = a.indexOf("--kube-context");
        a.remove(kc);
        a.remove(kc);
        a = new ArrayList<>(a.subList(0, a.indexOf("--wait")));
        a.addAll(List.of("--kube-version", "1.31.0"));
        Toolkit.Run r = Toolkit.exec(a, Map.of(), Toolkit.REPO, Release.command(cfg, builtImages(), "taskora-secrets", 3).stdin(), 120).expect(0);
        assertTrue(r.out().contains("image: \"taskora/frontend:sha-aaa\""), "frontend image from the values deploy hands helm on stdin");
        assertTrue(r.out().contains("image: \"taskora/mcp-server:sha-bbb\""));
        assertTrue(r.out().contains("name: taskora-secrets"), "existingSecret is used by the workloads");
        assertFalse(Pattern.compile("(?m)^kind: Secret$").matcher(r.out()).find(), "with existingSecret the chart makes no Secret of its own");
        assertTrue(r.out().contains("app.kubernetes.io/component: frontend") && r.out().contains("app.kubernetes.io/instance: taskora"),
                "the labels smoke and deploy find objects by");
    }

    /**
     * The migration Job runs only when what it depends on changed: the key (migrations.inputs) of a
     * backend whose source changed elsewhere is the same; a changed migration, chart value or a
     * backend without the listed paths is not. Left out, the real helm renders no Job, and the
     * release's digest (what "up to date" compares) is the same as with it.
     */
    @Test
    void theMigrationJobRunsOnlyWhenTheMigrationsOrTheValuesChanged() throws Exception {
        Path ctx = tmp.resolve("backend");
        Files.createDirectories(ctx.resolve("alembic/versions"));
        Files.createDirectories(ctx.resolve("app"));
        Files.writeString(ctx.resolve("alembic.ini"), "[alembic]\n");
        Files.writeString(ctx.resolve("alembic/versions/0001_init.py"), "revision = '0001'\n");
        Files.writeString(ctx.resolve("app/main.py"), "print('v1')\n");
        Path dockerfile = Toolkit.REPO.resolve("dockerfiles/backend.Dockerfile");
        java.util.function.Function<String, List<Images.Image>> backendTagged = tag -> List.of(
                new Images.Image("backend", "backend", "taskora/backend", tag, ctx, dockerfile, Map.of()));
        Config cfg = Config.load(Toolkit.REPO.resolve("taskora.yaml"), List.of());
        Release.Command first = Release.command(cfg, backendTagged.apply("sha-111"), null, 3);
        String key = first.migrations().inputs();
        assertEquals(key, Json.text(Toolkit.json(first.stdin()), "migrations", "inputs"), "the key is recorded with the release");

        Files.writeString(ctx.resolve("app/main.py"), "print('v2')\n"); // the source changed, and with it the tag
        Release.Command code = Release.command(cfg, backendTagged.apply("sha-222"), null, 3);
        assertEquals(key, code.migrations().inputs(), "a change outside the migrations keeps their key");
        assertNotEquals(first.digest(), code.digest(), "while the release changes");
        Release.Command skip = code.skippingMigrations();
        assertEquals(code.digest(), skip.digest(), "leaving the Job out is the same release: an unchanged deploy after it is up to date");
        assertEquals("false", Json.text(Toolkit.json(skip.stdin()), "migrations", "run"));
        assertEquals("sha-222", Json.text(Toolkit.json(skip.stdin()), "backend", "image", "tag"));

        Config valued = Config.load(Toolkit.REPO.resolve("taskora.yaml"), List.of("chart.values.logLevel=INFO"));
        assertNotEquals(key, Release.command(valued, backendTagged.apply("sha-222"), null, 3).migrations().inputs(), "a changed value runs them");
        Files.writeString(ctx.resolve("alembic/versions/0002_more.py"), "revision = '0002'\n");
        assertNotEquals(key, Release.command(cfg, backendTagged.apply("sha-333"), null, 3).migrations().inputs(), "a new migration runs them");
        Config elsewhere = Config.load(Toolkit.REPO.resolve("taskora.yaml"), List.of("services.backend.migrations=db/migrations"));
        assertEquals(null, Release.command(elsewhere, backendTagged.apply("sha-333"), null, 3).migrations(),
                "a backend without the listed paths: not known, the Job runs on every upgrade");

        // the real helm: the Job with the values deploy gives by default, none with migrations.run=false
        for (Release.Command c : List.of(code, skip)) {
            List<String> t = new ArrayList<>(c.templateArgs());
            t.addAll(List.of("--kube-version", "1.31.0"));
            Toolkit.Run r = Toolkit.exec(t, Map.of(), Toolkit.REPO, c.stdin(), 120).expect(0);
            assertEquals(c == code, r.out().contains("helm.sh/hook: post-install,pre-upgrade"), "the migration Job rendered: " + (c == code));
        }
    }

    /** One generator: without an existing secret.name Secret, deploy makes none and the chart's (lookup, keep) does. */
    @Test
    void theChartGeneratesTheSecretAndAnLlmKeyGoesOnStdinMasked() {
        Path app = Toolkit.fixture(tmp.resolve("app"));
        Toolkit.World w = new Toolkit.World(tmp);
        Toolkit.Run r = deploy(w, app, Map.of("TASKORA_LLM_API_KEY", "sk-test-very-secret-value-0123456789"), "--skip-smoke").expect(0);
        assertTrue(w.calls("kubectl").stream().noneMatch(c -> c.contains("create -n") || c.contains("secret generic")), "deploy creates no Secret: " + w.calls("kubectl"));
        String up = w.calls("helm").stream().filter(c -> c.startsWith("helm upgrade")).findFirst().orElseThrow();
        assertFalse(up.contains("existingSecret"), "the chart's generated Secret is used: " + up);
        assertFalse(r.all().contains("sk-test-very-secret-value"), "the key is never printed:\n" + r.all());
        assertFalse(up.contains("sk-test"), "nor on the command line");
        assertTrue(r.out().contains(" -f - --wait") && r.out().contains(" <<'EOF'\n{\"frontend\":{\"image\":")
                && r.out().contains(",\"llm\":{\"apiKey\":\"<masked: $TASKORA_LLM_API_KEY>\"}}\nEOF\n"), "stdin shown as a masked heredoc:\n" + r.out());
        assertEquals("sk-test-very-secret-value-0123456789", Json.text(w.stateJson(), "releases", "tiny-ns/tiny", "history", 0, "stdinValues", "llm", "apiKey"));
        assertTrue(r.out().contains("the chart generates the Secret once and keeps it"), r.out());
    }

    /** The summary table fits 100 columns: a long outcome (a dry run's refusal can be 600 characters) wraps within its column. */
    @Test
    void theSummaryTableFitsAHundredColumns() {
        String outcome = ("this upgrade of release tiny would change what Kubernetes cannot change in place: StatefulSet/tiny-postgresql "
                + "spec.volumeClaimTemplates[data].spec.resources.requests.storage: 1Gi -> 2Gi ").repeat(4).strip();
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        java.io.PrintStream out = System.out;
        System.setOut(new java.io.PrintStream(buf, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            Console.table(List.of("STEP", "STATUS", "TIME", "OUTCOME"), List.of(List.of("checks", "FAIL", "1.2s", outcome),
                    List.of("total", "", "1.2s", "")));
        } finally {
            System.setOut(out);
        }
        List<String> lines = buf.toString(java.nio.charset.StandardCharsets.UTF_8).lines().toList();
        assertEquals(List.of(), lines.stream().filter(l -> l.length() > 100).toList(), "no line over 100 columns");
        assertEquals("checks  FAIL    1.2s  " + outcome.substring(0, outcome.lastIndexOf(' ', 78)), lines.get(1), "the first line of the row");
        int column = "checks  FAIL    1.2s  ".length();
        String rejoined = String.join(" ", lines.subList(1, lines.size() - 1).stream().map(l -> l.substring(column)).toList());
        assertEquals(outcome, rejoined, "the outcome wraps within its column, every word kept");
        assertEquals("total" + " ".repeat(11) + "1.2s", lines.get(lines.size() - 1));
    }

    @Test
    void rolloutPendingReadsWorkloadStatus() {
        Kube.Workloads doc = Json.bind("""
                {"items":[{"kind":"Deployment","metadata":{"name":"fe","generation":2},"spec":{"replicas":2},
                 "status":{"readyReplicas":2,"updatedReplicas":2,"observedGeneration":2}},
                {"kind":"Deployment","metadata":{"name":"be","generation":3},"spec":{"replicas":1},
                 "status":{"readyReplicas":1,"updatedReplicas":1,"observedGeneration":2}},
                {"kind":"StatefulSet","metadata":{"name":"pg","generation":1},"spec":{"replicas":1},"status":{"observedGeneration":1}}]}""", Kube.Workloads.class, "test input");
        assertEquals(List.of("Deployment/be 1/1 ready", "StatefulSet/pg 0/1 ready"), Release.rolloutPending(doc.items()));
    }

    @Test
    void wholeFlowInOrderThenASecondRunChangesNothing() {
        Path app = Toolkit.fixture(tmp.resolve("app"));
        Toolkit.World w = new Toolkit.World(tmp);
        Toolkit.Run r = deploy(w, app, Map.of()).expect(0);
        List<String> changes = w.allCalls().stream().filter(c -> c.startsWith("minikube start -p") || c.startsWith("kubectl --context tiny create")
                || c.startsWith("helm upgrade") || c.startsWith("kubectl --context tiny rollout") || c.startsWith("kubectl --context tiny port-forward")).toList();
        assertEquals(7, changes.size(), changes.toString());
        assertTrue(changes.get(0).startsWith("minikube start -p tiny"));
        assertEquals("kubectl --context tiny create namespace tiny-ns", changes.get(1));
        assertTrue(changes.get(2).startsWith("helm upgrade --install tiny " + app.resolve("chart")), changes.get(2));
        assertEquals("kubectl --context tiny rollout status deployment -n tiny-ns -l app.kubernetes.io/instance=tiny --timeout=6s", changes.get(3));
        assertEquals("kubectl --context tiny rollout status statefulset -n tiny-ns -l app.kubernetes.io/instance=tiny --timeout=6s", changes.get(4));
        assertTrue(changes.get(5).contains("port-forward -n tiny-ns --address 127.0.0.1 svc/tiny-backend :8000"), changes.get(5));
        assertTrue(changes.get(6).contains("svc/tiny-frontend :3000"), changes.get(6));
        String values = Toolkit.read(w.state.resolve("state.json")); // the fake helm keeps the values it read on stdin
        Matcher tag = Pattern.compile("\"repository\":\\s*\"taskora-test/frontend\",\\s*\"tag\":\\s*\"(sha-[0-9a-f]{12})\"").matcher(values);
        assertTrue(tag.find(), values);
        assertTrue(r.out().contains("taskora-test/frontend:" + tag.group(1)), "helm gets the tag build-images made");
        assertTrue(Toolkit.docker("image", "inspect", "taskora-test/frontend:" + tag.group(1)).exit() == 0, "the image exists in the store");
        for (String step : List.of("preflight", "checks", "minikube profile", "build images", "secrets", "helm upgrade --install", "rollout", "smoke", "total"))
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith(step + " ")), "summary row " + step + ":\n" + r.out());
        assertTrue(r.out().contains("Taskora is up: "), r.out());
        assertTrue(r.out().contains("smoke: 14 passed, 0 failed"), r.out());
        // Minikube's docker-env belongs to docker's command lines only (issue 14.2).
        for (String line : Toolkit.read(w.state.resolve("calls.jsonl")).split("\n")) {
            if (line.isBlank()) continue;
            Object call = Toolkit.json(line);
            if (List.of("kubectl", "helm").contains(Json.text(call, "tool")))
                assertEquals("{}", Json.write(Json.at(call, "env")), "no docker-env leaks into " + line);
        }
        assertTrue(r.out().contains("DOCKER_BUILDKIT=1 DOCKER_HOST=unix:///var/run/docker.sock MINIKUBE_ACTIVE_DOCKERD=tiny docker build -f "),
                "the plan shows the environment docker builds run with:\n" + r.out());

        int before = w.allCalls().size();
        Toolkit.Run again = deploy(w, app, Map.of(), "--skip-smoke").expect(0);
        List<String> later = w.allCalls().subList(before, w.allCalls().size());
        assertTrue(later.stream().noneMatch(c -> c.startsWith("helm upgrade") || c.startsWith("minikube start -p") || c.contains(" create ")),
                "a second run with nothing changed changes nothing: " + later);
        assertFalse(again.out().contains("docker build -f"), again.out());
        assertTrue(again.out().contains("is up to date; helm not run"), again.out());
        assertTrue(again.out().contains("the chart generates the Secret once and keeps it"), again.out());
    }

    /** "Up to date, helm not run" only while the release's workloads exist and are ready (issue 11.4). */
    @Test
    @SuppressWarnings("unchecked")
    void anUnchangedReleaseRunsHelmAgainWhenAWorkloadIsUnreadyOrGone() throws Exception {
        Path app = Toolkit.fixture(tmp.resolve("app"));
        Toolkit.World w = new Toolkit.World(tmp);
        deploy(w, app, Map.of(), "--skip-smoke").expect(0);
        String[][] cases = {{"tiny-backend", "unready", "Deployment/tiny-backend has 0/1 ready"},
                            {"tiny-frontend", "gone", "Deployment/tiny-frontend is missing"}};
        for (String[] c : cases) {
            Path statePath = w.state.resolve("state.json");
            Map<String, Object> state = (Map<String, Object>) Toolkit.json(Files.readString(statePath));
            for (Object objs : ((Map<?, ?>) state.get("objects")).values()) {
                List<Object> list = (List<Object>) objs;
                for (Object o : List.copyOf(list))
                    if (Json.text(o, "kind").equals("Deployment") && Json.text(o, "metadata", "name").equals(c[0])) {
                        if (c[1].equals("gone")) list.remove(o);
                        else ((Map<String, Object>) ((Map<?, ?>) o).get("status")).put("readyReplicas", 0);
                    }
            }
            Files.writeString(statePath, Json.write(state));
            int before = w.allCalls().size();
            Toolkit.Run again = deploy(w, app, Map.of(), "--skip-smoke").expect(0);
            List<String> later = w.allCalls().subList(before, w.allCalls().size());
            assertTrue(again.out().contains("matches, but " + c[2] + ": helm runs again"), again.out());
            assertTrue(later.stream().anyMatch(l -> l.startsWith("helm upgrade")), c[1] + ": helm ran again: " + later);
        }
        Toolkit.Run settled = deploy(w, app, Map.of(), "--skip-smoke").expect(0);
        assertTrue(settled.out().contains("is up to date; helm not run"), settled.out());
    }

    @Test
    void aRolloutThatDoesNotFinishNamesTheWorkload() {
        Path app = Toolkit.fixture(tmp.resolve("app"));
        Toolkit.World w = new Toolkit.World(tmp);
        Toolkit.Run r = deploy(w, app, Map.of("FAKE_POD_NOT_READY", "backend"), "--skip-smoke").expect(Exit.CHECK_FAILED);
        assertTrue(r.err().contains("not rolled out within 6s: Deployment/tiny-backend 0/1 ready"), r.err());
        assertTrue(r.out().contains("$ kubectl --context tiny rollout status deployment -n tiny-ns -l app.kubernetes.io/instance=tiny --timeout=6s"), r.out());
    }

    @Test
    void anExistingSecretIsNeverOverwritten() {
        Path app = Toolkit.fixture(tmp.resolve("app"));
        Toolkit.World w = new Toolkit.World(tmp);
        w.writeState("{\"namespaces\":[\"tiny-ns\"],\"secrets\":{\"tiny-ns/tiny-secrets\":{\"kind\":\"Secret\",\"metadata\":{\"name\":\"tiny-secrets\","
                + "\"namespace\":\"tiny-ns\"},\"data\":{\"database-password\":\"b2xk\",\"jwt-secret\":\"b2xk\",\"mcp-service-token\":\"b2xk\",\"llm-api-key\":\"b2xk\"}}}}");
        deploy(w, app, Map.of(), "--skip-smoke").expect(0);
        assertEquals("b2xk", Json.text(w.stateJson(), "secrets", "tiny-ns/tiny-secrets", "data", "jwt-secret"));
        assertTrue(w.calls("kubectl").stream().noneMatch(c -> c.contains(" create ")), w.calls("kubectl").toString());
        assertTrue(Pattern.compile("\"existingSecret\":\\s*\"tiny-secrets\"").matcher(Toolkit.read(w.state.resolve("state.json"))).find(),
                "helm read existingSecret=tiny-secrets on stdin");
    }

    @Test
    void aSecretMissingKeysStopsTheDeployWithoutTouchingIt() {
        Path app = Toolkit.fixture(tmp.resolve("app"));
        Toolkit.World w = new Toolkit.World(tmp);
        w.writeState("{\"namespaces\":[\"tiny-ns\"],\"secrets\":{\"tiny-ns/tiny-secrets\":{\"kind\":\"Secret\",\"metadata\":{\"name\":\"tiny-secrets\","
                + "\"namespace\":\"tiny-ns\"},\"data\":{\"jwt-secret\":\"b2xk\"}}}}");
        Toolkit.Run r = deploy(w, app, Map.of(), "--skip-smoke").expect(Exit.CHECK_FAILED);
        assertTrue(r.err().contains("lacks key(s) database-password, mcp-service-token, llm-api-key; it is never overwritten"), r.err());
        assertTrue(w.calls("helm").stream().noneMatch(c -> c.startsWith("helm upgrade")));
        assertTrue(w.calls("minikube").stream().noneMatch(c -> c.startsWith("minikube start -p")) && !r.out().contains("docker build -f"),
                "caught in the checks, before anything changes: " + w.allCalls());
    }

    @Test
    void aFailedUpgradeRollsBackAndSaysSo() {
        Path app = Toolkit.fixture(tmp.resolve("app"));
        Toolkit.World w = new Toolkit.World(tmp);
        deploy(w, app, Map.of(), "--skip-smoke").expect(0);
        Toolkit.Run r = deploy(w, app, Map.of("FAKE_HELM_FAIL", "1"), "--skip-smoke", "--set", "chart.timeout=7m").expect(Exit.ROLLED_BACK);
        assertTrue(r.err().contains("helm upgrade of tiny failed; rolled back to revision 3 (Rollback to 1)"), r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("helm upgrade --install") && l.contains("FAIL")), r.out());
        assertTrue(w.calls("helm").stream().filter(c -> c.startsWith("helm upgrade")).allMatch(c -> c.contains("--atomic")));
        assertFalse(r.out().contains("==> smoke"), "nothing runs after the failed step");
    }

    @Test
    void aFailedFirstInstallIsRemovedAndSaysSo() {
        Path app = Toolkit.fixture(tmp.resolve("app"));
        Toolkit.World w = new Toolkit.World(tmp);
        Toolkit.Run r = deploy(w, app, Map.of("FAKE_HELM_FAIL", "1"), "--skip-smoke").expect(Exit.ROLLED_BACK);
        assertTrue(r.err().contains("helm install of tiny failed and the release was removed"), r.err());
    }

    @Test
    void helm4GetsRollbackOnFailure() {
        Path app = Toolkit.fixture(tmp.resolve("app"));
        Toolkit.World w = new Toolkit.World(tmp);
        deploy(w, app, Map.of("FAKE_HELM_VERSION", "v4.0.1"), "--skip-smoke").expect(0);
        String up = w.calls("helm").stream().filter(c -> c.startsWith("helm upgrade")).findFirst().orElseThrow();
        assertTrue(up.contains("--rollback-on-failure") && !up.contains("--atomic"), up);
    }

    @Test
    void dryRunPrintsTheOrderedPlanAndChangesNothing() {
        Path app = Toolkit.fixture(tmp.resolve("app"));
        Toolkit.World w = new Toolkit.World(tmp);
        Toolkit.Run r = deploy(w, app, Map.of(), "--dry-run").expect(0);
        String out = r.out();
        int start = out.indexOf("[dry-run] $ minikube start -p tiny"),
                build = out.indexOf("[dry-run] $ eval $(minikube -p tiny docker-env) && DOCKER_BUILDKIT=1 docker build"),
                ns = out.indexOf("[dry-run] $ kubectl --context tiny create namespace tiny-ns"),
                helm = out.indexOf("[dry-run] $ helm upgrade --install tiny"),
                rollout = out.indexOf("[dry-run] $ kubectl --context tiny rollout status deployment -n tiny-ns -l app.kubernetes.io/instance=tiny");
        assertTrue(start >= 0 && start < build && build < ns && ns < helm && helm < rollout, "ordered, copyable plan:\n" + out);
        assertTrue(out.contains("dry run: 7 command(s) planned, none run; every check passed"), out);
        assertTrue(w.allCalls().stream().noneMatch(c -> c.startsWith("minikube start -p") || c.contains(" create ") || c.startsWith("helm upgrade")),
                w.allCalls().toString());
        for (String ref : images) assertTrue(Toolkit.docker("image", "inspect", ref).exit() != 0, "no image built: " + ref);
    }

    /** minikube.cni in the plan's `minikube start`; NetworkPolicies on with a CNI that ignores them: a warning, the plan goes on. */
    @Test
    void dryRunStartsTheProfileWithTheCniAndWarnsWhenPoliciesWouldNotBeEnforced() {
        Path app = Toolkit.fixture(tmp.resolve("app"));
        Toolkit.World w = new Toolkit.World(tmp);
        Toolkit.Run bare = deploy(w, app, Map.of(), "--dry-run", "--set", "chart.values.networkPolicy.enabled=true").expect(0);
        assertTrue(bare.out().contains("warning: NetworkPolicy CNI: auto (minikube.cni; no profile tiny yet) does not enforce NetworkPolicies"), bare.out());
        assertTrue(bare.out().contains("[dry-run] $ minikube start -p tiny --driver=docker --cpus=2 --memory=2048mb --disk-size=5g --addons=ingress"),
                "no --cni when minikube.cni is empty: " + bare.out());
        Toolkit.Run calico = deploy(w, app, Map.of(), "--dry-run", "--set", "chart.values.networkPolicy.enabled=true", "--set", "minikube.cni=calico")
                .expect(0);
        assertTrue(calico.out().contains("[dry-run] $ minikube start -p tiny --driver=docker --cpus=2 --memory=2048mb --disk-size=5g --cni=calico --addons=ingress"),
                calico.out());
        assertFalse(calico.out().contains("warning:"), calico.out());
        assertTrue(w.allCalls().stream().noneMatch(c -> c.startsWith("minikube start -p")), w.allCalls().toString());
    }

    @Test
    void targetContextSkipsMinikubeAndUsesTheContext() {
        Path app = Toolkit.fixture(tmp.resolve("app"));
        Toolkit.World w = new Toolkit.World(tmp);
        Toolkit.Run r = deploy(w, app, Map.of(), "--context", "kind-test", "--set", "minikube.cpus=256").expect(0);
        assertEquals(List.of("minikube version --short"), w.calls("minikube"), "preflight only reports minikube (optional); nothing else asks it");
        assertTrue(r.out().contains("image store: the local Docker engine"));
        assertTrue(w.calls("helm").stream().anyMatch(c -> c.startsWith("helm upgrade") && c.contains("--kube-context kind-test")));
        assertTrue(w.calls("kubectl").stream().filter(c -> !c.startsWith("kubectl version")).allMatch(c -> c.startsWith("kubectl --context kind-test")),
                w.calls("kubectl").toString());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("minikube profile") && l.contains("skipped (target is context)")));
    }

    @Test
    void aFailedPreflightStopsBeforeAnythingChanges() {
        Path app = Toolkit.fixture(tmp.resolve("app"));
        Toolkit.World w = new Toolkit.World(tmp, "kubectl", "helm");
        Toolkit.Run r = deploy(w, app, Map.of()).expect(Exit.CHECK_FAILED);
        assertTrue(r.err().contains("preflight failed: minikube"), r.err());
        assertTrue(w.allCalls().stream().noneMatch(c -> c.contains(" create ") || c.startsWith("helm upgrade")), w.allCalls().toString());
        assertFalse(r.out().contains("docker build"));
    }

    @Test
    void aFailedSmokeFailsTheDeploy() {
        Path app = Toolkit.fixture(tmp.resolve("app"));
        Toolkit.World w = new Toolkit.World(tmp);
        Toolkit.Run r = deploy(w, app, Map.of("FAKE_APP_CHAT_BROKEN", "1")).expect(Exit.CHECK_FAILED);
        assertTrue(r.out().contains("FAIL  task from chat listed"), r.out());
        assertTrue(r.err().contains("1 smoke check(s) failed"), r.err());
        assertFalse(r.out().contains("Taskora is up"), "no URL after a failed smoke test");
    }
}

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ai-ops as a process, against the fake kubectl and helm (tests/fakes): what it runs, what it
 * refuses, what it changes only when confirmed, and the audit log it keeps.
 */
class AiOpsTest {
    @TempDir Path tmp;
    Toolkit.World w;
    Path audit;

    @BeforeEach
    void installRelease() {
        w = new Toolkit.World(tmp, "kubectl", "helm");
        audit = tmp.resolve("audit.jsonl");
        Toolkit.exec(List.of(w.bin.resolve("helm").toString(), "upgrade", "--install", "taskora", Toolkit.REPO.resolve("charts/taskora").toString(),
                "-n", "taskora", "--create-namespace"), w.env, Toolkit.REPO, null, 60).expect(0);
        Toolkit.write(w.state.resolve("calls.jsonl"), ""); // the calls below are ai-ops' own
    }

    Toolkit.Run aiOps(String... args) {
        List<String> a = new ArrayList<>(List.of("--set", "aiOps.auditLog=" + audit));
        a.addAll(List.of(args));
        return w.script("AiOps", a.toArray(String[]::new));
    }

    List<Object> auditLines() {
        List<Object> out = new ArrayList<>();
        for (String l : Toolkit.read(audit).split("\n")) if (!l.isBlank()) out.add(Toolkit.json(l));
        return out;
    }

    List<String> changes() {
        return w.allCalls().stream().filter(c -> Intents.writes(List.of(c.split(" ")))).toList();
    }

    @Test
    void helpNamesTheVerbsTheAuditLogAndTheExitCodes() {
        Toolkit.Run r = w.script("AiOps", "--help").expect(0);
        assertTrue(r.out().startsWith("Usage: ai-ops "), r.out());
        String help = r.out().replaceAll(" +", " ");
        for (String s : List.of("scale COMPONENT N", "rollback [REVISION]", "ai-ops-audit.jsonl", "aiOps.auditLog", "--yes", "--dry-run",
                "\n 6 a change was not confirmed", "\n 7 refused", "\n 70 unexpected error (a bug: please report it)", "\n 130 interrupted (Ctrl-C)", "\n 143 terminated (a TERM signal)"))
            assertTrue(help.contains(s), s + " in:\n" + r.out());
        // one subcommand per verb, each with the line Intents.Verb gives it
        String commands = r.out().substring(r.out().indexOf("\nCommands:\n"));
        for (Intents.Verb v : Intents.Verb.values())
            assertTrue(commands.contains("\n  " + v.word() + " "), v.word() + " in:\n" + commands);
        Toolkit.Run scale = w.script("AiOps", "scale", "--help").expect(0);
        assertTrue(scale.out().startsWith("Usage: ai-ops scale ") && scale.out().contains("COMPONENT N"), scale.out());
    }

    /** The command line as picocli reads it: options first; a verb with typed arguments, or one request. */
    @Test
    void theArgumentsAreArrangedIntoAVerbOrOneRequest() {
        picocli.CommandLine.Model.CommandSpec spec = new picocli.CommandLine(new AiOps()).getCommandSpec();
        assertEquals(List.of("--yes", "scale", "backend", "3"), List.of(AiOps.arrange(spec, new String[] {"scale", "backend", "3", "--yes"})));
        assertEquals(List.of("--set", "a=b", "--set", "c=d", "rollback", "2"),
                List.of(AiOps.arrange(spec, new String[] {"--set", "a=b", "rollback", "2", "--set", "c=d"})));
        assertEquals(List.of("--dry-run", "scale the API to three pods"),
                List.of(AiOps.arrange(spec, new String[] {"scale", "the", "API", "to", "three", "pods", "--dry-run"})));
        assertEquals(List.of("--since", "1h", "show me recent errors"), List.of(AiOps.arrange(spec, new String[] {"show", "me", "--since", "1h", "recent", "errors"})));
        assertEquals(List.of("scale", "backend", "-1"), List.of(AiOps.arrange(spec, new String[] {"scale", "backend", "-1"})));
        assertEquals(List.of("status", "foo", "bar"), List.of(AiOps.arrange(spec, new String[] {"status", "foo", "bar"})));
        assertEquals(List.of("scale", "--help"), List.of(AiOps.arrange(spec, new String[] {"scale", "--help"})));
    }

    /**
     * Issue 21.4 and 20.5: the audit log's default home is $HOME's (XDG_STATE_HOME unset), not Java's
     * user.home, and it is the owner's alone: folder 0700, file 0600 (before: user.home, 0755/0644).
     */
    @Test
    void theAuditLogLivesUnderHomeAndIsPrivate() throws Exception {
        Path home = tmp.resolve("home");
        Map<String, String> env = new java.util.HashMap<>();
        env.put("HOME", home.toString());
        env.put("XDG_STATE_HOME", null);
        w.script("AiOps", env, "scale", "backend", "2").expect(AiOps.NOT_CONFIRMED);
        Path log = home.resolve(".local/state/taskora/ai-ops-audit.jsonl");
        assertTrue(Toolkit.read(log).contains("\"outcome\":\"not confirmed\""), Toolkit.read(log));
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(java.nio.file.Files.getPosixFilePermissions(log.getParent())));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(java.nio.file.Files.getPosixFilePermissions(log)));
    }

    /** A typed argument that does not parse is refused with exit 2, naming it; nothing runs, nothing is audited. */
    @Test
    void aTypedArgumentThatDoesNotParseIsRefused() {
        Map<List<String>, String> cases = new java.util.LinkedHashMap<>();
        cases.put(List.of("rollback", "v1"), "ai-ops: error: Invalid value for positional parameter at index 0 (REVISION): 'v1' is not an int");
        cases.put(List.of("rollback", "4x"), "ai-ops: error: Invalid value for positional parameter at index 0 (REVISION): '4x' is not an int");
        cases.put(List.of("scale", "backend", "x"), "ai-ops: error: Invalid value for positional parameter at index 1 (N): 'x' is not an int");
        cases.put(List.of("scale", "api", "3"), "ai-ops: error: Invalid value for positional parameter at index 0 (COMPONENT): "
                + "'api' is not a component: frontend, backend, mcp-server, postgresql");
        cases.put(List.of("diagnose", "nosuchthing"), "ai-ops: error: Invalid value for positional parameter at index 0 (COMPONENT|POD): "
                + "'nosuchthing' is neither a component (frontend, backend, mcp-server, postgresql) nor a pod name (ai-ops status lists them)");
        cases.put(List.of("status", "foo", "bar"), "ai-ops: error: Invalid value for positional parameter at index 0 (COMPONENT): "
                + "'foo' is not a component: frontend, backend, mcp-server, postgresql");
        cases.put(List.of("status", "backend", "bar"), "ai-ops: error: Unmatched argument at index 4: 'bar'");
        cases.put(List.of("rollback", "2", "3"), "ai-ops: error: Unmatched argument at index 4: '3'");
        for (Map.Entry<List<String>, String> c : cases.entrySet()) {
            Toolkit.Run r = aiOps(c.getKey().toArray(String[]::new)).expect(Exit.USAGE);
            assertEquals(c.getValue(), r.err().lines().findFirst().orElse(""), c.getKey().toString());
            assertEquals("", r.out(), c.getKey() + ": nothing was understood or run");
        }
        assertEquals(List.of(), w.allCalls(), "nothing was run");
        assertFalse(java.nio.file.Files.exists(audit), "nothing was audited");
    }

    /** Plain language unquoted, even when it opens with a verb, is one request, translated and run as its verb. */
    @Test
    void plainLanguageUnquotedIsOneRequest() {
        Toolkit.Run r = aiOps("--dry-run", "scale", "the", "API", "to", "three", "pods").expect(0);
        assertEquals(List.of("understood as: ai-ops scale backend 3",
                "[dry-run] would run: kubectl --context taskora scale deployments,statefulsets -l app.kubernetes.io/instance=taskora,app.kubernetes.io/component=backend --replicas=3 -n taskora"),
                r.out().lines().toList());
        Toolkit.Run e = aiOps("--json", "show", "me", "recent", "errors", "--since", "2h").expect(0);
        Object doc = Toolkit.json(e.out());
        assertEquals("show me recent errors", Json.text(doc, "request"));
        assertEquals(Map.of("verb", "errors", "since", "2h"), Map.of("verb", Json.text(doc, "understood", "verb"), "since", Json.text(doc, "understood", "since")));
        assertTrue(e.err().startsWith("understood as: ai-ops errors --since 2h\n"), e.err());
        Toolkit.Run typed = aiOps("--json", "errors", "backend").expect(0);
        assertEquals("errors backend", Json.text(Toolkit.json(typed.out()), "request"));
    }

    /** The translation needs no cluster: no kubectl or helm is even on PATH. */
    @Test
    void dryRunJsonTranslatesWithoutACluster() {
        Toolkit.World bare = new Toolkit.World(tmp.resolve("bare"), "minikube");
        Toolkit.Run r = bare.script("AiOps", "--set", "aiOps.auditLog=" + audit, "--dry-run", "--json", "scale the API to three pods").expect(0);
        Object doc = Toolkit.json(r.out());
        assertEquals(Map.of("verb", "scale", "component", "backend", "replicas", 3), Map.of("verb", Json.at(doc, "understood", "verb"),
                "component", Json.at(doc, "understood", "component"), "replicas", Json.at(doc, "understood", "replicas")));
        assertTrue(((Map<?, ?>) Json.at(doc, "understood")).containsKey("revision") && ((Map<?, ?>) Json.at(doc, "understood")).containsKey("since"));
        assertEquals(true, Json.at(doc, "mutating"));
        assertEquals(List.of("kubectl --context taskora scale deployments,statefulsets -l app.kubernetes.io/instance=taskora,app.kubernetes.io/component=backend --replicas=3 -n taskora"),
                Json.items(doc, "commands"));
        assertTrue(r.err().contains("understood as: ai-ops scale backend 3"), r.err());
        Object unclear = Toolkit.json(bare.script("AiOps", "--dry-run", "--json", "make me a sandwich").expect(2).out());
        assertEquals(null, Json.at(unclear, "understood"));
        assertEquals(false, Json.at(unclear, "mutating"));
        assertEquals(List.of(), Json.items(unclear, "commands"));
        assertEquals(List.of(), bare.allCalls(), "nothing was run");
    }

    @Test
    void aChangeRunsOnlyWithYesAndIsAudited() {
        Toolkit.Run no = aiOps("scale the backend to 2 replicas").expect(AiOps.NOT_CONFIRMED);
        assertTrue(no.out().startsWith("understood as: ai-ops scale backend 2\n"), "the translation comes first:\n" + no.out());
        String cmd = "kubectl --context taskora scale deployments,statefulsets -l app.kubernetes.io/instance=taskora,app.kubernetes.io/component=backend --replicas=2 -n taskora";
        assertTrue(no.out().contains(cmd), "the exact command is shown:\n" + no.out());
        assertTrue(no.out().contains("not run: nothing changed. To run it: ai-ops scale backend 2 --yes"), no.out());
        assertEquals(List.of(), changes(), "nothing changed without --yes");

        Toolkit.Run yes = aiOps("scale the backend to 2 replicas", "--yes").expect(0);
        assertTrue(yes.out().contains("Deployment/taskora-backend 2/2 ready") && yes.out().contains("done"), yes.out());
        assertEquals(List.of(cmd), changes());
        assertEquals(2L, workload("backend").get("replicas"));

        List<Object> lines = auditLines();
        assertEquals(List.of("not confirmed", "started", "done"), lines.stream().map(l -> Json.text(l, "outcome")).toList());
        for (Object l : lines) {
            assertEquals("scale the backend to 2 replicas", Json.text(l, "request"));
            assertEquals("scale", Json.text(l, "verb"));
            assertEquals(List.of(cmd), Json.items(l, "commands"));
            assertFalse(Json.text(l, "time").isEmpty());
        }
    }

    /** On a terminal (a pty from util-linux `script`), a typed "y" confirms and anything else declines. */
    @Test
    void onATerminalATypedYConfirms() {
        String java = String.join(" ", List.of(Toolkit.javaBin(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp",
                System.getProperty("java.class.path"), "AiOps", "--set", "aiOps.auditLog=" + audit, "restart", "frontend"));
        Toolkit.Run no = Toolkit.exec(List.of("script", "-qec", java, "/dev/null"), w.env, Toolkit.REPO, "n\n", 120);
        assertEquals(AiOps.NOT_CONFIRMED, no.exit(), no.out());
        assertTrue(no.out().contains("run it? [y/N]"), no.out());
        assertEquals(List.of(), changes());
        Toolkit.Run yes = Toolkit.exec(List.of("script", "-qec", java, "/dev/null"), w.env, Toolkit.REPO, "y\n", 120);
        assertEquals(0, yes.exit(), yes.out());
        assertEquals(1, changes().size(), changes().toString());
        assertEquals(List.of("not confirmed", "started", "done"), auditLines().stream().map(l -> Json.text(l, "outcome")).toList());
    }

    @Test
    void noRequestIsBadInput() {
        Toolkit.Run r = aiOps().expect(Exit.USAGE);
        assertTrue(r.err().contains("ai-ops: error: no request given"), r.err());
    }

    Map<String, Object> workload(String component) {
        for (Object o : Json.items(w.stateJson(), "objects", "taskora/taskora"))
            if (component.equals(Json.text(o, "metadata", "labels", "app.kubernetes.io/component")) && !"Pod".equals(Json.text(o, "kind"))
                    && Json.at(o, "spec", "replicas") != null)
                return Map.of("replicas", Json.number(o, "spec", "replicas"));
        throw new AssertionError("no workload " + component);
    }

    @Test
    void refusalsChangeNothingAndAreAudited() {
        Toolkit.Run big = aiOps("scale the backend to 11", "--yes").expect(AiOps.REFUSED);
        assertTrue(big.out().contains("refused: 11 replicas is out of bounds: 0 to 10 (aiOps.maxReplicas in taskora.yaml)"), big.out());
        aiOps("scale postgresql 2", "--yes").expect(AiOps.REFUSED);
        aiOps("--set", "aiOps.maxReplicas=20", "scale backend 11", "--dry-run").expect(0);
        Toolkit.Run del = aiOps("delete the namespace", "--yes").expect(AiOps.REFUSED);
        assertTrue(del.out().contains("refused: ai-ops never deletes anything"), del.out());
        Toolkit.Run rev = aiOps("rollback 9", "--yes").expect(AiOps.REFUSED);
        assertTrue(rev.out().contains("refused: release taskora has no revision 9 (revisions: 1; ai-ops history)"), rev.out());
        Toolkit.Run unclear = aiOps("scale up the backend", "--yes").expect(Exit.USAGE);
        assertTrue(unclear.out().contains("not understood: how many replicas?") && unclear.out().contains("examples:"), unclear.out());
        assertEquals(List.of(), changes(), "nothing changed");
        List<String> outcomes = auditLines().stream().map(l -> Json.text(l, "outcome")).toList();
        assertEquals(List.of("refused: 11 replicas is out of bounds: 0 to 10 (aiOps.maxReplicas in taskora.yaml)",
                "refused: PostgreSQL runs as one instance (each replica would get its own empty volume); it scales to 0 or 1 only",
                "dry-run", "refused", "refused: release taskora has no revision 9 (revisions: 1; ai-ops history)"), outcomes);
    }

    @Test
    void rollbackGoesToTheLastGoodRevisionWithTheExactHelmCommand() {
        Toolkit.exec(List.of(w.bin.resolve("helm").toString(), "upgrade", "--install", "taskora", Toolkit.REPO.resolve("charts/taskora").toString(), "-n", "taskora",
                "--set", "backend.image.tag=two"), w.env, Toolkit.REPO, null, 60).expect(0);
        Toolkit.Run r = aiOps("roll back the last release", "--yes").expect(0);
        assertTrue(r.out().contains("understood as: ai-ops rollback"), r.out());
        assertTrue(r.out().contains("helm rollback taskora 1 -n taskora --kube-context taskora --wait --timeout 10m"), r.out());
        Toolkit.Run h = aiOps("history").expect(0);
        assertTrue(h.out().contains("Rollback to 1"), h.out());
        Toolkit.Run cur = aiOps("rollback 3", "--yes").expect(AiOps.REFUSED);
        assertTrue(cur.out().contains("revision 3 is the current one"), cur.out());
    }

    @Test
    void statusDiagnoseAndUnhealthyOnAHealthyThenABrokenRelease() {
        Toolkit.Run ok = aiOps("status").expect(0);
        assertTrue(ok.out().contains("no problems found") && ok.out().contains("Deployment/taskora-backend"), ok.out());
        assertTrue(aiOps("are all pods healthy?").expect(0).out().contains("all healthy: 4 pod(s)"));
        // the backend's pod cannot pull its image
        Object doc = w.stateJson();
        for (Object o : Json.items(doc, "objects", "taskora/taskora")) {
            if (!"taskora-backend-0".equals(Json.text(o, "metadata", "name"))) continue;
            @SuppressWarnings("unchecked") Map<String, Object> st = (Map<String, Object>) Json.at(o, "status");
            st.put("conditions", List.of(Map.of("type", "Ready", "status", "False")));
            st.put("containerStatuses", List.of(Map.of("name", "backend", "ready", false, "restartCount", 0,
                    "state", Map.of("waiting", Map.of("reason", "ImagePullBackOff", "message", "Back-off pulling image \"taskora/backend:nope\"")))));
            @SuppressWarnings("unchecked") Map<String, Object> c = (Map<String, Object>) Json.at(o, "spec", "containers", 0);
            c.put("name", "backend");
            c.put("image", "taskora/backend:nope");
        }
        w.writeState(Json.write(doc));
        Toolkit.Run bad = aiOps("why is the backend failing").expect(Exit.CHECK_FAILED);
        assertTrue(bad.out().startsWith("understood as: ai-ops diagnose backend\n"), bad.out());
        assertTrue(bad.out().contains("image taskora/backend:nope is not present on the node and cannot be pulled (ImagePullBackOff"), bad.out());
        assertTrue(bad.out().contains("fix: build and load that image"), bad.out());
        Toolkit.Run un = aiOps("unhealthy").expect(Exit.CHECK_FAILED);
        assertTrue(un.out().contains("1 of 4 pod(s) not Running and Ready") && un.out().contains("ImagePullBackOff"), un.out());
        Object js = Toolkit.json(aiOps("--json", "status").expect(Exit.CHECK_FAILED).out());
        assertEquals("ProblemDetected", Json.text(js, "result", "diagnosis", "status"));
        assertEquals("backend", Json.text(js, "result", "diagnosis", "results", 0, "component"));
        assertEquals(List.of(), changes());
    }

    @Test
    void errorsAreTheErrorLinesNewestFirstWithThePreviousContainer() {
        Object doc = w.stateJson();
        for (Object o : Json.items(doc, "objects", "taskora/taskora")) {
            if (!"taskora-backend-0".equals(Json.text(o, "metadata", "name"))) continue;
            @SuppressWarnings("unchecked") Map<String, Object> st = (Map<String, Object>) Json.at(o, "status");
            st.put("containerStatuses", List.of(Map.of("name", "backend", "ready", true, "restartCount", 1,
                    "state", Map.of("running", Map.of()), "lastState", Map.of("terminated", Map.of("exitCode", 1, "reason", "Error")))));
        }
        @SuppressWarnings("unchecked") Map<String, Object> m = (Map<String, Object>) doc;
        m.put("logs", Map.of(
                "taskora-backend-0/backend", String.join("\n",
                        "2026-12-01T08:00:01.000000000Z {\"ts\": \"2026-12-01T08:00:01.000+00:00\", \"level\": \"INFO\", \"msg\": \"request\", \"path\": \"/api/tasks\"}",
                        "2026-12-01T08:00:02.000000000Z {\"ts\": \"2026-12-01T08:00:02.000+00:00\", \"level\": \"ERROR\", \"msg\": \"tool server unavailable\", \"error\": \"connection refused\", \"request_id\": \"abc\"}",
                        "2026-12-01T08:00:03.000000000Z not json at all"),
                "taskora-backend-0/backend/previous",
                        "2026-12-01T07:59:00.000000000Z {\"ts\": \"2026-12-01T07:59:00.000+00:00\", \"level\": \"CRITICAL\", \"msg\": \"database unreachable\"}",
                "taskora-postgresql-0/postgresql", "2026-12-01T08:00:05.000000000Z 2026-12-01 08:00:05 UTC [42] ERROR:  relation \"nope\" does not exist"));
        w.writeState(Json.write(doc));
        Toolkit.Run r = aiOps("show me recent errors").expect(0);
        List<String> lines = r.out().lines().filter(l -> l.startsWith("2026-")).toList();
        assertEquals(3, lines.size(), r.out());
        assertTrue(lines.get(0).contains("taskora-postgresql-0/postgresql") && lines.get(0).contains("relation \"nope\" does not exist"), lines.get(0));
        assertTrue(lines.get(1).contains("taskora-backend-0/backend  ERROR  tool server unavailable error=connection refused request_id=abc"), lines.get(1));
        assertTrue(lines.get(2).contains("(previous container)") && lines.get(2).contains("CRITICAL  database unreachable"), lines.get(2));
        Toolkit.Run be = aiOps("errors", "backend").expect(0);
        assertFalse(be.out().contains("postgresql"), be.out());
    }

    @Test
    void usageIsAgainstRequestsAndLimitsOrSaysMetricsServerIsMissing() {
        Toolkit.Run none = aiOps("usage").expect(Exit.CHECK_FAILED);
        assertTrue(none.err().contains("metrics-server must run"), none.err());
        Object doc = w.stateJson();
        @SuppressWarnings("unchecked") Map<String, Object> m = (Map<String, Object>) doc;
        m.put("metrics", Map.of("taskora-backend-0", Map.of("backend", Map.of("cpu", "12500000n", "memory", "102400Ki"))));
        for (Object o : Json.items(doc, "objects", "taskora/taskora"))
            if ("taskora-backend-0".equals(Json.text(o, "metadata", "name"))) {
                @SuppressWarnings("unchecked") Map<String, Object> c = (Map<String, Object>) Json.at(o, "spec", "containers", 0);
                c.put("name", "backend");
                c.put("resources", Map.of("requests", Map.of("cpu", "100m", "memory", "192Mi"), "limits", Map.of("cpu", "1", "memory", "512Mi")));
            }
        w.writeState(Json.write(doc));
        Toolkit.Run r = aiOps("how much memory is the backend using").expect(0);
        String row = r.out().lines().filter(l -> l.startsWith("taskora-backend-0/backend")).findFirst().orElseThrow(() -> new AssertionError(r.out()));
        assertTrue(row.contains("13m") && row.contains("100m / 1 (1%)") && row.contains("100.0 MiB") && row.contains("192Mi / 512Mi (20%)"), row);
        // issue 21.6: the component asked about is kept (it was dropped: usage of everything)
        assertTrue(r.out().startsWith("understood as: ai-ops usage backend\n"), r.out());
        String sel = "app.kubernetes.io/instance=taskora,app.kubernetes.io/component=backend";
        assertTrue(w.calls("kubectl").contains("kubectl --context taskora get pods -l " + sel + " -o json -n taskora"), w.calls("kubectl").toString());
        assertTrue(w.calls("kubectl").stream().anyMatch(c -> c.contains("labelSelector=" + java.net.URLEncoder.encode(sel, java.nio.charset.StandardCharsets.UTF_8))),
                w.calls("kubectl").toString());
    }

    /** Issue 21.6: "is the api ok?" is the status of that one component: its workloads and pods only. */
    @Test
    void oneComponentsHealthIsItsStatus() {
        Toolkit.Run r = aiOps("is taskora-api ok?").expect(0);
        assertTrue(r.out().startsWith("understood as: ai-ops status backend\n"), r.out());
        List<String> pods = r.out().lines().filter(l -> l.startsWith("taskora-")).map(l -> l.split("\\s+")[0]).toList();
        assertTrue(!pods.isEmpty() && pods.stream().allMatch(p -> p.contains("backend")), r.out());
    }

    @Test
    void restartLogsEventsAndUrlAnswer() {
        Toolkit.Run r = aiOps("bounce the API", "--yes").expect(0);
        assertTrue(r.out().contains("kubectl --context taskora rollout restart deployments,statefulsets -l app.kubernetes.io/instance=taskora,app.kubernetes.io/component=backend -n taskora"), r.out());
        aiOps("events").expect(0);
        aiOps("logs", "backend").expect(0);
        Toolkit.Run u = aiOps("what's the url").expect(0);
        assertTrue(u.out().contains("port-forward svc/taskora-frontend 3000:3000"), u.out());
    }
}

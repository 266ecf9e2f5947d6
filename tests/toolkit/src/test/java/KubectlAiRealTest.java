import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ai-ops through the real kubectl-ai v0.0.28 (built from its tagged source by tests/lib/upstream.sh;
 * tests/toolkit/run builds it in the background and names the binary in KUBECTL_AI_READY), with a
 * scripted model server on 127.0.0.1 (tests/lib/model_server.py) in place of a hosted LLM, and the
 * fake kubectl and helm of tests/fakes as the cluster. The model server fails the test on any
 * request its script did not expect, and records what kubectl-ai sent: its tools and their
 * descriptions, and what the tools answered.
 */
class KubectlAiRealTest {
    static final String KEY = "sk-test-real-kubectl-ai-0123456789";
    static final Path CFG = Toolkit.FIXTURE.resolve("taskora.yaml");

    @TempDir Path tmp;
    Toolkit.World w;
    ModelServer server;

    @BeforeEach
    void world() throws Exception {
        w = new Toolkit.World(tmp.resolve("w"), "kubectl", "helm");
        Files.createSymbolicLink(w.bin.resolve("kubectl-ai"), ModelServer.kubectlAi());
        w.env.put("XDG_STATE_HOME", tmp.resolve("state").toString());
        w.env.put("TMPDIR", Files.createDirectories(tmp.resolve("tmp")).toString());
        w.env.put("HOME", Files.createDirectories(tmp.resolve("home")).toString());
        Toolkit.exec(List.of(w.bin.resolve("helm").toString(), "upgrade", "--install", "tiny", Toolkit.FIXTURE.resolve("chart").toString(), "-n", "tiny-ns",
                "--create-namespace"), w.env, Toolkit.REPO, null, 60).expect(0);
        Toolkit.write(w.state.resolve("calls.jsonl"), "");
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    /** Starts the scripted model server with these steps (JSON). */
    void model(String script) throws Exception {
        server = new ModelServer(tmp.resolve("model"), script);
    }

    Toolkit.Run aiops(String... args) {
        List<String> a = new ArrayList<>(List.of("--config", CFG.toString(), "--engine", "kubectl-ai", "--set", "aiOps.model=scripted"));
        a.addAll(List.of(args));
        return w.script("AiOps", server.env(KEY), a.toArray(String[]::new));
    }

    List<Object> requests() {
        return server.requests();
    }

    @Test
    void theRealKubectlAiIsV0028() throws Exception {
        Toolkit.Run v = Toolkit.exec(List.of(ModelServer.kubectlAi().toString(), "version"), Map.of(), tmp, null, 60).expect(0);
        System.out.println("kubectl-ai " + v.out().lines().findFirst().orElse(""));
        assertTrue(v.out().startsWith("version: v0.0.28\n"), v.out());
    }

    /** A read-only question: kubectl-ai runs kubectl (here the fake's cluster), the answer carries what it said. */
    @Test
    void aReadOnlyQuestionIsAnsweredFromWhatKubectlPrinted() throws Exception {
        model("""
                [{"expect": ["which pods of the backend are running", "taskora_scale", "$ helm history tiny",
                             "Run exactly this command, nothing added: kubectl scale deployment -n tiny-ns -l app.kubernetes.io/instance=tiny,app.kubernetes.io/component=COMPONENT --replicas=N"],
                  "reply": {"tool_calls": [{"name": "kubectl", "arguments": {"command": "kubectl get pods -n tiny-ns -l app.kubernetes.io/instance=tiny,app.kubernetes.io/component=backend -o json", "modifies_resource": "no"}}]}},
                 {"expect": ["tiny-backend-0"], "reply": {"content": "One backend pod: tiny-backend-0, Running."}}]
                """);
        Toolkit.Run r = aiops("which pods of the backend are running?").expect(0);
        assertTrue(r.out().contains("One backend pod: tiny-backend-0, Running."), r.out());
        assertFalse(r.all().contains("\u001B["), "no escape codes from kubectl-ai reach ai-ops' output:\n" + r.all());
        assertFalse(r.all().contains(KEY), "the key is nowhere in the output");
        assertEquals(2, requests().size());
        assertTrue(w.calls("kubectl").contains("kubectl get pods -n tiny-ns -l app.kubernetes.io/instance=tiny,app.kubernetes.io/component=backend -o json"),
                w.calls("kubectl").toString());
    }

    /** A change stops for approval: ai-ops shows the command, runs nothing, exits 6; a user config with skipPermissions: true changes nothing. */
    @Test
    void aChangeStopsForApprovalEvenWithSkipPermissionsInTheUsersConfig() throws Exception {
        Toolkit.write(tmp.resolve("home/.config/kubectl-ai/config.yaml"), "skipPermissions: true\n");
        model("""
                [{"expect": ["scale the backend to 3"],
                  "reply": {"tool_calls": [{"name": "kubectl", "arguments": {"command": "kubectl scale deployment tiny-backend -n tiny-ns --replicas=3", "modifies_resource": "yes"}}]}}]
                """);
        Toolkit.Run r = aiops("scale the backend to 3").expect(AiOps.NOT_CONFIRMED);
        assertTrue(r.out().contains("kubectl-ai stopped before a step that needs approval; nothing of it ran:\n    kubectl scale deployment tiny-backend -n tiny-ns --replicas=3"),
                r.out());
        assertTrue(w.calls("kubectl").stream().noneMatch(c -> c.contains(" scale ")), "nothing was scaled: " + w.calls("kubectl"));
        assertEquals(1, requests().size());
    }

    static final String SCALE = "kubectl scale deployment -n tiny-ns -l app.kubernetes.io/instance=tiny,app.kubernetes.io/component=backend --replicas=3";

    /** With --yes: kubectl-ai runs the change (--skip-permissions=true), audited with a started line first, then what ran. */
    @Test
    void withYesTheChangeRunsAndIsAuditedStartedLineFirst() throws Exception {
        model("""
                [{"expect": ["scale the backend to 3"],
                  "reply": {"tool_calls": [{"name": "kubectl", "arguments": {"command": "%s", "modifies_resource": "yes"}}]}},
                 {"expect": ["scaled"], "reply": {"content": "Scaled the backend to 3."}}]
                """.formatted(SCALE));
        Toolkit.Run r = aiops("--yes", "scale the backend to 3").expect(0);
        assertTrue(r.out().contains("Scaled the backend to 3."), r.out());
        assertTrue(w.calls("kubectl").contains(SCALE), "kubectl-ai ran it: " + w.calls("kubectl"));
        List<String> lines = Toolkit.read(tmp.resolve("state/taskora/ai-ops-audit.jsonl")).lines().toList();
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains("--skip-permissions=true") && lines.get(0).contains("\"outcome\":\"started with --yes (--skip-permissions)\""), lines.get(0));
        assertTrue(lines.get(1).contains(SCALE) && lines.get(1).contains("\"outcome\":\"ran with --yes\""), lines.get(1));
        assertFalse(String.join("\n", lines).contains(KEY) || r.all().contains(KEY), "the key is in no log or output");
        assertEquals(2, requests().size());
    }

    /** --json: the engine, its reason, the answer and the commands kubectl-ai ran, without escape codes. */
    @Test
    void jsonCarriesTheEngineTheAnswerAndWhatRan() throws Exception {
        model("""
                [{"expect": ["show me all pods that are not running"],
                  "reply": {"tool_calls": [{"name": "kubectl", "arguments": {"command": "kubectl get pods -n tiny-ns -l app.kubernetes.io/instance=tiny", "modifies_resource": "no"}}]}},
                 {"expect": ["tiny-backend-0"], "reply": {"content": "Every pod of tiny is Running."}}]
                """);
        Toolkit.Run r = aiops("--json", "show me all pods that are not running").expect(0);
        Object doc = Toolkit.json(r.out());
        assertEquals("kubectl-ai", Json.text(doc, "engine"));
        assertEquals("--engine kubectl-ai, provider openai", Json.text(doc, "engineReason"));
        assertTrue(Json.text(doc, "answer").contains("Every pod of tiny is Running."), r.out());
        assertEquals(List.of("kubectl get pods -n tiny-ns -l app.kubernetes.io/instance=tiny"), Json.items(doc, "ran"));
        assertFalse(r.out().contains("\u001B["), r.out());
    }

    /** No model server listening: kubectl-ai's own error, read from what it prints, as one line with the variable to check. */
    @Test
    void anUnreachableEndpointIsOneLineAndNonZero() throws Exception {
        List<String> a = new ArrayList<>(List.of("--config", CFG.toString(), "--engine", "kubectl-ai", "--set", "aiOps.model=scripted",
                "--set", "aiOps.timeoutSeconds=60", "show me all pods")); // bounded, should kubectl-ai not give up by itself
        Toolkit.Run r = w.script("AiOps", Map.of("OPENAI_API_KEY", KEY, "OPENAI_ENDPOINT", "http://127.0.0.1:9/v1"), // discard port: nothing listens
                a.toArray(String[]::new)).expect(Exit.COMMAND_FAILED);
        assertTrue(r.err().startsWith("ai-ops: error: kubectl-ai could not reach the LLM endpoint: "), r.err());
        assertTrue(r.err().contains("hint: check OPENAI_ENDPOINT (now http://127.0.0.1:9/v1)"), r.err());
        assertEquals(2, r.err().strip().lines().count(), "one line and a hint: " + r.err());
        assertFalse(r.all().contains(KEY), r.all());
    }

    /** Ctrl-C and TERM while kubectl-ai waits for the model: the private folder (the token's kubeconfig, the trace) is removed. */
    @Test
    void anInterruptedRunLeavesNoPrivateFolder() throws Exception {
        model("""
                [{"reply": {"content": "late", "delay": 60}}, {"reply": {"content": "late", "delay": 60}}]
                """);
        Path tmpdir = tmp.resolve("tmp");
        for (String signal : List.of("INT", "TERM")) {
            List<String> argv = Toolkit.defaultSigint(Toolkit.World.scriptCommand("AiOps", "--config", CFG.toString(), "--engine", "kubectl-ai",
                    "--set", "aiOps.model=scripted", "show me all pods"));
            ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(tmp.resolve("interrupted-" + signal + ".out").toFile());
            pb.environment().putAll(w.env);
            pb.environment().putAll(server.env(KEY));
            Process p = pb.start();
            long deadline = System.currentTimeMillis() + 60_000;
            while (requests().size() < (signal.equals("INT") ? 1 : 2) && System.currentTimeMillis() < deadline) Thread.sleep(200);
            assertEquals(1, Toolkit.listDir(tmpdir).size(), "the private folder exists while kubectl-ai runs: " + Toolkit.listDir(tmpdir));
            List<ProcessHandle> children = p.descendants().toList();
            Toolkit.exec(List.of("kill", "-" + signal, String.valueOf(p.pid())), Map.of(), tmp, null, 10).expect(0);
            assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "ai-ops exits on " + signal);
            for (ProcessHandle h : children) h.destroyForcibly(); // kubectl-ai, should it outlive ai-ops
            assertEquals(List.of(), Toolkit.listDir(tmpdir), "nothing left in TMPDIR after " + signal);
        }
    }
    /**
     * kubectl-ai v0.0.28 can stay after its answer (a race of its own: KubectlAi.agentLoopEnded).
     * A fake kubectl-ai stands in here, because the real one loses that race only on a busy
     * machine (it did so once in CI: a scale ran, then ai-ops waited out its 300 s and failed):
     * it answers, logs the line the real one logs when its loop ends, and sleeps. ai-ops stops it
     * and exits as kubectl-ai would have: 0 after an answer, non-zero after an error it printed.
     */
    @Test
    void aKubectlAiThatStaysAfterItsAnswerIsStoppedAndJudgedByWhatItPrinted() throws Exception {
        for (boolean error : List.of(false, true)) {
            Path fake = tmp.resolve("stays-" + error + "/kubectl-ai");
            Files.createDirectories(fake.getParent());
            Toolkit.write(fake, "#!/bin/sh\n"
                    + (error ? "echo 'Error: the model said no'\n" : "echo '  The backend has one pod, Running.'\n")
                    + "echo 'I1207 02:05:56.000000 1 conversation.go:353] \"" + KubectlAi.LOOP_ENDED + "\"' >>\"$TMPDIR/kubectl-ai.log\"\n"
                    + "exec sleep 120\n");
            fake.toFile().setExecutable(true);
            Files.deleteIfExists(w.bin.resolve("kubectl-ai"));
            Files.createSymbolicLink(w.bin.resolve("kubectl-ai"), fake);
            long t0 = System.nanoTime();
            Toolkit.Run r = w.script("AiOps", Map.of("OPENAI_API_KEY", KEY, "OPENAI_ENDPOINT", "http://127.0.0.1:9/v1"),
                    "--config", CFG.toString(), "--engine", "kubectl-ai", "--set", "aiOps.model=scripted", "which backend pods run?");
            long secs = (System.nanoTime() - t0) / 1_000_000_000L;
            assertTrue(secs < 60, "ai-ops stopped the kubectl-ai that stayed, after " + secs + " s, not its 300 s timeout");
            if (error) {
                r.expect(Exit.COMMAND_FAILED);
                assertTrue(r.err().contains("kubectl-ai failed: Error: the model said no"), r.err());
            } else {
                r.expect(0);
                assertTrue(r.out().contains("The backend has one pod, Running."), r.out());
            }
            assertEquals(List.of(), Toolkit.listDir(tmp.resolve("tmp")), "nothing left in TMPDIR");
        }
    }
}

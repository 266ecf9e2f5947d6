import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

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
    Process server;
    Path record;
    int port;

    /** The binary tests/toolkit/run built (or is building): its path, once the build has written it. */
    static Path kubectlAi() throws Exception {
        String ready = System.getenv("KUBECTL_AI_READY");
        assertTrue(ready != null && !ready.isBlank(), "KUBECTL_AI_READY is not set: run the suite with tests/toolkit/run (it builds kubectl-ai)");
        Path f = Path.of(ready);
        long deadline = System.currentTimeMillis() + TimeUnit.MINUTES.toMillis(20); // a cold build: about 4 minutes, longer on a busy machine
        while (!Files.isRegularFile(f) && System.currentTimeMillis() < deadline) Thread.sleep(2000);
        String answer = Files.isRegularFile(f) ? Files.readString(f).strip() : "";
        assertTrue(answer.startsWith("/") && Files.isExecutable(Path.of(answer)), "kubectl-ai was not built: " + answer);
        return Path.of(answer);
    }

    @BeforeEach
    void world() throws Exception {
        w = new Toolkit.World(tmp.resolve("w"), "kubectl", "helm");
        Files.createSymbolicLink(w.bin.resolve("kubectl-ai"), kubectlAi());
        w.env.put("XDG_STATE_HOME", tmp.resolve("state").toString());
        w.env.put("TMPDIR", Files.createDirectories(tmp.resolve("tmp")).toString());
        w.env.put("HOME", Files.createDirectories(tmp.resolve("home")).toString());
        Toolkit.exec(List.of(w.bin.resolve("helm").toString(), "upgrade", "--install", "tiny", Toolkit.FIXTURE.resolve("chart").toString(), "-n", "tiny-ns",
                "--create-namespace"), w.env, Toolkit.REPO, null, 60).expect(0);
        Toolkit.write(w.state.resolve("calls.jsonl"), "");
    }

    @AfterEach
    void stop() {
        if (server != null) server.destroy();
    }

    /** Starts the scripted model server with these steps (JSON), on a free port of 127.0.0.1. */
    void model(String script) throws Exception {
        Path s = tmp.resolve("script.json"), portFile = tmp.resolve("port");
        record = tmp.resolve("model-requests.jsonl");
        Files.writeString(s, script);
        server = new ProcessBuilder("python3", Toolkit.REPO.resolve("tests/lib/model_server.py").toString(), "--script", s.toString(),
                "--record", record.toString(), "--port-file", portFile.toString(), "--lifetime", "300")
                .redirectErrorStream(true).redirectOutput(tmp.resolve("model-server.log").toFile()).start();
        long deadline = System.currentTimeMillis() + 30_000;
        while (!Files.isRegularFile(portFile) && System.currentTimeMillis() < deadline) Thread.sleep(100);
        assertTrue(Files.isRegularFile(portFile), "the model server did not start: " + Toolkit.read(tmp.resolve("model-server.log")));
        port = Integer.parseInt(Files.readString(portFile).strip());
    }

    Toolkit.Run aiops(String... args) {
        List<String> a = new ArrayList<>(List.of("--config", CFG.toString(), "--engine", "kubectl-ai", "--set", "aiOps.model=scripted"));
        a.addAll(List.of(args));
        return w.script("AiOps", Map.of("OPENAI_API_KEY", KEY, "OPENAI_ENDPOINT", "http://127.0.0.1:" + port + "/v1"), a.toArray(String[]::new));
    }

    /** The requests the model server got; none it did not expect. */
    List<Object> requests() {
        List<Object> out = new ArrayList<>();
        for (String l : Toolkit.read(record).split("\n")) if (!l.isBlank()) out.add(Toolkit.json(l));
        for (Object r : out) assertEquals("", Json.text(r, "unexpected"), "the model server got a request its script did not expect");
        return out;
    }

    @Test
    void theRealKubectlAiIsV0028() throws Exception {
        Toolkit.Run v = Toolkit.exec(List.of(kubectlAi().toString(), "version"), Map.of(), tmp, null, 60).expect(0);
        System.out.println("kubectl-ai " + v.out().lines().findFirst().orElse(""));
        assertTrue(v.out().startsWith("version: v0.0.28\n"), v.out());
    }

    /** A read-only question: kubectl-ai runs kubectl (here the fake's cluster), the answer carries what it said. */
    @Test
    void aReadOnlyQuestionIsAnsweredFromWhatKubectlPrinted() throws Exception {
        model("""
                [{"expect": ["which pods of the backend are running", "taskora_release_status",
                             "Run exactly this command, nothing added: helm status tiny -n tiny-ns --kube-context tiny"],
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
}

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ai-ops with the AI tools, as whole flows through the fakes of tests/fakes (kubectl-ai v0.0.28,
 * `docker ai`; see each fake's header for what it imitates and where from) and the real kagent
 * CLI v0.9.12: the engine choice and its fallback, kubectl-ai's arguments, generated files,
 * kubeconfig and approval flow, kagent-setup's pinned installs and release upgrade, the kagent
 * CLI's version check and exit-0 errors,
 * review-dockerfiles with hadolint and with Gordon in a terminal, keys never in argv or logs.
 */
class AiToolsTest {
    static final String KEY = "sk-test-0123456789abcdefghij";
    static final Path CFG = Toolkit.FIXTURE.resolve("taskora.yaml");

    @TempDir Path tmp;
    Path audit, tmpdir;

    @BeforeEach
    void dirs() throws IOException {
        audit = tmp.resolve("state");
        tmpdir = Files.createDirectories(tmp.resolve("tmp"));
    }

    /** A world with the release "tiny" installed by the fake helm, and two kube-contexts. */
    Toolkit.World world(String... fakes) {
        Toolkit.World w = new Toolkit.World(tmp.resolve("w"), fakes);
        w.env.put("XDG_STATE_HOME", audit.toString());
        w.env.put("TMPDIR", tmpdir.toString());
        w.env.put("OPENAI_API_KEY", null);
        w.env.put("OPENAI_ENDPOINT", null);
        w.env.put("OPENAI_API_BASE", null);
        w.env.put("GEMINI_API_KEY", null);
        Toolkit.exec(List.of(w.bin.resolve("helm").toString(), "upgrade", "--install", "tiny", Toolkit.FIXTURE.resolve("chart").toString(), "-n", "tiny-ns",
                "--create-namespace"), w.env, Toolkit.REPO, null, 60).expect(0);
        return w;
    }

    Toolkit.Run aiops(Toolkit.World w, Map<String, String> env, String... args) {
        List<String> a = new ArrayList<>(List.of("--config", CFG.toString()));
        a.addAll(List.of(args));
        return w.script("AiOps", env, a.toArray(String[]::new));
    }

    static Map<String, String> key() {
        return Map.of("OPENAI_API_KEY", KEY);
    }

    Object seen(Toolkit.World w) {
        return Toolkit.json(Toolkit.read(w.state.resolve("kubectl-ai-seen.json")));
    }

    String auditLog() {
        return Toolkit.read(audit.resolve("taskora/ai-ops-audit.jsonl"));
    }

    /** No key anywhere: not in any recorded argv, output, audit log, or file left in TMPDIR. */
    void assertKeyNowhere(Toolkit.World w, Toolkit.Run r) throws IOException {
        assertFalse(Toolkit.read(w.state.resolve("calls.jsonl")).contains(KEY), "key in a command line");
        assertFalse(r.all().contains(KEY), "key in ai-ops's output");
        assertFalse(auditLog().contains(KEY), "key in the audit log");
        try (Stream<Path> s = Files.walk(tmpdir)) {
            List<Path> left = s.filter(Files::isRegularFile).toList();
            assertTrue(left.isEmpty(), "files left in TMPDIR after the run: " + left);
        }
    }

    // ---------------------------------------------------------------- engine choice (in-process)
    @Test
    void autoPicksKubectlAiOnlyWithTheToolAndTheKey() {
        AiTools.Provider openai = AiTools.provider("openai");
        Map<String, String> none = Map.of(), withKey = Map.of("OPENAI_API_KEY", "k");
        assertEquals(new AiTools.Choice("builtin", "kubectl-ai was not found on PATH"),
                AiTools.choose("auto", openai, t -> false, withKey::get));
        AiTools.Choice noKey = AiTools.choose("auto", openai, t -> true, none::get);
        assertEquals("builtin", noKey.engine());
        assertTrue(noKey.reason().contains("OPENAI_API_KEY is not set"), noKey.reason());
        assertEquals("kubectl-ai", AiTools.choose("auto", openai, t -> true, withKey::get).engine());
        assertEquals("kubectl-ai", AiTools.choose(null, openai, t -> true, withKey::get).engine());
        assertEquals("builtin", AiTools.choose("builtin", openai, t -> true, withKey::get).engine());
        // Named engines are not silently replaced.
        Failure f = assertThrows(Failure.class, () -> AiTools.choose("kubectl-ai", openai, t -> true, none::get));
        assertEquals(Exit.USAGE, f.exitCode);
        assertTrue(f.getMessage().contains("OPENAI_API_KEY is not set"), f.getMessage());
        assertThrows(Failure.class, () -> AiTools.choose("kagent", openai, t -> false, none::get));
        assertThrows(Failure.class, () -> AiTools.choose("gpt", openai, t -> true, none::get));
        // Azure needs its key and its endpoint; Ollama its host.
        Map<String, String> half = Map.of("AZURE_OPENAI_API_KEY", "k");
        assertTrue(AiTools.choose("auto", AiTools.provider("azopenai"), t -> true, half::get).reason().contains("AZURE_OPENAI_ENDPOINT"));
        assertEquals("kubectl-ai", AiTools.choose("auto", AiTools.provider("ollama"), t -> true, Map.of("OLLAMA_HOST", "127.0.0.1:11434")::get).engine());
    }

    @Test
    void keysAreRedactedFromText() {
        Map<String, String> env = Map.of("OPENAI_API_KEY", KEY, "OLLAMA_HOST", "127.0.0.1");
        assertEquals("Authorization: Bearer [OPENAI_API_KEY redacted] to 127.0.0.1",
                AiTools.redact("Authorization: Bearer " + KEY + " to 127.0.0.1", env::get));
    }

    // ---------------------------------------------------------------- built-in fallback
    @Test
    void withNothingInstalledTheBuiltInEngineAnswersAndSaysWhy() {
        Toolkit.World w = world("kubectl", "helm");
        Toolkit.Run r = aiops(w, key(), "which node is the database on");
        assertTrue(r.out().startsWith("not understood: "), "the built-in engine answers what kubectl-ai would have: " + r.out());
        assertTrue(r.out().strip().endsWith("(answered by the built-in engine: kubectl-ai was not found on PATH)"), r.out());
        r.expect(Exit.USAGE);
        assertTrue(w.calls("kubectl-ai").isEmpty());
    }

    @Test
    void withKubectlAiButNoKeyTheBuiltInEngineAnswersAndNamesTheVariable() {
        Toolkit.World w = world();
        Toolkit.Run r = aiops(w, Map.of(), "which node is the database on");
        assertTrue(r.out().contains("(answered by the built-in engine: kubectl-ai is installed but OPENAI_API_KEY is not set (aiOps.provider openai))"), r.out());
        assertTrue(w.calls("kubectl-ai").isEmpty(), "kubectl-ai is not even started: " + w.calls("kubectl-ai"));
    }

    @Test
    void aCanonicalVerbStaysWithTheBuiltInEngineUnderAuto() {
        Toolkit.World w = world();
        Toolkit.Run r = aiops(w, key(), "history");
        assertTrue(r.out().startsWith("understood as: ai-ops history"), r.out());
        assertFalse(r.out().contains("answered by"), "a verb needs no word about engines: " + r.out());
        Object doc = Toolkit.json(aiops(w, key(), "--json", "history").out());
        assertEquals("'history' is one of ai-ops's own verbs", Json.text(doc, "engineReason"));
        assertTrue(w.calls("kubectl-ai").isEmpty());
    }

    /**
     * Issue 20.3: auto keeps with the built-in engine what it understands or refuses, so ai-ops'
     * rules cannot be bypassed by asking vaguely; what it cannot read goes to kubectl-ai, which
     * under auto never gets --skip-permissions, even with --yes. Before: "delete the database
     * volume" with --yes ran kubectl-ai --skip-permissions.
     */
    @Test
    void autoKeepsWhatItUnderstandsOrRefusesAndNeverSkipsApproval() {
        Toolkit.World w = world();
        Toolkit.Run understood = aiops(w, key(), "show me all pods that are not running").expect(0);
        assertTrue(understood.out().startsWith("understood as: ai-ops unhealthy"), understood.out());
        Toolkit.Run refused = aiops(w, key(), "--yes", "delete the database volume").expect(AiOps.REFUSED);
        assertTrue(refused.out().startsWith("refused: ai-ops never deletes anything"), refused.out());
        assertTrue(w.calls("kubectl-ai").isEmpty(), "neither went to kubectl-ai: " + w.calls("kubectl-ai"));
        Toolkit.Run vague = aiops(w, key(), "--yes", "which node is the database on").expect(0);
        assertTrue(vague.out().startsWith("engine: kubectl-ai (kubectl-ai is on PATH and OPENAI_API_KEY is set (aiOps.provider openai))"), vague.out());
        assertTrue(vague.out().contains("--yes is not passed on to kubectl-ai chosen by auto"), vague.out());
        assertEquals(1, w.calls("kubectl-ai").size(), w.calls("kubectl-ai").toString());
        assertTrue(w.calls("kubectl-ai").get(0).contains(" --skip-permissions=false "), w.calls("kubectl-ai").toString());
    }

    // ---------------------------------------------------------------- kubectl-ai
    /**
     * The fake kubectl-ai here (tests/fakes/kubectl-ai): it records what it was handed while it
     * runs (its argv, the kubeconfig's mode, contexts and token, the tools file, the prompt),
     * which the real binary does not reveal and ai-ops removes once the run ends. What the real
     * one does with them is KubectlAiRealTest's and AdversarialTest's.
     */
    @Test
    void withKubectlAiAndAKeyTheRequestGoesToKubectlAiAsItsUsersRunIt() throws IOException {
        Toolkit.World w = world();
        Toolkit.Run r = aiops(w, key(), "--engine", "kubectl-ai", "show me all pods that are not running").expect(0);
        assertTrue(r.out().startsWith("engine: kubectl-ai (--engine kubectl-ai, provider openai)"), r.out());
        List<String> calls = w.calls("kubectl-ai");
        assertEquals(1, calls.size(), calls.toString());
        List<?> argv = Json.items(seen(w), "argv");
        List<String> a = argv.stream().map(String::valueOf).toList();
        assertEquals(List.of("--quiet", "--llm-provider", "openai", "--model", "gpt-4.1-mini"), a.subList(0, 5));
        for (String flag : List.of("--kubeconfig", "--custom-tools-config", "--extra-prompt-paths", "--trace-path"))
            assertTrue(a.contains(flag), flag + " in " + a);
        assertTrue(a.contains("--skip-permissions=false") && !a.contains("--skip-permissions=true"),
                "approval on, given explicitly (a user's config.yaml cannot turn it off): " + a);
        assertEquals("--", a.get(a.size() - 2), "the request after `--`: " + a);
        assertFalse(a.contains("--context"), "kubectl-ai has no --context");
        assertEquals("show me all pods that are not running", a.get(a.size() - 1));
        assertTrue(r.out().contains("$ sh -c 'exec \"$@\" </dev/null' sh env TMPDIR=" + tmpdir.resolve("ai-ops-kubectl-ai-")),
                "the command is shown, with its stdin (/dev/null: kubectl-ai reads a piped stdin) and TMPDIR: " + r.out());
        assertTrue(r.out().contains(" XDG_CONFIG_HOME=" + tmpdir.resolve("ai-ops-kubectl-ai-")), "the user's kubectl-ai config is not read: " + r.out());
        // The kubeconfig: the target context only, mode 0600, gone after the run.
        Object s = seen(w);
        assertEquals("0o600", Json.text(s, "kubeconfig_mode"));
        assertEquals("tiny", Json.text(s, "kubeconfig_current_context"));
        assertEquals(List.of("tiny"), Json.items(s, "kubeconfig_contexts"));
        assertFalse(Files.exists(Path.of(Json.text(s, "kubeconfig"))), "the kubeconfig is removed after the run");
        assertTrue(w.calls("kubectl").contains("kubectl config view --minify --flatten --context tiny"), w.calls("kubectl").toString());
        // ... with the release's ai-ops ServiceAccount's token as its only user, never the user's credentials.
        assertTrue(w.calls("kubectl").contains("kubectl --context tiny create token tiny-taskora-ai-ops -n tiny-ns --duration 10m"), w.calls("kubectl").toString());
        assertEquals("fake-sa-token-tiny-taskora-ai-ops", Json.text(s, "kubeconfig_token"));
        // The tools file: the changes ai-ops offers, each command in its description (v0.0.28 drops command_desc:
        // its YAML is read by JSON field names), no context or kubeconfig in them (KUBECONFIG is the private one).
        assertEquals(List.of("taskora_restart", "taskora_scale"), Json.items(s, "custom_tools"));
        String tools = String.join("", ((Map<?, ?>) Json.at(s, "tools_files")).values().stream().map(String::valueOf).toList());
        assertTrue(tools.contains("command: kubectl scale deployment\n"), tools);
        assertTrue(tools.contains("Run exactly this command, nothing added: kubectl scale deployment -n tiny-ns"
                + " -l app.kubernetes.io/instance=tiny,app.kubernetes.io/component=COMPONENT --replicas=N"), tools);
        assertTrue(tools.contains("Run exactly this command, nothing added: kubectl rollout restart deployment -n tiny-ns"
                + " -l app.kubernetes.io/instance=tiny,app.kubernetes.io/component=COMPONENT"), tools);
        assertFalse(tools.contains("command_desc") || tools.contains("is_interactive") || tools.contains("--context"), tools);
        assertFalse(tools.contains("Smoke.java") || tools.contains("jbang"), tools);
        // The prompt: namespace, release, selectors, components, replica bounds, and no template braces.
        String prompt = Json.text(s, "prompt");
        for (String want : List.of("- namespace: tiny-ns", "- release: tiny", "- selector: app.kubernetes.io/instance=tiny",
                "- backend: a Deployment, selector app.kubernetes.io/instance=tiny,app.kubernetes.io/component=backend",
                "- postgresql: a StatefulSet", "- replicas: from 0 to 10 per component", "never print a Secret's values",
                "$ helm status tiny\n", "$ helm history tiny\n"))
            assertTrue(prompt.contains(want), want + " in the prompt:\n" + prompt);
        assertFalse(prompt.contains("{{"), "kubectl-ai parses the prompt as a Go template");
        // kubectl-ai's read-only step ran against the release, with the minimal kubeconfig.
        assertTrue(w.calls("kubectl").stream().anyMatch(c -> c.startsWith("kubectl get pods -n tiny-ns -l app.kubernetes.io/instance=tiny")),
                w.calls("kubectl").toString());
        assertTrue(r.out().contains("Running: kubectl get pods -n tiny-ns"), r.out());
        // The key: only in the environment; the trace that records it is inside the removed folder.
        assertEquals(List.of("OPENAI_API_KEY"), Json.items(s, "key_vars"));
        assertKeyNowhere(w, r);
        assertFalse(auditLog().contains("kubectl-ai"), "a read-only run without --yes is not a change: " + auditLog());
    }

    @Test
    void aNamedKubectlAiWithoutItsKeyIsOneLineAndRunsNothing() {
        Toolkit.World w = world();
        Toolkit.Run r = aiops(w, Map.of(), "--engine", "kubectl-ai", "show me all pods").expect(Exit.USAGE);
        assertTrue(r.err().startsWith("ai-ops: error: --engine kubectl-ai: OPENAI_API_KEY is not set (aiOps.provider is openai)"), r.err());
        assertTrue(w.calls("kubectl-ai").isEmpty());
        Toolkit.World w2 = new Toolkit.World(tmp.resolve("w2"), "kubectl", "helm");
        Toolkit.Run r2 = w2.script("AiOps", key(), "--config", CFG.toString(), "--engine", "kubectl-ai", "show me all pods").expect(Exit.USAGE);
        assertTrue(r2.err().contains("kubectl-ai was not found on PATH"), r2.err());
    }

    @Test
    void kubectlAisOwnErrorsAreReadFromWhatItPrints() {
        Cmd.Result stop = new Cmd.Result(1, "\n  Running: kubectl get pods\n\nRunOnce mode cannot handle permission requests. The following commands require approval:\n"
                + "* kubectl delete pod x -n ns\n* helm status r\nUse --skip-permissions flag to bypass permission checks in RunOnce mode.\n",
                "running UI: RunOnce mode cannot handle permission requests. ...", false);
        KubectlAi.Outcome o = KubectlAi.parse(stop);
        assertTrue(o.needsApproval());
        assertEquals(List.of("kubectl delete pod x -n ns", "helm status r"), o.wanted());
        assertEquals(List.of("kubectl get pods"), o.ran());
        KubectlAi.Outcome key = KubectlAi.parse(new Cmd.Result(1, "", "failed to get agent for new session: creating agent: creating llm client: "
                + "GEMINI_API_KEY environment variable not set\n", false));
        Failure f = KubectlAi.explain(key, AiTools.provider("gemini"), Map.<String, String>of()::get);
        assertTrue(f.getMessage().startsWith("kubectl-ai has no key for gemini"), f.getMessage());
        assertEquals("export GEMINI_API_KEY (keys are read from the environment only)", f.hint);
        KubectlAi.Outcome flag = KubectlAi.parse(new Cmd.Result(1, "", "Error: unknown flag: --context\nRun 'kubectl-ai --help' for usage.\nunknown flag: --context\n", false));
        assertEquals("kubectl-ai failed: unknown flag: --context", KubectlAi.explain(flag, AiTools.provider("openai"), Map.<String, String>of()::get).getMessage());
    }

    // ---------------------------------------------------------------- kagent
    // The kagent CLI here is the real v0.9.12 (built from its source; Toolkit.World): a whole
    // kagent flow against its real controller, model and tool server is tests/e2e/kagent.sh. What
    // stays here is what needs no controller: kagent-setup's plan and steps (through the fake helm
    // and kubectl), the CLI's version check, and the judging of what the CLI prints.
    @Test
    void kagentSetupInstallsThePinnedChartsThenUpgradesTheReleaseKeepingItsValues() throws IOException {
        Toolkit.World w = world();
        Toolkit.exec(List.of(w.bin.resolve("helm").toString(), "upgrade", "--install", "tiny", Toolkit.FIXTURE.resolve("chart").toString(), "-n", "tiny-ns",
                "--set", "backend.image.tag=sha-keep"), w.env, Toolkit.REPO, null, 60).expect(0);
        Toolkit.Run plan = aiops(w, key(), "kagent-setup").expect(AiOps.NOT_CONFIRMED);
        assertTrue(plan.out().contains("not run: nothing changed. To run it: ai-ops kagent-setup --yes"), plan.out());
        assertFalse(w.calls("helm").stream().anyMatch(c -> c.contains("kagent")), "nothing installed without --yes");
        assertEquals(List.of("kagent version"), w.calls("kagent"), "the CLI's version checked before the plan");

        aiops(w, key(), "kagent-setup", "--yes").expect(0);
        List<String> changes = w.allCalls().stream().filter(c -> c.startsWith("helm upgrade") || c.contains(" apply -f -")).toList();
        String v = AiTools.KAGENT_VERSION;
        assertEquals(4, changes.size() - 2, "two installs of the release before, then four steps: " + changes);
        List<String> steps = changes.subList(2, changes.size());
        assertTrue(steps.get(0).startsWith("helm upgrade --install kagent-crds oci://ghcr.io/kagent-dev/kagent/helm/kagent-crds --version " + v
                + " -n kagent --create-namespace --wait --kube-context tiny -f -"), steps.get(0));
        assertTrue(steps.get(1).startsWith("helm upgrade --install kagent oci://ghcr.io/kagent-dev/kagent/helm/kagent --version " + v
                + " -n kagent"), steps.get(1));
        assertEquals("kubectl --context tiny -n tiny-ns apply -f -", steps.get(2), "the key goes to the agent's own Secret only");
        assertTrue(steps.get(3).startsWith("helm upgrade --install tiny " + Toolkit.FIXTURE.resolve("chart") + " -n tiny-ns --reuse-values --set kagent.enabled=true"), steps.get(3));
        // kagent's chart: the controller only (no shared tool server, no bundled agents, no kmcp), its published images
        Config cfg = Config.load(CFG, List.of());
        List<Kagent.Step> plan2 = Kagent.setupPlan(cfg, AiTools.provider(cfg), "", Map.of("OPENAI_API_KEY", KEY)::get);
        assertEquals("false", Json.text(Toolkit.json(plan2.get(0).stdin()), "kmcp", "enabled"));
        Object kagentValues = Toolkit.json(plan2.get(1).stdin());
        assertEquals("openAI", Json.text(kagentValues, "providers", "default"));
        assertEquals("false", Json.text(kagentValues, "kagent-tools", "enabled"));
        assertEquals("false", Json.text(kagentValues, "k8s-agent", "enabled"));
        assertEquals("false", Json.text(kagentValues, "kmcp", "enabled"));
        assertNull(Json.at(kagentValues, "registry"), "kagent's published images unless aiOps.kagentRegistry");
        Object releaseValues = Toolkit.json(plan2.get(3).stdin());
        assertEquals("tiny-kagent-llm", Json.text(releaseValues, "kagent", "modelConfig", "apiKeySecret"));
        // The release kept its other values; the key went into the agent's Secret, not a command line nor kagent's namespace.
        Object state = w.stateJson();
        List<?> history = Json.items(state, "releases", "tiny-ns/tiny", "history");
        Object values = Json.at(history.get(history.size() - 1), "values");
        assertEquals("sha-keep", Json.text(values, "backend.image.tag"));
        assertEquals("true", Json.text(values, "kagent.enabled"));
        assertNull(Json.at(state, "secrets", "kagent/kagent-openai"), "no key Secret in kagent's namespace");
        assertEquals(KEY, Json.text(state, "secrets", "tiny-ns/tiny-kagent-llm", "stringData", "llm-api-key"));
        assertFalse(Toolkit.read(w.state.resolve("calls.jsonl")).contains(KEY));
        assertTrue(auditLog().contains("\"outcome\":\"done\"") && !auditLog().contains(KEY), auditLog());
    }

    @Test
    void kagentSetupTakesLocalChartsAndAnotherRegistry() throws IOException {
        Toolkit.World w = world();
        Path charts = tmp.resolve("kagent-charts");
        for (String c : List.of("kagent-crds", "kagent")) Toolkit.write(Files.createDirectories(charts.resolve(c)).resolve("Chart.yaml"), "name: " + c + "\n");
        Toolkit.Run r = aiops(w, key(), "--set", "aiOps.kagentCharts=" + charts, "--set", "aiOps.kagentRegistry=registry.example.com:5000",
                "--set", "aiOps.kagentValues.database.postgres.bundled.image.tag=15-bookworm", "kagent-setup").expect(AiOps.NOT_CONFIRMED);
        assertTrue(r.out().contains("helm upgrade --install kagent-crds " + charts.resolve("kagent-crds") + " -n kagent"), r.out());
        assertTrue(r.out().contains("helm upgrade --install kagent " + charts.resolve("kagent") + " -n kagent"), r.out());
        assertTrue(r.out().contains("\"registry\":\"registry.example.com:5000\""), r.out());
        assertTrue(r.out().contains("\"tag\":\"15-bookworm\"") && r.out().contains("\"ui\":{\"replicas\":0}"), r.out());
        assertTrue(r.out().contains("\"repository\":\"registry.example.com:5000/kagent-dev/kagent/tools\""), r.out());
        Toolkit.Run missing = aiops(w, key(), "--set", "aiOps.kagentCharts=" + tmp.resolve("nowhere"), "kagent-setup").expect(Exit.USAGE);
        assertTrue(missing.err().startsWith("ai-ops: error: aiOps.kagentCharts " + tmp.resolve("nowhere") + ": no chart kagent-crds there"), missing.err());
    }

    @Test
    void anotherKagentCliVersionIsRefusedInOneLineNamingBothAndTheInstallCommand() throws IOException {
        Toolkit.World w = world();
        aiops(w, key(), "kagent-setup").expect(AiOps.NOT_CONFIRMED); // the real v0.9.12 passes the check
        // A stand-in for a kagent 1.x CLI: the real v0.9.12 cannot be made to report another version
        // (its version is stamped at build time); `kagent version` prints this JSON (version.go).
        Path other = w.bin.resolve("kagent");
        Files.delete(other);
        Toolkit.write(other, "#!/bin/sh\necho '{\"backend_version\":\"unknown\",\"build_date\":\"x\",\"git_commit\":\"x\",\"kagent_version\":\"v1.0.2\"}'\n");
        other.toFile().setExecutable(true);
        for (String[] args : List.of(new String[] {"kagent-setup"}, new String[] {"--engine", "kagent", "show me all pods"})) {
            Toolkit.Run r = aiops(w, key(), args).expect(Exit.USAGE);
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().startsWith("ai-ops: error: the kagent CLI on PATH is 1.0.2, not the pinned " + AiTools.KAGENT_VERSION + "; install "
                    + AiTools.KAGENT_VERSION + " with: curl -fsSLo ~/.local/bin/kagent https://github.com/kagent-dev/kagent/releases/download/v"
                    + AiTools.KAGENT_VERSION + "/kagent-linux-amd64"), r.err());
        }
        assertFalse(w.calls("helm").stream().anyMatch(c -> c.contains("kagent")), "nothing installed");
    }

    @Test
    void theRealKagentCliPrintsItsErrorsAndExitsZero() {
        Toolkit.World w = world();
        // No controller anywhere (the fake kubectl forwards to no kagent-controller): the real CLI
        // says so on stderr and exits 0, so ai-ops judges what it printed (Kagent.parse), never its exit.
        Toolkit.Run direct = Toolkit.exec(List.of(w.bin.resolve("kagent").toString(), "invoke", "--kagent-url", "http://127.0.0.1:1",
                "-n", "tiny-ns", "-a", "nope", "-t", "x"), w.env, Toolkit.REPO, null, 60);
        assertEquals(0, direct.exit(), "kagent's CLI exits 0 on its errors");
        assertTrue(direct.err().startsWith("Error starting port-forward"), direct.err());
        assertFalse(Kagent.parse(direct.out(), direct.err()).ok());
    }

    @Test
    void kagentWithoutTheAgentSaysHowToSetItUp() {
        Toolkit.World w = world();
        Toolkit.Run r = aiops(w, key(), "--engine", "kagent", "show me all pods").expect(Exit.CHECK_FAILED);
        assertTrue(r.err().contains("release tiny has no kagent Agent") && r.err().contains("ai-ops kagent-setup --yes"), r.err());
        assertEquals(List.of("kagent version"), w.calls("kagent"), "only the version check; no invoke");
    }

    @Test
    void kagentsPrintedResultsAreJudged() {
        assertTrue(Kagent.parse("{\"kind\":\"task\",\"status\":{\"state\":\"completed\"},\"artifacts\":[{\"parts\":[{\"kind\":\"text\",\"text\":\"fine\"}]}]}", "").ok());
        Kagent.Answer failed = Kagent.parse("{\"kind\":\"task\",\"status\":{\"state\":\"failed\",\"message\":{\"parts\":[{\"kind\":\"text\",\"text\":\"boom\"}]}}}", "");
        assertFalse(failed.ok());
        assertEquals("the agent's task ended failed: boom", failed.text());
        assertEquals("Error invoking session: EOF", Kagent.parse("", "Error invoking session: EOF\n").text());
        assertFalse(Kagent.parse("", "").ok());
        assertFalse(Kagent.parse("not json", "").ok());
        assertFalse(Kagent.parse("{\"kind\":\"task\",\"status\":{\"state\":\"completed\"}}", "").ok(), "completed without an answer");
        assertEquals("hi", Kagent.parse("{\"kind\":\"message\",\"parts\":[{\"kind\":\"text\",\"text\":\"hi\"}]}", "").text());
        // input-required as kagent's Go ADK sends it (go/adk/pkg/a2a/executor.go: the adk_request_confirmation
        // function call as a data part): the task, its context and the call it waits on.
        Kagent.Answer waiting = Kagent.parse("{\"kind\":\"task\",\"id\":\"t1\",\"contextId\":\"c1\",\"status\":{\"state\":\"input-required\",\"message\":"
                + "{\"kind\":\"message\",\"role\":\"agent\",\"parts\":[{\"kind\":\"data\",\"data\":{\"id\":\"x\",\"name\":\"adk_request_confirmation\",\"args\":"
                + "{\"originalFunctionCall\":{\"id\":\"call_2_0\",\"name\":\"k8s_scale\",\"args\":{\"name\":\"b\",\"replicas\":2}},"
                + "\"toolConfirmation\":{\"confirmed\":false}}},\"metadata\":{\"adk_type\":\"function_call\"}}]}}}", "");
        assertTrue(waiting.needsApproval() && !waiting.ok());
        assertEquals(List.of("k8s_scale {\"name\":\"b\",\"replicas\":2}"), waiting.calls());
        assertEquals("t1", waiting.taskId());
        assertEquals("c1", waiting.contextId());
        // The approval ai-ops sends with --yes: the UI's message, on the same task and context, with an id.
        Map<String, Object> approve = Kagent.approval(waiting);
        assertEquals("t1", approve.get("taskId"));
        assertEquals("c1", approve.get("contextId"));
        assertFalse(String.valueOf(approve.get("messageId")).isBlank());
        assertEquals(Map.of("kind", "data", "data", Map.of("decision_type", "approve")), ((List<?>) approve.get("parts")).get(0));
        assertFalse(String.valueOf(Kagent.textMessage("hi").get("messageId")).isBlank());
        // What the real CLI v0.9.12 printed against the Go runtime (tests/e2e/kagent.sh): its empty message id refused.
        assertTrue(Kagent.emptyMessageId("Error invoking session: a2aClient.SendMessage: jsonrpc error -32603: failed to decode response: "
                + "json: cannot unmarshal object into Go struct field Error.error.data of type []*errordetails.Typed\n"));
        assertFalse(Kagent.emptyMessageId("Error invoking session: EOF"));
    }

    // ---------------------------------------------------------------- review-dockerfiles
    /** A docker cli-plugins folder holding the fake Gordon. */
    Map<String, String> gordon() throws IOException {
        Path cfg = Files.createDirectories(tmp.resolve("docker-config/cli-plugins"));
        Files.createSymbolicLink(cfg.resolve("docker-ai"), Toolkit.FAKES.resolve("docker-ai"));
        return Map.of("DOCKER_CONFIG", cfg.getParent().toString());
    }

    @Test
    void theProjectsOwnDockerfilesPassHadolint() throws IOException {
        Toolkit.World w = new Toolkit.World(tmp.resolve("w"), "kubectl", "helm");
        Toolkit.Run r = w.script("AiOps", gordon(), "--config", Toolkit.REPO.resolve("taskora.yaml").toString(), "--target", "context",
                "--context", "none", "review-dockerfiles").expect(0);
        assertTrue(r.out().contains("no terminal: Gordon has no non-interactive mode; reviewing with hadolint " + AiTools.HADOLINT_VERSION), r.out());
        assertTrue(r.out().contains("review: 3 Dockerfile(s), 0 finding(s), 0 error(s)"), r.out());
        assertEquals(List.of("docker-ai version #cwd=" + Toolkit.REPO + " #tty=false"), w.calls("docker-ai"),
                "Gordon is only asked for its version without a terminal");
    }

    @Test
    void anErrorFindingFailsTheReviewWithFileLineRuleAndJson() throws IOException {
        Path app = Toolkit.fixture(tmp.resolve("app"));
        Toolkit.write(app.resolve("bad.Dockerfile"), "FROM scratch\nWORKDIR srv\nCOPY . .\nUSER 10001\nHEALTHCHECK CMD [\"/srv/x\"]\n");
        Toolkit.World w = new Toolkit.World(tmp.resolve("w"), "kubectl", "helm");
        String[] args = {"--config", app.resolve("taskora.yaml").toString(), "--target", "context", "--context", "none",
                "--set", "services.frontend.dockerfile=bad.Dockerfile", "review-dockerfiles", "frontend"};
        Toolkit.Run r = w.script("AiOps", args).expect(Exit.CHECK_FAILED);
        assertTrue(r.out().contains("bad.Dockerfile:2 DL3000 error: Use absolute WORKDIR"), r.out());
        assertTrue(r.out().contains("review: 1 Dockerfile(s), 1 finding(s), 1 error(s)"), r.out());
        List<String> withJson = new ArrayList<>(List.of(args));
        withJson.add("--json");
        Toolkit.Run j = w.script("AiOps", withJson.toArray(String[]::new)).expect(Exit.CHECK_FAILED);
        Object doc = Toolkit.json(j.out());
        assertEquals(1L, Json.number(doc, "errors"));
        Object f = Json.items(doc, "findings").get(0);
        assertEquals(List.of("bad.Dockerfile", 2L, "DL3000", "error"),
                List.of(Json.text(f, "file"), Json.number(f, "line"), Json.text(f, "rule"), Json.text(f, "level")));
    }

    @Test
    void inATerminalEachDockerfileGoesToGordonInItsBuildContext() throws IOException {
        Toolkit.World w = new Toolkit.World(tmp.resolve("w"), "kubectl", "helm");
        Map<String, String> env = new HashMap<>(w.env);
        env.putAll(gordon());
        List<String> java = new ArrayList<>(List.of(Toolkit.javaBin(), "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), "AiOps",
                "--config", Toolkit.REPO.resolve("taskora.yaml").toString(), "--target", "context", "--context", "none", "review-dockerfiles"));
        // script(1) gives the process a pseudo-terminal, as a person's shell would; each /exit ends one Gordon session.
        Toolkit.Run r = Toolkit.exec(List.of("script", "-qec", Cmd.show(java), "/dev/null"), env, Toolkit.REPO, "/exit\n/exit\n/exit\n", 240);
        assertEquals(0, r.exit(), r.all());
        List<String> sessions = w.calls("docker-ai").stream().filter(c -> !c.startsWith("docker-ai version")).toList();
        assertEquals(3, sessions.size(), w.calls("docker-ai").toString());
        for (String[] s : new String[][] {{"frontend", "app/frontend"}, {"backend", "app/backend"}, {"mcp-server", "app/mcp-server"}}) {
            String call = sessions.stream().filter(c -> c.contains("the service " + s[0] + " ")).findFirst().orElseThrow();
            assertTrue(call.startsWith("docker-ai -C " + Toolkit.REPO.resolve(s[1]) + " Review the Dockerfile "
                    + Toolkit.REPO.resolve("dockerfiles/" + s[0] + ".Dockerfile")), call);
            assertTrue(call.endsWith("#cwd=" + Toolkit.REPO.resolve(s[1]) + " #tty=true"), call);
        }
        assertTrue(r.out().contains("I read " + Toolkit.REPO.resolve("dockerfiles/backend.Dockerfile")), r.out());
    }

    // ---------------------------------------------------------------- preflight
    @Test
    void preflightReportsEachToolWithItsVersionAndWhatHappensWithoutIt() throws IOException {
        Toolkit.World w = new Toolkit.World(tmp.resolve("w"));
        Toolkit.Run r = w.script("Preflight", gordon(), "--config", CFG.toString(), "--json");
        List<?> rows = (List<?>) Toolkit.json(r.out());
        Map<String, Object> byName = new HashMap<>();
        for (Object row : rows) byName.put(Json.text(row, "name"), row);
        assertEquals("0.0.28", Json.text(byName.get("kubectl-ai"), "found"));
        assertEquals(AiTools.KAGENT_VERSION, Json.text(byName.get("kagent"), "found"));
        assertEquals("1.17.1", Json.text(byName.get("docker ai"), "found"));
        Toolkit.World bare = new Toolkit.World(tmp.resolve("bare"), "kubectl", "helm");
        List<?> missing = (List<?>) Toolkit.json(bare.script("Preflight", "--config", CFG.toString(), "--json").out());
        Object ai = missing.stream().filter(x -> "kubectl-ai".equals(Json.text(x, "name"))).findFirst().orElseThrow();
        assertEquals(Boolean.FALSE, Json.at(ai, "required"));
        assertEquals("not found", Json.text(ai, "found"));
        assertTrue(Json.text(ai, "hint").startsWith("without it ai-ops answers with its built-in engine"), Json.text(ai, "hint"));
        Object gordonRow = missing.stream().filter(x -> "docker ai".equals(Json.text(x, "name"))).findFirst().orElseThrow();
        assertTrue(Json.text(gordonRow, "hint").contains("hadolint " + AiTools.HADOLINT_VERSION), Json.text(gordonRow, "hint"));
        assertNull(AiTools.kubectlAiVersion("kubectl-ai version: 0.0.22"), "the old fake's line is not kubectl-ai's");
    }
}

// ai-ops's kagent engine and `ai-ops kagent-setup`. Exposes Kagent.setupPlan(...)/setup(...),
// requireCli(), invoke(...), plus parse(...)/judge(...)/pendingCalls(...) for tests.
//
// kagent-setup installs kagent at one pinned version (AiTools.KAGENT_VERSION), after checking that
// the kagent CLI on PATH is that version: its CRDs chart, then its controller chart (both `helm
// upgrade --install`, so a second run changes nothing new; the published OCI charts, or a folder
// of charts prepared from kagent's source: aiOps.kagentCharts; kagent's published images, or
// another registry: aiOps.kagentRegistry), with only the controller and its PostgreSQL on (no
// shared tool server, no bundled agents, no kmcp). The provider's key from the environment goes
// through kubectl's stdin (never argv) into the agent's own Secret in the release's namespace
// (RELEASE-kagent-llm), never into kagent's namespace nor the app's Secret. Then it turns on the
// chart's Taskora agent and its tool server (kagent.enabled, charts/taskora/templates/kagent) with a
// helm upgrade of the release that keeps its other values (--reuse-values).
//
// --engine kagent: checks the CLI's version, finds the release's Agent by its labels,
// port-forwards to kagent's controller itself (kagent's CLI would port-forward in the agent's
// namespace, where no controller is), runs `kagent invoke --kagent-url ... -n NS -a AGENT -t
// REQUEST` and judges the result from what it printed: kagent's CLI prints its errors on stderr
// and exits 0, and a task can end failed or waiting for approval (input-required) with exit 0 too.
// A task that waits for approval is approved only with --yes (invoke's comment).

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.zeroturnaround.exec.StartedProcess;

final class Kagent {
    private Kagent() {}

    static final String NAMESPACE = "kagent";
    static final String OCI = "oci://ghcr.io/kagent-dev/kagent/helm/";

    /** One step of kagent-setup: what it does, its argv, and what it reads on stdin with how a plan shows that (null: nothing shown). */
    record Step(String what, List<String> argv, String stdin, String shown) {
        Step(String what, List<String> argv, String stdin) { this(what, argv, stdin, null); }
        /** A helm step that reads these values on stdin (-f -), when there are any. */
        static Step helm(String what, List<String> argv, HelmValues v) {
            if (v.isEmpty()) return new Step(what, argv, null);
            List<String> a = new ArrayList<>(argv);
            a.addAll(List.of("-f", "-"));
            return new Step(what, a, v.json(), v.shown());
        }
    }

    static String secretName(Config cfg) {
        return cfg.release() + "-kagent-llm";
    }

    static String secretJson(String name, String namespace, String key, String value) {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("name", name);
        meta.put("namespace", namespace);
        meta.put("labels", Map.of("app.kubernetes.io/managed-by", "taskora-ai-ops"));
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("apiVersion", "v1");
        s.put("kind", "Secret");
        s.put("metadata", meta);
        s.put("type", "Opaque");
        s.put("stringData", Map.of(key, value));
        return Json.write(s);
    }

    /**
     * The kagent CLI on PATH must be the pinned release: kagent's 1.x CLI has other flags (no
     * --kagent-url, no -a) and would fail in ways that look like a model problem. `kagent version`
     * prints JSON with kagent_version (v-prefixed); it is asked away from any cluster
     * (AiTools.kagentVersionLine).
     */
    static void requireCli() {
        if (Cmd.dryRun) return;
        Cmd.Result r = Cmd.query(AiTools.kagentVersionLine());
        if (r.exit() == Cmd.NOT_FOUND)
            throw new Failure(Exit.USAGE, "the kagent CLI was not found on PATH: ai-ops needs kagent " + AiTools.KAGENT_VERSION
                    + "; install it with: " + AiTools.kagentInstallCommand());
        String v = AiTools.kagentVersion(r.out());
        if (!AiTools.KAGENT_VERSION.equals(v))
            throw new Failure(Exit.USAGE, "the kagent CLI on PATH is " + (v == null ? "of an unknown version (" + abbreviate(r.out() + r.err()) + ")" : v)
                    + ", not the pinned " + AiTools.KAGENT_VERSION + "; install " + AiTools.KAGENT_VERSION + " with: " + AiTools.kagentInstallCommand());
    }

    /** The charts: kagent's published ones (OCI, pinned), or a folder holding kagent-crds/ and kagent/ (aiOps.kagentCharts). */
    static List<String> chartRef(Config cfg, String name) {
        String dir = cfg.str("aiOps.kagentCharts");
        if (dir.isEmpty()) return List.of(OCI + name, "--version", AiTools.KAGENT_VERSION);
        Path p = Path.of(dir).toAbsolutePath().resolve(name);
        if (!Files.isRegularFile(p.resolve("Chart.yaml")))
            throw new Failure(Exit.USAGE, "aiOps.kagentCharts " + dir + ": no chart " + name + " there (" + p.resolve("Chart.yaml") + " is missing)",
                    "give a folder holding kagent-crds/ and kagent/ (kagent's helm/ with a Chart.yaml each), or leave it empty for the published charts");
        return List.of(p.toString());
    }

    @SafeVarargs
    private static String[] args(List<String>... parts) {
        List<String> all = new ArrayList<>();
        for (List<String> p : parts) all.addAll(p);
        return all.toArray(String[]::new);
    }

    /** The whole plan, in order; the key is read here from the environment and goes only to stdin. */
    static List<Step> setupPlan(Config cfg, AiTools.Provider p, String model, Function<String, String> env) {
        if (p.kagentProvider() == null)
            throw new Failure(Exit.USAGE, "aiOps.provider " + p.id() + ": kagent " + AiTools.KAGENT_VERSION + " has no such provider",
                    "use openai (also for OpenAI-compatible servers), gemini, azopenai or ollama");
        List<String> missing = AiTools.missing(p, env);
        if (!missing.isEmpty())
            throw new Failure(Exit.USAGE, "kagent-setup needs " + String.join(" and ", missing) + " (aiOps.provider is " + p.id() + ")",
                    "export it in this shell; it goes into a Secret, never on a command line");
        String v = AiTools.KAGENT_VERSION;
        String registry = cfg.str("aiOps.kagentRegistry");
        boolean local = !cfg.str("aiOps.kagentCharts").isEmpty();
        List<Step> steps = new ArrayList<>();
        List<String> crds = cfg.helm(args(List.of("upgrade", "--install", "kagent-crds"), chartRef(cfg, "kagent-crds"),
                List.of("-n", NAMESPACE, "--create-namespace", "--wait")));
        HelmValues cv = new HelmValues();
        cv.put("kagent-setup", "kmcp.enabled", "false"); // kmcp's CRDs (an OCI dependency): not needed
        steps.add(Step.helm("kagent's CRDs " + v, crds, cv));
        // kagent's controller and its PostgreSQL, nothing else: the Taskora agent has its own tool
        // server (the release's, charts/taskora/templates/kagent/toolserver.yaml), so kagent's shared
        // one (cluster-wide rights, Secrets among them), its bundled agents and kmcp stay off. The
        // key goes only to the agent's own Secret in the release namespace, never to kagent's.
        List<String> install = cfg.helm(args(List.of("upgrade", "--install", "kagent"), chartRef(cfg, "kagent"),
                List.of("-n", NAMESPACE, "--wait", "--timeout", "10m")));
        HelmValues kv = new HelmValues();
        kv.literal("providers.default", p.kagentValuesKey());
        for (String off : List.of("kmcp", "kagent-tools", "k8s-agent", "kgateway-agent", "istio-agent", "promql-agent",
                "observability-agent", "argo-rollouts-agent", "helm-agent", "cilium-policy-agent", "cilium-manager-agent",
                "cilium-debug-agent", "grafana-mcp", "querydoc"))
            kv.put("kagent-setup", off + ".enabled", "false");
        if (local) kv.put("aiOps.kagentCharts", "ui.replicas", "0"); // the UI (Next.js) is not part of a build from kagent's Go source
        if (!registry.isEmpty()) kv.literal("registry", registry);
        for (Map.Entry<String, String> e : cfg.strMap("aiOps.kagentValues").entrySet())
            kv.put("aiOps.kagentValues." + e.getKey(), e.getKey(), e.getValue());
        steps.add(Step.helm("kagent's controller " + v, install, kv));
        boolean keyed = p.kagentSecretKey() != null;
        if (keyed)
            steps.add(new Step("the key Secret for the Taskora agent", cfg.kubectl("-n", cfg.namespace(), "apply", "-f", "-"),
                    secretJson(secretName(cfg), cfg.namespace(), "llm-api-key", env.apply(p.keyVar()))));
        List<String> up = cfg.helm("upgrade", "--install", cfg.release(), cfg.path("chart.path").toString(),
                "-n", cfg.namespace(), "--reuse-values", "--set", "kagent.enabled=true",
                "--set", "kagent.modelConfig.provider=" + p.kagentProvider(), "--wait", "--timeout", cfg.str("chart.timeout"));
        HelmValues uv = new HelmValues();
        if (keyed) uv.literal("kagent.modelConfig.apiKeySecret", secretName(cfg));
        if (!model.isEmpty()) uv.put("aiOps.model", "kagent.modelConfig.model", model);
        switch (p.id()) {
            case "openai" -> {
                String base = env.apply(p.endpointVar());
                if (base != null && !base.isBlank()) uv.put(p.endpointVar(), "kagent.modelConfig.openAI.baseUrl", base);
            }
            case "azopenai" -> {
                uv.put("AZURE_OPENAI_ENDPOINT", "kagent.modelConfig.azureOpenAI.azureEndpoint", env.apply("AZURE_OPENAI_ENDPOINT"));
                String api = env.apply("AZURE_OPENAI_API_VERSION");
                uv.put("AZURE_OPENAI_API_VERSION", "kagent.modelConfig.azureOpenAI.apiVersion", api == null || api.isBlank() ? AZURE_API_VERSION : api);
            }
            case "ollama" -> uv.put("OLLAMA_HOST", "kagent.modelConfig.ollama.host", env.apply("OLLAMA_HOST"));
            default -> { }
        }
        if (!registry.isEmpty()) uv.literal("kagent.toolServer.image.repository", registry + "/kagent-dev/kagent/tools");
        steps.add(Step.helm("the Taskora agent and its tool server (kagent.enabled=true, other values kept)", up, uv));
        return steps;
    }

    /** Azure OpenAI's API version when AZURE_OPENAI_API_VERSION is not set (a GA version). */
    static final String AZURE_API_VERSION = "2024-10-21";

    /** kagent-setup upgrades the release: it must exist (checked before anything is shown or run). */
    static void requireRelease(Config cfg) {
        Cmd.Result st = Cmd.query(cfg.helm("status", cfg.release(), "-n", cfg.namespace(), "-o", "json"));
        if (!st.ok())
            throw new Failure(Exit.CHECK_FAILED, "release " + cfg.release() + " not found in namespace " + cfg.namespace()
                    + " (" + abbreviate(st.tail()) + ")", "deploy it first: ./jbang deploy@taskora");
    }

    /** Runs the plan (the caller has confirmed); stops at the first failure with one line. */
    static void setup(Config cfg, List<Step> steps) {
        for (Step s : steps) {
            Console.heading(s.what());
            Cmd.check(Cmd.change(Cmd.line(s.argv()).timeout(Duration.ofMinutes(15)).stdin(s.stdin(), s.shown()).lines(Console::detail)), s.what(),
                    s.argv().get(0).equals("helm") ? "see helm's message above; kagent-setup is safe to run again" : null);
        }
    }

    // ---------------------------------------------------------------- invoke
    /**
     * kagent's answer, judged: the text, and for a task that waits for approval (A2A
     * input-required) the task and context ids and the tool calls it waits on ("name {args}").
     */
    record Answer(boolean ok, boolean needsApproval, String text, String taskId, String contextId, List<String> calls) {
        Answer(boolean ok, boolean needsApproval, String text) { this(ok, needsApproval, text, "", "", List.of()); }
    }

    /** What `kagent invoke` printed (stdout: the A2A result as JSON; stderr: its errors). Exit status is meaningless. */
    static Answer parse(String out, String err) {
        String e = err == null ? "" : err.strip();
        String o = out == null ? "" : out.strip();
        if (o.isEmpty())
            return new Answer(false, false, e.isEmpty() ? "kagent printed nothing" : e.lines().reduce((a, b) -> b).orElse(e));
        Object doc;
        try {
            doc = Json.parse(o.lines().reduce((a, b) -> b).orElse(o), "kagent invoke");
        } catch (Failure f) {
            return new Answer(false, false, "kagent printed no result: " + abbreviate(o + (e.isEmpty() ? "" : " / " + e)));
        }
        return judge(doc);
    }

    /** An A2A result (a Task or a Message), as the CLI prints it or the JSON-RPC answer holds it. */
    static Answer judge(Object doc) {
        String kind = Json.text(doc, "kind");
        if (kind.equals("message")) return new Answer(true, false, parts(Json.items(doc, "parts")));
        String state = Json.text(doc, "status", "state");
        String statusText = parts(Json.items(doc, "status", "message", "parts"));
        StringBuilder artifacts = new StringBuilder();
        for (Object a : Json.items(doc, "artifacts")) {
            String t = parts(Json.items(a, "parts"));
            if (!t.isBlank()) artifacts.append(artifacts.length() > 0 ? "\n" : "").append(t);
        }
        switch (state) {
            case "completed":
                String text = artifacts.length() > 0 ? artifacts.toString() : statusText;
                return text.isBlank() ? new Answer(false, false, "the agent completed without an answer") : new Answer(true, false, text);
            case "input-required":
                List<String> calls = pendingCalls(Json.items(doc, "status", "message", "parts"));
                return new Answer(false, true, statusText.isBlank() ? "the agent waits for approval" : statusText,
                        Json.text(doc, "id"), Json.text(doc, "contextId"), calls);
            case "":
                return new Answer(false, false, "kagent printed no task state: " + abbreviate(Json.write(doc)));
            default:
                return new Answer(false, false, "the agent's task ended " + state + (statusText.isBlank() ? "" : ": " + statusText));
        }
    }

    /**
     * The tool calls an input-required task waits on: kagent's ADK sends each as a data part, the
     * function call adk_request_confirmation whose args hold originalFunctionCall {name, args}.
     */
    static List<String> pendingCalls(List<?> parts) {
        List<String> out = new ArrayList<>();
        for (Object p : parts) {
            Object data = Json.at(p, "data");
            if (data == null || !"adk_request_confirmation".equals(Json.text(data, "name"))) continue;
            Object call = Json.at(data, "args", "originalFunctionCall");
            Object args = Json.at(call, "args");
            out.add(Json.text(call, "name") + " " + Json.write(args == null ? Map.of() : args));
        }
        return out;
    }

    private static String parts(List<?> parts) {
        StringBuilder sb = new StringBuilder();
        for (Object p : parts) {
            String t = Json.text(p, "text");
            if (!t.isBlank()) sb.append(sb.length() > 0 ? "\n" : "").append(t);
        }
        return sb.toString();
    }

    private static String abbreviate(String s) {
        String one = s.replaceAll("\\s+", " ");
        return one.length() > 200 ? one.substring(0, 200) + "..." : one;
    }

    static final Pattern FORWARDING = Pattern.compile("Forwarding from 127\\.0\\.0\\.1:(\\d+)");

    /** The release's Agent, by labels (instance + component kagent). */
    static String agentName(Config cfg) {
        Cmd.Result r = Cmd.query(cfg.kubectl("get", "agents.kagent.dev", "-n", cfg.namespace(),
                "-l", "app.kubernetes.io/instance=" + cfg.release() + ",app.kubernetes.io/component=kagent", "-o", "json"));
        if (!r.ok())
            throw new Failure(Exit.CHECK_FAILED, "kagent's Agent API is not there (" + abbreviate(r.tail()) + ")",
                    "install kagent and the Taskora agent: ai-ops kagent-setup --yes");
        List<?> items = Json.items(Json.parse(r.out(), "kubectl get agents.kagent.dev"), "items");
        if (items.isEmpty())
            throw new Failure(Exit.CHECK_FAILED, "release " + cfg.release() + " has no kagent Agent (kagent.enabled is off)",
                    "turn it on: ai-ops kagent-setup --yes");
        return Json.text(items.get(0), "metadata", "name");
    }

    /** What ai-ops records of an approval it gives (its audit log): the calls, and how it went. */
    interface Audit {
        void record(List<String> calls, Changes.Audited outcome);
    }

    /**
     * Runs one request through the release's kagent Agent; returns ai-ops's exit code or throws.
     * The CLI v0.9.12 sends an empty message id, which kagent's Go runtime refuses: ai-ops then
     * sends the same message/send itself, with an id (send(...)), and says so in one dim line.
     * A tool call that needs approval stops the task (A2A input-required): ai-ops shows the call
     * and runs nothing; with --yes it audits a started line, then approves the call itself (kagent's
     * CLI v0.9.12 cannot: it sends text only) with the A2A message kagent's UI sends, a data part
     * {decision_type: approve} on the same task, to the same endpoint the CLI used; then audits
     * what came of it.
     */
    static int invoke(Config cfg, String request, boolean yes, Audit audit, int notConfirmed, BiConsumer<String, Object> report) {
        requireCli();
        String agent = agentName(cfg);
        CompletableFuture<Integer> local = new CompletableFuture<>();
        StringBuilder seen = new StringBuilder();
        StartedProcess pf = Cmd.background(cfg.kubectl("-n", NAMESPACE, "port-forward", "--address", "127.0.0.1",
                "svc/kagent-controller", ":8083"), line -> {
                    seen.append(line).append('\n');
                    Matcher m = FORWARDING.matcher(line);
                    if (m.find()) local.complete(Integer.parseInt(m.group(1)));
                });
        try {
            int port;
            try {
                port = local.get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new Failure(Exit.COMMAND_FAILED, "cannot reach kagent's controller: " + abbreviate(seen.toString()),
                        "is kagent installed? ai-ops kagent-setup --yes");
            }
            String url = "http://127.0.0.1:" + port;
            List<String> argv = List.of("kagent", "invoke", "--kagent-url", url, "-n", cfg.namespace(),
                    "-a", agent, "-t", request);
            Console.info(Console.dim("$ " + Cmd.show(argv)));
            Duration timeout = Duration.ofSeconds(KubectlAi.timeout(cfg) + 10);
            Cmd.Result r = Cmd.query(argv, timeout);
            if (r.exit() == Cmd.NOT_FOUND)
                throw new Failure(Exit.USAGE, "the kagent CLI was not found on PATH", "install it: " + AiTools.kagentInstallCommand());
            Answer a = parse(r.out(), r.err());
            String endpoint = url + "/api/a2a/" + cfg.namespace() + "/" + agent + "/";
            if (!a.ok() && emptyMessageId(r.err())) {
                // kagent's CLI v0.9.12 sends `"messageId": ""` (invoke.go builds the message without
                // protocol.NewMessage), which the Go runtime's A2A server refuses ("message ID is
                // required", a2a-go v0.3.15), and the controller's proxy, failing to decode that
                // error's data, answers -32603. The same message/send with an id, to the same
                // endpoint, is what kagent's UI sends.
                Console.info(Console.dim("kagent's CLI " + AiTools.KAGENT_VERSION + " sent no message id, which the agent refuses; "
                        + "sending the same A2A message/send with one to " + endpoint));
                a = send(endpoint, textMessage(request), timeout);
            }
            report.accept("agent", cfg.namespace() + "/" + agent);
            if (a.needsApproval()) {
                Console.info("kagent's agent waits for approval of " + (a.calls().isEmpty() ? "a tool call" : "this tool call") + ":");
                for (String c : a.calls()) Console.info("    " + AiTools.redact(c, System::getenv));
                report.accept("awaitingApproval", a.calls());
                if (!yes) {
                    if (audit != null) audit.record(a.calls(), Changes.Audited.of(Changes.Outcome.NEEDS_APPROVAL));
                    Console.info(Console.yellow("nothing ran: run again with --yes to approve it, or approve it in kagent's UI, where the session continues."));
                    return notConfirmed;
                }
                if (audit != null) audit.record(a.calls(), Changes.Audited.of(Changes.Outcome.APPROVING));
                Console.info(Console.dim("approving it (--yes): A2A message/send {decision_type: approve} to task " + a.taskId()));
                try {
                    a = send(endpoint, approval(a), timeout);
                } catch (Failure f) {
                    if (audit != null) audit.record(a.calls(), new Changes.Audited(Changes.Outcome.FAILED, f.getMessage()));
                    throw f;
                }
                if (audit != null)
                    audit.record(List.of(), a.ok() ? Changes.Audited.of(Changes.Outcome.RAN)
                            : new Changes.Audited(Changes.Outcome.FAILED, AiTools.redact(a.text(), System::getenv)));
            }
            String text = AiTools.redact(a.text(), System::getenv);
            report.accept("answer", text);
            if (a.ok()) {
                Console.info(text);
                return Exit.OK;
            }
            if (a.needsApproval()) { // approved, and the agent asks again: stop here, not in a loop
                Console.info(Console.yellow("the agent asks for approval again: " + String.join("; ", a.calls())));
                return notConfirmed;
            }
            throw new Failure(Exit.COMMAND_FAILED, "kagent: " + text + (r.exit() == 0 ? " (kagent exited 0 all the same)" : ""),
                    "check the agent's ModelConfig and key: kubectl -n " + cfg.namespace() + " describe modelconfigs.kagent.dev");
        } finally {
            pf.getProcess().destroy();
        }
    }

    /** The CLI's failure when the agent refused its empty message id (seen through the controller's proxy). */
    static boolean emptyMessageId(String err) {
        return err != null && (err.contains("message ID is required")
                || err.contains("failed to decode response: json: cannot unmarshal object into Go struct field Error.error.data"));
    }

    /** A user's text message, as kagent's UI sends it (with a message id). */
    static Map<String, Object> textMessage(String text) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("kind", "message");
        message.put("messageId", UUID.randomUUID().toString());
        message.put("role", "user");
        message.put("parts", List.of(Map.of("kind", "text", "text", text)));
        return message;
    }

    /** The approval of an input-required task: a data part {decision_type: approve} on the same task and context. */
    static Map<String, Object> approval(Answer waiting) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("kind", "message");
        message.put("messageId", UUID.randomUUID().toString());
        message.put("role", "user");
        message.put("taskId", waiting.taskId());
        message.put("contextId", waiting.contextId());
        message.put("parts", List.of(Map.of("kind", "data", "data", Map.of("decision_type", "approve"))));
        return message;
    }

    /** One JSON-RPC message/send to the agent's A2A endpoint on kagent's controller, judged like the CLI's output. */
    static Answer send(String endpoint, Map<String, Object> message, Duration timeout) {
        Map<String, Object> rpc = new LinkedHashMap<>();
        rpc.put("jsonrpc", "2.0");
        rpc.put("id", 1);
        rpc.put("method", "message/send");
        rpc.put("params", Map.of("message", message));
        HttpResponse<String> resp;
        try {
            resp = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(endpoint))
                    .timeout(timeout).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(Json.write(rpc))).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new Failure(Exit.COMMAND_FAILED, "kagent: the message did not reach the agent (" + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure(Exit.COMMAND_FAILED, "kagent: interrupted");
        }
        Object doc;
        try {
            doc = Json.parse(resp.body(), "kagent's A2A answer");
        } catch (Failure f) {
            throw new Failure(Exit.COMMAND_FAILED, "kagent's controller answered HTTP " + resp.statusCode() + ": " + abbreviate(resp.body()));
        }
        if (Json.at(doc, "error") != null)
            return new Answer(false, false, "the agent refused the message: " + abbreviate(Json.write(Json.at(doc, "error"))));
        return judge(Json.at(doc, "result"));
    }
}

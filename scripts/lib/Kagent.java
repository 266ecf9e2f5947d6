// ai-ops's kagent engine and `ai-ops kagent-setup`. Exposes Kagent.setupPlan(...)/setup(...) and
// Kagent.invoke(...), plus parse(...) for tests.
//
// kagent-setup installs kagent at one pinned version (AiTools.KAGENT_VERSION): its CRDs chart, then
// its controller chart (both `helm upgrade --install`, so a second run changes nothing new), with
// the provider's key from the environment put into Secrets through kubectl's stdin (never argv):
// kagent's own (kagent-<provider> in namespace kagent, the name its chart expects) and one in the
// release's namespace for the chart's ModelConfig. Then it turns on the chart's Taskora agent
// (kagent.enabled, charts/taskora/templates/kagent) with a helm upgrade of the release that keeps
// its other values (--reuse-values).
//
// --engine kagent: finds the release's Agent by its labels, port-forwards to kagent's controller
// itself (kagent's CLI would port-forward in the agent's namespace, where no controller is), runs
// `kagent invoke --kagent-url ... -n NS -a AGENT -t REQUEST` and judges the result from what it
// printed: kagent's CLI prints its errors on stderr and exits 0, and a task can end failed or
// waiting for approval (input-required) with exit 0 too.

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.zeroturnaround.exec.StartedProcess;

final class Kagent {
    private Kagent() {}

    static final String NAMESPACE = "kagent";
    static final String OCI = "oci://ghcr.io/kagent-dev/kagent/helm/";

    /** One step of kagent-setup: the command, and stdin that is never shown (a Secret with the key). */
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
        List<Step> steps = new ArrayList<>();
        steps.add(new Step("kagent's CRDs " + v, cfg.helm("upgrade", "--install", "kagent-crds", OCI + "kagent-crds",
                "--version", v, "-n", NAMESPACE, "--create-namespace", "--wait"), null));
        boolean keyed = p.kagentSecretKey() != null;
        // The Secret names kagent's chart refers to (providers.<p>.apiKeySecretRef in helm/kagent/values.yaml).
        String kagentSecret = switch (p.id()) {
            case "azopenai" -> "kagent-azure-openai";
            default -> "kagent-" + p.id();
        };
        if (keyed)
            steps.add(new Step("the " + p.keyVar() + " Secret for kagent", cfg.kubectl("-n", NAMESPACE, "apply", "-f", "-"),
                    secretJson(kagentSecret, NAMESPACE, p.kagentSecretKey(), env.apply(p.keyVar()))));
        List<String> install = cfg.helm("upgrade", "--install", "kagent", OCI + "kagent", "--version", v,
                "-n", NAMESPACE, "--set", "providers.default=" + p.kagentValuesKey(), "--wait");
        // values a user or the environment gives go on stdin (HelmValues): a comma in them splits no --set
        HelmValues kv = new HelmValues();
        if (!model.isEmpty()) kv.put("aiOps.model", "providers." + p.kagentValuesKey() + ".model", model);
        if (p.id().equals("ollama")) kv.put("OLLAMA_HOST", "providers.ollama.config.host", env.apply("OLLAMA_HOST"));
        steps.add(Step.helm("kagent's controller " + v, install, kv));
        if (keyed)
            steps.add(new Step("the key Secret for the Taskora agent", cfg.kubectl("-n", cfg.namespace(), "apply", "-f", "-"),
                    secretJson(secretName(cfg), cfg.namespace(), "llm-api-key", env.apply(p.keyVar()))));
        List<String> up = cfg.helm("upgrade", "--install", cfg.release(), cfg.path("chart.path").toString(),
                "-n", cfg.namespace(), "--reuse-values", "--set", "kagent.enabled=true",
                "--set", "kagent.modelConfig.provider=" + p.kagentProvider(), "--wait", "--timeout", cfg.str("chart.timeout"));
        if (keyed) { up.add("--set"); up.add("kagent.modelConfig.apiKeySecret=" + secretName(cfg)); }
        HelmValues uv = new HelmValues();
        if (!model.isEmpty()) uv.put("aiOps.model", "kagent.modelConfig.model", model);
        String base = p.endpointVar() != null && p.id().equals("openai") ? env.apply(p.endpointVar()) : null;
        if (base != null && !base.isBlank()) uv.put(p.endpointVar(), "kagent.modelConfig.baseUrl", base);
        steps.add(Step.helm("the Taskora agent (kagent.enabled=true, other values kept)", up, uv));
        return steps;
    }

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
    /** kagent's printed answer, judged. */
    record Answer(boolean ok, boolean needsApproval, String text) {}

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
                return new Answer(false, true, statusText.isBlank() ? "the agent waits for input" : statusText);
            case "":
                return new Answer(false, false, "kagent printed no task state: " + abbreviate(o));
            default:
                return new Answer(false, false, "the agent's task ended " + state + (statusText.isBlank() ? "" : ": " + statusText));
        }
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

    /** Runs one request through the release's kagent Agent; returns ai-ops's exit code or throws. */
    static int invoke(Config cfg, String request, int notConfirmed, java.util.function.BiConsumer<String, Object> report) {
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
            List<String> argv = List.of("kagent", "invoke", "--kagent-url", "http://127.0.0.1:" + port, "-n", cfg.namespace(),
                    "-a", agent, "-t", request);
            Console.info(Console.dim("$ " + Cmd.show(argv)));
            Cmd.Result r = Cmd.query(argv, Duration.ofSeconds(KubectlAi.timeout(cfg) + 10));
            if (r.exit() == Cmd.NOT_FOUND)
                throw new Failure(Exit.USAGE, "the kagent CLI was not found on PATH", "install kagent " + AiTools.KAGENT_VERSION);
            Answer a = parse(r.out(), r.err());
            String text = AiTools.redact(a.text(), System::getenv);
            report.accept("answer", text);
            report.accept("agent", cfg.namespace() + "/" + agent);
            if (a.ok()) {
                Console.info(text);
                return Exit.OK;
            }
            if (a.needsApproval()) {
                Console.info(text);
                Console.info(Console.yellow("kagent's agent waits for approval of a tool call; ai-ops does not approve it for you: "
                        + "review and approve it in kagent's UI (kagent dashboard), where the session continues."));
                return notConfirmed;
            }
            throw new Failure(Exit.COMMAND_FAILED, "kagent: " + text + (r.exit() == 0 ? " (kagent exited 0 all the same)" : ""),
                    "check the agent's ModelConfig and key: kubectl -n " + cfg.namespace() + " describe modelconfigs.kagent.dev");
        } finally {
            pf.getProcess().destroy();
        }
    }
}

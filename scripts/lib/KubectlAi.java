// ai-ops's kubectl-ai engine: runs kubectl-ai the way its users do, one request in --quiet mode,
// fenced to this release. Exposes KubectlAi.run(cfg, request, yes, audit, notConfirmed, report) and, for tests and
// --dry-run, the pieces it builds: argv(...), toolsYaml(...), prompt(...), kubeconfig(...), parse(...).
//
// What it hands kubectl-ai (facts from kubectl-ai v0.0.28's source; docs/AI-OPS.md, "The boundary"):
// - --kubeconfig: the target context's cluster with a short-lived token (`kubectl create token`,
//   10 minutes) of the release's ai-ops ServiceAccount (the chart's templates/ai-ops/rbac.yaml):
//   it reads the release namespace's workloads, pods, logs, events and services and may scale
//   and restart, nothing else: no Secrets, no other namespace. Never the user's credentials.
//   Mode 0600 in a private 0700 folder, removed when the run ends (on Ctrl-C and TERM too);
//   kubectl-ai has no --context flag and runs kubectl with KUBECONFIG set to it. KUBECONFIG is
//   set to it in kubectl-ai's own environment too: its custom tools run with that environment.
// - --custom-tools-config: the changes ai-ops offers (scale, restart), each command in its
//   description (v0.0.28 drops command_desc) and built from quoted arguments; kubectl-ai counts
//   every custom tool as possibly writing, so each needs approval.
// - --extra-prompt-paths: namespace, release, label selectors, components, replica bounds, what
//   must never be done, and the release's status and history (read by ai-ops with the user's
//   credentials: the ServiceAccount cannot read Helm's records, which are Secrets); appended to
//   kubectl-ai's prompt, which is a Go text/template (no double braces in it).
// - --trace-path inside the private folder, and TMPDIR, HOME and XDG_CONFIG_HOME pointing there:
//   its trace records the LLM requests with their Authorization header, its log goes to TMPDIR,
//   and the user's kubectl-ai config.yaml (which could turn approval off) is not read.
// - --skip-permissions=<true only with --yes>, always explicit, and `--` before the request.
//   Without --yes a step that needs approval stops kubectl-ai (exit 1, "RunOnce mode cannot
//   handle permission requests"): ai-ops shows those commands and how to approve them, and
//   records the refusal in the audit log. With --yes a "started" line is audited first (no
//   audit, no run), then the commands kubectl-ai ran.
// The key stays in the environment kubectl-ai inherits: never in argv, a file, or the output.
//DEPS org.yaml:snakeyaml:2.7

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

final class KubectlAi {
    private KubectlAi() {}

    /** What ai-ops records of a run that could change the cluster (its audit log). */
    interface Audit {
        void record(List<String> commands, Changes.Audited outcome);
    }

    /** The components of the chart: label value, workload kind. */
    static final Map<String, String> COMPONENTS = new LinkedHashMap<>();
    static {
        COMPONENTS.put("frontend", "Deployment");
        COMPONENTS.put("backend", "Deployment");
        COMPONENTS.put("mcp-server", "Deployment");
        COMPONENTS.put("postgresql", "StatefulSet");
    }

    static final Pattern APPROVAL = Pattern.compile(
            "RunOnce mode cannot handle permission requests\\. The following commands require approval:\\s*\\n((?:\\* .*(?:\\n|$))+)");
    static final Pattern RUNNING = Pattern.compile("(?m)^\\s*Running: (.+)$");

    /** A kube-context name (Config.CONTEXT_NAME): it goes into a kubeconfig and a prompt, never a shell fragment. */
    static final Pattern CONTEXT_NAME = Pattern.compile(Config.CONTEXT_NAME);

    /** The label of the chart's ai-ops ServiceAccount (templates/ai-ops/rbac.yaml). */
    static final String IDENTITY_COMPONENT = "ai-ops";
    /** How long the token handed to kubectl-ai lives (the API server's minimum). */
    static final String TOKEN_DURATION = "10m";

    /** The files of one run, in a private folder removed afterwards. */
    record Files3(Path dir, Path kubeconfig, Path tools, Path prompt, Path trace) {}

    /** kubectl-ai's answer as ai-ops reads it. */
    record Outcome(boolean ok, boolean needsApproval, List<String> wanted, List<String> ran, String answer, String error) {}

    // ---------------------------------------------------------------- what it generates
    static long maxReplicas(Config cfg) {
        return Changes.maxReplicas(cfg);
    }

    static String selector(Config cfg) {
        return "app.kubernetes.io/instance=" + cfg.release();
    }

    /** The extra prompt: where the release is, what it is made of, the bounds, and its Helm facts. Plain Markdown. */
    static String prompt(Config cfg, String context, String facts) {
        String ns = cfg.namespace(), rel = cfg.release();
        StringBuilder sb = new StringBuilder();
        sb.append("\n## The Taskora release you operate (from ai-ops)\n\n");
        sb.append("You operate exactly one Helm release of the Taskora Todo chatbot and nothing else.\n\n");
        sb.append("- namespace: ").append(ns).append('\n');
        sb.append("- release: ").append(rel).append('\n');
        sb.append("- kube-context: ").append(context).append(" (already selected in your kubeconfig)\n");
        sb.append("- selector: ").append(selector(cfg)).append('\n');
        sb.append("- replicas: from 0 to ").append(maxReplicas(cfg)).append(" per component (aiOps.maxReplicas)\n\n");
        sb.append("Components (label app.kubernetes.io/component), each found by its labels, never by name:\n\n");
        for (Map.Entry<String, String> c : COMPONENTS.entrySet())
            sb.append("- ").append(c.getKey()).append(": a ").append(c.getValue()).append(", selector ")
                    .append(selector(cfg)).append(",app.kubernetes.io/component=").append(c.getKey()).append('\n');
        sb.append("\nRules:\n\n");
        sb.append("- Always pass -n ").append(ns).append(" and a label selector of this release; never act on another namespace or release.\n");
        sb.append("- Scale only the Deployments above, to a number from 0 to ").append(maxReplicas(cfg))
                .append("; refuse any other number and say why.\n");
        sb.append("- Never delete a namespace, a PersistentVolumeClaim, a Secret, the Helm release or any data; never print a Secret's values.\n");
        sb.append("- Prefer read-only commands (get, describe, logs, events, top). Every command that changes something needs the user's approval.\n");
        sb.append("- To scale or restart, use the tools taskora_scale and taskora_restart, with the exact command their descriptions give.\n");
        sb.append("- You cannot roll back or read Helm's records; for a rollback tell the user to run: ai-ops rollback REVISION\n");
        sb.append("- Answer in a few lines: what you found, the cause, and the fix.\n");
        if (facts != null && !facts.isBlank())
            sb.append("\nThe release as Helm sees it now (read by ai-ops just before this request):\n\n```\n")
                    .append(facts.strip().replace("{{", "{ {").replace("}}", "} }")).append("\n```\n");
        return sb.toString();
    }

    /** The release's Helm status and last revisions, read with the user's credentials (the ServiceAccount cannot read them). */
    static String facts(Config cfg) {
        StringBuilder sb = new StringBuilder();
        Cmd.Result st = Cmd.query(cfg.helm("status", cfg.release(), "-n", cfg.namespace()));
        if (st.ok()) sb.append("$ helm status ").append(cfg.release()).append('\n').append(st.out().strip()
                .lines().takeWhile(l -> !l.startsWith("NOTES:")).collect(java.util.stream.Collectors.joining("\n"))).append("\n\n");
        Cmd.Result hist = Cmd.query(cfg.helm("history", cfg.release(), "-n", cfg.namespace(), "--max", "10"));
        if (hist.ok()) sb.append("$ helm history ").append(cfg.release()).append('\n').append(hist.out().strip()).append('\n');
        return sb.toString();
    }

    /** kubectl-ai's custom tools for this release: the changes ai-ops offers, a YAML list of {name, description, command}. */
    static String toolsYaml(Config cfg) {
        String ns = cfg.namespace();
        String comp = selector(cfg) + ",app.kubernetes.io/component=";
        List<Map<String, Object>> tools = new ArrayList<>();
        tools.add(tool("taskora_scale", "Scales one Deployment of the Taskora release " + cfg.release() + " (frontend, backend or mcp-server)"
                + " to N replicas, N from 0 to " + maxReplicas(cfg) + ". Replace COMPONENT and N.",
                List.of("kubectl", "scale", "deployment", "-n", ns, "-l", comp + "COMPONENT", "--replicas=N")));
        tools.add(tool("taskora_restart", "Restarts the pods of one Deployment of the Taskora release " + cfg.release()
                + " (frontend, backend or mcp-server), one at a time. Replace COMPONENT.",
                List.of("kubectl", "rollout", "restart", "deployment", "-n", ns, "-l", comp + "COMPONENT")));
        DumperOptions o = new DumperOptions();
        o.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        o.setWidth(100_000);
        o.setSplitLines(false);
        return "# kubectl-ai custom tools for the Taskora release " + cfg.release() + " (generated by ai-ops for one run)\n"
                + new Yaml(o).dump(tools);
    }

    /**
     * One custom tool. kubectl-ai v0.0.28 reads this file with sigs.k8s.io/yaml, which matches JSON
     * field names: `command_desc` and `is_interactive` (yaml tags only) are silently dropped, so the
     * exact command goes into the description, the one text the model is shown. Its `command` is
     * the command's words before its options: kubectl-ai puts it in front of a model's simple
     * command that lacks it, and runs the result with bash (it is no fence; the token is).
     */
    private static Map<String, Object> tool(String name, String description, List<String> argv) {
        String command = Cmd.show(argv);
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("name", name);
        t.put("description", description + " Run exactly this command, nothing added: " + command);
        t.put("command", Cmd.show(argv.subList(0, argv.indexOf("-n"))));
        return t;
    }

    /**
     * kubectl-ai's command line. --skip-permissions is always given its value (a user's
     * config.yaml with skipPermissions: true would otherwise turn approval off), and `--` ends the
     * options, so a request that starts with '-' stays a request.
     */
    static List<String> argv(AiTools.Provider p, String model, Files3 f, boolean yes, String request) {
        List<String> a = new ArrayList<>(List.of("kubectl-ai", "--quiet", "--llm-provider", p.id()));
        if (model != null && !model.isEmpty()) { a.add("--model"); a.add(model); }
        a.addAll(List.of("--kubeconfig", f.kubeconfig().toString(), "--custom-tools-config", f.tools().toString(),
                "--extra-prompt-paths", f.prompt().toString(), "--trace-path", f.trace().toString()));
        a.add("--skip-permissions=" + yes);
        a.add("--");
        a.add(request);
        return a;
    }

    // ---------------------------------------------------------------- reading its answer
    /** kubectl-ai colours its lines even into a pipe: what ai-ops reads and prints is the text without the escapes. */
    static Outcome parse(Cmd.Result raw) {
        Cmd.Result r = new Cmd.Result(raw.exit(), Console.visible(raw.out()), Console.visible(raw.err()), raw.skipped());
        String all = r.out() + "\n" + r.err();
        List<String> ran = new ArrayList<>();
        Matcher rm = RUNNING.matcher(r.out());
        while (rm.find()) ran.add(rm.group(1).strip());
        Matcher am = APPROVAL.matcher(all);
        String answer = r.out();
        if (am.find()) {
            List<String> wanted = new ArrayList<>();
            for (String line : am.group(1).split("\n")) if (line.startsWith("* ")) wanted.add(line.substring(2).strip());
            answer = APPROVAL.matcher(r.out()).replaceAll("").replace("Use --skip-permissions flag to bypass permission checks in RunOnce mode.", "");
            return new Outcome(false, true, wanted, ran, answer.strip(), null);
        }
        if (r.ok()) return new Outcome(true, false, List.of(), ran, answer.strip(), null);
        String err = r.err().isBlank() ? r.out() : r.err();
        List<String> lines = err.strip().lines().filter(l -> !l.isBlank() && !l.startsWith("Run 'kubectl-ai --help'")).toList();
        return new Outcome(false, false, List.of(), ran, answer.strip(), lines.isEmpty() ? "exit " + r.exit() : lines.get(lines.size() - 1));
    }

    /** One clear line for kubectl-ai's own errors, with the likely fix. */
    static Failure explain(Outcome o, AiTools.Provider p, Function<String, String> env) {
        String e = AiTools.redact(o.error(), env);
        String low = e.toLowerCase(java.util.Locale.ROOT);
        if (low.contains("api key not found") || low.contains("environment variable not set"))
            return new Failure(Exit.COMMAND_FAILED, "kubectl-ai has no key for " + p.id() + ": " + e,
                    "export " + p.keyVar() + " (keys are read from the environment only)");
        if (low.contains("connection refused") || low.contains("dial tcp") || low.contains("no such host") || low.contains("timeout"))
            return new Failure(Exit.COMMAND_FAILED, "kubectl-ai could not reach the LLM endpoint: " + e,
                    p.endpointVar() != null ? "check " + p.endpointVar() + " (now " + orUnset(env.apply(p.endpointVar())) + ") and that the server runs"
                            : "check the network to the provider");
        return new Failure(Exit.COMMAND_FAILED, "kubectl-ai failed: " + e, "rerun with --verbose, or use --engine builtin");
    }

    private static String orUnset(String v) {
        return v == null || v.isBlank() ? "unset" : v;
    }

    // ---------------------------------------------------------------- the run
    /** The context kubectl-ai works on: the configured one, or kubectl's current context; a plain context name. */
    static String context(Config cfg) {
        String c = cfg.kubeContext();
        if (c.isEmpty()) {
            Cmd.Result r = Cmd.query("kubectl", "config", "current-context");
            if (!r.ok() || r.out().isBlank())
                throw new Failure(Exit.USAGE, "no kube-context: kubectl has no current context", "pass --context NAME");
            c = r.out().strip();
        }
        if (!CONTEXT_NAME.matcher(c).matches())
            throw new Failure(Exit.USAGE, "kube-context " + Cmd.quote(c) + " is not a plain context name (letters, digits and @ : . _ / + = -)",
                    "rename it: kubectl config rename-context " + Cmd.quote(c) + " NEW-NAME");
        return c;
    }

    /**
     * A kubeconfig for kubectl-ai: the context's cluster (server, CA) from the user's kubeconfig,
     * and as its only user the ServiceAccount's token. Nothing of the user's credentials.
     */
    @SuppressWarnings("unchecked")
    static String kubeconfig(String minified, String context, String namespace, String token) {
        Map<String, Object> user = new Yaml().load(minified);
        List<Map<String, Object>> clusters = (List<Map<String, Object>>) user.get("clusters");
        if (clusters == null || clusters.size() != 1)
            throw new Failure(Exit.COMMAND_FAILED, "kubectl config view --minify gave " + (clusters == null ? 0 : clusters.size())
                    + " clusters for context " + context, "check it: kubectl config view --minify --context " + Cmd.quote(context));
        Map<String, Object> cluster = clusters.get(0);
        Map<String, Object> kc = new LinkedHashMap<>();
        kc.put("apiVersion", "v1");
        kc.put("kind", "Config");
        kc.put("clusters", List.of(cluster));
        Map<String, Object> ctx = new LinkedHashMap<>();
        ctx.put("cluster", cluster.get("name"));
        ctx.put("namespace", namespace);
        ctx.put("user", "taskora-ai-ops");
        Map<String, Object> named = new LinkedHashMap<>();
        named.put("context", ctx);
        named.put("name", context);
        kc.put("contexts", List.of(named));
        Map<String, Object> u = new LinkedHashMap<>();
        u.put("name", "taskora-ai-ops");
        u.put("user", Map.of("token", token));
        kc.put("users", List.of(u));
        kc.put("current-context", context);
        DumperOptions o = new DumperOptions();
        o.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        return new Yaml(o).dump(kc);
    }

    /** The release's ai-ops ServiceAccount (found by its labels) and a short-lived token of it, asked for with the user's credentials. */
    static String token(Config cfg) {
        Cmd.Result sa = Cmd.query(cfg.kubectl("get", "serviceaccounts", "-n", cfg.namespace(), "-l",
                selector(cfg) + ",app.kubernetes.io/component=" + IDENTITY_COMPONENT, "-o", "name"));
        List<String> names = sa.ok() ? sa.out().lines().map(String::strip).filter(l -> !l.isEmpty()).toList() : List.of();
        if (names.size() != 1)
            throw new Failure(Exit.CHECK_FAILED, "release " + cfg.release() + " in namespace " + cfg.namespace() + " has "
                    + (sa.ok() ? names.size() : "no readable") + " ai-ops ServiceAccount" + (sa.ok() ? "s" : " (" + sa.tail() + ")")
                    + ": kubectl-ai only acts with that account's rights, never with yours",
                    "deploy the release with the current chart (chart value aiOps.serviceAccount.create: true), or use --engine builtin");
        String name = names.get(0).substring(names.get(0).indexOf('/') + 1);
        Cmd.Result t = Cmd.query(cfg.kubectl("create", "token", name, "-n", cfg.namespace(), "--duration", TOKEN_DURATION));
        if (!t.ok() || t.out().isBlank())
            throw new Failure(Exit.COMMAND_FAILED, "cannot get a token of ServiceAccount " + cfg.namespace() + "/" + name + ": " + t.tail(),
                    "you need create on serviceaccounts/token in namespace " + cfg.namespace());
        return t.out().strip();
    }

    static Files3 prepare(Config cfg, String context) {
        String token = token(cfg);
        String facts = facts(cfg);
        Cmd.Result kc = Cmd.query(List.of("kubectl", "config", "view", "--minify", "--flatten", "--context", context));
        if (!kc.ok())
            throw new Failure(Exit.COMMAND_FAILED, "cannot read the cluster of context " + context + ": " + kc.tail(),
                    "check the context: kubectl config get-contexts");
        try {
            String tmp = System.getenv("TMPDIR"); // the shell's convention, as kubectl-ai's own Go os.TempDir() follows it
            Path parent = tmp != null && !tmp.isBlank() ? Path.of(tmp) : Path.of(System.getProperty("java.io.tmpdir"));
            Path dir = Files.createTempDirectory(parent, "ai-ops-kubectl-ai-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Files3 f = new Files3(dir, dir.resolve("kubeconfig"), dir.resolve("tools.yaml"), dir.resolve("prompt.md"), dir.resolve("trace.txt"));
            CLEANUP.put(dir, f);
            Files.createFile(f.kubeconfig(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(f.kubeconfig(), kubeconfig(kc.out(), context, cfg.namespace(), token));
            Files.writeString(f.tools(), toolsYaml(cfg));
            Files.writeString(f.prompt(), prompt(cfg, context, facts));
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Private folders not yet removed: Ctrl-C and TERM remove them too (a shutdown hook). */
    private static final Map<Path, Files3> CLEANUP = new ConcurrentHashMap<>();
    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> CLEANUP.values().forEach(KubectlAi::remove), "ai-ops-cleanup"));
    }

    private static String text(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void remove(Files3 f) {
        CLEANUP.remove(f.dir());
        if (!Files.exists(f.dir())) return;
        try (Stream<Path> s = Files.walk(f.dir())) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            Console.warn("could not remove " + f.dir() + ": " + e.getMessage() + " (remove it by hand: it holds a token)");
        }
    }

    /**
     * Runs one request through kubectl-ai; returns ai-ops's exit code (OK, notConfirmed when a
     * step waits for approval) or throws a Failure with one clear line.
     */
    static int run(Config cfg, String request, boolean yes, Audit audit, int notConfirmed, java.util.function.BiConsumer<String, Object> report) {
        Function<String, String> env = System::getenv;
        AiTools.Provider p = AiTools.provider(cfg);
        List<String> missing = AiTools.missing(p, env);
        if (!missing.isEmpty())
            throw new Failure(Exit.USAGE, "kubectl-ai needs " + String.join(" and ", missing) + " (aiOps.provider is " + p.id() + ")",
                    "export it in this shell; keys are read from the environment only");
        String context = context(cfg);
        Files3 f = prepare(cfg, context);
        try {
            // TMPDIR=<the private folder> through env(1), on the command line shown: kubectl-ai's log
            // (os.TempDir()/kubectl-ai.log) and any default file of it go there and are removed with it.
            // XDG_CONFIG_HOME too: the user's kubectl-ai config.yaml and tools.yaml are not read (they
            // could add tools, or turn approval off), only what ai-ops hands it.
            // KUBECONFIG too: kubectl-ai's custom tools run with its own environment, not its --kubeconfig.
            // stdin is /dev/null, through sh: kubectl-ai reads any stdin that is not a character device (a
            // pipe, even an empty one) as part of the request, and then waits for input from /dev/tty,
            // which without a terminal never comes (cmd/main.go hasStdInData, pkg/ui/terminal.go).
            List<String> argv = new ArrayList<>(List.of("sh", "-c", "exec \"$@\" </dev/null", "sh",
                    "env", "TMPDIR=" + f.dir(), "XDG_CONFIG_HOME=" + f.dir().resolve("config"), "HOME=" + f.dir(), "KUBECONFIG=" + f.kubeconfig()));
            argv.addAll(argv(p, AiTools.model(cfg), f, yes, request));
            Console.info(Console.dim("kubectl-ai works on context " + context + ", namespace " + cfg.namespace()
                    + ", release " + cfg.release() + ", as the release's ai-ops ServiceAccount (a token for " + TOKEN_DURATION + ")"
                    + (yes ? "; --yes: its changes run without asking" : "; changes need approval")));
            if (Console.verbose) {
                Console.detail("generated tools file " + f.tools() + ":\n" + text(f.tools()));
                Console.detail("generated prompt " + f.prompt() + ":\n" + text(f.prompt()));
            }
            if (yes && audit != null) audit.record(List.of(Cmd.show(argv)), Changes.Audited.of(Changes.Outcome.STARTED_UNATTENDED));
            Cmd.Result r = settled(Cmd.change(Cmd.line(argv).timeout(Duration.ofSeconds(timeout(cfg))).finishedWhen(() -> agentLoopEnded(f))));
            if (r.exit() == Cmd.NOT_FOUND) // (also env's own 127 when kubectl-ai is not on PATH)
                throw new Failure(Exit.USAGE, "kubectl-ai was not found on PATH", "install it, or use --engine builtin");
            if (r.skipped()) return Exit.OK;
            Outcome o = parse(r);
            // On a failure kubectl-ai repeats its error on stdout ("Error: ..."): the one line below says it once.
            String answer = o.ok() || o.needsApproval() ? o.answer()
                    : String.join("\n", o.answer().lines().filter(l -> !l.startsWith("Error: ")).toList()).strip();
            if (!answer.isBlank()) Console.info(AiTools.redact(answer, env));
            report.accept("answer", AiTools.redact(answer, env));
            report.accept("ran", o.ran().stream().map(c -> AiTools.redact(c, env)).toList());
            if (o.needsApproval()) report.accept("needsApproval", o.wanted().stream().map(c -> AiTools.redact(c, env)).toList());
            if (o.needsApproval()) {
                Console.info("");
                Console.info(Console.yellow("kubectl-ai stopped before a step that needs approval; nothing of it ran:"));
                for (String c : o.wanted()) Console.info("    " + AiTools.redact(c, env));
                Console.info("To approve, run the same request with --yes (kubectl-ai then runs what it decides without asking; "
                        + "it may choose other commands than these):");
                Console.info("    ai-ops --engine kubectl-ai --yes " + Cmd.show(List.of(request)));
                if (audit != null) audit.record(o.wanted(), Changes.Audited.of(Changes.Outcome.NEEDS_APPROVAL));
                return notConfirmed;
            }
            if (yes && audit != null)
                audit.record(o.ran().stream().map(c -> AiTools.redact(c, env)).toList(),
                        o.ok() ? Changes.Audited.of(Changes.Outcome.RAN) : new Changes.Audited(Changes.Outcome.FAILED, AiTools.redact(o.error(), env)));
            if (!o.ok()) throw explain(o, p, env);
            return Exit.OK;
        } finally {
            remove(f);
        }
    }

    /**
     * kubectl-ai v0.0.28 in --quiet mode can stay after its answer, forever: its agent goroutine
     * ends the loop by setting its state to Exited without sending a message, while the terminal
     * UI checks that state only after each message it prints (pkg/agent/conversation.go "RunOnce
     * mode, exiting agent loop", pkg/ui/terminal.go Run). When the UI looks before the state is
     * set, as on a busy machine, nothing wakes it. Its log says when the loop has ended.
     */
    static boolean agentLoopEnded(Files3 f) {
        Path log = f.dir().resolve("kubectl-ai.log"); // klog's file: os.TempDir()/kubectl-ai.log (cmd/main.go)
        try {
            return Files.exists(log) && Files.readString(log).contains(LOOP_ENDED);
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }

    static final String LOOP_ENDED = "RunOnce mode, exiting agent loop";

    /**
     * kubectl-ai's exit had it not stayed (see agentLoopEnded): 1 when it printed an error (its
     * LastErr, which the UI would have returned), else 0. Any other result is as it was.
     */
    static Cmd.Result settled(Cmd.Result r) {
        if (r.exit() != Cmd.STOPPED_WHEN_FINISHED) return r;
        boolean failed = Console.visible(r.out()).lines().anyMatch(l -> l.strip().startsWith("Error: "));
        Console.detail("kubectl-ai ended its work but did not exit; it was stopped (" + (failed ? "it printed an error" : "no error") + ")");
        return new Cmd.Result(failed ? 1 : 0, r.out(), r.err(), false);
    }

    static long timeout(Config cfg) {
        long t = cfg.num("aiOps.timeoutSeconds");
        return t > 0 ? t : 300;
    }
}

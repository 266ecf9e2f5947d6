// ai-ops's kubectl-ai engine: runs kubectl-ai the way its users do, one request in --quiet mode,
// fenced to this release. Exposes KubectlAi.run(cfg, request, yes, audit, notConfirmed, report) and, for tests and
// --dry-run, the pieces it builds: argv(...), toolsYaml(...), prompt(...), parse(...).
//
// What it hands kubectl-ai (facts from kubectl-ai v0.0.28's source, ../shared/AI-TOOLS.md):
// - --kubeconfig: a minimal kubeconfig of the target context only (`kubectl config view --minify
//   --flatten --context X`), mode 0600 in a private 0700 folder, removed when the run ends;
//   kubectl-ai has no --context flag and runs kubectl with KUBECONFIG set to it.
// - --custom-tools-config: this release's tools (helm status and history); kubectl-ai counts
//   every custom tool as possibly writing, so each needs approval. (No smoke tool: it would have
//   to find a script of this checkout, which a copied ai-ops has not; kubectl-ai reads the
//   release's health with kubectl, and `smoke` is one command away for the user.)
// - --extra-prompt-paths: namespace, release, label selectors, components, replica bounds and
//   what must never be done; appended to kubectl-ai's prompt, which is a Go text/template (no
//   double braces in it).
// - --trace-path inside the private folder, and TMPDIR pointing there (env TMPDIR=...): its trace records
//   the LLM requests with their Authorization header and its log goes to TMPDIR; both are removed.
// - --skip-permissions only with --yes. Without it, a step that needs approval stops kubectl-ai
//   (exit 1, "RunOnce mode cannot handle permission requests"): ai-ops shows those commands and
//   how to approve them, and records the refusal in the audit log. With --yes the run and the
//   commands kubectl-ai ran are recorded there.
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

    /** The files of one run, in a private folder removed afterwards. */
    record Files3(Path dir, Path kubeconfig, Path tools, Path prompt, Path trace) {}

    /** kubectl-ai's answer as ai-ops reads it. */
    record Outcome(boolean ok, boolean needsApproval, List<String> wanted, List<String> ran, String answer, String error) {}

    // ---------------------------------------------------------------- what it generates
    static long maxReplicas(Config cfg) {
        long n = cfg.num("aiOps.maxReplicas");
        return n > 0 ? n : 10;
    }

    static String selector(Config cfg) {
        return "app.kubernetes.io/instance=" + cfg.release();
    }

    /** The extra prompt: where the release is, what it is made of, and the bounds. Plain Markdown. */
    static String prompt(Config cfg, String context) {
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
        sb.append("- For the release itself use the tools taskora_release_status and taskora_release_history. Pass each the exact command its description gives.\n");
        sb.append("- Answer in a few lines: what you found, the cause, and the fix.\n");
        return sb.toString();
    }

    /** kubectl-ai's custom tools for this release: a YAML list of {name, description, command, command_desc, is_interactive}. */
    static String toolsYaml(Config cfg, String context) {
        String ns = cfg.namespace(), rel = cfg.release();
        List<Map<String, Object>> tools = new ArrayList<>();
        tools.add(tool("taskora_release_status", "Shows the Helm release " + rel + " in namespace " + ns
                + ": its revision, status (deployed, failed, pending-upgrade, ...) and notes.",
                Cmd.show(cfg.helm("status", rel, "-n", ns))));
        tools.add(tool("taskora_release_history", "Lists the revisions of the Helm release " + rel + " in namespace " + ns
                + " with their status and description (what a rollback could return to).",
                Cmd.show(cfg.helm("history", rel, "-n", ns)) + " --max 10"));
        DumperOptions o = new DumperOptions();
        o.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        o.setWidth(100_000);
        o.setSplitLines(false);
        return "# kubectl-ai custom tools for the Taskora release " + rel + " (generated by ai-ops for one run)\n"
                + new Yaml(o).dump(tools);
    }

    /**
     * One custom tool. kubectl-ai v0.0.28 reads this file with sigs.k8s.io/yaml, which matches JSON
     * field names: `command_desc` and `is_interactive` (yaml tags only) are silently dropped, so the
     * exact command goes into the description, the one text the model is shown.
     */
    private static Map<String, Object> tool(String name, String description, String command) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("name", name);
        t.put("description", description + " Run exactly this command, nothing added: " + command);
        t.put("command", command);
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
    /** The context kubectl-ai works on: the configured one, or kubectl's current context. */
    static String context(Config cfg) {
        if (!cfg.kubeContext().isEmpty()) return cfg.kubeContext();
        Cmd.Result r = Cmd.query("kubectl", "config", "current-context");
        if (!r.ok() || r.out().isBlank())
            throw new Failure(Exit.USAGE, "no kube-context: kubectl has no current context", "pass --context NAME");
        return r.out().strip();
    }

    static Files3 prepare(Config cfg, String context) {
        try {
            String tmp = System.getenv("TMPDIR"); // the shell's convention, as kubectl-ai's own Go os.TempDir() follows it
            Path parent = tmp != null && !tmp.isBlank() ? Path.of(tmp) : Path.of(System.getProperty("java.io.tmpdir"));
            Path dir = Files.createTempDirectory(parent, "ai-ops-kubectl-ai-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Files3 f = new Files3(dir, dir.resolve("kubeconfig"), dir.resolve("tools.yaml"), dir.resolve("prompt.md"), dir.resolve("trace.txt"));
            Cmd.Result kc = Cmd.query(List.of("kubectl", "config", "view", "--minify", "--flatten", "--context", context));
            if (!kc.ok()) {
                remove(f);
                throw new Failure(Exit.COMMAND_FAILED, "cannot write a kubeconfig for context " + context + ": " + kc.tail(),
                        "check the context: kubectl config get-contexts");
            }
            Files.createFile(f.kubeconfig(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(f.kubeconfig(), kc.out());
            Files.writeString(f.tools(), toolsYaml(cfg, context));
            Files.writeString(f.prompt(), prompt(cfg, context));
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void remove(Files3 f) {
        try (Stream<Path> s = Files.walk(f.dir())) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            Console.warn("could not remove " + f.dir() + ": " + e.getMessage() + " (remove it by hand: it holds a kubeconfig)");
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
            List<String> argv = new ArrayList<>(List.of("env", "TMPDIR=" + f.dir(), "XDG_CONFIG_HOME=" + f.dir().resolve("config"), "HOME=" + f.dir()));
            argv.addAll(argv(p, AiTools.model(cfg), f, yes, request));
            Console.info(Console.dim("kubectl-ai works on context " + context + ", namespace " + cfg.namespace()
                    + ", release " + cfg.release() + (yes ? "; --yes: its changes run without asking" : "; changes need approval")));
            if (Console.verbose) {
                Console.detail("generated tools file " + f.tools() + ":\n" + toolsYaml(cfg, context));
                Console.detail("generated prompt " + f.prompt() + ":\n" + prompt(cfg, context));
            }
            if (yes && audit != null) audit.record(List.of(Cmd.show(argv)), Changes.Audited.of(Changes.Outcome.STARTED_UNATTENDED));
            Cmd.Result r = Cmd.change(argv, Duration.ofSeconds(timeout(cfg)));
            if (r.exit() == Cmd.NOT_FOUND)
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

    static long timeout(Config cfg) {
        long t = cfg.num("aiOps.timeoutSeconds");
        return t > 0 ? t : 300;
    }
}

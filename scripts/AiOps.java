///usr/bin/env bash -c 'l="${0%/*}/../jbang"; [ -x "$l" ] || l=jbang; exec "$l" "$0" "$@"' "$0" "$@" ; exit $?
//JAVA 17+
//JAVA_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC
//SOURCES lib/Console.java lib/Cmd.java lib/Config.java lib/Json.java lib/Intents.java lib/Diagnosis.java
//SOURCES lib/AiTools.java lib/AiEngines.java lib/KubectlAi.java lib/Kagent.java lib/DockerfileReview.java lib/Reach.java
//DEPS info.picocli:picocli:4.7.7
//DESCRIPTION Day-two operations on the release in plain language (status, errors, diagnose, scale, restart, rollback), answered offline by a built-in engine; changes only when confirmed.

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "ai-ops", mixinStandardHelpOptions = true, version = "taskora ai-ops 1.0",
        description = {"Day-two operations on the release, asked as a canonical verb or in plain language:",
                "  ai-ops status | unhealthy | diagnose [COMPONENT|POD] | errors [COMPONENT] [--since D] | logs COMPONENT",
                "  ai-ops events | usage | history | url            (read-only: run at once)",
                "  ai-ops scale COMPONENT N | restart COMPONENT | rollback [REVISION]   (change: shown, run only with --yes)",
                "  ai-ops kagent-setup (change) | review-dockerfiles [SERVICE]   (the AI tools; --engine kubectl-ai|kagent answers a request with them)",
                "  ai-ops \"why is the backend failing\"   ai-ops \"scale the API to three pods\"   ai-ops \"show me recent errors\"",
                "COMPONENT is a value of the label app.kubernetes.io/component: frontend, backend, mcp-server, postgresql "
                        + "(also \"the API\", \"the database\", \"the UI\", ...). Workloads are found by the labels "
                        + "app.kubernetes.io/instance=<release> and component, never by name; nothing outside the release's "
                        + "namespace is touched, and nothing is ever deleted.",
                "A plain-language request is translated offline by the built-in engine (no network, no LLM) into one verb, "
                        + "printed first as \"understood as: ai-ops VERB ARGS\". A request it cannot map is \"not understood\" "
                        + "(exit 2) and nothing runs. A change prints the exact kubectl or helm command and runs it only with "
                        + "--yes, or after a typed \"y\" on a terminal.",
                "Audit log: every change asked for, run, declined or refused is appended as a JSON line to aiOps.auditLog "
                        + "(taskora.yaml), by default ${XDG_STATE_HOME:-~/.local/state}/taskora/ai-ops-audit.jsonl.",
                "Replicas are bounded by aiOps.maxReplicas (default 10). See docs/AI-OPS.md."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done (read-only: no problem found; change: done, or --dry-run printed it)",
                "1:problems found (status, unhealthy, diagnose), or a check failed (no such release, pod, revision)",
                "2:bad option, configuration, or a request that was not understood (nothing run)",
                "3:a kubectl or helm command failed",
                "6:a change was not confirmed (no --yes): nothing changed",
                "7:refused: a delete, replicas out of bounds, a revision that cannot be rolled back to"})
public class AiOps implements Callable<Integer> {
    static final int NOT_CONFIRMED = 6;
    static final int REFUSED = 7;

    @Mixin Options options;

    @Parameters(paramLabel = "REQUEST", arity = "0..*",
            description = "A verb with its arguments, or a request in plain language (quoted or not).")
    List<String> words = new ArrayList<>();

    @Option(names = {"-y", "--yes"}, description = "Run a change without asking (the command is still printed first).")
    boolean yes;

    @Option(names = "--since", paramLabel = "DURATION", description = "errors and logs: only lines newer than this (e.g. 10m, 1h).")
    String since;

    @Option(names = "--tail", paramLabel = "N", defaultValue = "100", description = "logs: lines per container (default ${DEFAULT-VALUE}); errors: at most N lines.")
    int tail;

    @Option(names = "--json", description = "Print one JSON document: the request, what it was understood as, the commands, the result.")
    boolean json;

    @Option(names = "--engine", paramLabel = "ENGINE", description = "Who answers a request: auto (kubectl-ai when it is on PATH and "
            + "aiOps.provider's key is set, else builtin), builtin, kubectl-ai, kagent (key aiOps.engine; docs/AI-OPS.md).")
    String engine;

    @Option(names = "--no-gordon", description = "review-dockerfiles: use hadolint and the image checks even when Gordon (docker ai) could run.")
    boolean noGordon;

    public static void main(String... args) {
        System.exit(Console.execute(new AiOps(), args));
    }

    @Override
    public Integer call() {
        Config cfg = options.load();
        if (!words.isEmpty() && AiEngines.handles(words.get(0))) // the AI tools' own verbs (scripts/lib/AiEngines.java)
            return AiEngines.verb(words, new Ops(cfg, new Report(String.join(" ", words)), yes, since, tail, json), noGordon);
        String request = String.join(" ", words).strip();
        if (request.isEmpty())
            throw new Failure(Exit.USAGE, "no request given", "e.g. ai-ops status, or ai-ops \"" + Intents.EXAMPLES.get(1) + "\"; see ai-ops --help");
        if (since != null && !since.matches(Config.DURATION))
            throw new Failure(Exit.USAGE, "--since " + since + ": expected a duration such as 30s, 10m or 2h");
        PrintStream stdout = System.out;
        Report report = new Report(request);
        Ops ops = new Ops(cfg, report, yes, since, tail, json);
        if (json) System.setOut(new PrintStream(System.err, true, StandardCharsets.UTF_8)); // human lines to stderr, JSON alone on stdout
        int code;
        try {
            code = AiEngines.engine(cfg, engine, request, ops).answer(request, ops);
        } catch (Failure f) {
            report.put("error", f.getMessage());
            if (!json) throw f;
            Console.error("ai-ops", f.getMessage(), f.hint);
            code = f.exitCode;
        } finally {
            System.setOut(stdout);
        }
        if (json) {
            report.put("exit", code);
            System.out.println(Json.pretty(report.doc));
        }
        return code;
    }

    // ---------------------------------------------------------------- engines
    /**
     * What answers a plain-language request. The built-in engine translates it (Intents, offline,
     * deterministic) into one canonical verb and runs it through Ops; another engine (kubectl-ai,
     * kagent, ...) may answer it its own way, but changes still go through Ops' confirmation.
     */
    interface Engine {
        String name();

        /** Answers one request; returns the exit code. */
        int answer(String request, Ops ops);
    }

    /** The engine for this run: the built-in one (others are chosen here, by configuration). */
    static Engine engine(Config cfg) {
        return new BuiltinEngine();
    }

    static final class BuiltinEngine implements Engine {
        public String name() { return "builtin"; }

        public int answer(String request, Ops ops) {
            Intents.Translation t = Intents.translate(request, ops.cfg.release());
            ops.report.put("engine", name());
            return ops.run(t);
        }
    }

    /** The --json document, filled as the run goes. */
    static final class Report {
        final Map<String, Object> doc = new LinkedHashMap<>();
        final List<String> commands = new ArrayList<>();

        Report(String request) {
            doc.put("request", request);
            doc.put("understood", null);
            doc.put("mutating", false);
            doc.put("commands", commands);
        }

        void put(String k, Object v) { doc.put(k, v); }
    }

    // ---------------------------------------------------------------- the verbs
    /** Runs canonical intents against the release, with the safety rules; the same for every engine. */
    static final class Ops {
        final Config cfg;
        final Report report;
        final boolean yes, json;
        final String sinceOption;
        final int tail;

        Ops(Config cfg, Report report, boolean yes, String since, int tail, boolean json) {
            this.cfg = cfg;
            this.report = report;
            this.yes = yes;
            this.sinceOption = since;
            this.tail = tail;
            this.json = json;
        }

        String ns() { return cfg.namespace(); }
        String rel() { return cfg.release(); }
        String sel() { return "app.kubernetes.io/instance=" + rel(); }
        String sel(String component) { return sel() + ",app.kubernetes.io/component=" + component; }

        long maxReplicas() {
            return cfg.get("aiOps.maxReplicas") instanceof Number n ? n.longValue() : 10;
        }

        Path auditLog() {
            String p = cfg.str("aiOps.auditLog");
            if (!p.isEmpty()) return cfg.baseDir.resolve(p.replaceFirst("^~/", System.getProperty("user.home") + "/")).normalize();
            String state = System.getenv("XDG_STATE_HOME");
            Path base = state != null && !state.isBlank() ? Path.of(state) : Path.of(System.getProperty("user.home"), ".local", "state");
            return base.resolve("taskora").resolve("ai-ops-audit.jsonl");
        }

        /** A read-only query (the classifier must agree it writes nothing). */
        Cmd.Result read(List<String> argv) {
            if (Intents.writes(argv)) throw new IllegalStateException("not a read-only command: " + Cmd.show(argv));
            report.commands.add(Cmd.show(argv));
            return Cmd.query(argv, Duration.ofSeconds(60));
        }

        List<String> kubectl(String... args) {
            List<String> a = cfg.kubectl(args);
            a.add("-n");
            a.add(ns());
            return a;
        }

        List<String> helm(String... args) {
            List<String> a = new ArrayList<>(List.of(args));
            a.add("-n");
            a.add(ns());
            return cfg.helm(a.toArray(String[]::new));
        }

        /** Prints the translation, then refuses, gives up, or runs the intent. */
        int run(Intents.Translation t) {
            if (t.refused() != null) {
                audit(null, List.of(), "refused");
                Console.info(t.refused());
                report.put("refused", t.refused());
                return REFUSED;
            }
            if (!t.understood()) {
                Console.info("not understood: " + t.notUnderstood());
                Console.info("examples:");
                for (String e : Intents.EXAMPLES) Console.info("  ai-ops \"" + e + "\"");
                Console.info("or a verb: " + String.join(", ", Intents.VERBS.stream().map(v -> (v.name() + " " + v.args()).strip()).toList()));
                report.put("notUnderstood", t.notUnderstood());
                return Exit.USAGE;
            }
            Intents.Intent i = t.intent();
            if (sinceOption != null && (i.verb().equals("errors") || i.verb().equals("logs")))
                i = new Intents.Intent(i.verb(), i.component(), i.pod(), i.replicas(), i.revision(), sinceOption);
            report.put("understood", i.json());
            report.put("mutating", i.mutating());
            Console.info(Console.dim("understood as: ") + i.canonical());
            if (i.mutating()) return change(i);
            if (Cmd.dryRun) {
                for (List<String> c : plan(i)) {
                    report.commands.add(Cmd.show(c));
                    Console.info(Console.yellow("[dry-run] would query: ") + Cmd.show(c));
                }
                return Exit.OK;
            }
            return switch (i.verb()) {
                case "status" -> status();
                case "unhealthy" -> unhealthy();
                case "diagnose" -> diagnose(i.component(), i.pod());
                case "errors" -> errors(i.component(), i.since());
                case "logs" -> logs(i.component(), i.since());
                case "events" -> events();
                case "usage" -> usage();
                case "history" -> history();
                case "url" -> url();
                default -> throw new IllegalStateException(i.verb());
            };
        }

        /** The main commands of a read-only verb, for --dry-run (no cluster is asked). */
        List<List<String>> plan(Intents.Intent i) {
            List<String> get = kubectl("get", Diagnosis.KINDS, "-l", sel(), "-o", "json");
            List<String> events = kubectl("get", "events", "-o", "json");
            return switch (i.verb()) {
                case "status" -> List.of(helm("status", rel(), "-o", "json"), get, events);
                case "unhealthy", "diagnose" -> List.of(get, events);
                case "errors" -> List.of(kubectl("get", "pods", "-l", i.component() == null ? sel() : sel(i.component()), "-o", "json"),
                        kubectl("logs", "POD", "-c", "CONTAINER", "--timestamps", "--tail", "2000"));
                case "logs" -> List.of(logsCommand(i.component(), i.since()));
                case "events" -> List.of(get, events);
                case "usage" -> List.of(metricsCommand(), kubectl("get", "pods", "-l", sel(), "-o", "json"));
                case "history" -> List.of(helm("history", rel(), "-o", "json"));
                case "url" -> List.of(Reach.query(cfg));
                default -> List.of();
            };
        }

        // ------------------------------------------------------------ read-only verbs
        int status() {
            Cmd.Result h = read(helm("status", rel(), "-o", "json"));
            Map<String, Object> result = new LinkedHashMap<>();
            if (h.ok()) {
                Object st = Json.parse(h.out(), "helm status -o json");
                Console.info(Console.bold("release ") + rel() + " in namespace " + ns() + ": revision " + Json.text(st, "version") + ", "
                        + Json.text(st, "info", "status") + ", " + Json.text(st, "info", "description") + " (" + Json.text(st, "info", "last_deployed") + ")");
                result.put("release", Map.of("name", rel(), "namespace", ns(), "revision", Json.number(st, "version"),
                        "status", Json.text(st, "info", "status")));
            } else {
                Console.info(Console.yellow("no helm release ") + rel() + " in namespace " + ns() + " (" + h.tail().lines().findFirst().orElse("") + ")");
                result.put("release", null);
            }
            Diagnosis.Snapshot s = snapshot();
            List<List<String>> rows = new ArrayList<>();
            for (Object w : s.workloads()) {
                long want = Json.at(w, "spec", "replicas") instanceof Number n ? n.longValue() : 1;
                rows.add(List.of(Json.text(w, "kind") + "/" + Json.text(w, "metadata", "name"), Diagnosis.component(w),
                        Json.number(w, "status", "readyReplicas") + "/" + want, images(Json.items(w, "spec", "template", "spec", "containers"))));
            }
            if (!rows.isEmpty()) Console.table(List.of("WORKLOAD", "COMPONENT", "READY", "IMAGE"), rows);
            podTable(s.pods());
            List<Diagnosis.Finding> f = Diagnosis.analyze(s, Diagnosis.kubectlLogs(cfg));
            if (s.pods().isEmpty() && s.workloads().isEmpty()) Console.info("no workloads or pods labelled " + sel() + " in namespace " + ns());
            if (f.isEmpty()) Console.info(Console.green("no problems found"));
            else Diagnosis.print(f);
            result.put("workloads", s.workloads().size());
            result.put("pods", podRows(s.pods()));
            result.put("diagnosis", Diagnosis.json(f));
            report.put("result", result);
            return f.isEmpty() && h.ok() ? Exit.OK : Exit.CHECK_FAILED;
        }

        Diagnosis.Snapshot snapshot() {
            Cmd.Result r = read(kubectl("get", Diagnosis.KINDS, "-l", sel(), "-o", "json"));
            Cmd.check(r, "kubectl get " + Diagnosis.KINDS, "is the cluster reachable? try: " + String.join(" ", cfg.kubectl("cluster-info")));
            Cmd.Result ev = read(kubectl("get", "events", "-o", "json"));
            return Diagnosis.Snapshot.of(Json.parse(r.out(), "kubectl get"), ev.ok() ? Json.parse(ev.out(), "kubectl get events") : null);
        }

        static String images(List<?> containers) {
            return String.join(",", containers.stream().map(c -> Json.text(c, "image")).toList());
        }

        /** NAME COMPONENT STATUS READY RESTARTS for pods (Job pods that succeeded left out). */
        void podTable(List<?> pods) {
            List<List<String>> rows = new ArrayList<>();
            for (Map<String, Object> p : podRows(pods))
                rows.add(List.of(String.valueOf(p.get("name")), String.valueOf(p.get("component")), String.valueOf(p.get("status")),
                        String.valueOf(p.get("ready")), String.valueOf(p.get("restarts"))));
            if (!rows.isEmpty()) Console.table(List.of("POD", "COMPONENT", "STATUS", "READY", "RESTARTS"), rows);
        }

        static List<Map<String, Object>> podRows(List<?> pods) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (Object p : pods) {
                if ("Succeeded".equals(Json.text(p, "status", "phase"))) continue;
                int ready = 0, total = 0;
                long restarts = 0;
                String status = Json.text(p, "status", "phase");
                for (Object st : Json.items(p, "status", "containerStatuses")) {
                    total++;
                    if (Boolean.TRUE.equals(Json.at(st, "ready"))) ready++;
                    restarts += Json.number(st, "restartCount");
                    String w = Json.text(st, "state", "waiting", "reason");
                    if (!w.isEmpty()) status = w;
                    else if (Json.at(st, "state", "terminated") != null) status = Json.text(st, "state", "terminated", "reason");
                }
                for (Object st : Json.items(p, "status", "initContainerStatuses")) {
                    String w = Json.text(st, "state", "waiting", "reason");
                    if (!w.isEmpty() && !w.equals("PodInitializing")) status = "Init:" + w;
                }
                if (!Json.text(p, "metadata", "deletionTimestamp").isEmpty()) status = "Terminating";
                if (total == 0) total = Json.items(p, "spec", "containers").size();
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", Json.text(p, "metadata", "name"));
                m.put("component", Diagnosis.component(p));
                m.put("status", status);
                m.put("ready", ready + "/" + total);
                m.put("restarts", restarts);
                m.put("healthy", Diagnosis.podReady(p) && "Running".equals(Json.text(p, "status", "phase")) && !status.equals("Terminating"));
                out.add(m);
            }
            return out;
        }

        int unhealthy() {
            Diagnosis.Snapshot s = snapshot();
            List<Object> bad = new ArrayList<>();
            long total = 0;
            for (Object p : s.pods()) {
                String phase = Json.text(p, "status", "phase");
                // done (Job pods) or on their way out (a rollout's old pods) are not counted
                if (phase.equals("Succeeded") || !Json.text(p, "metadata", "deletionTimestamp").isEmpty()) continue;
                total++;
                if (!(phase.equals("Running") && Diagnosis.podReady(p))) bad.add(p);
            }
            report.put("result", Map.of("pods", podRows(bad), "total", total));
            if (total == 0) {
                Console.info("no pods labelled " + sel() + " in namespace " + ns());
                return Exit.CHECK_FAILED;
            }
            if (bad.isEmpty()) {
                Console.info(Console.green("all healthy: ") + total + " pod(s) of release " + rel() + " Running and Ready");
                return Exit.OK;
            }
            Console.info(bad.size() + " of " + total + " pod(s) not Running and Ready:");
            podTable(bad);
            Console.info("why: ai-ops diagnose");
            return Exit.CHECK_FAILED;
        }

        int diagnose(String component, String pod) {
            Diagnosis.Snapshot s = snapshot();
            if (pod != null && s.pods().stream().noneMatch(p -> pod.equals(Json.text(p, "metadata", "name"))))
                throw new Failure(Exit.CHECK_FAILED, "pod " + pod + " is not a pod of release " + rel() + " in namespace " + ns(),
                        "list them: ai-ops status");
            List<Diagnosis.Finding> all = Diagnosis.analyze(s, Diagnosis.kubectlLogs(cfg));
            List<Diagnosis.Finding> f = all.stream().filter(x -> (component == null || component.equals(x.component()))
                    && (pod == null || pod.equals(x.name()) || ("Pod/" + pod).equals(x.parent()))).toList();
            report.put("result", Diagnosis.json(f));
            String scope = pod != null ? "pod " + pod : component != null ? "component " + component : "release " + rel();
            if (f.isEmpty()) {
                long pods = s.pods().stream().filter(p -> component == null || component.equals(Diagnosis.component(p))).count();
                if (pods == 0 && component != null) {
                    Console.info("no pods of " + scope + " (is it scaled to 0? ai-ops status)");
                    return Exit.CHECK_FAILED;
                }
                Console.info(Console.green("no problems found") + " for " + scope + " (" + pods + " pod(s))");
                return Exit.OK;
            }
            Console.info(f.size() + " problem(s) for " + scope + ":");
            Diagnosis.print(f);
            return Exit.CHECK_FAILED;
        }

        record LogLine(String time, String pod, String container, boolean previous, String level, String text) {}

        int errors(String component, String since) {
            Cmd.Result r = Cmd.check(read(kubectl("get", "pods", "-l", component == null ? sel() : sel(component), "-o", "json")), "kubectl get pods", null);
            List<CompletableFuture<List<LogLine>>> jobs = new ArrayList<>();
            int containers = 0;
            for (Object p : Json.items(Json.parse(r.out(), "kubectl get pods"), "items")) {
                String pod = Json.text(p, "metadata", "name");
                for (Object spec : Json.items(p, "spec", "containers")) {
                    String c = Json.text(spec, "name");
                    Object st = Json.items(p, "status", "containerStatuses").stream().filter(x -> c.equals(Json.text(x, "name"))).findFirst().orElse(null);
                    containers++;
                    jobs.add(CompletableFuture.supplyAsync(() -> errorLines(pod, c, false, since)));
                    if (Json.number(st, "restartCount") > 0 || Json.at(st, "lastState", "terminated") != null)
                        jobs.add(CompletableFuture.supplyAsync(() -> errorLines(pod, c, true, since)));
                }
            }
            List<LogLine> lines = new ArrayList<>();
            for (CompletableFuture<List<LogLine>> j : jobs) lines.addAll(j.join());
            lines.sort((a, b) -> b.time().compareTo(a.time()));
            List<LogLine> shown = lines.subList(0, Math.min(lines.size(), tail));
            report.put("result", Map.of("containers", containers, "errors", lines.size(), "lines", shown));
            String scope = (component == null ? "release " + rel() : component) + (since == null ? "" : " in the last " + since);
            if (lines.isEmpty()) {
                Console.info(Console.green("no error lines") + " in the logs of " + containers + " container(s) of " + scope);
                return Exit.OK;
            }
            Console.info(lines.size() + " error line(s) in " + scope + ", newest first" + (lines.size() > shown.size() ? " (the " + shown.size() + " newest shown)" : "") + ":");
            for (LogLine l : shown)
                Console.info(l.time() + "  " + l.pod() + "/" + l.container() + (l.previous() ? " (previous container)" : "") + "  "
                        + Console.red(l.level()) + "  " + l.text());
            return Exit.OK;
        }

        List<LogLine> errorLines(String pod, String container, boolean previous, String since) {
            List<String> a = kubectl("logs", pod, "-c", container, "--timestamps", "--tail", "2000");
            if (previous) a.add("--previous");
            if (since != null && !previous) { a.add("--since"); a.add(since); }
            Cmd.Result r = read(a);
            List<LogLine> out = new ArrayList<>();
            if (!r.ok()) return out;
            String cutoff = since == null ? "" : Instant.now().minus(Config.duration(since)).toString();
            for (String line : r.out().split("\n")) {
                LogLine l = errorLine(pod, container, previous, line);
                if (l != null && l.time().compareTo(cutoff) >= 0) out.add(l);
            }
            return out;
        }

        /** An error line of `kubectl logs --timestamps`: a JSON line at ERROR or above, or a plain line saying ERROR/FATAL/PANIC. */
        static LogLine errorLine(String pod, String container, boolean previous, String line) {
            int sp = line.indexOf(' ');
            if (sp < 0) return null;
            String time = line.substring(0, sp), body = line.substring(sp + 1).strip();
            if (!body.isEmpty() && body.charAt(0) == '{') { // a JSON log line
                Object o;
                try { o = Json.parse(body, "log line"); } catch (Failure f) { return null; }
                String level = Json.text(o, "level").toUpperCase(Locale.ROOT);
                if (level.isEmpty()) level = Json.text(o, "levelname").toUpperCase(Locale.ROOT);
                if (!Set.of("ERROR", "CRITICAL", "FATAL").contains(level)) return null;
                String ts = Json.text(o, "ts");
                StringBuilder text = new StringBuilder(Json.text(o, "msg").isEmpty() ? Json.text(o, "message") : Json.text(o, "msg"));
                for (String k : List.of("error", "path", "status", "request_id"))
                    if (!Json.text(o, k).isEmpty() && !Json.text(o, k).equals("-")) text.append(" ").append(k).append("=").append(Json.text(o, k));
                if (!Json.text(o, "exc").isEmpty()) text.append(" | ").append(Diagnosis.lastLines(Json.text(o, "exc"), 1));
                return new LogLine(ts.isEmpty() ? time : normalizeTime(ts), pod, container, previous, level, text.toString());
            }
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\b(ERROR|FATAL|PANIC|CRITICAL)\\b").matcher(body);
            return m.find() ? new LogLine(time, pod, container, previous, m.group(1), body) : null;
        }

        /** ISO times in one form (UTC, "Z") so they sort as text. */
        static String normalizeTime(String ts) {
            try {
                return java.time.OffsetDateTime.parse(ts).toInstant().toString();
            } catch (RuntimeException e) {
                return ts;
            }
        }

        List<String> logsCommand(String component, String since) {
            List<String> a = kubectl("logs", "-l", sel(component), "--all-containers", "--prefix", "--tail", String.valueOf(tail),
                    "--max-log-requests", "20");
            if (since != null) { a.add("--since"); a.add(since); }
            return a;
        }

        int logs(String component, String since) {
            Cmd.Result r = Cmd.check(read(logsCommand(component, since)), "kubectl logs", "is the component running? ai-ops status");
            report.put("result", Map.of("lines", r.out().lines().toList()));
            if (r.out().isBlank()) Console.info("no log lines from " + component + (since == null ? "" : " in the last " + since));
            else Console.info(r.out().stripTrailing());
            return Exit.OK;
        }

        int events() {
            Diagnosis.Snapshot s = snapshot();
            Set<String> names = new LinkedHashSet<>();
            List<String> prefixes = new ArrayList<>();
            for (List<?> l : List.of(s.pods(), s.jobs(), s.pvcs(), s.workloads()))
                for (Object o : l) names.add(Json.text(o, "metadata", "name"));
            for (Object w : s.workloads()) prefixes.add(Json.text(w, "metadata", "name") + "-");
            List<Object> mine = new ArrayList<>();
            for (Object e : s.events()) {
                String n = Json.text(e, "involvedObject", "name");
                if (names.contains(n) || prefixes.stream().anyMatch(n::startsWith) || n.equals(rel())) mine.add(e);
            }
            mine.sort((a, b) -> Diagnosis.eventTime(b).compareTo(Diagnosis.eventTime(a)));
            List<Object> shown = mine.subList(0, Math.min(mine.size(), 40));
            List<List<String>> rows = new ArrayList<>();
            List<Map<String, Object>> out = new ArrayList<>();
            for (Object e : shown) {
                String obj = Json.text(e, "involvedObject", "kind") + "/" + Json.text(e, "involvedObject", "name");
                String type = Json.text(e, "type");
                rows.add(List.of(Diagnosis.eventTime(e), "Warning".equals(type) ? Console.yellow(type) : type, Json.text(e, "reason"), obj,
                        Diagnosis.shorten(Json.text(e, "message"), 120)));
                out.add(Map.of("time", Diagnosis.eventTime(e), "type", type, "reason", Json.text(e, "reason"), "object", obj, "message", Json.text(e, "message")));
            }
            report.put("result", Map.of("events", out));
            if (rows.isEmpty()) Console.info("no events about the release's objects in namespace " + ns() + " (Kubernetes keeps them about an hour)");
            else {
                Console.info(mine.size() + " event(s) about the release's objects, newest first:");
                Console.table(List.of("TIME", "TYPE", "REASON", "OBJECT", "MESSAGE"), rows);
            }
            return Exit.OK;
        }

        List<String> metricsCommand() {
            List<String> a = cfg.kubectl("get", "--raw", "/apis/metrics.k8s.io/v1beta1/namespaces/" + ns() + "/pods?labelSelector="
                    + java.net.URLEncoder.encode(sel(), StandardCharsets.UTF_8));
            return a;
        }

        int usage() {
            Cmd.Result m = read(metricsCommand());
            if (!m.ok())
                throw new Failure(Exit.CHECK_FAILED, "no metrics: the metrics API does not answer (" + m.tail().lines().reduce((a, b) -> b).orElse("") + ")",
                        "metrics-server must run: minikube addons enable metrics-server (taskora.yaml minikube.addons lists it)");
            Cmd.Result pr = Cmd.check(read(kubectl("get", "pods", "-l", sel(), "-o", "json")), "kubectl get pods", null);
            Map<String, Object> specs = new LinkedHashMap<>();
            for (Object p : Json.items(Json.parse(pr.out(), "kubectl get pods"), "items")) specs.put(Json.text(p, "metadata", "name"), p);
            List<List<String>> rows = new ArrayList<>();
            List<Map<String, Object>> out = new ArrayList<>();
            for (Object pm : Json.items(Json.parse(m.out(), "metrics API"), "items")) {
                String pod = Json.text(pm, "metadata", "name");
                Object spec = specs.get(pod);
                for (Object c : Json.items(pm, "containers")) {
                    String name = Json.text(c, "name");
                    Object cs = null;
                    for (Object x : Json.items(spec, "spec", "containers")) if (name.equals(Json.text(x, "name"))) cs = x;
                    double cpu = cpuMillis(Json.text(c, "usage", "cpu")), mem = Json.quantity(Json.text(c, "usage", "memory"));
                    String cpuReq = Json.text(cs, "resources", "requests", "cpu"), cpuLim = Json.text(cs, "resources", "limits", "cpu");
                    String memReq = Json.text(cs, "resources", "requests", "memory"), memLim = Json.text(cs, "resources", "limits", "memory");
                    rows.add(List.of(pod + "/" + name, String.format(Locale.ROOT, "%.0fm", cpu), dash(cpuReq) + " / " + dash(cpuLim) + pct(cpu, cpuMillis(cpuLim)),
                            Console.mib((long) mem), dash(memReq) + " / " + dash(memLim) + pct(mem, Json.quantity(memLim))));
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("pod", pod);
                    row.put("container", name);
                    row.put("cpuMillicores", Math.round(cpu));
                    row.put("memoryBytes", Math.round(mem));
                    row.put("cpuRequest", cpuReq);
                    row.put("cpuLimit", cpuLim);
                    row.put("memoryRequest", memReq);
                    row.put("memoryLimit", memLim);
                    out.add(row);
                }
            }
            report.put("result", Map.of("containers", out));
            if (rows.isEmpty()) Console.info("no metrics yet for the release's pods (metrics-server reports a pod about a minute after it starts)");
            else Console.table(List.of("POD/CONTAINER", "CPU", "CPU REQUEST / LIMIT (% of limit)", "MEMORY", "MEMORY REQUEST / LIMIT (% of limit)"), rows);
            return Exit.OK;
        }

        static String dash(String s) { return s.isEmpty() ? "-" : s; }

        static String pct(double used, double limit) {
            return limit <= 0 ? "" : String.format(Locale.ROOT, " (%.0f%%)", 100 * used / limit);
        }

        /** A CPU quantity in millicores: "250m", "1", "12345678n", "1500u". */
        static double cpuMillis(String q) {
            return Json.quantity(q) * 1000;
        }

        List<?> historyDoc() {
            Cmd.Result r = read(helm("history", rel(), "-o", "json", "--max", "50"));
            if (!r.ok()) throw new Failure(Exit.CHECK_FAILED, "no release " + rel() + " in namespace " + ns() + ": " + r.tail().lines().findFirst().orElse(""),
                    "deploy it first: ./jbang deploy@taskora");
            return Json.at(Json.parse(r.out(), "helm history -o json"), new Object[0]) instanceof List<?> l ? l : List.of();
        }

        int history() {
            List<?> h = historyDoc();
            List<List<String>> rows = new ArrayList<>();
            for (Object x : h)
                rows.add(List.of(Json.text(x, "revision"), Json.text(x, "updated"), Json.text(x, "status"), Json.text(x, "chart"),
                        Json.text(x, "app_version"), Json.text(x, "description")));
            Console.table(List.of("REVISION", "UPDATED", "STATUS", "CHART", "APP VERSION", "DESCRIPTION"), rows);
            report.put("result", Map.of("revisions", h));
            return Exit.OK;
        }

        /** How to reach the app: the same answer as deploy's last line (scripts/lib/Reach.java), from one query. */
        int url() {
            Cmd.Result r = Cmd.check(read(Reach.query(cfg)), "kubectl get services,ingresses", null);
            Reach.Way way = Reach.way(Reach.Where.of(cfg), Reach.Objects.of(Json.parse(r.out(), "kubectl get services,ingresses")), Reach.minikubeIp(cfg));
            report.put("result", Map.of("urls", way.url().isEmpty() ? List.of() : List.of(way.url()), "how", way.how(), "portForward", way.portForward()));
            Console.info(Console.bold("open: ") + way.how());
            if (!way.how().equals(way.portForward())) Console.info("or: " + way.portForward());
            return Exit.OK;
        }

        // ------------------------------------------------------------ changes
        /** A change: static checks, the exact command, confirmation, the run, the audit line. */
        int change(Intents.Intent i) {
            report.put("mutating", true);
            String refusal = refusal(i);
            List<String> cmd = changeCommand(i, null);
            if (refusal != null) {
                audit(i, List.of(), "refused: " + refusal);
                report.put("refused", refusal);
                Console.info("refused: " + refusal);
                return REFUSED;
            }
            if (Cmd.dryRun) {
                report.commands.add(Cmd.show(cmd));
                Console.info(Console.yellow("[dry-run] would run: ") + Cmd.show(cmd));
                audit(i, List.of(Cmd.show(cmd)), "dry-run");
                return Exit.OK;
            }
            // live checks (read-only): the workload exists, no autoscaler owns it, the revision exists
            String live = liveCheck(i);
            if (live != null && live.startsWith("refused: ")) {
                audit(i, List.of(), live);
                report.put("refused", live.substring(9));
                Console.info(live);
                return REFUSED;
            }
            if (i.verb().equals("rollback")) cmd = changeCommand(i, live);
            String shown = Cmd.show(cmd);
            report.commands.add(shown);
            Console.info("this changes the cluster: " + Console.bold(shown));
            if (!confirmed()) {
                audit(i, List.of(shown), "not confirmed");
                Console.info("not run: nothing changed. To run it: " + i.canonical() + " --yes"
                        + (System.console() == null ? " (or answer y on a terminal)" : ""));
                report.put("outcome", "not confirmed");
                return NOT_CONFIRMED;
            }
            Cmd.Result r = Cmd.change(Cmd.line(cmd).timeout(Duration.ofMinutes(15)).lines(Console::detail));
            if (!r.ok()) {
                audit(i, List.of(shown), "failed: exit " + r.exit());
                report.put("outcome", "failed");
                throw new Failure(Exit.COMMAND_FAILED, cmd.get(0) + " failed (exit " + r.exit() + "): " + r.tail(), "see the state: ai-ops status");
            }
            if (!r.out().isBlank()) Console.info(r.out().stripTrailing());
            String outcome = i.verb().equals("rollback") ? "done" : waitReady(i);
            audit(i, List.of(shown), outcome);
            report.put("outcome", outcome);
            Console.info(outcome.equals("done") ? Console.green("done") : Console.yellow(outcome));
            return outcome.equals("done") ? Exit.OK : Exit.CHECK_FAILED;
        }

        /** Refusals that need no cluster: replicas out of bounds. */
        String refusal(Intents.Intent i) {
            if (!i.verb().equals("scale")) return null;
            long max = maxReplicas();
            if (i.replicas() < 0 || i.replicas() > max)
                return i.replicas() + " replicas is out of bounds: 0 to " + max + " (aiOps.maxReplicas in taskora.yaml)";
            if (i.component().equals("postgresql") && i.replicas() > 1)
                return "PostgreSQL runs as one instance (each replica would get its own empty volume); it scales to 0 or 1 only";
            return null;
        }

        /** The exact command of a change. Workloads by label, never by name; the revision resolved when known. */
        List<String> changeCommand(Intents.Intent i, String revision) {
            return switch (i.verb()) {
                case "scale" -> kubectl("scale", "deployments,statefulsets", "-l", sel(i.component()), "--replicas=" + i.replicas());
                case "restart" -> kubectl("rollout", "restart", "deployments,statefulsets", "-l", sel(i.component()));
                case "rollback" -> {
                    List<String> a = new ArrayList<>(List.of("rollback", rel()));
                    String rev = revision != null ? revision : i.revision() != null ? String.valueOf(i.revision()) : null;
                    if (rev != null) a.add(rev);
                    a.addAll(List.of("-n", ns()));
                    List<String> line = cfg.helm(a.toArray(String[]::new));
                    line.addAll(List.of("--wait", "--timeout", cfg.str("chart.timeout")));
                    yield line;
                }
                default -> throw new IllegalStateException(i.verb());
            };
        }

        /** Read-only checks before a change; "refused: ..." or, for rollback, the revision to go to. */
        String liveCheck(Intents.Intent i) {
            if (i.verb().equals("rollback")) {
                List<?> h = historyDoc();
                if (h.isEmpty()) return "refused: release " + rel() + " has no revisions";
                Object current = h.get(h.size() - 1);
                long cur = Json.number(current, "revision");
                if (i.revision() != null) {
                    boolean exists = h.stream().anyMatch(x -> Json.number(x, "revision") == i.revision());
                    if (!exists) return "refused: release " + rel() + " has no revision " + i.revision() + " (revisions: "
                            + String.join(", ", h.stream().map(x -> Json.text(x, "revision")).toList()) + "; ai-ops history)";
                    if (i.revision() == cur) return "refused: revision " + cur + " is the current one; nothing to roll back to";
                    return String.valueOf(i.revision());
                }
                for (int k = h.size() - 2; k >= 0; k--) {
                    String st = Json.text(h.get(k), "status");
                    if (st.equals("superseded") || st.equals("deployed")) return Json.text(h.get(k), "revision");
                }
                return "refused: no earlier revision of " + rel() + " was ever deployed successfully (ai-ops history)";
            }
            Cmd.Result r = Cmd.check(read(kubectl("get", "deployments,statefulsets,horizontalpodautoscalers", "-l", sel(i.component()), "-o", "json")),
                    "kubectl get deployments,statefulsets", null);
            List<?> items = Json.items(Json.parse(r.out(), "kubectl get deployments,statefulsets"), "items");
            List<?> work = items.stream().filter(o -> !"HorizontalPodAutoscaler".equals(Json.text(o, "kind"))).toList();
            if (work.isEmpty())
                throw new Failure(Exit.CHECK_FAILED, "no Deployment or StatefulSet labelled " + sel(i.component()) + " in namespace " + ns(),
                        "is the release deployed, and is " + i.component() + " part of it? ai-ops status");
            if (i.verb().equals("scale"))
                for (Object o : items)
                    if ("HorizontalPodAutoscaler".equals(Json.text(o, "kind")))
                        return "refused: " + i.component() + " is scaled by the HorizontalPodAutoscaler " + Json.text(o, "metadata", "name")
                                + " (it would undo this); change " + Diagnosis.valuesKey(i.component()) + ".autoscaling.minReplicas/maxReplicas and deploy";
            return null;
        }

        boolean confirmed() {
            if (yes) return true;
            java.io.Console term = System.console();
            if (term == null) return false;
            String answer = term.readLine("run it? [y/N] ");
            return answer != null && answer.strip().equalsIgnoreCase("y");
        }

        /** After scale or restart: wait (bounded by smoke.timeoutSeconds) until the workload's pods are updated and Ready. */
        String waitReady(Intents.Intent i) {
            long deadline = System.currentTimeMillis() + Math.max(30, cfg.num("smoke.timeoutSeconds")) * 1000;
            String last = "";
            while (true) {
                Cmd.Result r = read(kubectl("get", "deployments,statefulsets", "-l", sel(i.component()), "-o", "json"));
                if (r.ok()) {
                    boolean all = true;
                    for (Object w : Json.items(Json.parse(r.out(), "kubectl get deployments,statefulsets"), "items")) {
                        long want = Json.at(w, "spec", "replicas") instanceof Number n ? n.longValue() : 1;
                        long ready = Json.number(w, "status", "readyReplicas"), updated = Json.number(w, "status", "updatedReplicas");
                        long total = Json.number(w, "status", "replicas");
                        boolean seen = Json.number(w, "status", "observedGeneration") >= Json.number(w, "metadata", "generation");
                        last = Json.text(w, "kind") + "/" + Json.text(w, "metadata", "name") + " " + ready + "/" + want + " ready";
                        if (!(seen && ready == want && updated >= want && total == want)) all = false;
                    }
                    if (all) { Console.info(last); return "done"; }
                }
                if (System.currentTimeMillis() > deadline)
                    return "changed, but not Ready within " + cfg.num("smoke.timeoutSeconds") + " s (" + last + "): see ai-ops diagnose " + i.component();
                try { Thread.sleep(1000); } catch (InterruptedException e) { Thread.currentThread().interrupt(); return "interrupted"; }
            }
        }

        /** Appends one JSON line to the audit log; a log that cannot be written stops the change. */
        void audit(Intents.Intent i, List<String> commands, String outcome) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("time", Instant.now().toString());
            line.put("request", report.doc.get("request"));
            line.put("engine", report.doc.getOrDefault("engine", "builtin"));
            line.put("verb", i == null ? null : i.verb());
            line.put("understood", i == null ? null : i.canonical());
            line.put("release", rel());
            line.put("namespace", ns());
            line.put("context", cfg.kubeContext());
            line.put("commands", commands);
            line.put("outcome", outcome);
            line.put("user", System.getProperty("user.name"));
            Path p = auditLog();
            try {
                Files.createDirectories(p.getParent());
                Files.writeString(p, Json.write(line) + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new Failure(Exit.COMMAND_FAILED, "cannot write the audit log " + p + ": " + e.getMessage(),
                        "set aiOps.auditLog in taskora.yaml to a writable file (--set aiOps.auditLog=PATH)");
            }
            report.put("audit", p.toString());
        }
    }
}

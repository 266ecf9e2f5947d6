// ai-ops' read-only verbs (status, unhealthy, diagnose, errors, logs, events, usage, history,
// url): the kubectl and helm queries on the release (by its labels, in its namespace), the
// tables printed and the --json result. Every query goes through OpsRun.read, which refuses a
// command the read/write classifier (Intents.writes) says writes. `plan` lists the main queries
// of a verb for --dry-run, which asks no cluster.

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

final class ReleaseReads {
    private final OpsRun r;

    ReleaseReads(OpsRun run) {
        this.r = run;
    }

    /** --dry-run of a read-only verb: the main queries it would run (no cluster is asked). */
    int dryRun(Intents.Intent i) {
        for (List<String> c : plan(i)) {
            r.commands.add(Cmd.show(c));
            Console.info(Console.yellow("[dry-run] would query: ") + Cmd.show(c));
        }
        return Exit.OK;
    }

    List<List<String>> plan(Intents.Intent i) {
        List<String> get = r.kubectl("get", Diagnosis.KINDS, "-l", r.sel(), "-o", "json");
        List<String> events = r.kubectl("get", "events", "-o", "json");
        return switch (i.verb()) {
            case STATUS -> List.of(r.helm("status", r.rel(), "-o", "json"),
                    i.component() == null ? get : r.kubectl("get", Diagnosis.KINDS, "-l", r.sel(i.component()), "-o", "json"), events);
            case UNHEALTHY, DIAGNOSE, EVENTS -> List.of(get, events);
            case ERRORS -> List.of(r.kubectl("get", "pods", "-l", i.component() == null ? r.sel() : r.sel(i.component()), "-o", "json"),
                    r.kubectl("logs", "POD", "-c", "CONTAINER", "--timestamps", "--tail", "2000"));
            case LOGS -> List.of(logsCommand(i.component(), i.since()));
            case USAGE -> List.of(metricsCommand(i.component()), r.kubectl("get", "pods", "-l", selector(i.component()), "-o", "json"));
            case HISTORY -> List.of(r.helm("history", r.rel(), "-o", "json"));
            case URL -> List.of(Reach.query(r.cfg));
            case DRIFT -> List.of(r.helm("get", "manifest", r.rel()),
                    r.kubectl("diff", "--server-side", "--force-conflicts", "--field-manager=taskora-diff", "-f", "-"));
            default -> List.of();
        };
    }

    /** The release's selector, or one component's. */
    String selector(String component) {
        return component == null ? r.sel() : r.sel(component);
    }

    // ---------------------------------------------------------------- status, unhealthy, diagnose
    /** The release, its workloads and pods with the problems found; only one component's when `component` is given. */
    int status(String component) {
        Cmd.Result h = r.read(r.helm("status", r.rel(), "-o", "json"));
        if (h.exit() == Cmd.NOT_FOUND) Cmd.check(h, "helm status " + r.rel(), "install Helm 3.12+: https://helm.sh/docs/intro/install/");
        Map<String, Object> result = new LinkedHashMap<>();
        if (h.ok()) {
            Kube.HelmStatus st = Json.bind(h.out(), Kube.HelmStatus.class, "helm status -o json");
            String deployed = st.info() == null || st.info().lastDeployed() == null ? "" : st.info().lastDeployed();
            Console.info(Console.bold("release ") + r.rel() + " in namespace " + r.ns() + ": revision " + st.version() + ", "
                    + st.status() + ", " + st.description() + " (" + deployed + ")");
            result.put("release", Map.of("name", r.rel(), "namespace", r.ns(), "revision", st.version(), "status", st.status()));
        } else {
            Console.info(Console.yellow("no helm release ") + r.rel() + " in namespace " + r.ns() + " (" + h.tail().lines().findFirst().orElse("") + ")");
            result.put("release", null);
        }
        Diagnosis.Snapshot s = snapshot(component);
        List<List<String>> rows = new ArrayList<>();
        for (Object o : s.workloads()) {
            Kube.Workload w = Json.bind(o, Kube.Workload.class);
            rows.add(List.of(w.id(), w.component(), w.ready() + "/" + w.wanted(),
                    String.join(",", w.containers().stream().map(Kube.Container::image).toList())));
        }
        if (!rows.isEmpty()) Console.table(List.of("WORKLOAD", "COMPONENT", "READY", "IMAGE"), rows);
        List<Kube.Pod> pods = pods(s.pods());
        podTable(pods);
        List<Diagnosis.Finding> f = Diagnosis.analyze(s, Diagnosis.kubectlLogs(r.cfg));
        if (s.pods().isEmpty() && s.workloads().isEmpty()) Console.info("no workloads or pods labelled " + selector(component) + " in namespace " + r.ns());
        if (f.isEmpty()) Console.info(Console.green("no problems found"));
        else Diagnosis.print(f);
        result.put("workloads", s.workloads().size());
        result.put("pods", podRows(pods));
        result.put("diagnosis", Diagnosis.json(f));
        r.put("result", result);
        boolean none = component != null && s.pods().isEmpty() && s.workloads().isEmpty();
        return f.isEmpty() && h.ok() && !none ? Exit.OK : Exit.CHECK_FAILED;
    }

    Diagnosis.Snapshot snapshot() {
        return snapshot(null);
    }

    Diagnosis.Snapshot snapshot(String component) {
        Cmd.Result got = r.read(r.kubectl("get", Diagnosis.KINDS, "-l", selector(component), "-o", "json"));
        Cmd.check(got, "kubectl get " + Diagnosis.KINDS, "is the cluster reachable? try: " + String.join(" ", r.cfg.kubectl("cluster-info")));
        Cmd.Result ev = r.read(r.kubectl("get", "events", "-o", "json"));
        return Diagnosis.Snapshot.of(Json.parse(got.out(), "kubectl get"), ev.ok() ? Json.parse(ev.out(), "kubectl get events") : null);
    }

    static List<Kube.Pod> pods(List<?> parsed) {
        return parsed.stream().map(o -> Json.bind(o, Kube.Pod.class)).toList();
    }

    /** POD COMPONENT STATUS READY RESTARTS (Job pods that succeeded left out). */
    static void podTable(List<Kube.Pod> pods) {
        List<List<String>> rows = new ArrayList<>();
        for (Map<String, Object> p : podRows(pods))
            rows.add(List.of(String.valueOf(p.get("name")), String.valueOf(p.get("component")), String.valueOf(p.get("status")),
                    String.valueOf(p.get("ready")), String.valueOf(p.get("restarts"))));
        if (!rows.isEmpty()) Console.table(List.of("POD", "COMPONENT", "STATUS", "READY", "RESTARTS"), rows);
    }

    /** A pod as `kubectl get pods` shows it: the waiting or terminated reason over the phase. */
    static List<Map<String, Object>> podRows(List<Kube.Pod> pods) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Kube.Pod p : pods) {
            if (p.phase().equals("Succeeded")) continue;
            int ready = 0, total = 0;
            long restarts = 0;
            String status = p.phase();
            for (Kube.ContainerStatus st : p.containerStatuses()) {
                total++;
                if (st.ready()) ready++;
                restarts += st.restartCount();
                if (!reason(st.waitingReason()).isEmpty()) status = st.waitingReason();
                else if (st.terminated()) status = reason(st.terminatedReason());
            }
            for (Kube.ContainerStatus st : p.initContainerStatuses()) {
                String w = reason(st.waitingReason());
                if (!w.isEmpty() && !w.equals("PodInitializing")) status = "Init:" + w;
            }
            if (p.deleting()) status = "Terminating";
            if (total == 0) total = p.containers().size();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", p.name());
            m.put("component", p.component());
            m.put("status", status);
            m.put("ready", ready + "/" + total);
            m.put("restarts", restarts);
            m.put("healthy", p.ready() && p.phase().equals("Running") && !status.equals("Terminating"));
            out.add(m);
        }
        return out;
    }

    private static String reason(String r) {
        return r == null || r.equals("null") ? "" : r;
    }

    int unhealthy() {
        List<Kube.Pod> bad = new ArrayList<>();
        long total = 0;
        for (Kube.Pod p : pods(snapshot().pods())) {
            // done (Job pods) or on their way out (a rollout's old pods) are not counted
            if (p.phase().equals("Succeeded") || p.deleting()) continue;
            total++;
            if (!(p.phase().equals("Running") && p.ready())) bad.add(p);
        }
        r.put("result", Map.of("pods", podRows(bad), "total", total));
        if (total == 0) {
            Console.info("no pods labelled " + r.sel() + " in namespace " + r.ns());
            return Exit.CHECK_FAILED;
        }
        if (bad.isEmpty()) {
            Console.info(Console.green("all healthy: ") + total + " pod(s) of release " + r.rel() + " Running and Ready");
            return Exit.OK;
        }
        Console.info(bad.size() + " of " + total + " pod(s) not Running and Ready:");
        podTable(bad);
        Console.info("why: ai-ops diagnose");
        return Exit.CHECK_FAILED;
    }

    int diagnose(String component, String pod) {
        Diagnosis.Snapshot s = snapshot();
        List<Kube.Pod> pods = pods(s.pods());
        if (pod != null && pods.stream().noneMatch(p -> pod.equals(p.name())))
            throw new Failure(Exit.CHECK_FAILED, "pod " + pod + " is not a pod of release " + r.rel() + " in namespace " + r.ns(),
                    "list them: ai-ops status");
        List<Diagnosis.Finding> f = Diagnosis.analyze(s, Diagnosis.kubectlLogs(r.cfg)).stream()
                .filter(x -> (component == null || component.equals(x.component()))
                        && (pod == null || pod.equals(x.name()) || ("Pod/" + pod).equals(x.parent()))).toList();
        r.put("result", Diagnosis.json(f));
        String scope = pod != null ? "pod " + pod : component != null ? "component " + component : "release " + r.rel();
        if (f.isEmpty()) {
            long n = pods.stream().filter(p -> component == null || component.equals(p.component())).count();
            if (n == 0 && component != null) {
                Console.info("no pods of " + scope + " (is it scaled to 0? ai-ops status)");
                return Exit.CHECK_FAILED;
            }
            Console.info(Console.green("no problems found") + " for " + scope + " (" + n + " pod(s))");
            return Exit.OK;
        }
        Console.info(f.size() + " problem(s) for " + scope + ":");
        Diagnosis.print(f);
        return Exit.CHECK_FAILED;
    }

    // ---------------------------------------------------------------- errors and logs
    record LogLine(String time, String pod, String container, boolean previous, String level, String text) {}

    int errors(String component, String since) {
        Cmd.Result got = Cmd.check(r.read(r.kubectl("get", "pods", "-l", component == null ? r.sel() : r.sel(component), "-o", "json")),
                "kubectl get pods", null);
        List<CompletableFuture<List<LogLine>>> jobs = new ArrayList<>();
        int containers = 0;
        for (Kube.Pod p : Json.bind(got.out(), Kube.Pods.class, "kubectl get pods").items())
            for (Kube.Container c : p.containers()) {
                Kube.ContainerStatus st = p.containerStatus(c.name());
                containers++;
                jobs.add(CompletableFuture.supplyAsync(() -> errorLines(p.name(), c.name(), false, since)));
                if (st != null && (st.restartCount() > 0 || st.terminatedBefore()))
                    jobs.add(CompletableFuture.supplyAsync(() -> errorLines(p.name(), c.name(), true, since)));
            }
        List<LogLine> lines = new ArrayList<>();
        for (CompletableFuture<List<LogLine>> j : jobs) lines.addAll(j.join());
        lines.sort((a, b) -> b.time().compareTo(a.time()));
        List<LogLine> shown = lines.subList(0, Math.min(lines.size(), r.tail));
        r.put("result", Map.of("containers", containers, "errors", lines.size(), "lines", shown));
        String scope = (component == null ? "release " + r.rel() : component) + (since == null ? "" : " in the last " + since);
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
        List<String> a = r.kubectl("logs", pod, "-c", container, "--timestamps", "--tail", "2000");
        if (previous) a.add("--previous");
        if (since != null && !previous) { a.add("--since"); a.add(since); }
        Cmd.Result got = r.read(a);
        List<LogLine> out = new ArrayList<>();
        if (!got.ok()) return out;
        String cutoff = since == null ? "" : Instant.now().minus(Config.duration(since)).toString();
        for (String line : got.out().split("\n")) {
            LogLine l = errorLine(pod, container, previous, line);
            if (l != null && l.time().compareTo(cutoff) >= 0) out.add(l);
        }
        return out;
    }

    private static final Pattern PLAIN_ERROR = Pattern.compile("\\b(ERROR|FATAL|PANIC|CRITICAL)\\b");

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
        Matcher m = PLAIN_ERROR.matcher(body);
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
        List<String> a = r.kubectl("logs", "-l", r.sel(component), "--all-containers", "--prefix", "--tail", String.valueOf(r.tail),
                "--max-log-requests", "20");
        if (since != null) { a.add("--since"); a.add(since); }
        return a;
    }

    int logs(String component, String since) {
        Cmd.Result got = Cmd.check(r.read(logsCommand(component, since)), "kubectl logs", "is the component running? ai-ops status");
        r.put("result", Map.of("lines", got.out().lines().toList()));
        if (got.out().isBlank()) Console.info("no log lines from " + component + (since == null ? "" : " in the last " + since));
        else Console.info(got.out().stripTrailing());
        return Exit.OK;
    }

    // ---------------------------------------------------------------- events, usage, history, url
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
            if (names.contains(n) || prefixes.stream().anyMatch(n::startsWith) || n.equals(r.rel())) mine.add(e);
        }
        mine.sort((a, b) -> Diagnosis.eventTime(b).compareTo(Diagnosis.eventTime(a)));
        List<List<String>> rows = new ArrayList<>();
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object raw : mine.subList(0, Math.min(mine.size(), 40))) {
            Kube.Event e = Json.bind(raw, Kube.Event.class);
            String obj = e.involvedObject() == null ? "/" : e.involvedObject().kind() + "/" + e.involvedObject().name();
            String type = text(e.type()), reason = text(e.reason()), message = text(e.message()), time = Diagnosis.eventTime(raw);
            rows.add(List.of(time, "Warning".equals(type) ? Console.yellow(type) : type, reason, obj, Diagnosis.shorten(message, 120)));
            out.add(Map.of("time", time, "type", type, "reason", reason, "object", obj, "message", message));
        }
        r.put("result", Map.of("events", out));
        if (rows.isEmpty()) Console.info("no events about the release's objects in namespace " + r.ns() + " (Kubernetes keeps them about an hour)");
        else {
            Console.info(mine.size() + " event(s) about the release's objects, newest first:");
            Console.table(List.of("TIME", "TYPE", "REASON", "OBJECT", "MESSAGE"), rows);
        }
        return Exit.OK;
    }

    private static String text(String s) {
        return s == null ? "" : s;
    }

    List<String> metricsCommand(String component) {
        return r.cfg.kubectl("get", "--raw", "/apis/metrics.k8s.io/v1beta1/namespaces/" + r.ns() + "/pods?labelSelector="
                + java.net.URLEncoder.encode(selector(component), StandardCharsets.UTF_8));
    }

    /** CPU and memory per container against requests and limits; only one component's when `component` is given. */
    int usage(String component) {
        Cmd.Result m = r.read(metricsCommand(component));
        if (!m.ok())
            throw new Failure(Exit.CHECK_FAILED, "no metrics: the metrics API does not answer (" + m.tail().lines().reduce((a, b) -> b).orElse("") + ")",
                    "metrics-server must run: minikube addons enable metrics-server (taskora.yaml minikube.addons lists it)");
        Cmd.Result pr = Cmd.check(r.read(r.kubectl("get", "pods", "-l", selector(component), "-o", "json")), "kubectl get pods", null);
        Map<String, Kube.Pod> specs = new LinkedHashMap<>();
        for (Kube.Pod p : Json.bind(pr.out(), Kube.Pods.class, "kubectl get pods").items()) specs.put(p.name(), p);
        List<List<String>> rows = new ArrayList<>();
        List<Map<String, Object>> out = new ArrayList<>();
        for (Kube.PodMetrics pm : Json.bind(m.out(), Kube.PodMetricsList.class, "metrics API").items())
            for (Kube.ContainerMetrics c : pm.containers()) {
                Kube.Pod pod = specs.get(pm.name());
                Kube.Container cs = pod == null ? null : pod.container(c.name());
                double cpu = cpuMillis(c.usage("cpu")), mem = Json.quantity(c.usage("memory"));
                String cpuReq = cs == null ? "" : cs.request("cpu"), cpuLim = cs == null ? "" : cs.limit("cpu");
                String memReq = cs == null ? "" : cs.request("memory"), memLim = cs == null ? "" : cs.limit("memory");
                rows.add(List.of(pm.name() + "/" + c.name(), String.format(Locale.ROOT, "%.0fm", cpu), dash(cpuReq) + " / " + dash(cpuLim) + pct(cpu, cpuMillis(cpuLim)),
                        Console.mib((long) mem), dash(memReq) + " / " + dash(memLim) + pct(mem, Json.quantity(memLim))));
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("pod", pm.name());
                row.put("container", c.name());
                row.put("cpuMillicores", Math.round(cpu));
                row.put("memoryBytes", Math.round(mem));
                row.put("cpuRequest", cpuReq);
                row.put("cpuLimit", cpuLim);
                row.put("memoryRequest", memReq);
                row.put("memoryLimit", memLim);
                out.add(row);
            }
        r.put("result", Map.of("containers", out));
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

    /** The release's helm revisions, oldest first (a check failure when there is no release). */
    List<Kube.HelmRevision> revisions() {
        Cmd.Result h = r.read(r.helm("history", r.rel(), "-o", "json", "--max", "50"));
        if (!h.ok()) throw new Failure(Exit.CHECK_FAILED, "no release " + r.rel() + " in namespace " + r.ns() + ": " + h.tail().lines().findFirst().orElse(""),
                "deploy it first: ./jbang deploy@taskora");
        return Kube.history(h.out());
    }

    int history() {
        List<Kube.HelmRevision> h = revisions();
        List<List<String>> rows = new ArrayList<>();
        for (Kube.HelmRevision x : h)
            rows.add(List.of(String.valueOf(x.revision()), text(x.updated()), text(x.status()), text(x.chart()), text(x.appVersion()), text(x.description())));
        Console.table(List.of("REVISION", "UPDATED", "STATUS", "CHART", "APP VERSION", "DESCRIPTION"), rows);
        r.put("result", Map.of("revisions", h));
        return Exit.OK;
    }

    /** How to reach the app: the same answer as deploy's last line (scripts/lib/Reach.java), from one query. */
    int url() {
        Cmd.Result got = Cmd.check(r.read(Reach.query(r.cfg)), "kubectl get services,ingresses", null);
        Reach.Way way = Reach.way(Reach.Where.of(r.cfg), Reach.Objects.of(Json.parse(got.out(), "kubectl get services,ingresses")), Reach.minikubeIp(r.cfg));
        r.put("result", Map.of("urls", way.url().isEmpty() ? List.of() : List.of(way.url()), "how", way.how(), "portForward", way.portForward()));
        Console.info(Console.bold("open: ") + way.how());
        if (!way.how().equals(way.portForward())) Console.info("or: " + way.portForward());
        return Exit.OK;
    }

    // ---------------------------------------------------------------- drift
    /**
     * What was changed by hand: the live objects against the release's manifest, field by field,
     * with who changed each (scripts/lib/Drift.java). kubectl diff dry-runs an apply: nothing changes.
     */
    int drift() {
        Drift.Report d = Drift.drift(r.cfg);
        if (d == null) {
            r.commands.add(Cmd.show(r.helm("get", "manifest", r.rel())));
            Console.info(Console.yellow("no helm release ") + r.rel() + " in namespace " + r.ns() + ": nothing to compare with");
            r.put("result", null);
            return Exit.CHECK_FAILED;
        }
        r.commands.addAll(d.commands());
        Console.info(Console.bold("drift of release ") + r.rel() + " in namespace " + r.ns() + " (live objects against its manifest):");
        Drift.print(d, "LIVE", "RELEASE");
        if (!d.none()) Console.info("deploy reverts it (deploy --diff shows what it would change first)");
        r.put("result", Drift.json(d));
        return d.none() ? Exit.OK : Exit.CHECK_FAILED;
    }
}

// Why a release's pods are not Ready, in one place for every script (ai-ops diagnose and status,
// deploy and smoke when they fail). As k8sgpt's analyzers: one small analyzer per kind (Pod, Job,
// PersistentVolumeClaim) reads `kubectl get -o json` documents and returns findings
// {kind, name, parent, text, fix}; they know nothing of output formats, so the same findings
// serve a table, JSON and any explanation. Each finding is the cause in one line and the fix in
// one line, naming what is at fault (the image, the memory limit, the Secret and key, ...).

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

final class Diagnosis {
    private Diagnosis() {}

    /** One problem: what (kind/name, and the workload or Job it belongs to), the cause, the fix. */
    record Finding(String kind, String name, String parent, String component, String code, String text, String fix) {
        /** A failure that waiting will not cure once it has lasted as DEFINITE says (deploy may stop waiting for it): not a probe, not "not Ready yet". */
        boolean definite() { return DEFINITE.containsKey(code); }

        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", kind);
            m.put("code", code);
            m.put("name", name);
            m.put("parent", parent);
            m.put("component", component);
            m.put("text", text);
            m.put("fix", fix);
            return m;
        }
    }

    /** The release's objects as kubectl printed them: pods, Jobs, PVCs, workloads, and the namespace's events. */
    record Snapshot(List<?> pods, List<?> jobs, List<?> pvcs, List<?> workloads, List<?> events) {
        /** Splits one `kubectl get deployments,statefulsets,pods,jobs,persistentvolumeclaims -o json` List by kind. */
        static Snapshot of(Object list, Object events) {
            List<Object> pods = new ArrayList<>(), jobs = new ArrayList<>(), pvcs = new ArrayList<>(), work = new ArrayList<>();
            for (Object o : Json.items(list, "items")) {
                switch (Json.text(o, "kind")) {
                    case "Pod" -> pods.add(o);
                    case "Job" -> jobs.add(o);
                    case "PersistentVolumeClaim" -> pvcs.add(o);
                    case "Deployment", "StatefulSet" -> work.add(o);
                    default -> { }
                }
            }
            return new Snapshot(pods, jobs, pvcs, work, Json.items(events, "items"));
        }
    }

    /** The last lines of a container's log (the previous instance's when asked); "" when there are none. */
    interface Logs {
        String tail(String pod, String container, boolean previous, int lines);

        Logs NONE = (p, c, prev, n) -> "";
    }

    /** The cause codes (as Skaffold's diag: one code per failure class, one suggestion each). */
    static final String IMAGE_PULL = "ImagePull", CRASH_LOOP = "CrashLoop", OOM_KILLED = "OOMKilled", CONFIG = "ContainerConfig",
            PROBE = "ProbeFailing", UNSCHEDULABLE = "Unschedulable", PVC_UNBOUND = "PVCUnbound", INIT = "InitContainer",
            JOB_FAILED = "JobFailed", NOT_READY = "NotReady";

    /** How long a cause must last, and how often its container must have restarted, before it is definite. */
    record Definite(Duration lasting, int restarts) {}

    /**
     * The one table of deploy's fail-fast watch: which causes are definite, and when. A cause that
     * no wait cures counts at once; one that the cluster may still cure by itself counts only after
     * it has lasted its grace. A code not in the table never stops deploy (a failing probe, an init
     * container still running, a pod not Ready yet: helm's own --timeout judges those).
     */
    static final Map<String, Definite> DEFINITE = Map.of(
            // the image is not on the node and cannot be pulled (not found, no registry, never-pull): a retry finds the same
            IMAGE_PULL, new Definite(Duration.ZERO, 0),
            // the container needs more memory than its limit: every restart ends the same way
            OOM_KILLED, new Definite(Duration.ZERO, 0),
            // a Secret, key or ConfigMap that does not exist (helm creates the release's own before its pods)
            CONFIG, new Definite(Duration.ZERO, 0),
            // the hook Job (migrations) gave up after its backoffLimit
            JOB_FAILED, new Definite(Duration.ZERO, 0),
            // a pod may crash a time or two while the database it needs starts
            CRASH_LOOP, new Definite(Duration.ZERO, 3),
            // a cluster autoscaler adds a node, a terminating pod frees its room, a PV provisioner catches up
            UNSCHEDULABLE, new Definite(Duration.ofSeconds(90), 0),
            // WaitForFirstConsumer binds the claim once its pod is scheduled, then the provisioner makes the volume
            PVC_UNBOUND, new Definite(Duration.ofSeconds(90), 0));

    /** Makes a finding about one object, given its cause code, text and fix. */
    interface Make {
        Finding of(String code, String text, String fix);
    }

    static final String KINDS = "deployments,statefulsets,pods,jobs,persistentvolumeclaims";
    static final int LOG_LINES = 5;

    // ---------------------------------------------------------------- collecting (kubectl)
    /** The two queries a diagnosis needs: the release's objects (by label) and the namespace's events. */
    static Snapshot collect(Config cfg) {
        String what = "kubectl get " + KINDS;
        Cmd.Result r = Cmd.check(Cmd.query(cfg.kubectl("get", KINDS, "-n", cfg.namespace(), "-l",
                "app.kubernetes.io/instance=" + cfg.release(), "-o", "json")), what,
                "is the cluster reachable? try: " + String.join(" ", cfg.kubectl("cluster-info")));
        Cmd.Result ev = Cmd.query(cfg.kubectl("get", "events", "-n", cfg.namespace(), "-o", "json"));
        return Snapshot.of(Json.parse(r.out(), what), ev.ok() ? Json.parse(ev.out(), "kubectl get events") : null);
    }

    /** Container logs through kubectl logs --tail. */
    static Logs kubectlLogs(Config cfg) {
        return (pod, container, previous, lines) -> {
            List<String> a = cfg.kubectl("logs", pod, "-n", cfg.namespace(), "-c", container, "--tail", String.valueOf(lines));
            if (previous) a.add("--previous");
            Cmd.Result r = Cmd.query(a, Duration.ofSeconds(20));
            return r.ok() ? r.out().strip() : "";
        };
    }

    // ---------------------------------------------------------------- analyzers
    /** Every finding for the snapshot: pods first, then hook Jobs, then unbound PVCs nobody else named. */
    static List<Finding> analyze(Snapshot s, Logs logs) {
        List<Finding> out = new ArrayList<>();
        for (Object pod : s.pods()) out.addAll(analyzePod(pod, s, logs));
        for (Object job : s.jobs()) out.addAll(analyzeJob(job, s, logs));
        for (Object pvc : s.pvcs()) {
            String name = Json.text(pvc, "metadata", "name");
            if (!"Pending".equals(Json.text(pvc, "status", "phase"))) continue;
            if (out.stream().anyMatch(f -> f.text().contains("PersistentVolumeClaim " + name))) continue;
            out.add(new Finding("PersistentVolumeClaim", name, "", component(pvc), PVC_UNBOUND,
                    "PersistentVolumeClaim " + name + " is not bound" + eventTail(s, "PersistentVolumeClaim", name),
                    storageFix(name)));
        }
        return out;
    }

    static String component(Object o) {
        return Json.text(o, "metadata", "labels", "app.kubernetes.io/component");
    }

    static boolean podReady(Object pod) {
        return Json.items(pod, "status", "conditions").stream()
                .anyMatch(c -> "Ready".equals(Json.text(c, "type")) && "True".equals(Json.text(c, "status")));
    }

    static String owner(Object o) {
        Object ref = Json.at(o, "metadata", "ownerReferences", 0);
        return ref == null ? "" : Json.text(ref, "kind") + "/" + Json.text(ref, "name");
    }

    static boolean jobPod(Object pod) {
        return owner(pod).startsWith("Job/");
    }

    /** A pod's findings: nothing when it is Ready or done; else the first cause that explains it. */
    static List<Finding> analyzePod(Object pod, Snapshot s, Logs logs) {
        String name = Json.text(pod, "metadata", "name");
        String phase = Json.text(pod, "status", "phase");
        if (phase.equals("Succeeded") || (podReady(pod) && phase.equals("Running"))) return List.of();
        if (jobPod(pod)) return List.of(); // told through its Job (analyzeJob), once
        if (!Json.text(pod, "metadata", "deletionTimestamp").isEmpty()) return List.of(); // on its way out
        List<Finding> out = new ArrayList<>();
        String parent = owner(pod), comp = component(pod);
        Make f = (code, text, fix) -> new Finding("Pod", name, parent, comp, code, text, fix);

        // not scheduled: the scheduler's reason
        for (Object c : Json.items(pod, "status", "conditions")) {
            if ("PodScheduled".equals(Json.text(c, "type")) && "False".equals(Json.text(c, "status"))) {
                out.add(unschedulable(pod, Json.text(c, "message"), s, f));
                return out;
            }
        }
        // init containers that did not finish
        for (Object st : Json.items(pod, "status", "initContainerStatuses")) {
            Finding x = containerProblem(pod, st, true, s, logs, f);
            if (x != null) { out.add(x); return out; }
        }
        for (Object st : Json.items(pod, "status", "containerStatuses")) {
            Finding x = containerProblem(pod, st, false, s, logs, f);
            if (x != null) out.add(x);
        }
        if (!out.isEmpty()) return out;
        // running, not ready: the probes' events
        String probe = lastEvent(s, "Pod", name, "Unhealthy");
        if (!probe.isEmpty()) {
            boolean liveness = probe.startsWith("Liveness");
            out.add(f.of(PROBE, (liveness ? "liveness" : "readiness") + " probe failing: " + oneLine(probe),
                    liveness ? "the kubelet restarts the container while this lasts; check what the probe calls answers in time (kubectl -n "
                            + ns(pod) + " describe pod " + name + ")"
                            : "the pod gets no traffic while it fails; check what the probe's endpoint depends on (database, MCP server): "
                            + "kubectl -n " + ns(pod) + " logs " + name));
            return out;
        }
        if (phase.equals("Failed"))
            out.add(f.of(NOT_READY, "pod failed: " + oneLine(Json.text(pod, "status", "reason") + " " + Json.text(pod, "status", "message")).strip(),
                    "kubectl -n " + ns(pod) + " describe pod " + name));
        else if (phase.equals("Pending") || phase.equals("Running"))
            out.add(f.of(NOT_READY, "pod is " + phase + " and not Ready" + eventTail(s, "Pod", name),
                    "watch it: kubectl -n " + ns(pod) + " get pod " + name + " -w; its events: kubectl -n " + ns(pod) + " describe pod " + name));
        return out;
    }

    static String ns(Object o) {
        String n = Json.text(o, "metadata", "namespace");
        return n.isEmpty() ? "default" : n;
    }

    static final Pattern MISSING_KEY = Pattern.compile("couldn't find key (\\S+) in Secret ([^/\\s]+/)?(\\S+)");
    static final Pattern MISSING_SECRET = Pattern.compile("secret \"([^\"]+)\" not found");
    static final Pattern MISSING_CONFIGMAP = Pattern.compile("configmap \"([^\"]+)\" not found");

    /** One container's status: a finding when it waits for a known reason, was OOMKilled or failed. */
    static Finding containerProblem(Object pod, Object st, boolean init, Snapshot s, Logs logs,
                                    Make f) {
        String pod_ = Json.text(pod, "metadata", "name"), c = Json.text(st, "name"), ns = ns(pod);
        String what = (init ? "init container " : "container ") + c;
        String waiting = Json.text(st, "state", "waiting", "reason");
        String wmsg = Json.text(st, "state", "waiting", "message");
        Object lastTerm = Json.at(st, "lastState", "terminated");
        Object term = Json.at(st, "state", "terminated");
        long restarts = Json.number(st, "restartCount");
        String image = specImage(pod, c, init);
        if (init && term != null && Json.number(term, "exitCode") == 0) return null;
        switch (waiting) {
            case "ErrImagePull", "ImagePullBackOff", "ErrImageNeverPull", "InvalidImageName", "RegistryUnavailable" -> {
                String why = waiting.equals("ErrImageNeverPull") ? "is not present on the node and the pull policy is Never"
                        : waiting.equals("InvalidImageName") ? "is not a valid image name"
                        : "is not present on the node and cannot be pulled";
                return f.of(IMAGE_PULL, what + ": image " + image + " " + why + " (" + waiting + (wmsg.isEmpty() ? "" : ": " + shorten(wmsg, 140)) + ")",
                        "build and load that image (build-images, or your cluster's image load), or correct its repository/tag in the values and deploy again");
            }
            case "CreateContainerConfigError" -> {
                Matcher k = MISSING_KEY.matcher(wmsg), sec = MISSING_SECRET.matcher(wmsg), cm = MISSING_CONFIGMAP.matcher(wmsg);
                if (k.find())
                    return f.of(CONFIG, what + " cannot start: Secret " + k.group(3) + " has no key " + k.group(1),
                            "add the key: kubectl -n " + ns + " patch secret " + k.group(3) + " --type merge -p "
                                    + Cmd.quote(Json.write(Map.of("stringData", Map.of(k.group(1), "...")))));
                if (sec.find())
                    return f.of(CONFIG, what + " cannot start: Secret " + sec.group(1) + " does not exist",
                            "create it (deploy creates " + sec.group(1) + " once with random values when absent), or set existingSecret to a Secret that exists");
                if (cm.find())
                    return f.of(CONFIG, what + " cannot start: ConfigMap " + cm.group(1) + " does not exist", "deploy the release again (helm upgrade) so the ConfigMap is created");
                return f.of(CONFIG, what + " cannot start: " + shorten(wmsg, 200), "kubectl -n " + ns + " describe pod " + pod_);
            }
            case "CreateContainerError", "RunContainerError", "StartError" -> {
                return f.of(CONFIG, what + " cannot start (" + waiting + "): " + shorten(wmsg, 200), "kubectl -n " + ns + " describe pod " + pod_);
            }
            default -> { }
        }
        Object dead = term != null ? term : lastTerm;
        if (dead != null && "OOMKilled".equals(Json.text(dead, "reason"))) {
            String limit = memoryLimit(pod, c, init);
            return f.of(OOM_KILLED, what + " was OOMKilled: it needed more than its memory limit of " + (limit.isEmpty() ? "(none set: the node ran out)" : limit)
                            + " (restarts: " + restarts + ")",
                    limit.isEmpty() ? "set a memory limit and request the pod really needs, or give the node more memory"
                            : "raise the memory limit above " + limit + " (the chart's " + valuesKey(component(pod)) + ".resources.limits.memory) and deploy again");
        }
        String probe = lastEvent(s, "Pod", pod_, "Unhealthy");
        if (!init && restarts > 0 && probe.startsWith("Liveness"))
            return f.of(PROBE, what + " is restarted by its failing liveness probe (restarts " + restarts + "): " + oneLine(probe),
                    "check that what the probe calls answers within its timeout (kubectl -n " + ns + " describe pod " + pod_
                            + "); raise the probe's initialDelaySeconds if the app starts slowly");
        if (waiting.equals("CrashLoopBackOff") || (dead != null && Json.number(dead, "exitCode") != 0)) {
            Object t = lastTerm != null ? lastTerm : term;
            long code = Json.number(t, "exitCode");
            String reason = Json.text(t, "reason");
            String tail = logs.tail(pod_, c, lastTerm != null && term == null, LOG_LINES);
            String text = what + (waiting.equals("CrashLoopBackOff") ? " is in CrashLoopBackOff: " : " failed: ") + "exit code " + code
                    + (reason.isEmpty() || reason.equals("Error") ? "" : " (" + reason + ")") + ", restarts " + restarts
                    + (tail.isEmpty() ? "" : "; last log lines: " + oneLine(lastLines(tail, 3)));
            return f.of(init ? INIT : CRASH_LOOP, text, "read the whole log: kubectl -n " + ns + " logs " + pod_ + " -c " + c + (lastTerm != null ? " --previous" : "")
                    + "; fix what it reports (a setting, the database, a Secret) and deploy again");
        }
        if (init && !waiting.isEmpty() && !waiting.equals("PodInitializing"))
            return f.of(INIT, what + " is waiting: " + waiting + (wmsg.isEmpty() ? "" : ": " + shorten(wmsg, 160)), "kubectl -n " + ns + " describe pod " + pod_);
        if (init && Json.at(st, "state", "running") != null)
            return f.of(INIT, what + " has not finished yet (the app containers wait for it)" + logLine(logs.tail(pod_, c, false, LOG_LINES)),
                    "see what it waits for: kubectl -n " + ns + " logs " + pod_ + " -c " + c);
        return null;
    }

    static String logLine(String tail) {
        return tail.isEmpty() ? "" : "; last log lines: " + oneLine(lastLines(tail, 3));
    }

    static Finding unschedulable(Object pod, String message, Snapshot s, Make f) {
        String name = Json.text(pod, "metadata", "name");
        String msg = message.isEmpty() ? lastEvent(s, "Pod", name, "FailedScheduling") : message;
        String m = msg.toLowerCase(java.util.Locale.ROOT);
        String comp = component(pod);
        if (m.contains("insufficient cpu") || m.contains("insufficient memory")) {
            String res = m.contains("insufficient cpu") && m.contains("insufficient memory") ? "CPU and memory"
                    : m.contains("insufficient cpu") ? "CPU" : "memory";
            return f.of(UNSCHEDULABLE, "Pending: no node has enough free " + res + " for its requests (" + requests(pod) + "): " + oneLine(msg),
                    "lower " + valuesKey(comp) + ".resources.requests, scale something down, or give the cluster more " + res
                            + " (minikube.cpus / minikube.memoryMiB)");
        }
        if (m.contains("persistentvolumeclaim") || m.contains("unbound")) {
            String pvcName = "";
            for (Object v : Json.items(pod, "spec", "volumes")) {
                String claim = Json.text(v, "persistentVolumeClaim", "claimName");
                if (claim.isEmpty()) continue;
                for (Object pvc : s.pvcs())
                    if (claim.equals(Json.text(pvc, "metadata", "name")) && !"Bound".equals(Json.text(pvc, "status", "phase"))) pvcName = claim;
                if (pvcName.isEmpty()) pvcName = claim;
            }
            return f.of(PVC_UNBOUND, "Pending: its PersistentVolumeClaim " + pvcName + " is not bound" + eventTail(s, "PersistentVolumeClaim", pvcName)
                    + " (scheduler: " + shorten(oneLine(msg), 120) + ")", storageFix(pvcName));
        }
        return f.of(UNSCHEDULABLE, "Pending: cannot be scheduled: " + oneLine(msg.isEmpty() ? "no reason given yet" : msg),
                "kubectl -n " + ns(pod) + " describe pod " + name + " (node selectors, taints, affinity)");
    }

    static String storageFix(String pvc) {
        return "check that a default StorageClass exists and provisions (kubectl get storageclass; kubectl describe pvc " + pvc
                + "), or set postgresql.persistence.storageClass";
    }

    /** A failed hook Job (the migrations): its reason and the last lines of its pod's log. */
    static List<Finding> analyzeJob(Object job, Snapshot s, Logs logs) {
        String name = Json.text(job, "metadata", "name");
        String failedCond = "";
        for (Object c : Json.items(job, "status", "conditions"))
            if ("Failed".equals(Json.text(c, "type")) && "True".equals(Json.text(c, "status")))
                failedCond = Json.text(c, "reason") + (Json.text(c, "message").isEmpty() ? "" : ": " + Json.text(c, "message"));
        long failedPods = Json.number(job, "status", "failed");
        if (failedCond.isEmpty() && failedPods == 0) {
            // still running: a pod of it that cannot start is worth saying (a hook blocks helm until it ends)
            for (Object pod : s.pods()) {
                if (!owner(pod).equals("Job/" + name)) continue;
                List<Finding> inner = analyzePodAsJob(pod, s, logs, name);
                if (!inner.isEmpty()) return inner;
            }
            return List.of();
        }
        String hook = Json.text(job, "metadata", "annotations", "helm.sh/hook");
        String tail = "", podName = "", container = "";
        for (Object pod : s.pods()) {
            if (!owner(pod).equals("Job/" + name)) continue;
            podName = Json.text(pod, "metadata", "name");
            for (String key : List.of("initContainerStatuses", "containerStatuses"))
                for (Object st : Json.items(pod, "status", key)) {
                    Object t = Json.at(st, "state", "terminated");
                    if (t != null && Json.number(t, "exitCode") != 0 && container.isEmpty()) container = Json.text(st, "name");
                }
            if (!container.isEmpty()) { tail = logs.tail(podName, container, false, LOG_LINES); break; }
        }
        String what = (hook.isEmpty() ? "Job " : "hook Job (" + hook + ") ") + name;
        return List.of(new Finding("Job", name, "", component(job), JOB_FAILED,
                what + " failed" + (failedCond.isEmpty() ? "" : " (" + oneLine(failedCond) + ")") + ", failed pods: " + failedPods
                        + (container.isEmpty() ? "" : ", container " + container) + (tail.isEmpty() ? "" : "; last log lines: " + oneLine(lastLines(tail, 3))),
                "read its log: kubectl -n " + ns(job) + " logs " + (podName.isEmpty() ? "job/" + name : podName) + (container.isEmpty() ? "" : " -c " + container)
                        + "; fix the cause (for migrations: the database and its Secret) and deploy again"));
    }

    static List<Finding> analyzePodAsJob(Object pod, Snapshot s, Logs logs, String job) {
        String name = Json.text(pod, "metadata", "name");
        List<Finding> out = new ArrayList<>();
        Make f = (code, text, fix) -> new Finding("Job", job, "Pod/" + name, component(pod), code, "Job " + job + ": " + text, fix);
        for (String key : List.of("initContainerStatuses", "containerStatuses"))
            for (Object st : Json.items(pod, "status", key)) {
                String w = Json.text(st, "state", "waiting", "reason");
                if (w.isEmpty() || w.equals("PodInitializing") || w.equals("ContainerCreating")) continue;
                Finding x = containerProblem(pod, st, key.startsWith("init"), s, logs, f);
                if (x != null) { out.add(x); return out; }
            }
        return out;
    }

    // ---------------------------------------------------------------- helpers
    static String specImage(Object pod, String container, boolean init) {
        for (Object c : Json.items(pod, "spec", init ? "initContainers" : "containers"))
            if (container.equals(Json.text(c, "name"))) return Json.text(c, "image");
        return "(unknown)";
    }

    static String memoryLimit(Object pod, String container, boolean init) {
        for (Object c : Json.items(pod, "spec", init ? "initContainers" : "containers"))
            if (container.equals(Json.text(c, "name"))) return Json.text(c, "resources", "limits", "memory");
        return "";
    }

    static String requests(Object pod) {
        List<String> out = new ArrayList<>();
        for (Object c : Json.items(pod, "spec", "containers")) {
            String cpu = Json.text(c, "resources", "requests", "cpu"), mem = Json.text(c, "resources", "requests", "memory");
            out.add(Json.text(c, "name") + ": cpu " + (cpu.isEmpty() ? "-" : cpu) + ", memory " + (mem.isEmpty() ? "-" : mem));
        }
        return String.join("; ", out);
    }

    /** The chart's values key of a component label (mcp-server is mcpServer). */
    static String valuesKey(String component) {
        return "mcp-server".equals(component) ? "mcpServer" : component.isEmpty() ? "<component>" : component;
    }

    /** The message of the newest event of that reason about the object ("" when none). */
    static String lastEvent(Snapshot s, String kind, String name, String reason) {
        String best = "", bestTime = "";
        for (Object e : s.events()) {
            if (!kind.equals(Json.text(e, "involvedObject", "kind")) || !name.equals(Json.text(e, "involvedObject", "name"))) continue;
            if (reason != null && !reason.equals(Json.text(e, "reason"))) continue;
            String t = eventTime(e);
            if (t.compareTo(bestTime) >= 0) { best = Json.text(e, "message"); bestTime = t; }
        }
        return best;
    }

    static String eventTime(Object e) {
        for (String k : List.of("lastTimestamp", "eventTime", "firstTimestamp")) {
            String t = Json.text(e, k);
            if (!t.isEmpty() && !t.equals("null")) return t;
        }
        return Json.text(e, "metadata", "creationTimestamp");
    }

    /** ": <newest warning>" about the object, or "". */
    static String eventTail(Snapshot s, String kind, String name) {
        String best = "", bestTime = "";
        for (Object e : s.events()) {
            if (!kind.equals(Json.text(e, "involvedObject", "kind")) || !name.equals(Json.text(e, "involvedObject", "name"))) continue;
            if (!"Warning".equals(Json.text(e, "type"))) continue;
            String t = eventTime(e);
            if (t.compareTo(bestTime) >= 0) { best = Json.text(e, "reason") + ": " + Json.text(e, "message"); bestTime = t; }
        }
        return best.isEmpty() ? "" : " (" + shorten(oneLine(best), 160) + ")";
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*\\n\\s*", " | ").replaceAll("\\s+", " ").strip();
    }

    static String lastLines(String s, int n) {
        String[] l = s.strip().split("\n");
        return String.join("\n", java.util.Arrays.copyOfRange(l, Math.max(0, l.length - n), l.length));
    }

    static String shorten(String s, int max) {
        String one = oneLine(s);
        return one.length() > max ? one.substring(0, max) + "..." : one;
    }

    // ---------------------------------------------------------------- output
    static void print(List<Finding> findings) {
        for (Finding f : findings) {
            Console.info(Console.red("problem: ") + f.kind() + "/" + f.name() + (f.component().isEmpty() ? "" : " (" + f.component() + ")") + ": " + f.text());
            Console.info("    fix: " + f.fix());
        }
    }

    /** k8sgpt's JSON shape, with our text and fix per result. */
    static Map<String, Object> json(List<Finding> findings) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", findings.isEmpty() ? "OK" : "ProblemDetected");
        m.put("problems", findings.size());
        m.put("results", findings.stream().map(Finding::json).toList());
        return m;
    }

    // ---------------------------------------------------------------- failing fast
    /** What a watched command returned, and the findings that made the watch stop it (empty when none did). */
    record Watched(Cmd.Result result, List<Finding> stoppedBy) {}

    /**
     * Runs `body` (helm upgrade --wait) while watching the release every few seconds. On a definite
     * failure (DEFINITE, judged by a Watch) of a pod, Job or claim created after the start (an image
     * that cannot be pulled, a crash loop past 3 restarts, OOMKilled, a missing Secret or key,
     * unschedulable or a claim unbound for 90 s, a failed hook Job), it prints the diagnosis and
     * stops helm with SIGTERM: an atomic helm then rolls the
     * release back at once instead of after its whole --timeout. Never throws for a failed look.
     */
    static Watched watch(Config cfg, java.util.function.Supplier<Cmd.Result> body, Duration every) {
        if (Cmd.dryRun) return new Watched(body.get(), List.of());
        Watch look = new Watch(java.time.Instant.now().minusSeconds(2).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        java.util.concurrent.CompletableFuture<Cmd.Result> run = java.util.concurrent.CompletableFuture.supplyAsync(body);
        List<Finding> stoppedBy = List.of();
        while (true) {
            try {
                return new Watched(run.get(every.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS), stoppedBy);
            } catch (java.util.concurrent.TimeoutException e) {
                // still running: look
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Watched(run.join(), stoppedBy);
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
            }
            if (!stoppedBy.isEmpty()) continue; // signalled; helm is rolling back
            try {
                List<Finding> f = look.definite(collect(cfg), kubectlLogs(cfg), java.time.Instant.now());
                if (f.isEmpty()) continue;
                stoppedBy = f;
                Console.heading("the new revision cannot become ready; stopping helm (it rolls back)");
                print(f);
                stopHelm();
            } catch (RuntimeException e) {
                Console.detail("watch: " + e.getMessage());
            }
        }
    }

    /**
     * Deploy's fail-fast decision, one look at the release after another: it remembers since when
     * each failure has been seen, so a cause with a grace (DEFINITE) counts only once it has lasted
     * that long, and one that clears in time is forgotten. Only pods, Jobs and claims created at or
     * after `start` (RFC 3339, UTC: when helm started) count.
     */
    static final class Watch {
        final String start;
        final Map<String, java.time.Instant> firstSeen = new java.util.HashMap<>();

        Watch(String start) { this.start = start; }

        /** The definite findings of this look, taken at `now`. */
        List<Finding> definite(Snapshot s, Logs logs, java.time.Instant now) {
            java.util.function.Predicate<Object> fresh = o -> Json.text(o, "metadata", "creationTimestamp").compareTo(start) >= 0;
            Snapshot recent = new Snapshot(s.pods().stream().filter(fresh).toList(), s.jobs().stream().filter(fresh).toList(),
                    s.pvcs().stream().filter(fresh).toList(), s.workloads(), s.events());
            List<Finding> out = new ArrayList<>();
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (Finding f : analyze(recent, logs)) {
                Definite rule = DEFINITE.get(f.code());
                if (rule == null) continue;
                String key = f.kind() + "/" + f.name() + "/" + f.code();
                seen.add(key);
                java.time.Instant first = firstSeen.computeIfAbsent(key, k -> now);
                java.time.Instant shown = startedAt(recent, f); // what the object itself says, when it says it
                if (shown != null && shown.isBefore(first)) first = shown;
                if (Duration.between(first, now).compareTo(rule.lasting()) < 0) continue;
                if (rule.restarts() > 0 && restarts(recent, f) < rule.restarts()) continue;
                out.add(f);
            }
            firstSeen.keySet().retainAll(seen); // cleared: a later return starts its grace anew
            return out;
        }
    }

    /** Definite findings of a single look, now (the first look of a Watch from `start`). */
    static List<Finding> definiteSince(Snapshot s, String start, Logs logs) {
        return new Watch(start).definite(s, logs, java.time.Instant.now());
    }

    /**
     * Since when the object the finding names has shown its cause, by its own timestamps: a pod that
     * cannot be scheduled, since its PodScheduled condition turned False; otherwise since the object
     * (Pod, Job, PersistentVolumeClaim) was created. Null when it does not say.
     */
    static java.time.Instant startedAt(Snapshot s, Finding f) {
        List<?> objects = switch (f.kind()) {
            case "PersistentVolumeClaim" -> s.pvcs();
            case "Job" -> s.jobs();
            default -> s.pods();
        };
        for (Object o : objects) {
            if (!f.name().equals(Json.text(o, "metadata", "name"))) continue;
            String t = Json.text(o, "metadata", "creationTimestamp");
            for (Object c : Json.items(o, "status", "conditions"))
                if ("PodScheduled".equals(Json.text(c, "type")) && "False".equals(Json.text(c, "status")) && !Json.text(c, "lastTransitionTime").isEmpty())
                    t = Json.text(c, "lastTransitionTime");
            try {
                return t.isEmpty() ? null : java.time.Instant.parse(t);
            } catch (java.time.format.DateTimeParseException e) {
                return null;
            }
        }
        return null;
    }

    /** The most restarts of any container of the pod the finding names. */
    static long restarts(Snapshot s, Finding f) {
        long n = 0;
        for (Object p : s.pods())
            if (f.name().equals(Json.text(p, "metadata", "name")))
                for (Object st : Json.items(p, "status", "containerStatuses")) n = Math.max(n, Json.number(st, "restartCount"));
        return n;
    }

    /** SIGTERM to this process's helm upgrade children (helm --atomic rolls back on it). */
    static void stopHelm() {
        helmUpgrades().forEach(ProcessHandle::destroy);
    }

    /** The `helm upgrade` processes this one started. */
    static List<ProcessHandle> helmUpgrades() {
        return ProcessHandle.current().descendants().filter(p -> {
            String line = p.info().commandLine().orElse("");
            return line.matches("(.*/)?helm( .*)? upgrade .*") || line.matches(".*/helm upgrade .*");
        }).toList();
    }

    /** For deploy and smoke when they fail: collect, analyze and print; never throws (a diagnosis must not hide the failure). */
    static List<Finding> explain(Config cfg) {
        if (Cmd.dryRun) return List.of();
        try {
            List<Finding> f = analyze(collect(cfg), kubectlLogs(cfg));
            Console.heading("diagnosis of release " + cfg.release() + " (ai-ops diagnose)");
            if (f.isEmpty()) Console.info("no pod problem found (every pod is Ready, or none exists yet); "
                    + "the apps' own error lines: jbang ai-ops@taskora errors --since 10m");
            else print(f);
            return f;
        } catch (RuntimeException e) {
            Console.warn("no diagnosis: " + e.getMessage());
            return List.of();
        }
    }
}

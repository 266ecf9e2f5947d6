// Preflight's checks: the tools Taskora Deploy needs (docker with a reachable daemon and BuildKit,
// minikube, kubectl, helm, Java; each against preflight.minVersions), the optional AI tools
// (reported, never required), the kube-context with --target context, the host's CPUs, memory and
// disk against the Minikube profile (with the docker driver Docker's own CPUs and memory, `docker
// info`), and the NetworkPolicy/CNI warning. One Check per row. The docker daemon is required
// only where deploy needs one here (localDaemonNeeded).
// Used by preflight (the step itself) and deploy (its first step).
// Exposes: ToolChecks.checks(cfg) -> List<Check>, failedRequired(checks), print(checks) (the table,
// each failed row's fix under it, a one-line verdict), printJson(checks), version(text) (the first
// dotted version in a tool's output), atLeast(have, need); for tests buildKit(...), dockerResources(...),
// networkPolicyEnforcement(...), networkPoliciesOnBy(cfg), warning(check).

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

final class ToolChecks {
    private ToolChecks() {}

    /** One row of the report: a failed required row stops a deploy; an optional one is reported. */
    record Check(String name, boolean required, boolean ok, String found, String need, String hint) {}

    static List<Check> failedRequired(List<Check> checks) {
        return checks.stream().filter(c -> c.required() && !c.ok()).toList();
    }

    static void print(List<Check> checks) {
        List<List<String>> rows = new ArrayList<>();
        List<String> fixes = new ArrayList<>();
        for (Check c : checks) {
            String status = c.ok() ? Console.green("ok") : c.required() ? Console.red("FAIL") : Console.yellow(warning(c) ? "warn" : "missing");
            rows.add(List.of(c.name(), c.required() ? "required" : "optional", status, c.found(), c.need()));
            fixes.add(c.ok() || c.hint().isEmpty() ? null : "fix: " + c.hint());
        }
        Console.table(List.of("CHECK", "KIND", "STATUS", "FOUND", "NEED"), rows, fixes); // each fix under its row
        for (Check c : checks) if (warning(c)) Console.warn(c.name() + ": " + c.found() + "; " + c.hint());
        List<Check> failed = failedRequired(checks);
        if (failed.isEmpty()) Console.info(Console.green("preflight: all required checks passed"));
        else Console.info(Console.red("preflight: " + failed.size() + " required check(s) failed: ")
                + String.join(", ", failed.stream().map(Check::name).toList()));
    }

    /** An optional row that found something wrong (not a tool that is just absent): a warning, never a failure. */
    static boolean warning(Check c) {
        return !c.required() && !c.ok() && !c.found().equals("not found");
    }

    static void printJson(List<Check> checks) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Check c : checks) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", c.name());
            row.put("required", c.required());
            row.put("ok", c.ok());
            row.put("found", c.found());
            row.put("need", c.need());
            row.put("hint", c.ok() ? "" : c.hint());
            rows.add(row);
        }
        System.out.println(Json.pretty(rows));
    }

    // ---------------------------------------------------------------- the checks
    static List<Check> checks(Config cfg) {
        boolean onMinikube = cfg.minikube();
        List<Check> out = new ArrayList<>();
        String min;
        // The probes below wait on a dozen tools, one after the other; they run side by side from
        // here (docker's follow-ups only when a docker is on PATH), and are asked in order below.
        List<Cmd.Line> ahead = new ArrayList<>(List.of(Cmd.line("docker", "version", "--format", "{{.Client.Version}}"),
                Cmd.line("minikube", "version", "--short"), Cmd.line("kubectl", "version", "--client", "-o", "json"),
                Cmd.line("helm", "version", "--template", "{{.Version}}"), Cmd.line("kubectl-ai", "version"),
                AiTools.kagentVersionLine()));
        if (Cmd.onPath("docker"))
            ahead.addAll(List.of(Cmd.line("docker", "version", "--format", "{{.Server.Version}}"), Cmd.line("docker", "buildx", "version"),
                    Cmd.line("docker", "ai", "version")));
        if (!onMinikube) ahead.addAll(List.of(Cmd.line(cfg.kubectl("config", "current-context")), Cmd.line(cfg.kubectl("get", "--raw", "/readyz"))));
        Cmd.prefetch(ahead);

        min = minVersion(cfg, "java", "17");
        String javaVersion = System.getProperty("java.specification.version");
        out.add(new Check("java", true, atLeast(javaVersion, min), javaVersion, ">= " + min,
                "install a JDK " + min + "+ (Debian: apt-get install openjdk-17-jdk-headless) or set JAVA_HOME"));

        min = minVersion(cfg, "docker", "20.10");
        Cmd.Result client = Cmd.query("docker", "version", "--format", "{{.Client.Version}}");
        String dv = version(client.out());
        boolean dockerOk = dv != null && atLeast(dv, min);
        out.add(new Check("docker", true, dockerOk, dv != null ? dv : "not found", ">= " + min,
                dv == null ? "install Docker " + min + "+: https://docs.docker.com/engine/install/" : "upgrade Docker to " + min + "+"));
        if (dv != null) {
            Cmd.Result server = Cmd.query("docker", "version", "--format", "{{.Server.Version}}");
            String sv = version(server.out());
            boolean needDaemon = localDaemonNeeded(cfg);
            out.add(new Check("docker daemon", needDaemon, server.ok() && sv != null, server.ok() && sv != null ? sv : "unreachable",
                    needDaemon ? "reachable" : "not needed (minikube.driver " + cfg.str("minikube.driver") + ": images are built in the profile's own Docker daemon)",
                    "start the Docker daemon (systemctl start docker) and check that your user may use it"));
            boolean modern = atLeast(dv, "23");
            out.add(buildKit(dv, modern ? Cmd.query("docker", "buildx", "version") : null, System.getenv("DOCKER_BUILDKIT")));
        }

        min = minVersion(cfg, "minikube", "1.32");
        Cmd.Result mk = Cmd.query("minikube", "version", "--short");
        String mv = mk.ok() ? version(mk.out()) : null;
        out.add(new Check("minikube", onMinikube, mv != null && atLeast(mv, min), mv != null ? mv : "not found", ">= " + min,
                mv == null ? "install minikube " + min + "+: https://minikube.sigs.k8s.io/docs/start/ (or deploy to an existing cluster with --target context)"
                        : "upgrade minikube to " + min + "+: https://minikube.sigs.k8s.io/docs/start/"));

        min = minVersion(cfg, "kubectl", "1.28");
        Cmd.Result kc = Cmd.query("kubectl", "version", "--client", "-o", "json");
        String kv = kc.ok() ? version(Json.text(Json.parse(kc.out(), "kubectl version --client -o json"), "clientVersion", "gitVersion")) : null;
        out.add(new Check("kubectl", true, kv != null && atLeast(kv, min), kv != null ? kv : "not found", ">= " + min,
                "install kubectl " + min + "+ on PATH: https://kubernetes.io/docs/tasks/tools/ (the scripts run `kubectl` itself, not `minikube kubectl`)"));

        min = minVersion(cfg, "helm", "3.12");
        Cmd.Result hv = Cmd.query("helm", "version", "--template", "{{.Version}}");
        String hver = hv.ok() ? version(hv.out()) : null;
        out.add(new Check("helm", true, hver != null && atLeast(hver, min), hver != null ? hver : "not found", ">= " + min,
                "install Helm " + min + "+: https://helm.sh/docs/intro/install/"));

        if (!onMinikube) {
            Cmd.Result ctx = Cmd.query(cfg.kubectl("config", "current-context"));
            String name = cfg.kubeContext().isEmpty() ? ctx.out().strip() : cfg.kubeContext();
            Cmd.Result reach = Cmd.query(cfg.kubectl("get", "--raw", "/readyz"));
            out.add(new Check("kube-context", true, reach.ok(), name.isEmpty() ? "none" : name + (reach.ok() ? "" : " (unreachable)"),
                    "reachable", "pick a reachable cluster: kubectl config use-context NAME, or --context NAME"));
        }

        if (onMinikube) {
            Check np = networkPolicyEnforcement(cfg, mv != null);
            if (np != null) out.add(np);
        }

        // Optional AI tools: reported with their version and what ai-ops does without them, never required.
        for (AiTools.Tool t : AiTools.tools(dv != null))
            out.add(new Check(t.name(), false, t.version() != null, t.version() != null ? t.version() : "not found", "optional",
                    "without it " + t.withoutIt() + "; to have it: " + t.install()));

        // The host against the profile (only matters when Minikube runs here). With the docker driver
        // the profile is a container, held to what Docker itself has (`docker info`: on Docker Desktop
        // its VM's share, set in its settings), which minikube start refuses to exceed.
        long wantCpus = cfg.num("minikube.cpus");
        long wantMem = cfg.num("minikube.memoryMiB");
        if (onMinikube && "docker".equals(cfg.str("minikube.driver")) && dv != null) {
            out.addAll(dockerResources(Cmd.query("docker", "info", "--format", "{{.NCPU}} {{.MemTotal}}"), wantCpus, wantMem));
        } else {
            long cpus = Runtime.getRuntime().availableProcessors();
            out.add(new Check("host CPUs", onMinikube, cpus >= wantCpus, String.valueOf(cpus), ">= " + wantCpus + " (minikube.cpus)",
                    "use a bigger host, or ask for fewer: --set minikube.cpus=" + Math.max(2, cpus)));
            long memMiB = memTotalMiB();
            out.add(new Check("host memory", onMinikube, memMiB < 0 || memMiB >= wantMem, memMiB < 0 ? "unknown" : memMiB + " MiB",
                    ">= " + wantMem + " MiB (minikube.memoryMiB)",
                    "free memory or ask for less: --set minikube.memoryMiB=" + Math.max(2048, memMiB / 2)));
        }
        long freeGiB = freeDiskGiB();
        long wantDisk = cfg.num("minikube.diskGiB");
        out.add(new Check("free disk", onMinikube, freeGiB >= wantDisk, freeGiB + " GiB", ">= " + wantDisk + " GiB (minikube.diskGiB)",
                "free disk space (docker system prune) or ask for less: --set minikube.diskGiB=" + Math.max(5, freeGiB / 2)));
        return out;
    }

    /**
     * NetworkPolicies on (networkPolicy.enabled) with a CNI that ignores them leave every flow open,
     * so the policies are never seen working: a warning row with the fix, never a failure. On
     * Minikube only (the running profile's CNI, else minikube.cni's; a CNI manifest cannot be told,
     * nor can another cluster's CNI: no row then). Null when there is nothing to say.
     */
    static Check networkPolicyEnforcement(Config cfg, boolean minikubeAnswers) {
        String on = networkPoliciesOnBy(cfg);
        if (on == null) return null;
        Minikube.Cni cni = Minikube.cni(cfg, minikubeAnswers);
        if (cni.enforces() == null) return null;
        String found = cni.name() + " (" + cni.of() + ")";
        String need = "calico or cilium (NetworkPolicies on: " + on + ")";
        if (cni.enforces()) return new Check("NetworkPolicy CNI", false, true, found, need, "");
        return new Check("NetworkPolicy CNI", false, false, found + " does not enforce NetworkPolicies: every flow stays open", need, cni.fix());
    }

    /**
     * Where the values helm gets turn NetworkPolicies on (networkPolicy.enabled, as helm merges them:
     * chart.values over the environment's values file over the chart's values.yaml), or null when
     * they are off or no file says (a packaged chart's values are not read here).
     */
    static String networkPoliciesOnBy(Config cfg) {
        String set = cfg.strMap("chart.values").get("networkPolicy.enabled");
        if (set != null) return "true".equalsIgnoreCase(set.strip()) ? "chart.values networkPolicy.enabled" : null; // helm --set reads true/false so
        Path chart = cfg.path("chart.path");
        for (Path values : List.of(cfg.valuesFile(), chart.resolve("values.yaml"))) {
            Object v = valuesAt(values, "networkPolicy", "enabled");
            if (v != null) return Boolean.TRUE.equals(v) ? "networkPolicy.enabled in " + (values.startsWith(cfg.baseDir) ? cfg.baseDir.relativize(values) : values) : null;
        }
        return null;
    }

    /** A value at a path of a YAML values file; null when the file, or the key, is not there. */
    static Object valuesAt(Path file, String... keys) {
        if (!Files.isRegularFile(file)) return null;
        try {
            Object v = Config.yaml().load(Files.readString(file));
            for (String k : keys) v = v instanceof Map<?, ?> m ? m.get(k) : null;
            return v;
        } catch (Exception e) {
            return null; // an unreadable values file is the checks step's to report (helm template)
        }
    }

    /**
     * What build-images needs from the docker client: BuildKit (it reads each Dockerfile's own
     * .dockerignore and passes build secrets). A Docker 23+ client builds with BuildKit through the
     * buildx plugin, and without the plugin every build fails ("BuildKit is enabled but the buildx
     * component is missing"); a 20.10 to 22 client has BuildKit built in, which build-images turns
     * on with DOCKER_BUILDKIT=1 unless the environment sets DOCKER_BUILDKIT=0.
     * buildx is `docker buildx version` (null when not asked: a client older than 23).
     */
    static Check buildKit(String clientVersion, Cmd.Result buildx, String dockerBuildkitEnv) {
        String need = "BuildKit (Docker 23+: the buildx plugin)";
        if ("0".equals(dockerBuildkitEnv) || "false".equalsIgnoreCase(String.valueOf(dockerBuildkitEnv)))
            return new Check("docker BuildKit", true, false, "DOCKER_BUILDKIT=" + dockerBuildkitEnv, need,
                    "build-images needs BuildKit: unset DOCKER_BUILDKIT (or set it to 1)");
        if (buildx == null)
            return new Check("docker BuildKit", true, true, "BuildKit built into the " + clientVersion + " client", need, "");
        if (buildx.ok())
            return new Check("docker BuildKit", true, true, "buildx " + String.valueOf(version(buildx.out())), need, "");
        return new Check("docker BuildKit", true, false, "no buildx plugin (client " + clientVersion + ")", need,
                "install the buildx plugin: Docker's apt/rpm repository's docker-buildx-plugin, or its release binary as "
                        + "~/.docker/cli-plugins/docker-buildx (https://docs.docker.com/go/buildx/); or put a Docker 20.10 to 22 client first on PATH");
    }

    /**
     * Whether deploy needs a Docker daemon on this machine: for the local image store (target
     * context), and for the docker driver, whose profile is one of its containers. With another
     * driver on Minikube (kvm2, qemu2, vfkit, virtualbox...) images are built in the profile's own
     * daemon through docker-env, and only the docker client is needed here.
     */
    static boolean localDaemonNeeded(Config cfg) {
        return !cfg.minikube() || "docker".equals(cfg.str("minikube.driver"));
    }

    /**
     * Docker's own CPUs and memory (`docker info --format '{{.NCPU}} {{.MemTotal}}'`, bytes) against
     * the profile, as minikube start compares them for the docker driver (v1.38
     * cmd/minikube/cmd/start.go validateCPUCount, start_flags.go getMemorySize: "Docker Desktop
     * has only N MB memory but you specified M MB"). Two required rows; unknown when docker does not answer.
     */
    static List<Check> dockerResources(Cmd.Result info, long wantCpus, long wantMiB) {
        String[] f = info.ok() ? info.out().strip().split("\\s+") : new String[0];
        long cpus = f.length == 2 && f[0].matches("[0-9]+") ? Long.parseLong(f[0]) : -1;
        long memMiB = f.length == 2 && f[1].matches("[0-9]+") ? Long.parseLong(f[1]) >> 20 : -1;
        String settings = "Docker Desktop: Settings > Resources > Advanced (then Apply & restart); a Docker Engine on Linux has the host's";
        return List.of(
                new Check("docker CPUs", true, cpus < 0 || cpus >= wantCpus, cpus < 0 ? "unknown" : String.valueOf(cpus),
                        ">= " + wantCpus + " (minikube.cpus)",
                        "give Docker more CPUs (" + settings + "), or ask for fewer: --set minikube.cpus=" + Math.max(2, cpus)),
                new Check("docker memory", true, memMiB < 0 || memMiB >= wantMiB, memMiB < 0 ? "unknown" : memMiB + " MiB",
                        ">= " + wantMiB + " MiB (minikube.memoryMiB)",
                        "give Docker more memory (" + settings + "), or ask for less: --set minikube.memoryMiB=" + Math.max(1800, memMiB - 512)));
    }

    static String minVersion(Config cfg, String tool, String dflt) {
        String v = cfg.str("preflight.minVersions." + tool);
        return v.isEmpty() ? dflt : v;
    }

    private static final Pattern VERSION = Pattern.compile("(\\d+)(\\.\\d+)*");

    /** The first dotted version number in a tool's output (v1.34.0, 28.2.2, Client Version: v1.31). */
    static String version(String text) {
        if (text == null) return null;
        Matcher m = VERSION.matcher(text);
        return m.find() ? m.group() : null;
    }

    /** Compares dotted versions numerically: 1.10 >= 1.9. */
    static boolean atLeast(String have, String need) {
        String[] a = have.split("\\."), b = need.split("\\.");
        for (int i = 0; i < Math.max(a.length, b.length); i++) {
            long x = i < a.length ? parse(a[i]) : 0, y = i < b.length ? parse(b[i]) : 0;
            if (x != y) return x > y;
        }
        return true;
    }

    private static long parse(String s) {
        Matcher m = Pattern.compile("\\d+").matcher(s);
        return m.find() ? Long.parseLong(m.group()) : 0;
    }

    static long memTotalMiB() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/meminfo")))
                if (l.startsWith("MemTotal:")) return Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024;
        } catch (Exception e) {
            // not Linux: fall through
        }
        return -1;
    }

    static long freeDiskGiB() {
        try {
            return Files.getFileStore(Config.home()).getUsableSpace() >> 30;
        } catch (Exception e) {
            return -1;
        }
    }
}

///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//JAVA_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC
//SOURCES Preflight.java MinikubeProfile.java BuildImages.java Smoke.java
//SOURCES lib/Console.java lib/Cmd.java lib/Config.java lib/Json.java
//DEPS info.picocli:picocli:4.7.7
//DESCRIPTION Deploys Taskora: preflight, Minikube profile, images, secrets, helm upgrade --install (atomic), rollout, smoke; prints the URL.

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "deploy", mixinStandardHelpOptions = true, version = "taskora deploy 1.0",
        description = {"Takes Taskora from source to a smoke-tested release, in order: preflight, the Minikube profile "
                + "(skipped with --target context), build images, the Secret (created once with random values, never "
                + "overwritten), helm upgrade --install with the environment's values file (atomic: a failed upgrade "
                + "rolls back), wait for the rollout, smoke. Prints the app's URL and the time each step took.",
                "A second run with nothing changed builds nothing and leaves the release alone.",
                "The steps are the scripts preflight, minikube-profile, build-images and smoke, run in this process."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:deployed and smoke-tested (or --dry-run printed the plan)", "1:a check failed (preflight, image, rollout, smoke)",
                "2:bad option or configuration", "3:a command failed", "4:the Minikube profile does not match taskora.yaml",
                "5:helm failed and the release was rolled back"})
public class Deploy implements Callable<Integer> {
    @Mixin Options options;

    @Option(names = "--skip-smoke", description = "Do not run the smoke test at the end.")
    boolean skipSmoke;

    @Option(names = "--skip-build", description = "Do not build images; use the tags their inputs give (they must exist in the store).")
    boolean skipBuild;

    public static void main(String... args) {
        System.exit(Console.execute(new Deploy(), args));
    }

    record Step(String name, String outcome, long millis, boolean ok) {}

    final List<Step> steps = new ArrayList<>();

    @Override
    public Integer call() {
        Config cfg = options.load();
        Console.heading("deploy release " + cfg.release() + " (" + cfg.environment() + ") to "
                + (cfg.minikube() ? "minikube profile " + cfg.profile() : "kube-context " + (cfg.kubeContext().isEmpty() ? "(current)" : cfg.kubeContext()))
                + (Cmd.dryRun ? "  [dry run: nothing is changed]" : ""));
        try {
            step("preflight", () -> {
                List<Preflight.Check> checks = Preflight.checks(cfg);
                Preflight.print(checks);
                List<Preflight.Check> failed = Preflight.failedRequired(checks);
                if (failed.isEmpty()) return "all required checks passed";
                String names = String.join(", ", failed.stream().map(Preflight.Check::name).toList());
                if (Cmd.dryRun) return Console.yellow("would stop here: " + names + " failed");
                throw new Failure(Exit.CHECK_FAILED, "preflight failed: " + names, "fix the rows marked FAIL above, then run deploy again");
            });
            if (cfg.minikube()) step("minikube profile", () -> MinikubeProfile.ensure(cfg).summary());
            else skip("minikube profile", "target is context");
            List<BuildImages.Built> images = new ArrayList<>();
            if (!skipBuild) {
                step("build images", () -> {
                    images.addAll(BuildImages.build(cfg, null, List.of()));
                    BuildImages.print(images);
                    List<String> bad = images.stream().filter(b -> !b.passed()).map(BuildImages.Built::service).toList();
                    if (!bad.isEmpty()) throw new Failure(Exit.CHECK_FAILED, "image checks failed for " + String.join(", ", bad));
                    long built = images.stream().filter(b -> !b.action().equals("unchanged")).count();
                    return built + (Cmd.dryRun ? " to build, " : " built, ") + (images.size() - built) + " unchanged";
                });
            } else {
                skip("build images", "--skip-build");
                for (String s : cfg.serviceNames()) images.add(plannedImage(cfg, s));
            }
            step("secrets", () -> ensureSecret(cfg));
            step("helm upgrade --install", () -> helmUpgrade(cfg, images));
            step("rollout", () -> Cmd.dryRun ? "would wait for every Deployment and StatefulSet" : waitRollout(cfg));
            if (!skipSmoke) {
                step("smoke", () -> {
                    List<Smoke.Result> r = Smoke.run(cfg, null);
                    long failed = r.stream().filter(x -> !x.ok()).count();
                    if (failed > 0) throw new Failure(Exit.CHECK_FAILED, failed + " smoke check(s) failed");
                    return Cmd.dryRun ? "planned" : r.size() + " checks passed";
                });
            } else skip("smoke", "--skip-smoke");
        } catch (Failure f) {
            summary(cfg);
            throw f;
        }
        summary(cfg);
        return Exit.OK;
    }

    void step(String name, Supplier<String> body) {
        Console.heading(name);
        long t0 = System.currentTimeMillis();
        try {
            String outcome = body.get();
            steps.add(new Step(name, outcome, System.currentTimeMillis() - t0, true));
        } catch (Failure f) {
            steps.add(new Step(name, Console.red("FAILED: " + f.getMessage()), System.currentTimeMillis() - t0, false));
            throw f;
        }
    }

    void skip(String name, String why) {
        steps.add(new Step(name, "skipped (" + why + ")", 0, true));
    }

    void summary(Config cfg) {
        Console.heading("summary");
        List<List<String>> rows = new ArrayList<>();
        long total = 0;
        for (Step s : steps) {
            rows.add(List.of(s.name(), s.ok() ? Console.green("ok") : Console.red("FAIL"), Console.seconds(s.millis()), s.outcome()));
            total += s.millis();
        }
        rows.add(List.of("total", "", Console.seconds(total), ""));
        Console.table(List.of("STEP", "STATUS", "TIME", "OUTCOME"), rows);
        if (!Cmd.dryRun && steps.stream().allMatch(Step::ok) && steps.stream().anyMatch(s -> s.name().startsWith("helm")))
            Console.info(Console.bold("Taskora is up: ") + appUrl(cfg));
        if (Cmd.dryRun) Console.info("dry run: " + Cmd.log.size() + " command(s) planned, none run");
    }

    static BuildImages.Built plannedImage(Config cfg, String s) {
        String p = "services." + s + ".";
        Map<String, String> args = BuildImages.buildArgs(cfg, s, BuildImages.readBuildArgsFile(cfg).getOrDefault(s, Map.of()));
        String tag = cfg.str("build.tagFrom").equals("git")
                ? BuildImages.gitTag(cfg.path(p + "context"), cfg.path(p + "dockerfile"), args)
                : "sha-" + BuildImages.contentHash(cfg.path(p + "context"), cfg.path(p + "dockerfile"), args).substring(0, 12);
        return new BuildImages.Built(s, cfg.str(p + "component"), cfg.str(p + "image"), tag, "planned", 0, 0, List.of());
    }

    // ---------------------------------------------------------------- secrets
    static final List<String> SECRET_KEYS = List.of("database-password", "jwt-secret", "mcp-service-token", "llm-api-key");

    /** Namespace and Secret: created when absent; an existing Secret is never changed. */
    static String ensureSecret(Config cfg) {
        String ns = cfg.namespace(), name = cfg.str("secret.name");
        Cmd.Result nsr = Cmd.query(cfg.kubectl("get", "namespace", ns, "-o", "name"));
        if (!nsr.ok()) {
            if (!Cmd.dryRun && !nsr.tail().contains("NotFound"))
                Cmd.check(nsr, "kubectl get namespace", "is the cluster reachable? try: " + String.join(" ", cfg.kubectl("cluster-info")));
            Cmd.check(Cmd.change(cfg.kubectl("create", "namespace", ns), Duration.ofSeconds(60)), "kubectl create namespace", null);
        }
        Cmd.Result sr = Cmd.query(cfg.kubectl("get", "secret", name, "-n", ns, "-o", "json"));
        if (sr.ok()) {
            Object data = Json.at(Json.parse(sr.out(), "kubectl get secret"), "data");
            List<String> missing = new ArrayList<>();
            for (String k : SECRET_KEYS) if (!(data instanceof Map<?, ?> m) || !m.containsKey(k)) missing.add(k);
            if (!missing.isEmpty())
                throw new Failure(Exit.CHECK_FAILED, "Secret " + ns + "/" + name + " exists but lacks key(s) " + String.join(", ", missing)
                        + "; it is never overwritten", "add them: kubectl -n " + ns + " edit secret " + name + " (or delete it to have deploy create a new one)");
            return "Secret " + name + " exists; kept as it is";
        }
        Cmd.check(Cmd.change(cfg.kubectl("create", "-n", ns, "-f", "-"), Duration.ofSeconds(60), secretManifest(cfg), null),
                "kubectl create secret", null);
        return Cmd.dryRun ? "would create Secret " + name + " with random values" : "created Secret " + name + " with random values";
    }

    static String secretManifest(Config cfg) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String k : SECRET_KEYS) values.put(k, randomValue());
        String llmKey = System.getenv("TASKORA_LLM_API_KEY");
        if (llmKey != null && !llmKey.isBlank()) values.put("llm-api-key", llmKey);
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("apiVersion", "v1");
        manifest.put("kind", "Secret");
        manifest.put("type", "Opaque");
        manifest.put("metadata", Map.of("name", cfg.str("secret.name"),
                "labels", Map.of("app.kubernetes.io/instance", cfg.release(), "app.kubernetes.io/managed-by", "taskora-deploy")));
        Map<String, String> data = new LinkedHashMap<>();
        values.forEach((k, v) -> data.put(k, Base64.getEncoder().encodeToString(v.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
        manifest.put("data", data);
        return Json.write(manifest);
    }

    static String randomValue() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    // ---------------------------------------------------------------- helm
    /** Helm's major version: 4 renamed --atomic to --rollback-on-failure. */
    static int helmMajor() {
        Cmd.Result r = Cmd.query("helm", "version", "--template", "{{.Version}}");
        String v = Preflight.version(r.out());
        return v == null ? 3 : Integer.parseInt(v.split("\\.")[0]);
    }

    static List<String> helmArgs(Config cfg, List<BuildImages.Built> images, int helmMajor) {
        List<String> a = new ArrayList<>(List.of("helm", "upgrade", "--install", cfg.release(), cfg.path("chart.path").toString(),
                "--namespace", cfg.namespace()));
        if (!cfg.kubeContext().isEmpty()) { a.add("--kube-context"); a.add(cfg.kubeContext()); }
        a.add("-f");
        a.add(cfg.valuesFile().toString());
        for (BuildImages.Built b : images) {
            a.add("--set"); a.add(b.component() + ".image.repository=" + b.repository());
            a.add("--set"); a.add(b.component() + ".image.tag=" + b.tag());
            a.add("--set"); a.add(b.component() + ".image.pullPolicy=IfNotPresent");
        }
        a.add("--set"); a.add(cfg.str("secret.valuesKey") + "=" + cfg.str("secret.name"));
        // The postgresql entry of build.buildArgsFile (stand-in images) names the database image.
        Map<String, String> pg = BuildImages.readBuildArgsFile(cfg).getOrDefault("postgresql", Map.of());
        for (String k : List.of("repository", "tag"))
            if (pg.containsKey(k) && !cfg.strMap("chart.values").containsKey("postgresql.image." + k)) {
                a.add("--set"); a.add("postgresql.image." + k + "=" + pg.get(k));
            }
        for (Map.Entry<String, String> e : cfg.strMap("chart.values").entrySet()) { a.add("--set"); a.add(e.getKey() + "=" + e.getValue()); }
        a.add("--wait");
        a.add("--timeout"); a.add(cfg.str("chart.timeout"));
        a.add(helmMajor >= 4 ? "--rollback-on-failure" : "--atomic");
        return a;
    }

    /** A digest of everything the release is made of: chart files, values file, helm arguments. */
    static String digest(Config cfg, List<String> helmArgs) {
        java.nio.file.Path chart = cfg.path("chart.path");
        String chartHash = java.nio.file.Files.isDirectory(chart)
                ? BuildImages.contentHash(chart, cfg.valuesFile(), Map.of("args", String.join("\u0000", helmArgs)))
                : HexFormat.of().formatHex(String.join("\u0000", helmArgs).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return chartHash.substring(0, 16);
    }

    static String helmUpgrade(Config cfg, List<BuildImages.Built> images) {
        if (!java.nio.file.Files.isDirectory(cfg.path("chart.path")))
            throw new Failure(Exit.USAGE, "chart.path " + cfg.path("chart.path") + " is not a directory");
        if (!java.nio.file.Files.isRegularFile(cfg.valuesFile()))
            throw new Failure(Exit.USAGE, "environments." + cfg.environment() + ".valuesFile " + cfg.valuesFile() + " not found");
        int major = helmMajor();
        List<String> args = helmArgs(cfg, images, major);
        String digest = digest(cfg, args);
        Object before = helmStatus(cfg);
        String status = Json.text(before, "info", "status");
        if ("deployed".equals(status) && Json.text(before, "info", "description").contains("taskora-deploy " + digest))
            return "release " + cfg.release() + " revision " + Json.text(before, "version") + " is up to date; helm not run";
        if (status.startsWith("pending-"))
            throw new Failure(Exit.COMMAND_FAILED, "release " + cfg.release() + " is stuck in " + status,
                    "roll it back: helm rollback " + cfg.release() + " -n " + cfg.namespace() + " (or helm uninstall it if it never deployed)");
        args.add("--description");
        args.add("taskora-deploy " + digest);
        Cmd.Result r = Cmd.change(args, Duration.ofMinutes(60), null, Console::detail);
        if (r.ok()) {
            if (Cmd.dryRun) return "would install or upgrade (helm " + major + ", " + (major >= 4 ? "--rollback-on-failure" : "--atomic") + ")";
            Object after = helmStatus(cfg);
            return "release " + cfg.release() + " revision " + Json.text(after, "version") + " " + Json.text(after, "info", "status");
        }
        throw rolledBack(cfg, before, helmStatus(cfg), r);
    }

    /** What a failed atomic upgrade left: the previous revision back, or no release after a failed install. */
    static Failure rolledBack(Config cfg, Object before, Object after, Cmd.Result r) {
        String why = r.tail().lines().filter(l -> l.startsWith("Error")).findFirst().orElse(r.tail().lines().reduce((a, b) -> b).orElse(""));
        String rel = cfg.release();
        if (before == null && after == null)
            return new Failure(Exit.ROLLED_BACK, "helm install of " + rel + " failed and the release was removed: " + why,
                    "see the pods' events: kubectl -n " + cfg.namespace() + " get events --sort-by=.lastTimestamp");
        if (after != null && "deployed".equals(Json.text(after, "info", "status")))
            return new Failure(Exit.ROLLED_BACK, "helm upgrade of " + rel + " failed; rolled back to revision " + Json.text(after, "version")
                    + " (" + Json.text(after, "info", "description") + "): " + why,
                    "the previous release still serves; see kubectl -n " + cfg.namespace() + " get events --sort-by=.lastTimestamp");
        return new Failure(Exit.COMMAND_FAILED, "helm upgrade of " + rel + " failed (" + (after == null ? "no release" : Json.text(after, "info", "status")) + "): " + why,
                "inspect it: helm status " + rel + " -n " + cfg.namespace() + "; helm history " + rel + " -n " + cfg.namespace());
    }

    /** `helm status -o json`, or null when there is no such release. */
    static Object helmStatus(Config cfg) {
        List<String> a = new ArrayList<>(List.of("helm", "status", cfg.release(), "-n", cfg.namespace(), "-o", "json"));
        if (!cfg.kubeContext().isEmpty()) { a.add("--kube-context"); a.add(cfg.kubeContext()); }
        Cmd.Result r = Cmd.query(a);
        return r.ok() ? Json.parse(r.out(), "helm status -o json") : null;
    }

    // ---------------------------------------------------------------- rollout
    static String waitRollout(Config cfg) {
        long deadline = System.currentTimeMillis() + cfg.num("smoke.timeoutSeconds") * 1000;
        while (true) {
            Cmd.Result r = Cmd.check(Cmd.query(cfg.kubectl("get", "deployments,statefulsets", "-n", cfg.namespace(), "-l",
                    "app.kubernetes.io/instance=" + cfg.release(), "-o", "json")), "kubectl get deployments,statefulsets", null);
            List<String> pending = rolloutPending(Json.parse(r.out(), "kubectl get deployments,statefulsets"));
            if (pending.isEmpty()) return "every Deployment and StatefulSet rolled out";
            if (System.currentTimeMillis() > deadline)
                throw new Failure(Exit.CHECK_FAILED, "not rolled out: " + String.join(", ", pending),
                        "kubectl -n " + cfg.namespace() + " describe pods -l app.kubernetes.io/instance=" + cfg.release());
            try { Thread.sleep(2000); } catch (InterruptedException e) { Thread.currentThread().interrupt(); return "interrupted"; }
        }
    }

    /** Workloads whose updated, ready replicas are short of spec.replicas (or whose generation is not observed yet). */
    static List<String> rolloutPending(Object doc) {
        List<String> out = new ArrayList<>();
        for (Object w : Json.items(doc, "items")) {
            long want = Json.at(w, "spec", "replicas") instanceof Number n ? n.longValue() : 1;
            long ready = Json.number(Json.at(w, "status", "readyReplicas"));
            long updated = Json.number(Json.at(w, "status", "updatedReplicas"));
            long gen = Json.number(Json.at(w, "metadata", "generation"));
            long seen = Json.number(Json.at(w, "status", "observedGeneration"));
            if (ready < want || updated < want || seen < gen)
                out.add(Json.text(w, "kind") + "/" + Json.text(w, "metadata", "name") + " " + ready + "/" + want + " ready");
        }
        return out;
    }

    /** How to reach the app: NodePort on the Minikube IP, the Ingress host, or a port-forward command. */
    static String appUrl(Config cfg) {
        try {
            String[] svc = Smoke.service(cfg, "frontend");
            Cmd.Result r = Cmd.query(cfg.kubectl("get", "service", svc[0], "-n", cfg.namespace(), "-o", "json"));
            Object nodePort = !r.ok() ? null : Json.at(Json.parse(r.out(), "kubectl get service"), "spec", "ports", 0, "nodePort");
            if (cfg.minikube() && nodePort != null) {
                Cmd.Result ip = Cmd.query("minikube", "-p", cfg.profile(), "ip");
                if (ip.ok()) return "http://" + ip.out().strip() + ":" + nodePort + "/";
            }
            return "kubectl -n " + cfg.namespace() + " port-forward svc/" + svc[0] + " 3000:" + svc[1] + "  then http://127.0.0.1:3000/";
        } catch (Failure f) {
            return "(frontend Service not found: " + f.getMessage() + ")";
        }
    }
}

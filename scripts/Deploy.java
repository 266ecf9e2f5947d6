///usr/bin/env bash -c 'l="${0%/*}/../jbang"; [ -x "$l" ] || l=jbang; exec "$l" "$0" "$@"' "$0" "$@" ; exit $?
//JAVA 17+
//JAVA_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC
//SOURCES Preflight.java MinikubeProfile.java BuildImages.java Smoke.java
//SOURCES lib/Console.java lib/Cmd.java lib/Config.java lib/Json.java lib/Diagnosis.java
//SOURCES lib/Digest.java lib/Reach.java
//DEPS info.picocli:picocli:4.7.7
//DESCRIPTION Deploys Taskora: preflight, checks, Minikube profile, images, helm upgrade --install (atomic), rollout, smoke; prints the URL. --uninstall removes it.

// Runs the step scripts in this process through their declared entry points only (@EntryPoint:
// Preflight.checks, MinikubeProfile.ensure, BuildImages.plan/build, Smoke.run, ...; StepApiTest
// checks it). The step scripts keep their own logic so each stays a readable, runnable tool; what
// several scripts share (configuration, commands, console, JSON, digests) lives in scripts/lib.
// Entry points (for ai-ops): release(cfg, images, existingSecret, helmMajor): the helm command line
// and digest; helmStatus(cfg). Types: Release. How to reach the app is scripts/lib/Reach.java's.

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "deploy", mixinStandardHelpOptions = true, version = "taskora deploy 1.0",
        description = {"Takes Taskora from source to a smoke-tested release, in order: preflight; checks (configuration, "
                + "paths, every Dockerfile and build context, the chart rendered by `helm template` with the final values "
                + "and its schema); the Minikube profile (skipped with --target context); build images; the namespace "
                + "and the Secret (the chart generates it once and keeps it; an existing Secret named secret.name is used "
                + "instead); helm upgrade --install with the environment's values file (atomic: a failed upgrade rolls "
                + "back); kubectl rollout status; smoke. Prints how to reach the app and the time each step took.",
                "Nothing changes before every check passed. A second run with nothing changed builds nothing and leaves "
                + "the release alone. --dry-run prints the plan and exits with the code the real run would stop with.",
                "--uninstall removes the release and keeps the database volume and the Secret (--purge deletes them too)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:deployed and smoke-tested (or the --dry-run plan would succeed; or uninstalled)",
                "1:a check failed (preflight, image, rollout, smoke)", "2:bad option, configuration, path or chart value",
                "3:a command failed", "4:the Minikube profile does not match taskora.yaml",
                "5:helm failed and the release was rolled back", "70:unexpected error (a bug: please report it)"})
public class Deploy implements Callable<Integer> {
    @Mixin Options options;

    @Option(names = "--skip-smoke", description = "Do not run the smoke test at the end.")
    boolean skipSmoke;

    @Option(names = "--skip-build", description = "Do not build images; use the tags their inputs give (they must exist in the store).")
    boolean skipBuild;

    @Option(names = "--uninstall", description = "Remove the release (helm uninstall); keep the PostgreSQL volume and the Secret, and say so.")
    boolean uninstall;

    @Option(names = "--purge", description = "With --uninstall: also delete the release's PersistentVolumeClaims and Secrets (the data is lost).")
    boolean purge;

    public static void main(String... args) {
        System.exit(Console.execute(new Deploy(), args));
    }

    record Step(String name, String outcome, long millis, boolean ok) {}

    final List<Step> steps = new ArrayList<>();
    /** In a dry run, the first step that would stop the real run (the dry run goes on planning). */
    Failure wouldStop;
    String wouldStopAt;

    @Override
    public Integer call() {
        if (purge && !uninstall) throw new Failure(Exit.USAGE, "--purge goes with --uninstall", "deploy --uninstall --purge");
        Config cfg = options.load();
        if (uninstall) return uninstall(cfg, purge);
        Console.heading("deploy release " + cfg.release() + " (" + cfg.environment() + ") to "
                + (cfg.minikube() ? "minikube profile " + cfg.profile() : "kube-context " + (cfg.kubeContext().isEmpty() ? "(current)" : cfg.kubeContext()))
                + (Cmd.dryRun ? "  [dry run: nothing is changed]" : ""));
        List<BuildImages.Image> planned = new ArrayList<>();
        List<BuildImages.Built> images = new ArrayList<>();
        String[] store = new String[1];
        try {
            step("preflight", () -> {
                List<Preflight.Check> checks = Preflight.checks(cfg);
                Preflight.print(checks);
                List<Preflight.Check> failed = Preflight.failedRequired(checks);
                if (failed.isEmpty()) return "all required checks passed";
                String names = String.join(", ", failed.stream().map(Preflight.Check::name).toList());
                throw new Failure(Exit.CHECK_FAILED, "preflight failed: " + names, "fix the rows marked FAIL above, then run deploy again");
            });
            step("checks", () -> {
                store[0] = skipBuild ? null : BuildImages.store(cfg, null);
                planned.addAll(BuildImages.plan(cfg, List.of()));
                return checkRelease(cfg, planned);
            });
            if (cfg.minikube()) step("minikube profile", () -> MinikubeProfile.ensure(cfg).summary());
            else skip("minikube profile", "target is context");
            if (!skipBuild) {
                step("build images", () -> {
                    images.addAll(BuildImages.build(cfg, store[0], planned));
                    BuildImages.print(images);
                    List<String> bad = images.stream().filter(b -> !b.passed()).map(BuildImages.Built::service).toList();
                    if (!bad.isEmpty()) throw new Failure(Exit.CHECK_FAILED, "image checks failed for " + String.join(", ", bad));
                    long built = images.stream().filter(b -> !b.action().equals("unchanged")).count();
                    return built + (Cmd.dryRun ? " to build, " : " built, ") + (images.size() - built) + " unchanged";
                });
            } else {
                skip("build images", "--skip-build");
            }
            String[] existing = new String[1];
            step("secrets", () -> {
                existing[0] = ensureNamespaceAndFindSecret(cfg);
                return existing[0] == null ? "the chart generates the Secret once and keeps it (helm.sh/resource-policy: keep)"
                        : "Secret " + existing[0] + " exists; used as it is (existingSecret)";
            });
            step("helm upgrade --install", () -> helmUpgrade(cfg, release(cfg, planned, existing[0], helmMajor())));
            step("rollout", () -> rollout(cfg));
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
        if (wouldStop != null)
            throw new Failure(wouldStop.exitCode, "dry run: the real run would stop at " + wouldStopAt + ": " + wouldStop.getMessage(), wouldStop.hint);
        return Exit.OK;
    }

    /** Runs one step; a failure stops the run, except in a dry run, which notes where it would stop and plans on. */
    void step(String name, Supplier<String> body) {
        Console.heading(name);
        long t0 = System.currentTimeMillis();
        try {
            String outcome = body.get();
            steps.add(new Step(name, outcome, System.currentTimeMillis() - t0, true));
        } catch (Failure f) {
            steps.add(new Step(name, Console.red((Cmd.dryRun ? "WOULD FAIL: " : "FAILED: ") + f.getMessage()), System.currentTimeMillis() - t0, false));
            if (!Cmd.dryRun) throw f;
            if (wouldStop == null) { wouldStop = f; wouldStopAt = name; }
            Console.info(Console.yellow("[dry-run] ") + "the real run would stop here: " + f.getMessage());
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
        if (Cmd.dryRun) Console.info("dry run: " + Cmd.log.size() + " command(s) planned, none run"
                + (wouldStop == null ? "; every check passed" : "; the real run would stop at " + wouldStopAt));
    }

    // ---------------------------------------------------------------- checks before any change
    /**
     * What can be checked before anything changes: the chart path and values file, and the chart
     * rendered by `helm template` with the exact final values (so its values.schema.json judges
     * every --set), with the images as planned.
     */
    static String checkRelease(Config cfg, List<BuildImages.Image> images) {
        java.nio.file.Path chart = cfg.path("chart.path"); // a chart directory or a packaged chart
        if (!java.nio.file.Files.exists(chart)) throw cfg.missingPath("chart.path", chart, "does not exist");
        cfg.existingFile("environments." + cfg.environment() + ".valuesFile");
        // A Secret named secret.name that exists already must hold the four keys: checked here when the
        // cluster answers (the secrets step checks again once a Minikube profile has started).
        Release rel = release(cfg, images, existingSecret(cfg), helmMajor());
        List<String> template = new ArrayList<>(rel.templateArgs());
        String kube = targetKubernetesVersion(cfg);
        if (kube != null) { template.add("--kube-version"); template.add(kube); }
        Cmd.Result r = Cmd.query(Cmd.line(template).stdin(rel.stdin(), rel.stdinShown()).timeout(Duration.ofMinutes(2)));
        if (r.exit() == Cmd.NOT_FOUND) return images.size() + " image(s) planned; chart not rendered (helm not found, see preflight)";
        if (!r.ok()) {
            String why = r.tail().lines().filter(l -> l.startsWith("Error")).findFirst().orElse(r.tail().lines().reduce((a, b) -> b).orElse(""));
            throw new Failure(Exit.USAGE, "the chart does not render with these values: " + why,
                    "check chart.values / --set and the values file against " + chart.resolve("values.schema.json") + "; try: " + Cmd.show(template));
        }
        String unchanged = checkImmutable(cfg, r.out());
        return images.size() + " image(s) planned; paths exist; chart renders with the final values" + unchanged;
    }

    /**
     * Fields Kubernetes refuses to change in place: a StatefulSet's selector, serviceName,
     * volumeClaimTemplates and podManagementPolicy, a Deployment's selector. helm would find out
     * half-way through the upgrade ("spec: Forbidden: updates to statefulset spec for fields other
     * than ..."), so the chart as rendered is compared with the release's live objects first, and a
     * difference stops deploy before anything changes. Returns a note for the summary.
     */
    static String checkImmutable(Config cfg, String renderedYaml) {
        Cmd.Result live = Cmd.query(cfg.kubectl("get", "deployments,statefulsets", "-n", cfg.namespace(), "-l",
                "app.kubernetes.io/instance=" + cfg.release(), "-o", "json"));
        if (!live.ok() || live.out().isBlank()) return ""; // no cluster yet (a profile not started): nothing live to compare with
        List<Object> rendered = new ArrayList<>();
        try {
            for (Object doc : Config.yaml().loadAll(renderedYaml)) if (doc != null) rendered.add(doc);
        } catch (RuntimeException e) { // helm's own parser is laxer (a duplicate key): helm judges the manifests, as before
            return "; not compared with the live release (the rendered manifests do not parse: "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + ")";
        }
        List<String> changes = immutableChanges(rendered, Json.items(Json.parse(live.out(), "kubectl get deployments,statefulsets"), "items"));
        if (changes.isEmpty()) return "; no field that cannot change in place changes";
        throw new Failure(Exit.USAGE, "this upgrade of release " + cfg.release() + " would change what Kubernetes cannot change in place: "
                + String.join("; ", changes) + " (nothing was changed, helm was not run)",
                "keep the old value (in the values file or with --set); or reinstall: deploy --uninstall (keeps the PersistentVolumeClaims and the Secret; "
                        + "a kept claim keeps its old size and class), then deploy; or deploy a new release beside it: --release NAME");
    }

    /**
     * The differences, one "Kind/name field: old -> new" each, between rendered manifests and the
     * live Deployments and StatefulSets of the same names (an object not live yet changes nothing).
     */
    static List<String> immutableChanges(List<?> rendered, List<?> live) {
        List<String> out = new ArrayList<>();
        for (Object want : rendered) {
            String kind = Json.text(want, "kind"), name = Json.text(want, "metadata", "name");
            if (!kind.equals("StatefulSet") && !kind.equals("Deployment")) continue;
            Object have = live.stream().filter(o -> kind.equals(Json.text(o, "kind")) && name.equals(Json.text(o, "metadata", "name"))).findFirst().orElse(null);
            if (have == null) continue;
            String what = kind + "/" + name + " ";
            compare(out, what + "spec.selector", Json.at(have, "spec", "selector"), Json.at(want, "spec", "selector"));
            if (!kind.equals("StatefulSet")) continue;
            compare(out, what + "spec.serviceName", Json.at(have, "spec", "serviceName"), Json.at(want, "spec", "serviceName"));
            // the API server defaults podManagementPolicy to OrderedReady
            compare(out, what + "spec.podManagementPolicy", orDefault(Json.at(have, "spec", "podManagementPolicy"), "OrderedReady"),
                    orDefault(Json.at(want, "spec", "podManagementPolicy"), "OrderedReady"));
            Map<String, Object> oldT = claimTemplates(have), newT = claimTemplates(want);
            for (String t : oldT.keySet()) if (!newT.containsKey(t)) out.add(what + "spec.volumeClaimTemplates: " + t + " -> (removed)");
            for (String t : newT.keySet()) if (!oldT.containsKey(t)) out.add(what + "spec.volumeClaimTemplates: (none) -> " + t);
            for (String t : newT.keySet()) {
                if (!oldT.containsKey(t)) continue;
                Object o = oldT.get(t), n = newT.get(t);
                String at = what + "spec.volumeClaimTemplates[" + t + "].spec.";
                Object oldSize = Json.at(o, "spec", "resources", "requests", "storage"), newSize = Json.at(n, "spec", "resources", "requests", "storage");
                if (!sameQuantity(canonical(oldSize), canonical(newSize)))
                    out.add(at + "resources.requests.storage: " + shown(oldSize) + " -> " + shown(newSize));
                compare(out, at + "storageClassName", Json.at(o, "spec", "storageClassName"), Json.at(n, "spec", "storageClassName"));
                compare(out, at + "accessModes", Json.at(o, "spec", "accessModes"), Json.at(n, "spec", "accessModes"));
            }
        }
        return out;
    }

    static Object orDefault(Object v, Object dflt) { return v == null ? dflt : v; }

    static Map<String, Object> claimTemplates(Object sts) {
        Map<String, Object> m = new java.util.TreeMap<>();
        for (Object t : Json.items(sts, "spec", "volumeClaimTemplates")) m.put(Json.text(t, "metadata", "name"), t);
        return m;
    }

    static void compare(List<String> out, String field, Object old, Object now) {
        if (!canonical(old).equals(canonical(now))) out.add(field + ": " + shown(old) + " -> " + shown(now));
    }

    /** JSON and YAML alike: maps by key, numbers and strings by their text. */
    static String canonical(Object v) {
        if (v instanceof Map<?, ?> m) {
            java.util.TreeMap<String, String> t = new java.util.TreeMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) t.put(String.valueOf(e.getKey()), canonical(e.getValue()));
            return t.toString();
        }
        if (v instanceof List<?> l) return l.stream().map(Deploy::canonical).toList().toString();
        return v == null ? "(unset)" : String.valueOf(v);
    }

    static String shown(Object v) {
        if (v == null) return "(unset)";
        if ("".equals(v)) return "\"\"";
        return v instanceof String s ? s : Json.write(v);
    }

    static boolean sameQuantity(String a, String b) {
        if (a.equals(b)) return true;
        try {
            return Math.abs(Json.quantity(a) - Json.quantity(b)) < 1e-6 * Math.max(1, Math.abs(Json.quantity(a)));
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /**
     * The Kubernetes version the chart is rendered for: minikube.kubernetesVersion, else the
     * reachable cluster's own (kubectl version), else helm's default.
     */
    static String targetKubernetesVersion(Config cfg) {
        if (cfg.minikube() && !cfg.str("minikube.kubernetesVersion").matches("|stable|latest")) return cfg.str("minikube.kubernetesVersion");
        Cmd.Result r = Cmd.query(cfg.kubectl("version", "-o", "json"));
        if (!r.ok() || r.out().isBlank()) return null;
        String v = Json.text(Json.parse(r.out(), "kubectl version -o json"), "serverVersion", "gitVersion");
        return v.isEmpty() ? null : v;
    }

    // ---------------------------------------------------------------- secrets
    static final List<String> SECRET_KEYS = List.of("database-password", "jwt-secret", "mcp-service-token", "llm-api-key");

    /**
     * The namespace, created when absent; then the Secret the release uses. One generator: the
     * chart's (templates/secret.yaml: random values once, kept across upgrades by `lookup` and
     * across uninstalls by `helm.sh/resource-policy: keep`). A Secret named secret.name that
     * already exists (yours, or one an earlier deploy made) is used instead, never changed, and
     * must hold the four keys. Returns its name, or null when the chart generates one.
     */
    static String ensureNamespaceAndFindSecret(Config cfg) {
        String ns = cfg.namespace(), name = cfg.str("secret.name");
        Cmd.Result nsr = Cmd.query(cfg.kubectl("get", "namespace", ns, "-o", "name"));
        if (!nsr.ok()) {
            if (!Cmd.dryRun && !nsr.tail().contains("NotFound"))
                Cmd.check(nsr, "kubectl get namespace", "is the cluster reachable? try: " + String.join(" ", cfg.kubectl("cluster-info")));
            Cmd.check(Cmd.change(cfg.kubectl("create", "namespace", ns), Duration.ofSeconds(60)), "kubectl create namespace", null);
            return null;
        }
        return existingSecret(cfg);
    }

    /** secret.name when that Secret exists in the namespace (checked for the four keys), else null (also when the cluster does not answer yet). */
    static String existingSecret(Config cfg) {
        String ns = cfg.namespace(), name = cfg.str("secret.name");
        if (name.isEmpty()) return null;
        Cmd.Result sr = Cmd.query(cfg.kubectl("get", "secret", name, "-n", ns, "-o", "json"));
        if (!sr.ok() || sr.out().isBlank()) return null;
        Object data = Json.at(Json.parse(sr.out(), "kubectl get secret"), "data");
        List<String> missing = new ArrayList<>();
        for (String k : SECRET_KEYS) if (!(data instanceof Map<?, ?> m) || !m.containsKey(k)) missing.add(k);
        if (!missing.isEmpty())
            throw new Failure(Exit.CHECK_FAILED, "Secret " + ns + "/" + name + " exists but lacks key(s) " + String.join(", ", missing)
                    + "; it is never overwritten", "add them: kubectl -n " + ns + " edit secret " + name + " (or delete it to have the chart generate one)");
        return name;
    }

    // ---------------------------------------------------------------- helm
    /** Helm's major version: 4 renamed --atomic to --rollback-on-failure. */
    static int helmMajor() {
        Cmd.Result r = Cmd.query("helm", "version", "--template", "{{.Version}}");
        String v = r.ok() ? Preflight.version(r.out()) : null;
        return v == null ? 3 : Integer.parseInt(v.split("\\.")[0]);
    }

    /**
     * The release as helm gets it: the `helm upgrade --install` command line (without its
     * --description), the values it reads on stdin (the LLM key, when given; shown masked), and
     * the digest of everything it is made of. Computed here only; `helm template` renders the same.
     */
    @EntryPoint
    record Release(List<String> args, String stdin, String stdinShown, String digest) {
        /** The same chart, values and --set for `helm template` (no cluster, no waiting). */
        List<String> templateArgs() {
            List<String> t = new ArrayList<>(List.of("helm", "template"));
            for (int i = 3; i < args.size(); i++) {
                String a = args.get(i);
                if (a.equals("--wait") || a.equals("--atomic") || a.equals("--rollback-on-failure")) continue;
                if (a.equals("--timeout") || a.equals("--kube-context")) { i++; continue; }
                t.add(a);
            }
            return t;
        }
    }

    @EntryPoint
    static Release release(Config cfg, List<BuildImages.Image> images, String existingSecret, int helmMajor) {
        List<String> a = cfg.helm("upgrade", "--install", cfg.release(), cfg.path("chart.path").toString(), "--namespace", cfg.namespace());
        a.add("-f");
        a.add(cfg.valuesFile().toString());
        for (BuildImages.Image b : images) {
            a.add("--set"); a.add(b.component() + ".image.repository=" + b.repository());
            a.add("--set"); a.add(b.component() + ".image.tag=" + b.tag());
            a.add("--set"); a.add(b.component() + ".image.pullPolicy=IfNotPresent");
        }
        if (existingSecret != null) { a.add("--set"); a.add(cfg.str("secret.valuesKey") + "=" + existingSecret); }
        // The postgresql entry of build.buildArgsFile (stand-in images) names the database image.
        Map<String, String> pg = BuildImages.databaseImage(cfg);
        for (String k : List.of("repository", "tag"))
            if (pg.containsKey(k) && !cfg.strMap("chart.values").containsKey("postgresql.image." + k)) {
                a.add("--set"); a.add("postgresql.image." + k + "=" + pg.get(k));
            }
        for (Map.Entry<String, String> e : cfg.strMap("chart.values").entrySet()) { a.add("--set"); a.add(e.getKey() + "=" + e.getValue()); }
        // An LLM key for the chart's generated Secret goes on stdin, never on the command line.
        String key = System.getenv("TASKORA_LLM_API_KEY");
        String stdin = null, shown = null;
        if (existingSecret == null && key != null && !key.isBlank()) {
            a.add("-f"); a.add("-");
            stdin = Json.write(Map.of("llm", Map.of("apiKey", key)));
            shown = Json.write(Map.of("llm", Map.of("apiKey", "<masked: $TASKORA_LLM_API_KEY>")));
        }
        a.add("--wait");
        a.add("--timeout"); a.add(cfg.str("chart.timeout"));
        a.add(helmMajor >= 4 ? "--rollback-on-failure" : "--atomic");
        List<String> digested = new ArrayList<>(a);
        if (stdin != null) digested.add("stdin-sha256=" + Digest.sha256Hex(stdin));
        String digest = Digest.helmRelease(cfg.path("chart.path"), cfg.valuesFile(), digested).substring(0, 16);
        return new Release(a, stdin, shown, digest);
    }

    static String helmUpgrade(Config cfg, Release rel) {
        Object before = helmStatus(cfg);
        String status = Json.text(before, "info", "status");
        if ("deployed".equals(status) && Json.text(before, "info", "description").contains("taskora-deploy " + rel.digest())) {
            String unready = unreadyWorkloads(cfg);
            if (unready.isEmpty()) return "release " + cfg.release() + " revision " + Json.text(before, "version") + " is up to date; helm not run";
            Console.info("release " + cfg.release() + " revision " + Json.text(before, "version") + " matches, but " + unready + ": helm runs again");
        }
        if (status.startsWith("pending-"))
            throw new Failure(Exit.COMMAND_FAILED, "release " + cfg.release() + " is stuck in " + status,
                    "roll it back: helm rollback " + cfg.release() + " -n " + cfg.namespace() + " (or helm uninstall it if it never deployed)");
        List<String> args = new ArrayList<>(rel.args());
        args.add("--description");
        args.add("taskora-deploy " + rel.digest());
        boolean v4 = args.contains("--rollback-on-failure");
        // helm waits; the release's new pods are watched meanwhile, so a definite failure stops it early (issue 11.4)
        Diagnosis.Watched watched = helmFinishesOnInterrupt(cfg, () -> Diagnosis.watch(cfg, () -> Cmd.change(Cmd.line(args)
                .stdin(rel.stdin(), rel.stdinShown()).timeout(Duration.ofMinutes(60)).lines(Console::detail).outlivesExit()), Duration.ofSeconds(5)));
        Cmd.Result r = watched.result();
        if (r.ok()) {
            if (Cmd.dryRun) return "would install or upgrade (helm " + (v4 ? "4, --rollback-on-failure" : "3, --atomic") + ")";
            Object after = helmStatus(cfg);
            return "release " + cfg.release() + " revision " + Json.text(after, "version") + " " + Json.text(after, "info", "status");
        }
        Failure f = rolledBack(cfg, before, helmStatus(cfg), r);
        if (watched.stoppedBy().isEmpty()) throw f;
        Diagnosis.Finding why = watched.stoppedBy().get(0);
        throw new Failure(f.exitCode, f.getMessage() + "; stopped waiting because " + why.kind() + "/" + why.name() + ": " + why.text(), why.fix());
    }

    /**
     * What keeps a deployed release from being "up to date": each Deployment and StatefulSet of
     * its manifest that is missing or has fewer ready replicas than it wants; "" when none.
     */
    static String unreadyWorkloads(Config cfg) {
        Cmd.Result manifest = Cmd.query(cfg.helm("get", "manifest", cfg.release(), "-n", cfg.namespace()));
        if (!manifest.ok()) return "its manifest cannot be read (" + manifest.tail() + ")";
        Cmd.Result live = Cmd.query(cfg.kubectl("get", "deployments,statefulsets", "-n", cfg.namespace(), "-l",
                "app.kubernetes.io/instance=" + cfg.release(), "-o", "json"));
        if (!live.ok()) return "its workloads cannot be read (" + live.tail() + ")";
        Map<String, Object> byName = new LinkedHashMap<>();
        for (Object o : Json.items(Json.parse(live.out(), "kubectl get deployments,statefulsets"), "items"))
            byName.put(Json.text(o, "kind") + "/" + Json.text(o, "metadata", "name"), o);
        List<String> problems = new ArrayList<>();
        for (Object doc : new org.yaml.snakeyaml.Yaml().loadAll(manifest.out())) {
            String kind = Json.text(doc, "kind");
            if (!kind.equals("Deployment") && !kind.equals("StatefulSet")) continue;
            String id = kind + "/" + Json.text(doc, "metadata", "name");
            Object o = byName.get(id);
            Object want = Json.at(o == null ? doc : o, "spec", "replicas");
            long wanted = want instanceof Number n ? n.longValue() : 1;
            if (o == null) problems.add(id + " is missing");
            else if (Json.number(o, "status", "readyReplicas") < wanted)
                problems.add(id + " has " + Json.number(o, "status", "readyReplicas") + "/" + wanted + " ready");
        }
        return String.join(", ", problems);
    }

    /**
     * Ctrl-C (or a TERM) while helm upgrades: helm cancels and, being atomic, rolls back, but only
     * if it is left to finish. Deploy waits for it before it exits, so the previous revision serves
     * when the prompt comes back, and says which one; exit 130 (143 on TERM).
     */
    static <T> T helmFinishesOnInterrupt(Config cfg, Supplier<T> body) {
        Thread guard = new Thread(() -> {
            List<ProcessHandle> helm = Diagnosis.helmUpgrades();
            if (helm.isEmpty()) return;
            String timeout = cfg.str("chart.timeout");
            Console.warn("interrupted: helm cancels the upgrade of " + cfg.release() + " and rolls it back; waiting for it (at most " + timeout + ")");
            helm.forEach(ProcessHandle::destroy); // TERM, helm's cancel, should the signal have reached deploy only
            long deadline = System.nanoTime() + Config.duration(timeout).plusSeconds(30).toNanos();
            for (ProcessHandle p : helm) {
                try {
                    p.onExit().get(Math.max(1, deadline - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
                } catch (Exception e) {
                    Console.warn("helm is still running (pid " + p.pid() + "); the release may stay pending: helm status " + cfg.release() + " -n " + cfg.namespace());
                    return;
                }
            }
            // (not through Cmd: no new process may register for destruction while the JVM shuts down)
            try {
                Process p = new ProcessBuilder(cfg.helm("status", cfg.release(), "-n", cfg.namespace(), "-o", "json")).redirectError(ProcessBuilder.Redirect.DISCARD).start();
                Object after = Json.parse(new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8), "helm status -o json");
                boolean deployed = "deployed".equals(Json.text(after, "info", "status"));
                String line = "release " + cfg.release() + " is at revision " + Json.text(after, "version") + ", " + Json.text(after, "info", "status")
                        + " (" + Json.text(after, "info", "description") + ")";
                if (deployed) Console.warn("interrupted; " + line + ": the previous revision serves");
                else Console.warn(line + "; inspect it: helm history " + cfg.release() + " -n " + cfg.namespace());
            } catch (Exception e) {
                Console.warn("interrupted; helm finished, its status is unknown: helm status " + cfg.release() + " -n " + cfg.namespace());
            }
        }, "deploy-interrupted");
        Runtime.getRuntime().addShutdownHook(guard);
        try {
            return body.get();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(guard);
            } catch (IllegalStateException shuttingDown) {
                // the guard runs (or ran) already
            }
        }
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
    @EntryPoint
    static Object helmStatus(Config cfg) {
        Cmd.Result r = Cmd.query(cfg.helm("status", cfg.release(), "-n", cfg.namespace(), "-o", "json"));
        return r.ok() ? Json.parse(r.out(), "helm status -o json") : null;
    }

    // ---------------------------------------------------------------- rollout
    /**
     * `kubectl rollout status` of the release's Deployments, then its StatefulSets, by label, as
     * shown in the plan (one kind per command: what every kubectl since 1.25 accepts with -l).
     */
    static String rollout(Config cfg) {
        long secs = cfg.num("smoke.timeoutSeconds");
        for (String kind : List.of("deployment", "statefulset")) {
            List<String> argv = cfg.kubectl("rollout", "status", kind, "-n", cfg.namespace(),
                    "-l", "app.kubernetes.io/instance=" + cfg.release(), "--timeout=" + secs + "s");
            Cmd.Result r = Cmd.change(argv, Duration.ofSeconds(secs + 30));
            if (r.ok()) continue;
            Cmd.Result w = Cmd.query(cfg.kubectl("get", "deployments,statefulsets", "-n", cfg.namespace(), "-l",
                    "app.kubernetes.io/instance=" + cfg.release(), "-o", "json"));
            List<String> pending = w.ok() ? rolloutPending(Json.parse(w.out(), "kubectl get deployments,statefulsets")) : List.of();
            Diagnosis.explain(cfg); // why, per pod (scripts/lib/Diagnosis.java)
            throw new Failure(Exit.CHECK_FAILED, "not rolled out within " + secs + "s: " + (pending.isEmpty() ? r.tail() : String.join(", ", pending)),
                    "kubectl -n " + cfg.namespace() + " describe pods -l app.kubernetes.io/instance=" + cfg.release());
        }
        return Cmd.dryRun ? "would wait up to " + secs + "s for every Deployment and StatefulSet" : "every Deployment and StatefulSet rolled out";
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

    /** How to reach the app (scripts/lib/Reach.java: one query, the same answer as `ai-ops url`); never throws. */
    static String appUrl(Config cfg) {
        try {
            return Reach.way(cfg).how();
        } catch (Failure f) {
            return "(no way to the app found: " + f.getMessage() + ")";
        }
    }

    // ---------------------------------------------------------------- uninstall
    /**
     * helm uninstall; the release's PersistentVolumeClaims (the database) and Secrets (its
     * password) stay, and are listed, unless --purge deletes them too. A reinstall finds both.
     */
    static int uninstall(Config cfg, boolean purge) {
        Console.heading("uninstall release " + cfg.release() + " from namespace " + cfg.namespace() + (Cmd.dryRun ? "  [dry run: nothing is changed]" : ""));
        if (helmStatus(cfg) == null) Console.info("release " + cfg.release() + " is not installed in " + cfg.namespace() + "; nothing to uninstall");
        else {
            Cmd.check(Cmd.change(cfg.helm("uninstall", cfg.release(), "--namespace", cfg.namespace(), "--wait"), Duration.ofMinutes(10)), "helm uninstall", "see helm status " + cfg.release() + " -n " + cfg.namespace());
        }
        List<String> left = new ArrayList<>();
        Cmd.Result r = Cmd.query(cfg.kubectl("get", "persistentvolumeclaims,secrets", "-n", cfg.namespace(), "-l",
                "app.kubernetes.io/instance=" + cfg.release(), "-o", "json"));
        if (r.ok())
            for (Object o : Json.items(Json.parse(r.out(), "kubectl get persistentvolumeclaims,secrets"), "items"))
                left.add(Json.text(o, "kind").toLowerCase(java.util.Locale.ROOT) + "/" + Json.text(o, "metadata", "name"));
        String named = existingSecretName(cfg);
        if (named != null && !left.contains("secret/" + named)) left.add("secret/" + named);
        left.sort(null);
        if (left.isEmpty()) {
            Console.info("nothing of the release is left in " + cfg.namespace());
        } else if (purge) {
            for (String obj : left)
                Cmd.check(Cmd.change(cfg.kubectl("delete", obj, "-n", cfg.namespace(), "--wait=true"), Duration.ofMinutes(5)), "kubectl delete " + obj, null);
            Console.info((Cmd.dryRun ? "would delete: " : "deleted: ") + String.join(", ", left) + " (--purge: the data is gone)");
        } else {
            Console.info("kept: " + String.join(", ", left) + " (the database volume and the Secret with its password; "
                    + "a reinstall uses them again). Delete them too with: deploy --uninstall --purge");
        }
        return Exit.OK;
    }

    /** secret.name when a Secret of that name exists (deploy's older Secrets, or yours), else null. */
    static String existingSecretName(Config cfg) {
        String name = cfg.str("secret.name");
        if (name.isEmpty()) return null;
        return Cmd.query(cfg.kubectl("get", "secret", name, "-n", cfg.namespace(), "-o", "name")).ok() ? name : null;
    }
}

// The Helm release and what surrounds a change to it, for deploy: the `helm upgrade --install`
// command line and the digest of everything it is made of (the one place both are computed; `helm
// template` renders the same), the checks before any change (paths, the chart rendered with the
// final values against its schema, an existing Secret's keys, no field Kubernetes cannot change in
// place: scripts/lib/ImmutableFields.java), the namespace and Secret, the upgrade itself (skipped
// when the release is up to date; atomic; Ctrl-C waits for helm's rollback), the rollout wait,
// and uninstall with what it leaves.
// Exposes: Release.command(cfg, images, existingSecret, helmMajor) -> Command, Release.helmMajor(),
// Release.status(cfg) -> Kube.HelmStatus (null: not installed), Release.prefetch(cfg, step), Release.check(cfg, images),
// Release.ensureNamespaceAndFindSecret(cfg), Release.upgrade(cfg, command), Release.rollout(cfg),
// Release.leftAlone(upgrade outcome), Release.uninstall(cfg) -> Uninstall, Release.leftovers(cfg), Release.purge(cfg, left); for tests
// rolloutPending(workloads), rolledBack(...).

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

final class Release {
    private Release() {}

    // ---------------------------------------------------------------- checks before any change
    /** Every path a deploy reads (the chart, the environment's values file, each service's build inputs), missing ones named at once. */
    static void requirePaths(Config cfg) {
        List<String> files = new ArrayList<>(Images.fileKeys(cfg, cfg.serviceNames()));
        files.add("environments." + cfg.environment() + ".valuesFile");
        cfg.requirePaths(Images.dirKeys(cfg, cfg.serviceNames()), files, List.of("chart.path")); // a chart folder or a packaged chart
    }

    /**
     * What can be checked before anything changes: the chart path and values file, and the chart
     * rendered by `helm template` with the exact final values (so its values.schema.json judges
     * every --set), with the images as planned.
     */
    static String check(Config cfg, List<Images.Image> images) {
        Path chart = cfg.path("chart.path"); // a chart directory or a packaged chart
        if (!Files.exists(chart)) throw cfg.missingPath("chart.path", chart, "does not exist");
        cfg.existingFile("environments." + cfg.environment() + ".valuesFile");
        // A Secret named secret.name that exists already must hold the four keys: checked here when the
        // cluster answers (the secrets step checks again once a Minikube profile has started).
        Command rel = command(cfg, images, existingSecret(cfg), helmMajor());
        List<String> template = new ArrayList<>(rel.templateArgs());
        String kube = targetKubernetesVersion(cfg);
        if (kube != null) { template.add("--kube-version"); template.add(kube); }
        Cmd.Result r = Cmd.query(Cmd.line(template).stdin(rel.stdin(), rel.stdinShown()).timeout(Duration.ofMinutes(2)));
        if (r.exit() == Cmd.NOT_FOUND) return images.size() + " image(s) planned; chart not rendered (helm not found, see preflight)";
        if (!r.ok()) {
            String why = r.tail().lines().filter(l -> l.startsWith("Error")).findFirst().orElse(r.tail().lines().reduce((a, b) -> b).orElse(""));
            String where = r.tail().lines().map(String::strip).filter(l -> l.startsWith("- at ")).findFirst().orElse(""); // the schema's first complaint
            throw new Failure(Exit.USAGE, "the chart does not render with these values: " + why + (where.isEmpty() ? "" : " " + where),
                    "check chart.values / --set and the values file against " + chart.resolve("values.schema.json") + "; try: " + Cmd.show(template)
                            + (rel.stdinShown() != null ? " <<'EOF' " + rel.stdinShown() + " EOF" : ""));
        }
        String unchanged = ImmutableFields.check(cfg, r.out()).note(); // throws when a field that cannot change in place would
        return images.size() + " image(s) planned; paths exist; chart renders with the final values" + unchanged;
    }

    /**
     * Starts the read-only queries of a step side by side, for its code to ask them in its own
     * order (Cmd.prefetch): each one the step surely asks, so no answer is left for a later step.
     * CHECKS (target context only: on Minikube the cluster may start later): helm's version, the
     * cluster's, the Secret secret.name, the release's workloads (the immutable fields); HELM:
     * helm's version and the release's status.
     */
    static void prefetch(Config cfg, String step) {
        String secret = cfg.str("secret.name");
        List<Cmd.Line> q = new ArrayList<>();
        switch (step) {
            case "checks" -> {
                if (cfg.minikube()) return;
                q.add(Cmd.line("helm", "version", "--template", "{{.Version}}"));
                q.add(Cmd.line(cfg.kubectl("version", "-o", "json")));
                if (!secret.isEmpty()) q.add(Cmd.line(cfg.kubectl("get", "secret", secret, "-n", cfg.namespace(), "-o", "json")));
                q.add(Cmd.line(cfg.kubectl("get", "deployments,statefulsets", "-n", cfg.namespace(), "-l",
                        "app.kubernetes.io/instance=" + cfg.release(), "-o", "json")));
            }
            case "helm" -> {
                q.add(Cmd.line("helm", "version", "--template", "{{.Version}}"));
                q.add(statusLine(cfg));
            }
            default -> throw new IllegalArgumentException(step);
        }
        Cmd.prefetch(q);
    }

    /**
     * The Kubernetes version the chart is rendered for. On Minikube: minikube.kubernetesVersion,
     * else the profile's, else the one the installed minikube gives a new profile (so a fresh
     * profile, with no kube-context yet, never leaves helm to its own default, 1.27 or 1.28 for
     * Helm 3.12 and 3.13, below the chart's kubeVersion). Otherwise the reachable cluster's own
     * (kubectl version), else helm's default.
     */
    static String targetKubernetesVersion(Config cfg) {
        if (cfg.minikube()) {
            String v = Minikube.kubernetesVersion(cfg);
            if (v != null) return v;
        }
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
        String v = r.ok() ? ToolChecks.version(r.out()) : null;
        return v == null ? 3 : Integer.parseInt(v.split("\\.")[0]);
    }

    /**
     * The release as helm gets it: the `helm upgrade --install` command line (without its
     * --description), the values it reads on stdin (the LLM key, when given; shown masked), and
     * the digest of everything it is made of. Computed here only; `helm template` renders the same.
     */
    record Command(List<String> args, String stdin, String stdinShown, String digest, Migrations migrations) {
        /**
         * The same release without the migration Job (chart value migrations.run=false): for an
         * upgrade whose migration inputs are those the deployed release was migrated with. The
         * digest stays: the release is the same, only a Job that has nothing to do is left out.
         */
        Command skippingMigrations() {
            return migrations == null ? this : new Command(args, migrations.stdin(), migrations.stdinShown(), digest, null);
        }

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

    /**
     * What the migrations of an upgrade depend on, as a key (migrations.inputs, recorded in the
     * release's values): the backend's services.<name>.migrations paths as docker sends them, and
     * everything else the release is made of but the image tags; with the values to give helm when
     * the Job is left out.
     */
    record Migrations(String inputs, String stdin, String stdinShown) {}

    static Command command(Config cfg, List<Images.Image> images, String existingSecret, int helmMajor) {
        return command(cfg, images, existingSecret, helmMajor, System::getenv);
    }

    /** The same, reading TASKORA_LLM_API_KEY and ${env:NAME} values through `env`. */
    static Command command(Config cfg, List<Images.Image> images, String existingSecret, int helmMajor, java.util.function.Function<String, String> env) {
        List<String> a = cfg.helm("upgrade", "--install", cfg.release(), cfg.path("chart.path").toString(), "--namespace", cfg.namespace());
        a.add("-f");
        a.add(cfg.valuesFile().toString());
        // Every value deploy gives the chart goes on stdin as one values document, in order of
        // precedence (a later key wins): the images, the Secret's name, the stand-in database image,
        // the migrations' key, your chart.values, the LLM key. No value is split at a comma into another key (as helm's
        // --set would), no secret is on a command line, and what is shown has secret-like values masked.
        boolean hasStdin = !values(cfg, images, existingSecret, env, true, null, false).isEmpty();
        if (hasStdin) { a.add("-f"); a.add("-"); }
        a.add("--wait");
        a.add("--timeout"); a.add(cfg.str("chart.timeout"));
        a.add(helmMajor >= 4 ? "--rollback-on-failure" : "--atomic");
        // The migrations' key: a digest of their paths in the backend's context and of the release
        // without its image tags (so a change of anything else runs them too).
        String inputs = null;
        Images.Image backend = images.stream().filter(i -> i.component().equals("backend")).findFirst().orElse(null);
        List<String> paths = backend == null ? List.of() : cfg.list("services." + backend.service() + ".migrations");
        // (a backend context holding none of them is not known: its migrations may live elsewhere, and run every time)
        if (paths.stream().anyMatch(p -> Files.exists(backend.context().resolve(p)))) {
            String untagged = values(cfg, images, existingSecret, env, false, null, false).json();
            List<String> d = new ArrayList<>(a);
            d.add("stdin-sha256=" + Digest.sha256Hex(untagged));
            inputs = Digest.sha256Hex(Digest.helmRelease(cfg.path("chart.path"), cfg.valuesFile(), d) + "\0"
                    + Digest.dockerPaths(backend.context(), backend.dockerfile(), paths)).substring(0, 16);
        }
        HelmValues v = values(cfg, images, existingSecret, env, true, inputs, false);
        String stdin = hasStdin ? v.json() : null, shown = hasStdin ? v.shown() : null;
        List<String> digested = new ArrayList<>(a);
        if (stdin != null) digested.add("stdin-sha256=" + Digest.sha256Hex(stdin));
        String digest = Digest.helmRelease(cfg.path("chart.path"), cfg.valuesFile(), digested).substring(0, 16);
        Migrations m = null;
        if (inputs != null) {
            HelmValues skip = values(cfg, images, existingSecret, env, true, inputs, true);
            m = new Migrations(inputs, skip.json(), skip.shown());
        }
        return new Command(a, stdin, shown, digest, m);
    }

    /** The values document deploy hands helm on stdin (see command()); `tags` false leaves the image tags out. */
    static HelmValues values(Config cfg, List<Images.Image> images, String existingSecret, java.util.function.Function<String, String> env,
                             boolean tags, String migrationInputs, boolean skipMigrations) {
        HelmValues v = new HelmValues(env);
        for (Images.Image b : images) {
            v.literal(b.component() + ".image.repository", b.repository());
            if (tags) v.literal(b.component() + ".image.tag", b.tag());
            v.literal(b.component() + ".image.pullPolicy", "IfNotPresent");
        }
        if (existingSecret != null) v.literal(cfg.str("secret.valuesKey"), existingSecret);
        // The postgresql entry of build.buildArgsFile (stand-in images) names the database image.
        Map<String, String> pg = Images.databaseImage(cfg);
        for (String k : List.of("repository", "tag")) if (pg.containsKey(k)) v.literal("postgresql.image." + k, pg.get(k));
        if (migrationInputs != null) v.literal("migrations.inputs", migrationInputs);
        if (skipMigrations) v.put("migrations.run", "migrations.run", "false");
        for (Map.Entry<String, String> e : cfg.strMap("chart.values").entrySet()) v.put("chart.values." + e.getKey(), e.getKey(), e.getValue());
        String key = env.apply("TASKORA_LLM_API_KEY");
        if (existingSecret == null && key != null && !key.isBlank()) v.secret("llm.apiKey", key, "$TASKORA_LLM_API_KEY");
        return v;
    }

    /**
     * migrations.inputs of the deployed release (`helm get values`): the key of the migrations it
     * last ran (each upgrade whose key differs runs them), or null.
     */
    static String migratedWith(Config cfg) {
        Cmd.Result r = Cmd.query(cfg.helm("get", "values", cfg.release(), "-n", cfg.namespace(), "-o", "json"));
        if (!r.ok() || r.out().isBlank()) return null;
        String v = Json.text(Json.parse(r.out(), "helm get values -o json"), "migrations", "inputs");
        return v.isEmpty() ? null : v;
    }

    /**
     * What `helm upgrade --install` would deploy, rendered by helm against the cluster
     * (--dry-run=server: the chart's lookup of the live Secret runs, as in the real upgrade): the
     * manifest without its hooks. Changes nothing.
     */
    static String render(Config cfg, Command rel) {
        List<String> args = new ArrayList<>();
        for (int i = 0; i < rel.args().size(); i++) {
            String a = rel.args().get(i);
            if (a.equals("--wait") || a.equals("--atomic") || a.equals("--rollback-on-failure")) continue;
            args.add(a);
        }
        args.addAll(List.of("--dry-run=server", "-o", "json"));
        Cmd.Result r = Cmd.query(Cmd.line(args).stdin(rel.stdin(), rel.stdinShown()).timeout(Duration.ofMinutes(2)));
        Cmd.check(r, "helm upgrade --install --dry-run=server", "try: " + Cmd.show(args));
        String json = r.out().substring(Math.max(0, r.out().indexOf('{'))); // helm 3 may print a line before the JSON
        return Json.text(Json.parse(json, "helm upgrade --dry-run=server -o json"), "manifest");
    }

    /**
     * The release's drift (scripts/lib/Drift.java), or null when it cannot be read (then helm
     * runs, as when it has drifted: the "up to date" shortcut needs a drift known to be empty).
     */
    static Drift.Report driftOf(Config cfg) {
        try {
            return Drift.drift(cfg);
        } catch (RuntimeException e) { // a Failure too
            Console.warn("the release's drift cannot be read (" + e.getMessage() + "); helm runs");
            return null;
        }
    }

    static final String UP_TO_DATE = " is up to date; helm not run";

    /** Whether upgrade()'s outcome is that of a release it left alone (up to date, no drift, every workload ready). */
    static boolean leftAlone(String outcome) {
        return outcome.contains(UP_TO_DATE);
    }

    static String upgrade(Config cfg, Command rel) {
        Kube.HelmStatus before = status(cfg);
        if (before != null && before.deployed() && before.description().contains("taskora-deploy " + rel.digest()))
            Cmd.prefetch(unreadyQueries(cfg)); // asked below, after the drift: side by side with it
        Drift.Report drift = before != null && before.deployed() ? driftOf(cfg) : null;
        boolean drifted = before != null && before.deployed() && (drift == null || !drift.none());
        if (before != null && before.deployed() && before.description().contains("taskora-deploy " + rel.digest())) {
            String unready = unreadyWorkloads(cfg);
            if (unready.isEmpty() && !drifted) return "release " + cfg.release() + " revision " + before.version()
                    + UP_TO_DATE + " (no drift: its live objects match its manifest)";
            Console.info("release " + cfg.release() + " revision " + before.version() + " matches, but "
                    + (unready.isEmpty() ? "its live objects drifted from it" : unready) + ": helm runs again");
        }
        if (drift != null && !drift.none() && !Cmd.dryRun) { // a dry run has shown it already, as what the upgrade changes
            Console.info("drift (changed by hand; this deploy reverts it):");
            Drift.print(drift, "LIVE", "RELEASE");
        }
        List<String> reverted = new ArrayList<>(drift == null ? List.of() : Drift.revertSecrets(cfg, drift)); // the chart would adopt them
        if (before != null && before.pending())
            throw new Failure(Exit.COMMAND_FAILED, "release " + cfg.release() + " is stuck in " + before.status(),
                    "roll it back: helm rollback " + cfg.release() + " -n " + cfg.namespace() + " (or helm uninstall it if it never deployed)");
        boolean migrated = rel.migrations() != null && before != null && before.deployed() && rel.migrations().inputs().equals(migratedWith(cfg));
        if (migrated) Console.info("the migrations are those revision " + before.version() + " ran with (key " + rel.migrations().inputs()
                + ": the backend's migrations paths, the chart and the values but image tags unchanged): the migration Job is left out (migrations.run=false)");
        Command go = migrated ? rel.skippingMigrations() : rel;
        List<String> args = new ArrayList<>(go.args());
        args.add("--description");
        args.add("taskora-deploy " + rel.digest());
        boolean v4 = args.contains("--rollback-on-failure");
        // helm waits; the release's new pods are watched meanwhile, so a definite failure stops it early (issue 11.4)
        Diagnosis.Watched watched = helmFinishesOnInterrupt(cfg, () -> Diagnosis.watch(cfg, () -> Cmd.change(Cmd.line(args)
                .stdin(go.stdin(), go.stdinShown()).timeout(Duration.ofMinutes(60)).lines(Console::detail).outlivesExit()), Duration.ofSeconds(5)));
        Cmd.Result r = watched.result();
        if (r.ok()) {
            if (Cmd.dryRun) return "would install or upgrade (helm " + (v4 ? "4, --rollback-on-failure" : "3, --atomic") + ")"
                    + (drift == null || drift.none() ? "" : " and revert " + drift.fields().size() + " drifted field(s)");
            Kube.HelmStatus after = status(cfg);
            String done = "release " + cfg.release() + " revision " + (after == null ? "?" : after.version() + " " + after.status());
            if (drift == null || drift.none()) return done;
            // helm reverted what its manifest sets; what was added by hand it keeps: removed here
            Drift.Report left = driftOf(cfg);
            if (left != null && !left.none()) Drift.removeAdded(cfg, left);
            Drift.Report end = left == null || left.none() ? left : driftOf(cfg);
            for (Drift.Field f : drift.fields()) reverted.add(f.object() + " " + f.field());
            String still = end == null ? "drift afterwards not known" : end.none() ? "no drift left" : "still drifted: " + end.summary();
            return done + "; reverted " + new java.util.LinkedHashSet<>(reverted).size() + " drifted field(s) ("
                    + String.join(", ", new java.util.LinkedHashSet<>(reverted)) + "); " + still;
        }
        Failure f = rolledBack(cfg, before, status(cfg), r);
        if (watched.stoppedBy().isEmpty()) throw f;
        Diagnosis.Finding why = watched.stoppedBy().get(0);
        throw new Failure(f.exitCode, f.getMessage() + "; stopped waiting because " + why.kind() + "/" + why.name() + ": " + why.text(), why.fix());
    }

    /**
     * What keeps a deployed release from being "up to date": each Deployment and StatefulSet of
     * its manifest that is missing or has fewer ready replicas than it wants; "" when none.
     */
    static List<Cmd.Line> unreadyQueries(Config cfg) {
        // (the drift asks for the same manifest first: it takes that answer, and the manifest is asked again here)
        return List.of(Cmd.line(cfg.helm("get", "manifest", cfg.release(), "-n", cfg.namespace())),
                Cmd.line(cfg.kubectl("get", "deployments,statefulsets", "-n", cfg.namespace(), "-l",
                        "app.kubernetes.io/instance=" + cfg.release(), "-o", "json")));
    }

    static String unreadyWorkloads(Config cfg) {
        List<Cmd.Line> q = unreadyQueries(cfg);
        Cmd.Result manifest = Cmd.query(q.get(0));
        if (!manifest.ok()) return "its manifest cannot be read (" + manifest.tail() + ")";
        Cmd.Result live = Cmd.query(q.get(1));
        if (!live.ok()) return "its workloads cannot be read (" + live.tail() + ")";
        Map<String, Kube.Workload> byId = new LinkedHashMap<>();
        for (Kube.Workload w : Json.bind(live.out(), Kube.Workloads.class, "kubectl get deployments,statefulsets").items()) byId.put(w.id(), w);
        List<String> problems = new ArrayList<>();
        for (Object doc : new org.yaml.snakeyaml.Yaml().loadAll(manifest.out())) {
            String kind = Json.text(doc, "kind");
            if (!kind.equals("Deployment") && !kind.equals("StatefulSet")) continue;
            String id = kind + "/" + Json.text(doc, "metadata", "name");
            Kube.Workload w = byId.get(id);
            if (w == null) problems.add(id + " is missing");
            else if (w.ready() < w.wanted()) problems.add(id + " has " + w.ready() + "/" + w.wanted() + " ready");
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
                    p.onExit().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (Exception e) {
                    Console.warn("helm is still running (pid " + p.pid() + "); the release may stay pending: helm status " + cfg.release() + " -n " + cfg.namespace());
                    return;
                }
            }
            // (not through Cmd: no new process may register for destruction while the JVM shuts down)
            try {
                Process p = new ProcessBuilder(cfg.helm("status", cfg.release(), "-n", cfg.namespace(), "-o", "json")).redirectError(ProcessBuilder.Redirect.DISCARD).start();
                Kube.HelmStatus after = Json.bind(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8), Kube.HelmStatus.class, "helm status -o json");
                String line = "release " + cfg.release() + " is at revision " + after.version() + ", " + after.status()
                        + " (" + after.description() + ")";
                if (after.deployed()) Console.warn("interrupted; " + line + ": the previous revision serves");
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
    static Failure rolledBack(Config cfg, Kube.HelmStatus before, Kube.HelmStatus after, Cmd.Result r) {
        String why = r.tail().lines().filter(l -> l.startsWith("Error")).findFirst().orElse(r.tail().lines().reduce((a, b) -> b).orElse(""));
        String rel = cfg.release();
        if (before == null && after == null)
            return new Failure(Exit.ROLLED_BACK, "helm install of " + rel + " failed and the release was removed: " + why,
                    "see the pods' events: kubectl -n " + cfg.namespace() + " get events --sort-by=.lastTimestamp");
        if (after != null && after.deployed())
            return new Failure(Exit.ROLLED_BACK, "helm upgrade of " + rel + " failed; rolled back to revision " + after.version()
                    + " (" + after.description() + "): " + why,
                    "the previous release still serves; see kubectl -n " + cfg.namespace() + " get events --sort-by=.lastTimestamp");
        return new Failure(Exit.COMMAND_FAILED, "helm upgrade of " + rel + " failed (" + (after == null ? "no release" : after.status()) + "): " + why,
                "inspect it: helm status " + rel + " -n " + cfg.namespace() + "; helm history " + rel + " -n " + cfg.namespace());
    }

    /** `helm status -o json`, or null when there is no such release. */
    static Kube.HelmStatus status(Config cfg) {
        Cmd.Result r = statusQuery(cfg);
        return r.ok() ? Json.bind(r.out(), Kube.HelmStatus.class, "helm status -o json") : null;
    }

    /** `helm status RELEASE -n NS -o json` as run, for a caller that tells "not found" from helm's other failures. */
    static Cmd.Result statusQuery(Config cfg) {
        return Cmd.query(statusLine(cfg));
    }

    static Cmd.Line statusLine(Config cfg) {
        return Cmd.line(cfg.helm("status", cfg.release(), "-n", cfg.namespace(), "-o", "json"));
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
            List<String> pending = w.ok() ? rolloutPending(Json.bind(w.out(), Kube.Workloads.class, "kubectl get deployments,statefulsets").items()) : List.of();
            Diagnosis.explain(cfg); // why, per pod (scripts/lib/Diagnosis.java)
            throw new Failure(Exit.CHECK_FAILED, "not rolled out within " + secs + "s: " + (pending.isEmpty() ? r.tail() : String.join(", ", pending)),
                    "kubectl -n " + cfg.namespace() + " describe pods -l app.kubernetes.io/instance=" + cfg.release());
        }
        return Cmd.dryRun ? "would wait up to " + secs + "s for every Deployment and StatefulSet" : "every Deployment and StatefulSet rolled out";
    }

    /** Workloads whose updated, ready replicas are short of spec.replicas (or whose generation is not observed yet). */
    static List<String> rolloutPending(List<Kube.Workload> workloads) {
        List<String> out = new ArrayList<>();
        for (Kube.Workload w : workloads)
            if (!w.rolledOut()) out.add(w.id() + " " + w.ready() + "/" + w.wanted() + " ready");
        return out;
    }

    // ---------------------------------------------------------------- uninstall
    /** What uninstall() found: a release it removed (or would, in a dry run), or none installed. */
    enum Uninstall { UNINSTALLED, NOT_INSTALLED }

    /**
     * helm uninstall --wait, when the release is installed. "Not installed" only when helm says so
     * (release: not found); a missing helm or a cluster that does not answer is a failure with its fix.
     */
    static Uninstall uninstall(Config cfg) {
        Cmd.Result r = statusQuery(cfg);
        if (!r.ok() && r.tail().contains("release: not found")) return Uninstall.NOT_INSTALLED;
        Cmd.check(r, "helm status " + cfg.release(), r.exit() == Cmd.NOT_FOUND ? "install Helm 3.12+: https://helm.sh/docs/intro/install/"
                : "is the cluster reachable? try: " + String.join(" ", cfg.kubectl("cluster-info")));
        Cmd.check(Cmd.change(cfg.helm("uninstall", cfg.release(), "--namespace", cfg.namespace(), "--wait"), Duration.ofMinutes(10)),
                "helm uninstall", "see helm status " + cfg.release() + " -n " + cfg.namespace());
        return Uninstall.UNINSTALLED;
    }

    /**
     * What helm uninstall leaves of the release: its PersistentVolumeClaims (the database) and
     * Secrets (its password), and the Secret secret.name when it exists; "kind/name" each, sorted.
     * A reinstall finds them and uses them again.
     */
    static List<String> leftovers(Config cfg) {
        List<String> left = new ArrayList<>();
        Cmd.Result r = Cmd.query(cfg.kubectl("get", "persistentvolumeclaims,secrets", "-n", cfg.namespace(), "-l",
                "app.kubernetes.io/instance=" + cfg.release(), "-o", "json"));
        if (r.ok())
            for (Object o : Json.items(Json.parse(r.out(), "kubectl get persistentvolumeclaims,secrets"), "items"))
                left.add(Json.text(o, "kind").toLowerCase(Locale.ROOT) + "/" + Json.text(o, "metadata", "name"));
        String named = existingSecretName(cfg);
        if (named != null && !left.contains("secret/" + named)) left.add("secret/" + named);
        left.sort(null);
        return left;
    }

    /** Deletes what leftovers() listed (deploy --uninstall --purge: the data is gone). */
    static void purge(Config cfg, List<String> left) {
        for (String obj : left)
            Cmd.check(Cmd.change(cfg.kubectl("delete", obj, "-n", cfg.namespace(), "--wait=true"), Duration.ofMinutes(5)), "kubectl delete " + obj, null);
    }

    /** secret.name when a Secret of that name exists (deploy's older Secrets, or yours), else null. */
    static String existingSecretName(Config cfg) {
        String name = cfg.str("secret.name");
        if (name.isEmpty()) return null;
        return Cmd.query(cfg.kubectl("get", "secret", name, "-n", cfg.namespace(), "-o", "name")).ok() ? name : null;
    }
}

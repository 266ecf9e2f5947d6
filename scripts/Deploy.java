///usr/bin/env bash -c 'l="${0%/*}/../jbang"; [ -x "$l" ] || l=jbang; exec "$l" "$0" "$@"' "$0" "$@" ; exit $?
//JAVA 17+
//JAVA_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC
//SOURCES lib/Console.java lib/Cmd.java lib/Config.java lib/Json.java lib/Kube.java lib/Diagnosis.java lib/Reach.java
//SOURCES lib/Digest.java lib/AiTools.java lib/ToolChecks.java lib/Minikube.java lib/Images.java lib/SmokeChecks.java
//SOURCES lib/Release.java lib/ImmutableFields.java lib/HelmValues.java lib/Drift.java
//DEPS info.picocli:picocli:4.7.7
//DESCRIPTION Deploys Taskora: preflight, checks, Minikube profile, images, helm upgrade --install (atomic), rollout, smoke; prints the URL. --uninstall removes it.

// The plan of a deploy, top-down in call(); each step is a call into scripts/lib, the same code the
// step scripts run alone: ToolChecks (preflight), Release.check (the checks before any change),
// Minikube.ensure, Images.plan/build, Release (secrets, helm, rollout, uninstall), SmokeChecks.run.
// How to reach the app is scripts/lib/Reach.java's.

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
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
                "Nothing changes before every check passed. A second run with nothing changed builds nothing, loads no image "
                + "again and leaves the release alone; its smoke checks pods and endpoints (--full-smoke: the whole journey). "
                + "An upgrade runs the migration Job only when the backend's migrations (services.<name>.migrations) or the "
                + "values changed. --dry-run prints the plan and exits with the code the real run would stop with.",
                "--uninstall removes the release and keeps the database volume and the Secret (--purge deletes them too)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:deployed and smoke-tested (or the --dry-run plan would succeed; or uninstalled; --diff: no change)",
                "1:a check failed (preflight, image, rollout, smoke); --diff: the deploy would change something", "2:bad option, configuration, path or chart value",
                "3:a command failed", "4:the Minikube profile does not match taskora.yaml",
                "5:helm failed and the release was rolled back", "70:unexpected error (a bug: please report it)",
                "130:interrupted (Ctrl-C); during the helm step, once helm has rolled back", "143:terminated (a TERM signal); during the helm step, once helm has rolled back"})
public class Deploy implements Callable<Integer> {
    @Mixin Options options;

    @Option(names = "--skip-smoke", description = "Do not run the smoke test at the end.")
    boolean skipSmoke;

    @Option(names = "--full-smoke", description = "Run the whole smoke journey even when nothing changed. Without it, a deploy that "
            + "leaves the release alone (up to date: helm not run) checks only that every pod is Ready and every Service has endpoints; "
            + "a deploy that changed the release always runs the whole journey.")
    boolean fullSmoke;

    @Option(names = "--skip-build", description = "Do not build images; use the tags their inputs give (they must exist in the store).")
    boolean skipBuild;

    @Option(names = "--diff", description = "Show what this deploy would change in the cluster, object by object and field by field, "
            + "against the live objects (kubectl diff --server-side of the upgrade's manifest; what was changed by hand included; Secret "
            + "values redacted), then exit: 0 no change, 1 changes. Changes nothing, builds nothing.")
    boolean diff;

    @Option(names = "--uninstall", description = "Remove the release (helm uninstall); keep the PostgreSQL volume and the Secret, and say so.")
    boolean uninstall;

    @Option(names = "--purge", description = "With --uninstall: also delete the release's PersistentVolumeClaims and Secrets (the data is lost).")
    boolean purge;

    public static void main(String... args) {
        System.exit(Console.execute(new Deploy(), args));
    }

    /** The steps of a deploy, in order, with the name the summary shows. */
    enum Stage {
        PREFLIGHT("preflight"), CHECKS("checks"), MINIKUBE_PROFILE("minikube profile"), BUILD_IMAGES("build images"),
        SECRETS("secrets"), HELM("helm upgrade --install"), ROLLOUT("rollout"), SMOKE("smoke");

        final String label;
        Stage(String label) { this.label = label; }
    }

    /**
     * How a step ended: done, skipped, failed (the run stops), would fail (a dry run notes it and
     * plans on), or planned after that: the real run never gets there, so it is not "ok".
     */
    enum Status { OK, SKIPPED, FAILED, WOULD_FAIL, NOT_REACHED }

    record Step(Stage stage, Status status, String outcome, long millis) {
        boolean ok() { return status == Status.OK || status == Status.SKIPPED; }
    }

    final List<Step> steps = new ArrayList<>();
    /** In a dry run, the first step that would stop the real run (the dry run goes on planning). */
    Failure wouldStop;
    Stage wouldStopAt;
    /** What the steps hand on: the planned images and their store, what was built, the existing Secret (null: the chart makes one). */
    final List<Images.Image> planned = new ArrayList<>();
    Images.Store store;
    final List<Images.Built> images = new ArrayList<>();
    String existingSecret;
    /** Whether the helm step changed the release (false: up to date, helm not run; the smoke is then pods and endpoints only). */
    boolean releaseChanged = true;

    @Override
    public Integer call() {
        if (purge && !uninstall) throw new Failure(Exit.USAGE, "--purge goes with --uninstall", "deploy --uninstall --purge");
        if (uninstall && (skipBuild || skipSmoke))
            throw new Failure(Exit.USAGE, "--uninstall builds and smoke-tests nothing: " + (skipBuild ? "--skip-build" : "--skip-smoke") + " has no meaning with it",
                    "deploy --uninstall (keeps the data), or deploy --uninstall --purge");
        if (fullSmoke && (skipSmoke || uninstall || diff))
            throw new Failure(Exit.USAGE, "--full-smoke goes without " + (skipSmoke ? "--skip-smoke" : uninstall ? "--uninstall" : "--diff"), "deploy --full-smoke");
        if (diff && (uninstall || options.dryRun || skipSmoke)) throw new Failure(Exit.USAGE, "--diff changes and runs nothing already: it goes without "
                + (uninstall ? "--uninstall" : options.dryRun ? "--dry-run" : "--skip-smoke"), "deploy --diff (--skip-build is allowed: the same tags)");
        Config cfg = options.load();
        if (uninstall) return uninstall(cfg, purge);
        if (diff) return diff(cfg);
        Console.heading("deploy release " + cfg.release() + " (" + cfg.environment() + ") to "
                + (cfg.minikube() ? "minikube profile " + cfg.profile() : "kube-context " + (cfg.kubeContext().isEmpty() ? "(current)" : cfg.kubeContext()))
                + (Cmd.dryRun ? "  [dry run: nothing is changed]" : ""));
        try {
            step(Stage.PREFLIGHT, () -> preflight(cfg));
            step(Stage.CHECKS, () -> {
                Release.prefetch(cfg, "checks"); // the cluster's answers, asked side by side while the plan hashes the sources
                Release.requirePaths(cfg); // the chart's, the values file's and every image's paths, named at once
                store = skipBuild ? null : Images.store(cfg, null);
                planned.addAll(Images.plan(cfg, List.of()));
                return Release.check(cfg, planned);
            });
            if (cfg.minikube()) step(Stage.MINIKUBE_PROFILE, () -> Minikube.ensure(cfg).summary());
            else skip(Stage.MINIKUBE_PROFILE, "target is context");
            if (!skipBuild) step(Stage.BUILD_IMAGES, () -> buildImages(cfg));
            else skip(Stage.BUILD_IMAGES, "--skip-build");
            step(Stage.SECRETS, () -> {
                existingSecret = Release.ensureNamespaceAndFindSecret(cfg);
                return existingSecret == null ? "the chart generates the Secret once and keeps it (helm.sh/resource-policy: keep)"
                        : "Secret " + existingSecret + " exists; used as it is (existingSecret)";
            });
            step(Stage.HELM, () -> {
                Release.prefetch(cfg, "helm");
                Release.Command rel = Release.command(cfg, planned, existingSecret, Release.helmMajor());
                if (Cmd.dryRun && Release.status(cfg) != null) { // what the upgrade would change (deploy --diff)
                    try {
                        printDiff(cfg, rel);
                    } catch (Failure f) {
                        Console.warn("what the upgrade would change cannot be shown: " + f.getMessage());
                    }
                }
                String outcome = Release.upgrade(cfg, rel);
                releaseChanged = !Release.leftAlone(outcome);
                return outcome;
            });
            step(Stage.ROLLOUT, () -> Release.rollout(cfg));
            if (!skipSmoke) step(Stage.SMOKE, () -> smoke(cfg, fullSmoke || releaseChanged));
            else skip(Stage.SMOKE, "--skip-smoke");
        } catch (Failure f) {
            summary(cfg);
            throw f;
        }
        summary(cfg);
        if (wouldStop != null)
            throw new Failure(wouldStop.exitCode, "dry run: the real run would stop at " + wouldStopAt.label + ": " + wouldStop.getMessage(), wouldStop.hint);
        return Exit.OK;
    }

    /**
     * deploy --diff: what this deploy would change in the cluster (the live objects against the
     * upgrade's manifest, rendered by helm with --dry-run=server), then exit 0 (no change) or 1.
     */
    int diff(Config cfg) {
        Console.heading("what deploy would change in release " + cfg.release() + " (namespace " + cfg.namespace() + "): live objects against the upgrade");
        Release.requirePaths(cfg);
        planned.addAll(Images.plan(cfg, List.of()));
        Release.Command rel = Release.command(cfg, planned, Release.existingSecret(cfg), Release.helmMajor());
        return printDiff(cfg, rel).none() ? Exit.OK : Exit.CHECK_FAILED;
    }

    static Drift.Report printDiff(Config cfg, Release.Command rel) {
        Drift.Report r = Drift.diff(cfg, Release.render(cfg, rel));
        Drift.print(r, "LIVE", "AFTER DEPLOY");
        return r;
    }

    static String preflight(Config cfg) {
        List<ToolChecks.Check> checks = ToolChecks.checks(cfg);
        ToolChecks.print(checks);
        List<ToolChecks.Check> failed = ToolChecks.failedRequired(checks);
        if (failed.isEmpty()) return "all required checks passed";
        String names = String.join(", ", failed.stream().map(ToolChecks.Check::name).toList());
        throw new Failure(Exit.CHECK_FAILED, "preflight failed: " + names, "fix the rows marked FAIL above, then run deploy again");
    }

    String buildImages(Config cfg) {
        // build.loadCommand is not run again for an unchanged image the release's pods run already
        boolean loads = store == Images.Store.LOCAL && !cfg.str("build.loadCommand").isBlank();
        images.addAll(Images.build(cfg, store, planned, loads ? Images.runningInRelease(cfg) : Set.of()));
        Images.print(images);
        List<String> bad = images.stream().filter(b -> !b.passed()).map(Images.Built::service).toList();
        if (!bad.isEmpty()) throw new Failure(Exit.CHECK_FAILED, "image checks failed for " + String.join(", ", bad));
        long built = images.stream().filter(b -> b.action() != Images.Action.UNCHANGED).count();
        return built + (Cmd.dryRun ? " to build, " : " built, ") + (images.size() - built) + " unchanged";
    }

    /** The whole smoke journey, or (a release left alone, without --full-smoke) pods Ready and endpoints only. */
    static String smoke(Config cfg, boolean full) {
        List<SmokeChecks.Result> r = full ? SmokeChecks.run(cfg, null) : SmokeChecks.quick(cfg);
        long failed = r.stream().filter(x -> !x.ok()).count();
        if (failed > 0) throw new Failure(Exit.CHECK_FAILED, failed + " smoke check(s) failed");
        return Cmd.dryRun ? "planned" : r.size() + " checks passed" + (full ? "" : " (release unchanged: pods and endpoints; the journey with --full-smoke)");
    }

    /** Runs one step; a failure stops the run, except in a dry run, which notes where it would stop and plans on. */
    void step(Stage stage, Supplier<String> body) {
        Console.heading(stage.label);
        long t0 = System.currentTimeMillis();
        try {
            String outcome = body.get();
            steps.add(new Step(stage, wouldStop == null ? Status.OK : Status.NOT_REACHED, outcome, System.currentTimeMillis() - t0));
        } catch (Failure f) {
            steps.add(new Step(stage, Cmd.dryRun ? Status.WOULD_FAIL : Status.FAILED, f.getMessage(), System.currentTimeMillis() - t0));
            if (!Cmd.dryRun) throw f;
            if (wouldStop == null) { wouldStop = f; wouldStopAt = stage; }
            Console.info(Console.yellow("[dry-run] ") + "the real run would stop here: " + f.getMessage());
        }
    }

    void skip(Stage stage, String why) {
        steps.add(new Step(stage, Status.SKIPPED, "skipped (" + why + ")", 0));
    }

    void summary(Config cfg) {
        Console.heading("summary");
        List<List<String>> rows = new ArrayList<>();
        long total = 0;
        for (Step s : steps) {
            String outcome = switch (s.status()) {
                case OK, SKIPPED -> s.outcome();
                case FAILED -> Console.red("FAILED: " + s.outcome());
                case WOULD_FAIL -> Console.red("WOULD FAIL: " + s.outcome());
                case NOT_REACHED -> "not reached: the real run stops at " + wouldStopAt.label + " (planned: " + s.outcome() + ")";
            };
            String status = switch (s.status()) {
                case OK, SKIPPED -> Console.green("ok");
                case NOT_REACHED -> Console.yellow("-");
                case FAILED, WOULD_FAIL -> Console.red("FAIL");
            };
            rows.add(List.of(s.stage().label, status, Console.seconds(s.millis()), outcome));
            total += s.millis();
        }
        rows.add(List.of("total", "", Console.seconds(total), ""));
        Console.table(List.of("STEP", "STATUS", "TIME", "OUTCOME"), rows);
        if (!Cmd.dryRun && steps.stream().allMatch(Step::ok) && steps.stream().anyMatch(s -> s.stage() == Stage.HELM))
            Console.info(Console.bold("Taskora is up: ") + appUrl(cfg));
        if (Cmd.dryRun) Console.info("dry run: " + Cmd.log.size() + " command(s) planned, none run"
                + (wouldStop == null ? "; every check passed" : "; the real run would stop at " + wouldStopAt.label));
    }

    /** How to reach the app (scripts/lib/Reach.java: one query, the same answer as `ai-ops url`); never throws. */
    static String appUrl(Config cfg) {
        try {
            return Reach.way(cfg).how();
        } catch (Failure f) {
            return "(no way to the app found: " + f.getMessage() + ")";
        }
    }

    /**
     * helm uninstall; the release's PersistentVolumeClaims (the database) and Secrets (its
     * password) stay, and are listed, unless --purge deletes them too. A reinstall finds both.
     */
    static int uninstall(Config cfg, boolean purge) {
        Console.heading("uninstall release " + cfg.release() + " from namespace " + cfg.namespace() + (Cmd.dryRun ? "  [dry run: nothing is changed]" : ""));
        if (Release.uninstall(cfg) == Release.Uninstall.NOT_INSTALLED)
            Console.info("release " + cfg.release() + " is not installed in " + cfg.namespace() + "; nothing to uninstall");
        List<String> left = Release.leftovers(cfg);
        if (left.isEmpty()) {
            Console.info("nothing of the release is left in " + cfg.namespace());
        } else if (purge) {
            Release.purge(cfg, left);
            Console.info((Cmd.dryRun ? "would delete: " : "deleted: ") + String.join(", ", left) + " (--purge: the data is gone)");
        } else {
            Console.info("kept: " + String.join(", ", left) + " (the database volume and the Secret with its password; "
                    + "a reinstall uses them again). Delete them too with: deploy --uninstall --purge");
        }
        return Exit.OK;
    }
}

///usr/bin/env bash -c 'l="${0%/*}/../jbang"; [ -x "$l" ] || l=jbang; exec "$l" "$0" "$@"' "$0" "$@" ; exit $?
//JAVA 17+
//JAVA_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC
//SOURCES lib/Console.java lib/Cmd.java lib/Config.java lib/Json.java
//DEPS info.picocli:picocli:4.7.7
//DESCRIPTION Creates, starts or checks the Minikube profile of taskora.yaml (idempotent); --delete removes it.

// Entry points (@EntryPoint; deploy and ai-ops call only these):
//   ensure(cfg)   brings the profile to "running as configured" (the decision table of docs/TOOLKIT.md): Outcome
// Types: Outcome (what was done, a one-line summary).

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "minikube-profile", mixinStandardHelpOptions = true, version = "taskora minikube-profile 1.0",
        description = {"Makes the Minikube profile of taskora.yaml exist and run: creates it when absent (driver, CPUs, "
                + "memory, disk, Kubernetes version), starts it when stopped, enables the configured addons, and "
                + "leaves a running, matching profile alone. A running profile with fewer CPUs, less memory or "
                + "another driver is reported with the command that fixes it, never recreated silently."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the profile runs as configured (or was deleted)", "2:bad option or configuration",
                "3:a minikube command failed", "4:the running profile does not match taskora.yaml (fix printed)", "70:unexpected error (a bug: please report it)"})
public class MinikubeProfile implements Callable<Integer> {
    @Mixin Options options;

    @Option(names = "--delete", description = "Delete the profile (minikube delete -p PROFILE) and exit.")
    boolean delete;

    public static void main(String... args) {
        System.exit(Console.execute(new MinikubeProfile(), args));
    }

    @Override
    public Integer call() {
        Config cfg = options.load();
        if (!cfg.minikube())
            throw new Failure(Exit.USAGE, "target is context: there is no Minikube profile to " + (delete ? "delete" : "create or start"),
                    "leave --target context / --context out (taskora.yaml's target: minikube), or manage that cluster with its own tools");
        if (delete) return deleteProfile(cfg);
        Console.heading("minikube profile " + cfg.profile());
        Outcome o = ensure(cfg);
        Console.info(o.summary());
        return Exit.OK;
    }

    /** What was found, as minikube profile list -o json tells it. */
    record Profile(String name, String status, String driver, long cpus, long memoryMiB, String kubernetesVersion) {}

    @EntryPoint
    record Outcome(String action, String summary) {}

    /** Reads `minikube profile list -o json`; a missing or empty list is no profile. */
    static Profile find(Config cfg) {
        Cmd.Result r = Cmd.query(List.of("minikube", "profile", "list", "-o", "json"), Duration.ofSeconds(60));
        if (r.exit() == Cmd.NOT_FOUND) {
            if (Cmd.dryRun) return null;
            throw new Failure(Exit.COMMAND_FAILED, "minikube is not installed", "install minikube 1.32+: https://minikube.sigs.k8s.io/docs/start/ (or --target context)");
        }
        return parse(r.out(), cfg.profile());
    }

    static Profile parse(String json, String name) {
        if (json.isBlank()) return null;
        Object doc = Json.parse(json, "minikube profile list -o json");
        for (String group : List.of("valid", "invalid")) {
            for (Object p : Json.items(doc, group)) {
                if (!name.equals(Json.text(p, "Name"))) continue;
                Object c = Json.at(p, "Config");
                return new Profile(name, group.equals("invalid") ? "Invalid" : Json.text(p, "Status"),
                        Json.text(c, "Driver"), Json.number(Json.at(c, "CPUs")), Json.number(Json.at(c, "Memory")),
                        Json.text(c, "KubernetesConfig", "KubernetesVersion"));
            }
        }
        return null;
    }

    /** Differences that make a running profile unfit: fewer CPUs, less memory, another driver. */
    static List<String> mismatches(Profile p, Config cfg) {
        List<String> out = new ArrayList<>();
        if (p.cpus() < cfg.num("minikube.cpus")) out.add(p.cpus() + " CPUs (taskora.yaml asks for " + cfg.num("minikube.cpus") + ")");
        if (p.memoryMiB() < cfg.num("minikube.memoryMiB"))
            out.add(p.memoryMiB() + " MiB memory (taskora.yaml asks for " + cfg.num("minikube.memoryMiB") + ")");
        if (!p.driver().isEmpty() && !p.driver().equals(cfg.str("minikube.driver")))
            out.add("driver " + p.driver() + " (taskora.yaml asks for " + cfg.str("minikube.driver") + ")");
        return out;
    }

    static List<String> startCommand(Config cfg) {
        List<String> argv = new ArrayList<>(List.of("minikube", "start", "-p", cfg.profile(),
                "--driver=" + cfg.str("minikube.driver"), "--cpus=" + cfg.num("minikube.cpus"),
                "--memory=" + cfg.num("minikube.memoryMiB") + "mb", "--disk-size=" + cfg.num("minikube.diskGiB") + "g"));
        String kv = cfg.str("minikube.kubernetesVersion");
        if (!kv.isEmpty()) argv.add("--kubernetes-version=" + kv);
        for (String a : cfg.list("minikube.addons")) argv.add("--addons=" + a);
        return argv;
    }

    /** Brings the profile to "running as configured"; the decision table of docs/TOOLKIT.md. */
    @EntryPoint
    static Outcome ensure(Config cfg) {
        Profile p = find(cfg);
        String name = cfg.profile();
        Duration startTimeout = Duration.ofMinutes(15);
        if (p == null) {
            Cmd.check(Cmd.change(startCommand(cfg), startTimeout, Console::detail), "minikube start", "see `minikube logs -p " + name + "`");
            return new Outcome("created", "profile " + name + (Cmd.dryRun ? " would be created and started" : " created and started"));
        }
        List<String> bad = mismatches(p, cfg);
        if ("Running".equals(p.status())) {
            if (!bad.isEmpty()) throw mismatch(cfg, p, bad);
            List<String> enabled = enableAddons(cfg);
            return new Outcome(enabled.isEmpty() ? "unchanged" : "addons",
                    enabled.isEmpty() ? "profile " + name + " is running as configured; nothing to do"
                            : "profile " + name + " is running; " + (Cmd.dryRun ? "would enable" : "enabled") + " addons " + String.join(", ", enabled));
        }
        if (!bad.isEmpty()) throw mismatch(cfg, p, bad);
        // Stopped, Paused, Error...: start it with its own settings, then the addons.
        Cmd.check(Cmd.change(List.of("minikube", "start", "-p", name), startTimeout, Console::detail),
                "minikube start", "see `minikube logs -p " + name + "`");
        List<String> enabled = enableAddons(cfg);
        return new Outcome("started", "profile " + name + " was " + p.status().toLowerCase() + (Cmd.dryRun ? "; would be started" : "; started")
                + (enabled.isEmpty() ? "" : (Cmd.dryRun ? ", would enable addons " : ", enabled addons ") + String.join(", ", enabled)));
    }

    static Failure mismatch(Config cfg, Profile p, List<String> bad) {
        return new Failure(Exit.PROFILE_MISMATCH, "minikube profile " + p.name() + " (" + p.status().toLowerCase()
                + ") has " + String.join(", ", bad) + "; it is left as it is",
                "recreate it: minikube delete -p " + p.name() + " && jbang minikube-profile@taskora"
                        + "   (or keep it: --set minikube.cpus=" + p.cpus() + " --set minikube.memoryMiB=" + p.memoryMiB()
                        + (p.driver().isEmpty() ? "" : " --set minikube.driver=" + p.driver()) + ")");
    }

    /** Enables the configured addons that `minikube addons list -o json` reports disabled. */
    static List<String> enableAddons(Config cfg) {
        List<String> want = cfg.list("minikube.addons");
        List<String> enabled = new ArrayList<>();
        if (want.isEmpty()) return enabled;
        Cmd.Result r = Cmd.query(List.of("minikube", "addons", "list", "-p", cfg.profile(), "-o", "json"), Duration.ofSeconds(60));
        Object doc = r.ok() ? Json.parse(r.out(), "minikube addons list -o json") : null;
        for (String a : want) {
            Object st = Json.at(doc, a, "Status");
            if (st != null && "enabled".equals(String.valueOf(st))) continue;
            if (doc instanceof Map<?, ?> m && !m.isEmpty() && !m.containsKey(a))
                throw new Failure(Exit.USAGE, "minikube has no addon '" + a + "' (key minikube.addons)",
                        "see `minikube addons list -p " + cfg.profile() + "`");
            Cmd.check(Cmd.change(List.of("minikube", "addons", "enable", a, "-p", cfg.profile()), Duration.ofMinutes(5)),
                    "minikube addons enable " + a, null);
            enabled.add(a);
        }
        return enabled;
    }

    static int deleteProfile(Config cfg) {
        Profile p = find(cfg);
        if (p == null) {
            Console.info("profile " + cfg.profile() + " does not exist; nothing to delete");
            return Exit.OK;
        }
        Cmd.check(Cmd.change(List.of("minikube", "delete", "-p", cfg.profile()), Duration.ofMinutes(5)), "minikube delete", null);
        Console.info("profile " + cfg.profile() + " deleted");
        return Exit.OK;
    }
}

// The Minikube profile of taskora.yaml: what `minikube profile list -o json` says of it (find,
// parse), how it differs from the configuration (mismatches), the CNI it runs and whether that
// enforces NetworkPolicies (cni), and bringing it to "running as configured" by the decision
// table of docs/TOOLKIT.md (ensure) or removing it (delete). Used by minikube-profile (the step
// itself), preflight (the CNI warning) and deploy (the profile step).
// Exposes: Minikube.ensure(cfg) -> Outcome (an Action and a one-line summary),
// Minikube.cni(cfg, askMinikube) -> Cni, Minikube.delete(cfg) -> Deletion, Minikube.find(cfg) -> Profile
// (null: none), Minikube.running(profile), Minikube.kubernetesVersion(cfg) (what helm renders for), and
// for tests parse(json, name), mismatches(profile, cfg), startCommand(cfg), defaultKubernetesVersion(help, which).

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

final class Minikube {
    private Minikube() {}

    /** What was found, as minikube profile list -o json tells it. */
    record Profile(String name, String status, String driver, long cpus, long memoryMiB, String kubernetesVersion, String cni) {}

    /** What ensure() did to the profile. */
    enum Action { CREATED, STARTED, ADDONS, UNCHANGED }

    /** What ensure() did, and the one line that says so. */
    record Outcome(Action action, String summary) {}

    /** Reads `minikube profile list -o json`; a missing or empty list is no profile; no minikube is a failure (also in a dry run). */
    static Profile find(Config cfg) {
        Cmd.Result r = Cmd.query(List.of("minikube", "profile", "list", "-o", "json"), Duration.ofSeconds(60));
        if (r.exit() == Cmd.NOT_FOUND) throw notInstalled();
        return parse(r.out(), cfg.profile());
    }

    static Failure notInstalled() {
        return new Failure(Exit.COMMAND_FAILED, "minikube is not installed", "install minikube 1.32+: https://minikube.sigs.k8s.io/docs/start/ (or --target context)");
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
                        Json.text(c, "KubernetesConfig", "KubernetesVersion"), Json.text(c, "KubernetesConfig", "CNI"));
            }
        }
        return null;
    }

    /**
     * Differences that make a profile unfit: fewer CPUs, less memory, another driver, another CNI.
     * The CNI is compared only when minikube.cni is set: empty accepts the profile's own (so a
     * profile made before the key existed is no mismatch); auto and minikube's empty are one.
     */
    static List<String> mismatches(Profile p, Config cfg) {
        List<String> out = new ArrayList<>();
        if (p.cpus() < cfg.num("minikube.cpus")) out.add(p.cpus() + " CPUs (taskora.yaml asks for " + cfg.num("minikube.cpus") + ")");
        if (p.memoryMiB() < cfg.num("minikube.memoryMiB"))
            out.add(p.memoryMiB() + " MiB memory (taskora.yaml asks for " + cfg.num("minikube.memoryMiB") + ")");
        if (!p.driver().isEmpty() && !p.driver().equals(cfg.str("minikube.driver")))
            out.add("driver " + p.driver() + " (taskora.yaml asks for " + cfg.str("minikube.driver") + ")");
        String want = cniArg(cfg);
        if (!want.isEmpty() && !orAuto(p.cni()).equals(orAuto(want)))
            out.add("CNI " + orAuto(p.cni()) + " (taskora.yaml asks for " + want + ")");
        return out;
    }

    /** minikube.cni as `minikube start --cni` gets it: a manifest path resolved from taskora.yaml's folder. */
    static String cniArg(Config cfg) {
        String v = cfg.str("minikube.cni");
        return CNIS.contains(v) || v.isEmpty() ? v : cfg.path("minikube.cni").toString();
    }

    static String orAuto(String cni) { return cni.isEmpty() ? "auto" : cni; }

    /** The CNIs `minikube start --cni` knows by name (v1.34, docs/commands/start.md); anything else is a manifest path. */
    static final List<String> CNIS = List.of("auto", "bridge", "calico", "cilium", "flannel", "kindnet");
    /** Of those, the ones that enforce NetworkPolicies (Minikube's handbook, network_policy.md; kindnet and flannel do not). */
    static final List<String> ENFORCING = List.of("calico", "cilium");

    /**
     * A CNI and whether it enforces NetworkPolicies: TRUE for calico and cilium; FALSE for auto
     * (Minikube's choice: bridge on one node with the docker runtime, else kindnet), bridge,
     * kindnet, flannel; null for a manifest, which cannot be told. `of` says whose it is: "profile
     * NAME", or "minikube.cni" (no profile yet, or minikube not asked); `fix` how to get a CNI that
     * enforces them (empty when this one does).
     */
    record Cni(String name, Boolean enforces, String of, String fix) {}

    /** The CNI of the profile when it exists (askMinikube: minikube is there to ask), else the one minikube.cni gives a new profile. */
    static Cni cni(Config cfg, boolean askMinikube) {
        Profile p = null;
        if (askMinikube) {
            try {
                p = find(cfg);
            } catch (Failure f) {
                // minikube's answer unreadable: judge by the configuration
            }
        }
        String name = orAuto(p != null ? p.cni() : cniArg(cfg));
        Boolean enforces = ENFORCING.contains(name) ? Boolean.TRUE : CNIS.contains(name) ? Boolean.FALSE : null;
        String configured = cfg.str("minikube.cni");
        String fix = !Boolean.FALSE.equals(enforces) ? ""
                : p == null ? "set minikube.cni: calico in taskora.yaml (or --set minikube.cni=calico) before the profile is created"
                : ENFORCING.contains(configured) ? "recreate the profile with minikube.cni " + configured + ": minikube delete -p " + p.name() + ", then deploy again"
                : "set minikube.cni: calico in taskora.yaml and recreate the profile: minikube delete -p " + p.name() + ", then deploy again";
        String of = p != null ? "profile " + p.name() : askMinikube ? "minikube.cni; no profile " + cfg.profile() + " yet" : "minikube.cni";
        return new Cni(name, enforces, of, fix);
    }

    static List<String> startCommand(Config cfg) {
        List<String> argv = new ArrayList<>(List.of("minikube", "start", "-p", cfg.profile(),
                "--driver=" + cfg.str("minikube.driver"), "--cpus=" + cfg.num("minikube.cpus"),
                "--memory=" + cfg.num("minikube.memoryMiB") + "mb", "--disk-size=" + cfg.num("minikube.diskGiB") + "g"));
        String kv = cfg.str("minikube.kubernetesVersion");
        if (!kv.isEmpty()) argv.add("--kubernetes-version=" + kv);
        if (!cniArg(cfg).isEmpty()) argv.add("--cni=" + cniArg(cfg));
        for (String a : cfg.list("minikube.addons")) argv.add("--addons=" + a);
        return argv;
    }

    /**
     * Brings the profile to "running as configured"; the decision table of docs/TOOLKIT.md. A dry
     * run without minikube still shows the command that would create the profile, then fails as
     * the real run would (minikube is not installed), so no outcome is claimed that was not found.
     */
    static Outcome ensure(Config cfg) {
        boolean installed = Cmd.onPath("minikube");
        if (!installed && !Cmd.dryRun) throw notInstalled();
        Profile p = installed ? find(cfg) : null;
        String name = cfg.profile();
        Duration startTimeout = Duration.ofMinutes(15);
        if (p == null) {
            if (!CNIS.contains(cfg.str("minikube.cni")) && !cfg.str("minikube.cni").isEmpty()) cfg.existingFile("minikube.cni");
            Cmd.check(Cmd.change(startCommand(cfg), startTimeout, Console::detail), "minikube start", "see `minikube logs -p " + name + "`");
            if (!installed) throw notInstalled();
            return new Outcome(Action.CREATED, "profile " + name + (Cmd.dryRun ? " would be created and started" : " created and started"));
        }
        List<String> bad = mismatches(p, cfg);
        if (running(p)) {
            if (!bad.isEmpty()) throw mismatch(cfg, p, bad);
            List<String> enabled = enableAddons(cfg);
            return new Outcome(enabled.isEmpty() ? Action.UNCHANGED : Action.ADDONS,
                    enabled.isEmpty() ? "profile " + name + " is running as configured; nothing to do"
                            : "profile " + name + " is running; " + (Cmd.dryRun ? "would enable" : "enabled") + " addons " + String.join(", ", enabled));
        }
        if (!bad.isEmpty()) throw mismatch(cfg, p, bad);
        // Stopped, Paused, Error...: start it with its own settings, then the addons.
        Cmd.check(Cmd.change(List.of("minikube", "start", "-p", name), startTimeout, Console::detail),
                "minikube start", "see `minikube logs -p " + name + "`");
        List<String> enabled = enableAddons(cfg);
        return new Outcome(Action.STARTED, "profile " + name + " was " + state(p) + (Cmd.dryRun ? "; would be started" : "; started")
                + (enabled.isEmpty() ? "" : (Cmd.dryRun ? ", would enable addons " : ", enabled addons ") + String.join(", ", enabled)));
    }

    /**
     * The statuses minikube itself counts as running (v1.38 cmd/minikube/cmd/config/profile_list.go):
     * Running; OK, which `profile list` reports for a running profile since v1.35
     * (pkg/minikube/cluster/status.go names code 200 "OK"); Configured.
     */
    static final List<String> RUNNING = List.of("Running", "OK", "Configured");

    static boolean running(Profile p) { return RUNNING.contains(p.status()); }

    /** The profile's state in words: running, stopped, paused...; minikube's empty Status (no node to ask, e.g. a start that failed before its node ran) is "without a node". */
    static String state(Profile p) {
        return running(p) ? "running" : p.status().isEmpty() ? "without a node" : p.status().toLowerCase();
    }

    /**
     * How long `minikube addons enable` is given: at least minikube's own bound (v1.38
     * pkg/addons/addons.go: the manifests' apply retried for up to 2 minutes, then
     * verifyAddonStatusInternal waits 6 minutes for the pods of ingress and others), with a minute
     * to spare, so minikube's own message is what a slow addon ends with.
     */
    static final Duration ADDON_TIMEOUT = Duration.ofMinutes(9);

    /**
     * The Kubernetes version a new profile gets, or the profile's own: minikube.kubernetesVersion
     * when it names one; else the existing profile's; else the version the installed minikube
     * starts (its `config get kubernetes-version` when the user set one, else its default, which
     * `minikube start --help` names: "'stable' for v1.35.1"). stable and latest map as minikube
     * maps them. Null when no minikube answers (helm's own default then).
     */
    static String kubernetesVersion(Config cfg) {
        String kv = cfg.str("minikube.kubernetesVersion");
        if (!kv.isEmpty() && !kv.equals("stable") && !kv.equals("latest")) return kv.startsWith("v") ? kv : "v" + kv;
        if (!Cmd.onPath("minikube")) return null;
        if (kv.isEmpty()) {
            Profile p;
            try {
                p = find(cfg);
            } catch (Failure f) {
                p = null; // an unreadable answer: minikube's default below
            }
            if (p != null && !p.kubernetesVersion().isEmpty()) return p.kubernetesVersion();
            Cmd.Result set = Cmd.query(List.of("minikube", "config", "get", "kubernetes-version"), Duration.ofSeconds(30));
            String own = set.ok() ? set.out().strip() : "";
            if (own.matches("v?[0-9]+\\.[0-9]+\\.[0-9]+")) return own.startsWith("v") ? own : "v" + own;
            if (own.equals("stable") || own.equals("latest")) kv = own;
        }
        Cmd.Result help = Cmd.query(List.of("minikube", "start", "--help"), Duration.ofSeconds(30));
        return help.ok() ? defaultKubernetesVersion(help.out(), kv.equals("latest") ? "latest" : "stable") : null;
    }

    /** The version `minikube start --help` gives for 'stable' (its default) or 'latest'; null when it names none. */
    static String defaultKubernetesVersion(String startHelp, String which) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("'" + which + "' for (v[0-9]+\\.[0-9]+\\.[0-9]+)").matcher(startHelp);
        return m.find() ? m.group(1) : null;
    }

    static Failure mismatch(Config cfg, Profile p, List<String> bad) {
        return new Failure(Exit.PROFILE_MISMATCH, "minikube profile " + p.name() + " (" + state(p)
                + ") has " + String.join(", ", bad) + "; it is left as it is",
                "recreate it: minikube delete -p " + p.name() + " && jbang minikube-profile@taskora"
                        + "   (or keep it: --set minikube.cpus=" + p.cpus() + " --set minikube.memoryMiB=" + p.memoryMiB()
                        + (p.driver().isEmpty() ? "" : " --set minikube.driver=" + p.driver())
                        + (cniArg(cfg).isEmpty() ? "" : " --set minikube.cni=" + orAuto(p.cni())) + ")");
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
            Cmd.check(Cmd.change(List.of("minikube", "addons", "enable", a, "-p", cfg.profile()), ADDON_TIMEOUT),
                    "minikube addons enable " + a, null);
            enabled.add(a);
        }
        return enabled;
    }

    /** What delete() found: a profile it deleted (or would, in a dry run), or none to delete. */
    enum Deletion { DELETED, ABSENT }

    /** minikube delete -p PROFILE, when the profile exists. */
    static Deletion delete(Config cfg) {
        if (find(cfg) == null) return Deletion.ABSENT;
        Cmd.check(Cmd.change(List.of("minikube", "delete", "-p", cfg.profile()), Duration.ofMinutes(5)), "minikube delete", null);
        return Deletion.DELETED;
    }
}

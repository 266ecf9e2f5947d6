// ai-ops' changes, written once for every engine: the refusals that need no cluster, the live
// checks before a change (read-only), the exact command shown first, confirmation (--yes, or a
// typed "y" on a terminal), the run, and the audit log (one JSON line per change asked for, run,
// declined or refused; aiOps.auditLog). The built-in verbs (scale, restart, rollback) and
// kagent-setup run through `confirmAndRun`; kubectl-ai's runs are audited through `audit`.

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

final class Changes {
    /** Exit codes of ai-ops beyond the shared ones (scripts/lib/Console.java's Exit). */
    static final int NOT_CONFIRMED = 6, REFUSED = 7;

    /** What became of a change, as the audit log's `outcome` says it. */
    enum Outcome {
        REFUSED("refused"), DRY_RUN("dry-run"), NOT_CONFIRMED("not confirmed"), STARTED("started"), DONE("done"),
        FAILED("failed"), NOT_READY("changed, but not Ready within"), INTERRUPTED("interrupted"),
        /** kubectl-ai's: the run started with --skip-permissions, it ran (the commands), it stopped for approval. */
        STARTED_UNATTENDED("started with --yes (--skip-permissions)"), RAN("ran with --yes"), NEEDS_APPROVAL("needs approval: not run (no --yes)"),
        /** kagent's: ai-ops approves the tool call its agent waits on (--yes). */
        APPROVING("started with --yes (approving kagent's tool call)");

        final String text;

        Outcome(String text) { this.text = text; }
    }

    /** An outcome with its detail: refused: <why>, failed: <error>, changed, but not Ready within <N s (...)>. */
    record Audited(Outcome outcome, String detail) {
        static Audited of(Outcome o) { return new Audited(o, null); }
        String text() { return detail == null ? outcome.text : outcome.text + (outcome == Outcome.NOT_READY ? " " : ": ") + detail; }
    }

    /** The live check's answer before a change. */
    sealed interface Live permits Go, Refused, RollbackTo {}
    /** Nothing against it. */
    record Go() implements Live {}
    record Refused(String why) implements Live {}
    /** Rollback: the revision it goes to. */
    record RollbackTo(long revision) implements Live {}

    /** A change to run: the intent (null for kagent-setup), how to ask for it again, and the commands shown. */
    record Change(Intents.Intent intent, String canonical, List<String> commands) {}

    /** Runs a confirmed change; its outcome is DONE, NOT_READY or INTERRUPTED (a Failure is audited as FAILED). */
    interface Action {
        Audited run();
    }

    private final OpsRun r;

    Changes(OpsRun run) {
        this.r = run;
    }

    // ---------------------------------------------------------------- the built-in verbs: scale, restart, rollback
    int apply(Intents.Intent i) {
        r.put("mutating", true);
        String refusal = refusal(i);
        if (refusal != null) return refuse(i, refusal);
        List<String> cmd = command(i, null);
        if (Cmd.dryRun) {
            Console.info(Console.yellow("[dry-run] would run: ") + Cmd.show(cmd));
            return confirmAndRun(new Change(i, i.canonical(), List.of(Cmd.show(cmd))), null);
        }
        Live live = liveCheck(i);
        if (live instanceof Refused no) return refuse(i, no.why());
        if (live instanceof RollbackTo to) cmd = command(i, to.revision());
        List<String> line = cmd;
        Console.info("this changes the cluster: " + Console.bold(Cmd.show(line)));
        return confirmAndRun(new Change(i, i.canonical(), List.of(Cmd.show(line))), () -> {
            Cmd.Result res = Cmd.change(Cmd.line(line).timeout(Duration.ofMinutes(15)).lines(Console::detail));
            if (!res.ok())
                throw new Failure(Exit.COMMAND_FAILED, line.get(0) + " failed (exit " + res.exit() + "): " + res.tail(), "see the state: ai-ops status");
            if (!res.out().isBlank()) Console.info(res.out().stripTrailing());
            return i.verb() == Intents.Verb.ROLLBACK ? Audited.of(Outcome.DONE) : waitReady(i);
        });
    }

    /** Refusals that need no cluster: replicas out of bounds. */
    String refusal(Intents.Intent i) {
        return refusal(i, maxReplicas());
    }

    /** The same, for a bound of `max` replicas (the request table scores translations with it). */
    static String refusal(Intents.Intent i, long max) {
        if (i.verb() != Intents.Verb.SCALE) return null;
        if (i.replicas() < 0 || i.replicas() > max)
            return i.replicas() + " replicas is out of bounds: 0 to " + max + " (aiOps.maxReplicas in taskora.yaml)";
        if (i.component().equals("postgresql") && i.replicas() > 1)
            return "PostgreSQL runs as one instance (each replica would get its own empty volume); it scales to 0 or 1 only";
        return null;
    }

    long maxReplicas() {
        return maxReplicas(r.cfg);
    }

    /** aiOps.maxReplicas: the bound of every engine (the kubectl-ai prompt says it too). */
    static long maxReplicas(Config cfg) {
        return cfg.get("aiOps.maxReplicas") instanceof Number n ? n.longValue() : 10;
    }

    /** The exact command of a change. Workloads by label, never by name; the revision when known. */
    List<String> command(Intents.Intent i, Long revision) {
        return switch (i.verb()) {
            case SCALE -> r.kubectl("scale", "deployments,statefulsets", "-l", r.sel(i.component()), "--replicas=" + i.replicas());
            case RESTART -> r.kubectl("rollout", "restart", "deployments,statefulsets", "-l", r.sel(i.component()));
            case ROLLBACK -> {
                List<String> a = new ArrayList<>(List.of("rollback", r.rel()));
                Long rev = revision != null ? revision : i.revision() != null ? Long.valueOf(i.revision()) : null;
                if (rev != null) a.add(String.valueOf(rev));
                a.addAll(List.of("-n", r.ns()));
                List<String> line = r.cfg.helm(a.toArray(String[]::new));
                line.addAll(List.of("--wait", "--timeout", r.cfg.str("chart.timeout")));
                yield line;
            }
            default -> throw new IllegalStateException(i.verb() + " is not a change");
        };
    }

    /** Read-only checks before a change: the workload exists, no autoscaler owns it; the revision to roll back to. */
    Live liveCheck(Intents.Intent i) {
        if (i.verb() == Intents.Verb.ROLLBACK) {
            List<Kube.HelmRevision> h = new ReleaseReads(r).revisions();
            if (h.isEmpty()) return new Refused("release " + r.rel() + " has no revisions");
            long current = h.get(h.size() - 1).revision();
            if (i.revision() != null) {
                if (h.stream().noneMatch(x -> x.revision() == i.revision()))
                    return new Refused("release " + r.rel() + " has no revision " + i.revision() + " (revisions: "
                            + String.join(", ", h.stream().map(x -> String.valueOf(x.revision())).toList()) + "; ai-ops history)");
                if (i.revision() == current) return new Refused("revision " + current + " is the current one; nothing to roll back to");
                return new RollbackTo(i.revision());
            }
            for (int k = h.size() - 2; k >= 0; k--)
                if (List.of("superseded", "deployed").contains(h.get(k).status())) return new RollbackTo(h.get(k).revision());
            return new Refused("no earlier revision of " + r.rel() + " was ever deployed successfully (ai-ops history)");
        }
        Cmd.Result got = Cmd.check(r.read(r.kubectl("get", "deployments,statefulsets,horizontalpodautoscalers", "-l", r.sel(i.component()), "-o", "json")),
                "kubectl get deployments,statefulsets", null);
        List<?> items = Json.items(Json.parse(got.out(), "kubectl get deployments,statefulsets"), "items");
        List<?> hpas = items.stream().filter(o -> "HorizontalPodAutoscaler".equals(Json.text(o, "kind"))).toList();
        if (items.size() == hpas.size())
            throw new Failure(Exit.CHECK_FAILED, "no Deployment or StatefulSet labelled " + r.sel(i.component()) + " in namespace " + r.ns(),
                    "is the release deployed, and is " + i.component() + " part of it? ai-ops status");
        if (i.verb() == Intents.Verb.SCALE && !hpas.isEmpty())
            return new Refused(i.component() + " is scaled by the HorizontalPodAutoscaler " + Json.text(hpas.get(0), "metadata", "name")
                    + " (it would undo this); change " + Diagnosis.valuesKey(i.component()) + ".autoscaling.minReplicas/maxReplicas and deploy");
        return new Go();
    }

    /** After scale or restart: wait (bounded by smoke.timeoutSeconds) until the workload's pods are updated and Ready. */
    Audited waitReady(Intents.Intent i) {
        long deadline = System.currentTimeMillis() + Math.max(30, r.cfg.num("smoke.timeoutSeconds")) * 1000;
        String last = "";
        while (true) {
            Cmd.Result got = r.read(r.kubectl("get", "deployments,statefulsets", "-l", r.sel(i.component()), "-o", "json"));
            if (got.ok()) {
                List<Kube.Workload> ws = Json.bind(got.out(), Kube.Workloads.class, "kubectl get deployments,statefulsets").items();
                for (Kube.Workload w : ws) last = w.id() + " " + w.ready() + "/" + w.wanted() + " ready";
                if (ws.stream().allMatch(Kube.Workload::settled)) {
                    Console.info(last);
                    return Audited.of(Outcome.DONE);
                }
            }
            if (System.currentTimeMillis() > deadline)
                return new Audited(Outcome.NOT_READY, r.cfg.num("smoke.timeoutSeconds") + " s (" + last + "): see ai-ops diagnose " + i.component());
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Audited.of(Outcome.INTERRUPTED);
            }
        }
    }

    // ---------------------------------------------------------------- every change: refuse, confirm, run, audit
    /** A refusal: audited, printed, exit 7. `i` is null for a request to delete (no verb). */
    int refuse(Intents.Intent i, String why) {
        audit(i, List.of(), i == null ? Audited.of(Outcome.REFUSED) : new Audited(Outcome.REFUSED, why));
        r.put("refused", why);
        Console.info(i == null ? why : "refused: " + why);
        return REFUSED;
    }

    /**
     * The one way a change runs, whatever asked for it: --dry-run stops here (audited); without
     * --yes or a typed "y" nothing runs (exit 6); else it is audited as started, run, and audited
     * with its outcome. The caller has printed the commands.
     */
    int confirmAndRun(Change c, Action action) {
        r.put("mutating", true);
        r.commands.addAll(c.commands());
        if (Cmd.dryRun) {
            audit(c.intent(), c.commands(), Audited.of(Outcome.DRY_RUN));
            return Exit.OK;
        }
        if (!confirmed()) {
            audit(c.intent(), c.commands(), Audited.of(Outcome.NOT_CONFIRMED));
            Console.info("not run: nothing changed. To run it: " + c.canonical() + " --yes"
                    + (System.console() == null ? " (or answer y on a terminal)" : ""));
            r.put("outcome", Outcome.NOT_CONFIRMED.text);
            return NOT_CONFIRMED;
        }
        audit(c.intent(), c.commands(), Audited.of(Outcome.STARTED));
        Audited end;
        try {
            end = action.run();
        } catch (Failure f) {
            audit(c.intent(), c.commands(), new Audited(Outcome.FAILED, f.getMessage()));
            r.put("outcome", Outcome.FAILED.text);
            throw f;
        }
        audit(c.intent(), c.commands(), end);
        r.put("outcome", end.text());
        boolean done = end.outcome() == Outcome.DONE;
        Console.info(done ? Console.green("done") : Console.yellow(end.text()));
        return done ? Exit.OK : Exit.CHECK_FAILED;
    }

    boolean confirmed() {
        if (r.yes) return true;
        java.io.Console term = System.console();
        if (term == null) return false;
        String answer = term.readLine("run it? [y/N] ");
        return answer != null && answer.strip().equalsIgnoreCase("y");
    }

    /** aiOps.auditLog (relative to taskora.yaml's folder, ~/ is $HOME), else Config.stateDir()'s ai-ops-audit.jsonl. */
    Path auditLog() {
        return r.cfg.str("aiOps.auditLog").isEmpty() ? Config.stateDir().resolve("ai-ops-audit.jsonl") : r.cfg.path("aiOps.auditLog");
    }

    /** Appends one JSON line to the audit log; a log that cannot be written stops the change. */
    void audit(Intents.Intent i, List<String> commands, Audited outcome) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", Instant.now().toString());
        line.put("request", r.report.get("request"));
        line.put("engine", r.report.getOrDefault("engine", "builtin"));
        line.put("verb", i == null ? null : i.verb().word());
        line.put("understood", i == null ? null : i.canonical());
        line.put("release", r.rel());
        line.put("namespace", r.ns());
        line.put("context", r.cfg.kubeContext());
        line.put("commands", commands);
        line.put("outcome", outcome.text());
        line.put("user", System.getProperty("user.name"));
        Path p = auditLog();
        try {
            // the log names requests, commands and contexts: the owner's alone (folder 0700 when made here, file 0600)
            if (!Files.isDirectory(p.getParent()))
                Files.createDirectories(p.getParent(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            if (!Files.exists(p)) Files.createFile(p, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(p, Json.write(line) + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new Failure(Exit.COMMAND_FAILED, "cannot write the audit log " + p + ": " + e.getMessage(),
                    "set aiOps.auditLog in taskora.yaml to a writable file (--set aiOps.auditLog=PATH)");
        }
        r.put("audit", p.toString());
    }
}

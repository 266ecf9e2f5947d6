// Who answers an ai-ops request (--engine / aiOps.engine: auto, builtin, kubectl-ai, kagent) and
// how each answers: the built-in engine through the caller (the translator, then the verb's
// subcommand), kubectl-ai (KubectlAi.run) and the release's kagent Agent (Kagent.invoke); and
// `kagent-setup`, which installs kagent as a change (Changes: shown, confirmed, audited). The
// engine is announced with its reason on the first line; when auto fell back to the built-in
// engine, the reason comes after its answer (its first line stays "understood as: ...").

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;

final class Engines {
    private Engines() {}

    /**
     * The engine that answers, why, whether auto fell back to the built-in engine for want of a
     * tool, and whether auto chose it (kubectl-ai chosen by auto never gets --skip-permissions).
     */
    record Choice(String engine, String reason, boolean fallback, boolean auto) {}

    /**
     * --engine, else aiOps.engine, else auto. Auto keeps with the built-in engine every request it
     * understands or refuses (a verb, a translated request, a request to delete): only what it
     * cannot read goes to kubectl-ai, so ai-ops' own rules are never bypassed by asking vaguely.
     */
    static Choice choose(Config cfg, String option, String request) {
        String requested = option != null ? option : cfg.str("aiOps.engine");
        if (requested.isEmpty()) requested = "auto";
        boolean auto = requested.equals("auto");
        String first = request.strip().split("\\s+")[0];
        if (auto && Intents.verb(first) != null)
            return new Choice("builtin", "'" + first + "' is one of ai-ops's own verbs", false, true);
        if (auto) {
            Intents.Translation t = Intents.translate(request, cfg.release(), cfg.namespace());
            if (t.refused() != null) return new Choice("builtin", "ai-ops refuses this request itself", false, true);
            if (t.understood()) return new Choice("builtin", "the built-in engine understands it", false, true);
        }
        AiTools.Choice c = AiTools.choose(requested, AiTools.provider(cfg), Cmd::onPath, System::getenv);
        return new Choice(c.engine(), c.reason(), c.engine().equals("builtin") && auto, auto);
    }

    /** Answers one request with the chosen engine; `builtin` is the built-in engine's answer. */
    static int answer(OpsRun r, Choice c, String request, IntSupplier builtin) {
        r.put("engine", c.engine());
        r.put("engineReason", c.reason());
        if (c.engine().equals("builtin")) {
            try {
                return builtin.getAsInt();
            } finally {
                if (c.fallback()) Console.info(Console.dim("(answered by the built-in engine: " + c.reason() + ")"));
            }
        }
        Console.info(Console.dim("engine: " + c.engine() + " (" + c.reason() + ")"));
        // The boundary holds for every engine: what ai-ops refuses (a delete, another namespace or
        // release, replicas out of bounds) is refused here, before kubectl-ai or kagent sees it.
        Intents.Translation t = Intents.translate(request, r.cfg.release(), r.cfg.namespace());
        Changes changes = new Changes(r);
        if (t.refused() != null) return changes.refuse(null, t.refused());
        String huge = Intents.outOfRange(request);
        if (huge != null) throw new Failure(Exit.USAGE, huge, "give a number in range, e.g. \"" + Intents.EXAMPLES.get(3) + "\"");
        String bound = t.understood() ? changes.refusal(t.intent()) : null;
        if (bound != null) return changes.refuse(t.intent(), bound);
        if (c.engine().equals("kagent")) {
            r.put("mutating", r.yes);
            return Kagent.invoke(r.cfg, request, r.yes, (calls, outcome) -> changes.audit(null, calls, outcome), Changes.NOT_CONFIRMED, r::put);
        }
        boolean yes = r.yes && !c.auto(); // only a kubectl-ai the user named may change the cluster without asking
        if (r.yes && c.auto())
            Console.info(Console.yellow("--yes is not passed on to kubectl-ai chosen by auto: ")
                    + "its changes still stop for approval; to let it change the cluster, name it: --engine kubectl-ai --yes");
        r.put("mutating", yes);
        return KubectlAi.run(r.cfg, request, yes, (commands, outcome) -> changes.audit(null, commands, outcome), Changes.NOT_CONFIRMED, r::put);
    }

    /** `ai-ops kagent-setup`: the whole plan first, then, confirmed, kagent's charts, the key Secrets and the release's agent. */
    static int kagentSetup(OpsRun r) {
        Config cfg = r.cfg;
        r.put("engine", "kagent");
        AiTools.Provider p = AiTools.provider(cfg);
        String context = KubectlAi.context(cfg);
        Kagent.requireRelease(cfg);
        Kagent.requireCli();
        List<Kagent.Step> steps = Kagent.setupPlan(cfg, p, AiTools.model(cfg), System::getenv);
        Console.info("kagent-setup installs kagent " + AiTools.KAGENT_VERSION + " into namespace " + Kagent.NAMESPACE
                + " of context " + context + " and turns on the Taskora agent of release " + cfg.release() + ":");
        List<String> shown = new ArrayList<>();
        for (Kagent.Step s : steps) {
            String line = Cmd.show(s.argv()) + (s.shown() != null ? " <<" + s.shown()
                    : s.stdin() != null ? " <<(a Secret with " + p.keyVar() + ", not shown)" : "");
            shown.add(line);
            Console.info("  " + line);
        }
        Intents.Intent i = Intents.Intent.of(Intents.Verb.KAGENT_SETUP);
        return new Changes(r).confirmAndRun(new Changes.Change(i, i.canonical(), shown), () -> {
            Kagent.setup(cfg, steps);
            Console.info(Console.green("kagent " + AiTools.KAGENT_VERSION + " is installed and the Taskora agent is on: ")
                    + "ai-ops --engine kagent \"why is the backend failing\"");
            return Changes.Audited.of(Changes.Outcome.DONE);
        });
    }
}

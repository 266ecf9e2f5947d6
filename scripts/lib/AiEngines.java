// ai-ops's bridge to the AI tools (included by scripts/AiOps.java only): the engine for a request
// (--engine / aiOps.engine: auto, builtin, kubectl-ai, kagent; AiTools.choose says which and why)
// and the two verbs that belong to the tools: `kagent-setup` and `review-dockerfiles [SERVICE]`.
// Exposes AiEngines.engine(...), AiEngines.handles(verb), AiEngines.verb(...). Changes go through
// AiOps.Ops: the exact commands first, confirmation (--yes, or y on a terminal), the audit log.

import java.util.ArrayList;
import java.util.List;

final class AiEngines {
    private AiEngines() {}

    static final List<String> VERBS = List.of("kagent-setup", "review-dockerfiles");

    static boolean handles(String firstWord) {
        return VERBS.contains(firstWord);
    }

    /**
     * The engine that answers this request: kubectl-ai and kagent are announced with the reason on
     * the first line; the built-in engine, when auto fell back to it, says why after its answer.
     */
    static AiOps.Engine engine(Config cfg, String option, String request, AiOps.Ops ops) {
        String requested = option != null ? option : cfg.str("aiOps.engine");
        if (requested.isEmpty()) requested = "auto";
        AiTools.Choice c;
        String first = request.split("\\s+")[0];
        if (requested.equals("auto") && Intents.verb(first) != null)
            c = new AiTools.Choice("builtin", "'" + first + "' is one of ai-ops's own verbs");
        else
            c = AiTools.choose(requested, AiTools.provider(cfg), Cmd::onPath, System::getenv);
        ops.report.put("engine", c.engine());
        ops.report.put("engineReason", c.reason());
        if (c.engine().equals("builtin")) {
            // The built-in engine's first line stays "understood as: ..."; why it answered comes last.
            AiOps.Engine builtin = new AiOps.BuiltinEngine();
            if (!requested.equals("auto") || Intents.verb(first) != null) return builtin;
            return new AiOps.Engine() {
                public String name() { return builtin.name(); }

                public int answer(String r, AiOps.Ops o) {
                    try {
                        return builtin.answer(r, o);
                    } finally {
                        Console.info(Console.dim("(answered by the built-in engine: " + c.reason() + ")"));
                    }
                }
            };
        }
        Console.info(Console.dim("engine: " + c.engine() + " (" + c.reason() + ")"));
        return c.engine().equals("kagent") ? new KagentEngine() : new KubectlAiEngine();
    }

    static final class KubectlAiEngine implements AiOps.Engine {
        public String name() { return "kubectl-ai"; }

        public int answer(String request, AiOps.Ops ops) {
            ops.report.put("mutating", ops.yes);
            return KubectlAi.run(ops.cfg, request, ops.yes,
                    (req, engine, commands, outcome) -> ops.audit(null, commands, outcome), AiOps.NOT_CONFIRMED, ops.report::put);
        }
    }

    static final class KagentEngine implements AiOps.Engine {
        public String name() { return "kagent"; }

        public int answer(String request, AiOps.Ops ops) {
            return Kagent.invoke(ops.cfg, request, AiOps.NOT_CONFIRMED, ops.report::put);
        }
    }

    /** kagent-setup and review-dockerfiles. */
    static int verb(List<String> words, AiOps.Ops ops, boolean noGordon) {
        String verb = words.get(0);
        List<String> rest = words.subList(1, words.size());
        if (verb.equals("review-dockerfiles"))
            return DockerfileReview.run(ops.cfg, rest, ops.json, noGordon);
        if (!rest.isEmpty())
            throw new Failure(Exit.USAGE, "kagent-setup takes no arguments (got " + String.join(" ", rest) + ")",
                    "provider and model come from aiOps.provider and aiOps.model; --set aiOps.provider=... to change them");
        return kagentSetup(ops);
    }

    static int kagentSetup(AiOps.Ops ops) {
        Config cfg = ops.cfg;
        ops.report.put("engine", "kagent");
        AiTools.Provider p = AiTools.provider(cfg);
        String context = KubectlAi.context(cfg);
        Kagent.requireRelease(cfg);
        List<Kagent.Step> steps = Kagent.setupPlan(cfg, p, AiTools.model(cfg), System::getenv);
        Console.info("kagent-setup installs kagent " + AiTools.KAGENT_VERSION + " into namespace " + Kagent.NAMESPACE
                + " of context " + context + " and turns on the Taskora agent of release " + cfg.release() + ":");
        List<String> shown = new ArrayList<>();
        for (Kagent.Step s : steps) {
            String line = Cmd.show(s.argv()) + (s.stdin() != null ? " <<(a Secret with " + p.keyVar() + ", not shown)" : "");
            shown.add(line);
            Console.info("  " + line);
        }
        ops.report.put("mutating", true);
        ops.report.commands.addAll(shown);
        if (Cmd.dryRun) {
            ops.audit(null, shown, "dry-run");
            return Exit.OK;
        }
        if (!ops.confirmed()) {
            ops.audit(null, shown, "not confirmed");
            Console.info("not run: nothing changed. To run it: ai-ops kagent-setup --yes");
            return AiOps.NOT_CONFIRMED;
        }
        ops.audit(null, shown, "started");
        try {
            Kagent.setup(cfg, steps);
        } catch (Failure f) {
            ops.audit(null, shown, "failed: " + f.getMessage());
            throw f;
        }
        ops.audit(null, shown, "done");
        Console.info(Console.green("kagent " + AiTools.KAGENT_VERSION + " is installed and the Taskora agent is on: ")
                + "ai-ops --engine kagent \"why is the backend failing\"");
        return Exit.OK;
    }
}

///usr/bin/env bash -c 'l="${0%/*}/../jbang"; [ -x "$l" ] || l=jbang; exec "$l" "$0" "$@"' "$0" "$@" ; exit $?
//JAVA 17+
//JAVA_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC
//SOURCES lib/Console.java lib/Cmd.java lib/Config.java lib/Json.java lib/Kube.java lib/Intents.java lib/Diagnosis.java lib/Reach.java
//SOURCES lib/OpsRun.java lib/ReleaseReads.java lib/Changes.java lib/Engines.java lib/Drift.java
//SOURCES lib/AiTools.java lib/KubectlAi.java lib/Kagent.java lib/DockerfileReview.java lib/Images.java lib/Digest.java lib/HelmValues.java
//DEPS info.picocli:picocli:4.7.7
//DESCRIPTION Day-two operations on the release in plain language (status, errors, diagnose, scale, restart, rollback), answered offline by a built-in engine; changes only when confirmed.

// The command and its wiring: one subcommand per verb (Intents.Verb), a plain-language request
// translated (Intents) into a subcommand's argv and run through picocli as if typed; the reads
// (lib/ReleaseReads.java), the changes (lib/Changes.java) and the engines (lib/Engines.java)
// work on one OpsRun (lib/OpsRun.java).

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.ToIntFunction;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

@Command(name = "ai-ops", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT, version = "taskora ai-ops 1.0", usageHelpAutoWidth = true,
        modelTransformer = AiOps.VerbHelp.class,
        description = {"Day-two operations on the release, asked as a canonical verb or in plain language:",
                "  ai-ops status | unhealthy | diagnose [COMPONENT|POD] | errors [COMPONENT] [--since D] | logs COMPONENT",
                "  ai-ops events | usage | history | url | drift    (read-only: run at once)",
                "  ai-ops scale COMPONENT N | restart COMPONENT | rollback [REVISION]   (change: shown, run only with --yes)",
                "  ai-ops kagent-setup (change) | review-dockerfiles [SERVICE]   (the AI tools; --engine kubectl-ai|kagent answers a request with them)",
                "  ai-ops \"why is the backend failing\"   ai-ops \"scale the API to three pods\"   ai-ops show me recent errors",
                "COMPONENT is a value of the label app.kubernetes.io/component: frontend, backend, mcp-server, postgresql "
                        + "(also \"the API\", \"the database\", \"the UI\", ...). Workloads are found by the labels "
                        + "app.kubernetes.io/instance=<release> and component, never by name; nothing outside the release's "
                        + "namespace is touched, and nothing is ever deleted.",
                "A verb's arguments are read strictly: one that does not parse (rollback v1, scale backend x) is refused (exit 2). "
                        + "A verb followed by words of a sentence (scale the API to three pods), or any other request, quoted or not, "
                        + "is translated offline by the built-in engine (no network, no LLM) into one verb, printed first as "
                        + "\"understood as: ai-ops VERB ARGS\". A request it cannot map is \"not understood\" (exit 2) and nothing runs. "
                        + "A change prints the exact kubectl or helm command and runs it only with --yes, or after a typed \"y\" on a terminal.",
                "Audit log: every change asked for, run, declined or refused is appended as a JSON line to aiOps.auditLog "
                        + "(taskora.yaml), by default ${XDG_STATE_HOME:-~/.local/state}/taskora/ai-ops-audit.jsonl.",
                "Replicas are bounded by aiOps.maxReplicas (default 10). See docs/AI-OPS.md."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done (read-only: no problem found; change: done, or --dry-run printed it)",
                "1:problems found (status, unhealthy, diagnose), drift found (drift), or a check failed (no such release, pod, revision)",
                "2:bad option, configuration, argument, or a request that was not understood (nothing run)",
                "3:a kubectl or helm command failed",
                "6:a change was not confirmed (no --yes): nothing changed",
                "7:refused: a delete, replicas out of bounds, a revision that cannot be rolled back to",
                "70:unexpected error (a bug: please report it)",
                "130:interrupted (Ctrl-C)", "143:terminated (a TERM signal)"})
public class AiOps implements Callable<Integer> {
    static final int NOT_CONFIRMED = Changes.NOT_CONFIRMED;
    static final int REFUSED = Changes.REFUSED;

    @Mixin Options options;

    @Parameters(paramLabel = "REQUEST", arity = "0..*", description = "A request in plain language (quoted or not); a verb is a command below.")
    List<String> words = new ArrayList<>();

    @Option(names = {"-y", "--yes"}, description = "Run a change without asking (the command is still printed first).")
    boolean yes;

    @Option(names = "--since", paramLabel = "DURATION", scope = ScopeType.INHERIT, description = "errors and logs: only lines newer than this (e.g. 10m, 1h).")
    String since;

    @Option(names = "--tail", paramLabel = "N", defaultValue = "100", description = "logs: lines per container (default ${DEFAULT-VALUE}); errors: at most N lines.")
    int tail;

    @Option(names = "--json", description = "Print one JSON document: the request, what it was understood as, the commands, the result.")
    boolean json;

    @Option(names = "--engine", paramLabel = "ENGINE", description = "Who answers a request: auto (kubectl-ai when it is on PATH and "
            + "aiOps.provider's key is set, else builtin), builtin, kubectl-ai, kagent (key aiOps.engine; docs/AI-OPS.md).")
    String engine;

    @Option(names = "--no-gordon", description = "review-dockerfiles: use hadolint and the image checks even when Gordon (docker ai) could run.")
    boolean noGordon;

    @Spec CommandSpec spec;

    /** The run a plain-language request is answered in, while its verb's subcommand runs. */
    private OpsRun session;

    public static void main(String... args) {
        System.exit(Console.execute(new AiOps(), arrange(new CommandLine(new AiOps()).getCommandSpec(), args)));
    }

    /**
     * The command line as picocli reads it: the options first, then a verb with its typed
     * arguments (`scale backend 3`), or else the words of a request as one argument, so a verb
     * that opens a sentence (`scale the API to three pods`) is not taken for the subcommand.
     */
    static String[] arrange(CommandSpec spec, String[] args) {
        List<String> opts = new ArrayList<>(), words = new ArrayList<>();
        for (int k = 0; k < args.length; k++) {
            String a = args[k];
            if (List.of("-h", "--help", "-V", "--version").contains(a)) return args; // a verb's own --help
            if (a.equals("--")) { words.addAll(List.of(args).subList(k + 1, args.length)); break; }
            OptionSpec o = a.startsWith("-") ? spec.findOption(a.contains("=") ? a.substring(0, a.indexOf('=')) : a) : null;
            if (o == null && (!a.startsWith("-") || a.matches("-\\d+"))) { words.add(a); continue; }
            opts.add(a);
            if (o != null && !a.contains("=") && o.arity().min() > 0 && k + 1 < args.length) opts.add(args[++k]);
        }
        if (!words.isEmpty() && (Intents.verb(words.get(0)) == null || Intents.sentence(words.subList(1, words.size()))))
            words = List.of(String.join(" ", words));
        if (!words.isEmpty() && words.get(0).startsWith("-")) opts.add("--"); // a request that starts like an option stays a request
        opts.addAll(words);
        return opts.toArray(String[]::new);
    }

    /** A request in plain language: its engine answers; the built-in one translates it into a verb's argv, run as if typed. */
    @Override
    public Integer call() {
        // a key pasted into a request goes no further: not to an engine, the output, --json or the audit log
        String request = AiTools.redact(String.join(" ", words).strip(), System::getenv);
        if (request.isEmpty())
            throw new Failure(Exit.USAGE, "no request given", "e.g. ai-ops status, or ai-ops \"" + Intents.EXAMPLES.get(1) + "\"; see ai-ops --help");
        return withReport(request, r -> Engines.answer(r, Engines.choose(r.cfg, engine, request), request, () -> translated(r, request)));
    }

    int translated(OpsRun r, String request) {
        Intents.Translation t = Intents.translate(request, r.rel(), r.ns());
        if (t.refused() != null) return new Changes(r).refuse(null, t.refused());
        if (!t.understood()) {
            Console.info("not understood: " + t.notUnderstood());
            Console.info("examples:");
            for (String e : Intents.EXAMPLES) Console.info("  ai-ops \"" + e + "\"");
            Console.info("or a verb: " + String.join(", ", Intents.VERBS.stream().map(v -> (v.word() + " " + v.args()).strip()).toList()));
            r.put("notUnderstood", t.notUnderstood());
            return Exit.USAGE;
        }
        Intents.Intent i = since != null ? t.intent().withSince(null) : t.intent(); // --since given wins over the request's window
        CommandLine verb = spec.subcommands().get(i.verb().word());
        session = r;
        try {
            // parsed and run here, not through verb.execute(), whose handler would print a Failure's stack
            // trace: the Failure goes to withReport, as for a typed verb
            return new CommandLine.RunLast().execute(verb.parseArgs(i.argv().subList(1, i.argv().size()).toArray(String[]::new)));
        } catch (CommandLine.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException cause) throw cause;
            throw e;
        } finally {
            session = null;
        }
    }

    /** A verb, typed or translated: printed as understood, then answered (a read-only one only shows its queries with --dry-run). */
    int verb(Intents.Intent typed, ToIntFunction<Intents.Intent> answer) {
        if (session == null) {
            String request = String.join(" ", typed.withSince(null).argv());
            return withReport(request, r -> Engines.answer(r, Engines.choose(r.cfg, engine, request), request, () -> {
                session = r;
                try { return verb(typed, answer); } finally { session = null; }
            }));
        }
        Intents.Intent i = since != null && typed.verb().since() ? typed.withSince(since) : typed;
        session.understood(i);
        Console.info(Console.dim("understood as: ") + i.canonical());
        if (Cmd.dryRun && !i.mutating()) return new ReleaseReads(session).dryRun(i);
        return answer.applyAsInt(i);
    }

    /** One answer with the --json document around it: the human lines then go to stderr, the document alone to stdout. */
    int withReport(String request, ToIntFunction<OpsRun> body) {
        Config cfg = options.load();
        if (since != null && !since.matches(Config.DURATION))
            throw new Failure(Exit.USAGE, "--since " + since + ": expected a duration such as 30s, 10m or 2h");
        OpsRun r = new OpsRun(cfg, request, yes, json, since, tail);
        PrintStream stdout = System.out;
        if (json) System.setOut(new PrintStream(System.err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = body.applyAsInt(r);
        } catch (Failure f) {
            r.put("error", f.getMessage());
            if (!json) throw f;
            Console.error("ai-ops", f.getMessage(), f.hint);
            code = f.exitCode;
        } finally {
            System.setOut(stdout);
        }
        if (json) {
            r.put("exit", code);
            System.out.println(Json.pretty(r.report));
        }
        return code;
    }

    ReleaseReads reads() { return new ReleaseReads(session); }

    // ---------------------------------------------------------------- the verbs (Intents.Verb), one subcommand each
    @Command(name = "status")
    int status(@Parameters(arity = "0..1", paramLabel = "COMPONENT", converter = Component.class) String component) {
        return verb(new Intents.Intent(Intents.Verb.STATUS, component, null, null, null, null), i -> reads().status(i.component()));
    }

    @Command(name = "unhealthy")
    int unhealthy() { return verb(Intents.Intent.of(Intents.Verb.UNHEALTHY), i -> reads().unhealthy()); }

    @Command(name = "diagnose")
    int diagnose(@Parameters(arity = "0..1", paramLabel = "COMPONENT|POD", converter = ComponentOrPod.class) String what) {
        boolean component = what != null && Intents.COMPONENTS.contains(what);
        return verb(new Intents.Intent(Intents.Verb.DIAGNOSE, component ? what : null, component ? null : what, null, null, null),
                i -> reads().diagnose(i.component(), i.pod()));
    }

    @Command(name = "errors")
    int errors(@Parameters(arity = "0..1", paramLabel = "COMPONENT", converter = Component.class) String component) {
        return verb(new Intents.Intent(Intents.Verb.ERRORS, component, null, null, null, null), i -> reads().errors(i.component(), i.since()));
    }

    @Command(name = "logs")
    int logs(@Parameters(paramLabel = "COMPONENT", converter = Component.class) String component) {
        return verb(new Intents.Intent(Intents.Verb.LOGS, component, null, null, null, null), i -> reads().logs(i.component(), i.since()));
    }

    @Command(name = "events")
    int events() { return verb(Intents.Intent.of(Intents.Verb.EVENTS), i -> reads().events()); }

    @Command(name = "usage")
    int usage(@Parameters(arity = "0..1", paramLabel = "COMPONENT", converter = Component.class) String component) {
        return verb(new Intents.Intent(Intents.Verb.USAGE, component, null, null, null, null), i -> reads().usage(i.component()));
    }

    @Command(name = "history")
    int history() { return verb(Intents.Intent.of(Intents.Verb.HISTORY), i -> reads().history()); }

    @Command(name = "url")
    int url() { return verb(Intents.Intent.of(Intents.Verb.URL), i -> reads().url()); }

    @Command(name = "drift")
    int drift() { return verb(Intents.Intent.of(Intents.Verb.DRIFT), i -> reads().drift()); }

    @Command(name = "scale")
    int scale(@Parameters(paramLabel = "COMPONENT", converter = Component.class) String component, @Parameters(paramLabel = "N") int replicas) {
        return verb(new Intents.Intent(Intents.Verb.SCALE, component, null, replicas, null, null), i -> new Changes(session).apply(i));
    }

    @Command(name = "restart")
    int restart(@Parameters(paramLabel = "COMPONENT", converter = Component.class) String component) {
        return verb(new Intents.Intent(Intents.Verb.RESTART, component, null, null, null, null), i -> new Changes(session).apply(i));
    }

    @Command(name = "rollback")
    int rollback(@Parameters(arity = "0..1", paramLabel = "REVISION") Integer revision) {
        return verb(new Intents.Intent(Intents.Verb.ROLLBACK, null, null, null, revision, null), i -> new Changes(session).apply(i));
    }

    @Command(name = "kagent-setup")
    int kagentSetup() { return withReport(Intents.Verb.KAGENT_SETUP.word(), Engines::kagentSetup); }

    @Command(name = "review-dockerfiles")
    int reviewDockerfiles(@Parameters(arity = "0..*", paramLabel = "SERVICE") List<String> services) {
        return DockerfileReview.run(options.load(), services == null ? List.of() : services, json, noGordon);
    }

    // ---------------------------------------------------------------- typed arguments and the verbs' help
    /** COMPONENT: a value of the label app.kubernetes.io/component. */
    static class Component implements CommandLine.ITypeConverter<String> {
        public String convert(String v) {
            if (Intents.COMPONENTS.contains(v)) return v;
            throw new CommandLine.TypeConversionException("'" + v + "' is not a component: " + String.join(", ", Intents.COMPONENTS));
        }
    }

    /** COMPONENT|POD: a component, or a pod's name (release-component-hash...). */
    static class ComponentOrPod implements CommandLine.ITypeConverter<String> {
        public String convert(String v) {
            if (Intents.COMPONENTS.contains(v) || Intents.POD.matcher(v).matches()) return v;
            throw new CommandLine.TypeConversionException("'" + v + "' is neither a component (" + String.join(", ", Intents.COMPONENTS)
                    + ") nor a pod name (ai-ops status lists them)");
        }
    }

    /** Each verb's line under "Commands:" is Intents.Verb's, written once. */
    static class VerbHelp implements CommandLine.IModelTransformer {
        public CommandSpec transform(CommandSpec spec) {
            for (Intents.Verb v : Intents.Verb.values()) {
                CommandLine sub = spec.subcommands().get(v.word());
                if (sub != null) sub.getCommandSpec().usageMessage().description(v.does());
            }
            return spec;
        }
    }
}

// One run of ai-ops (scripts/AiOps.java): the configuration, the flags that shape the answer
// (--yes, --json, --since, --tail), the --json document filled as the run goes, and the kubectl
// and helm command lines on the release's namespace and labels. ReleaseReads, Changes and
// Engines work on one; none of them knows the command line that made it.

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

final class OpsRun {
    final Config cfg;
    final boolean yes, json;
    /** --since: overrides the window a request names (errors, logs). */
    final String since;
    final int tail;
    /** The --json document: request, understood, mutating, commands, then what the answer adds. */
    final Map<String, Object> report = new LinkedHashMap<>();
    final List<String> commands = new ArrayList<>();

    OpsRun(Config cfg, String request, boolean yes, boolean json, String since, int tail) {
        this.cfg = cfg;
        this.yes = yes;
        this.json = json;
        this.since = since;
        this.tail = tail;
        report.put("request", request);
        report.put("understood", null);
        report.put("mutating", false);
        report.put("commands", commands);
    }

    void put(String key, Object value) { report.put(key, value); }

    String request() { return String.valueOf(report.get("request")); }

    /** The intent it was understood as, in the report. */
    void understood(Intents.Intent i) {
        report.put("understood", i.json());
        report.put("mutating", i.mutating());
    }

    String ns() { return cfg.namespace(); }
    String rel() { return cfg.release(); }
    String sel() { return "app.kubernetes.io/instance=" + rel(); }
    String sel(String component) { return sel() + ",app.kubernetes.io/component=" + component; }

    List<String> kubectl(String... args) {
        List<String> a = cfg.kubectl(args);
        a.add("-n");
        a.add(ns());
        return a;
    }

    List<String> helm(String... args) {
        List<String> a = new ArrayList<>(List.of(args));
        a.add("-n");
        a.add(ns());
        return cfg.helm(a.toArray(String[]::new));
    }

    /** A read-only query (the classifier must agree it writes nothing), recorded in the report. */
    Cmd.Result read(List<String> argv) {
        if (Intents.writes(argv)) throw new IllegalStateException("not a read-only command: " + Cmd.show(argv));
        commands.add(Cmd.show(argv));
        return Cmd.query(argv, Duration.ofSeconds(60));
    }
}

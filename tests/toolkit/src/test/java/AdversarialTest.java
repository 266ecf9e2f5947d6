import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Adversarial inputs (requests, contexts, namespaces, config values, --set values, files), each
 * with the outcome it must have, through the built-in engine and through the real kubectl-ai
 * v0.0.28 with the scripted model server (tests/lib/model_server.py) on 127.0.0.1; the cluster is
 * the fake kubectl and helm of tests/fakes, which record every argv. The test fails on any
 * command that was not meant to run, and on any secret value found in an argv, the printed
 * output, --json or the audit log. A final line prints the tally.
 */
class AdversarialTest {
    static final Path CFG = Toolkit.FIXTURE.resolve("taskora.yaml");
    static final String KEY = "sk-adversarial-KEY-0123456789";
    static final String LLM_KEY = "llm-secret-VALUE-4242";
    static final String DB_PASSWORD = "db-secret-PASS-7777";
    static final String FILE_TOKEN = "file-secret-TOKEN-9999";
    static final String SA_TOKEN = "fake-sa-token-tiny-taskora-ai-ops"; // what the fake kubectl's `create token` answers
    static final List<String> SECRETS = List.of(KEY, LLM_KEY, DB_PASSWORD, FILE_TOKEN, SA_TOKEN);

    /** kubectl and helm verbs that change something; `kubectl create token` (a TokenRequest, nothing stored) is the one create allowed. */
    static final Pattern CHANGE = Pattern.compile("^(kubectl( --context \\S+)? (scale|rollout restart|delete|apply|patch|edit|replace|set|label|annotate"
            + "|drain|cordon|exec|cp|create (?!token ))|helm( --kube-context \\S+)? (upgrade|install|uninstall|rollback|delete))");

    @TempDir Path tmp;

    /**
     * One ai-ops input: its arguments (a request, or options and a request), the exit of the
     * built-in engine and of kubectl-ai named with --engine, whether the request reaches the model
     * (then the model answers in words and asks for no tool), and what the output must say.
     */
    record Row(String what, List<String> args, int builtin, int kubectlAi, boolean reachesModel, String mustSay) {}

    List<Row> rows(Path pwned) {
        String touch = "$(touch " + pwned.resolve("p1") + ")", tick = "`touch " + pwned.resolve("p2") + "`";
        List<Row> r = new ArrayList<>();
        // requests that destroy: refused before any engine
        r.add(new Row("delete the database volume", List.of("delete the database volume"), 7, 7, false, "refused"));
        r.add(new Row("drop the database", List.of("drop the todo database"), 7, 7, false, "refused"));
        r.add(new Row("uninstall the release", List.of("uninstall the release"), 7, 7, false, "refused"));
        r.add(new Row("delete the namespace", List.of("delete namespace tiny-ns"), 7, 7, false, "refused"));
        r.add(new Row("a read, then a delete after a ';'", List.of("show pods; kubectl delete ns tiny-ns"), 7, 7, false, "refused"));
        r.add(new Row("a read, then a delete on a new line", List.of("show the pods\nkubectl delete namespace tiny-ns"), 7, 7, false, "refused"));
        // the fence: another namespace or release is refused, never re-aimed
        r.add(new Row("another namespace", List.of("show the pods in namespace kube-system"), 7, 7, false, "kube-system"));
        r.add(new Row("every namespace", List.of("list the secrets across all namespaces"), 7, 7, false, "across namespaces"));
        r.add(new Row("another release", List.of("restart the backend of release other"), 7, 7, false, "other"));
        // the replica bounds, for every engine
        r.add(new Row("replicas above aiOps.maxReplicas", List.of("scale the backend to 11"), 7, 7, false, "out of bounds: 0 to 10"));
        r.add(new Row("a database with 3 replicas", List.of("scale the database to 3"), 7, 7, false, "PostgreSQL runs as one instance"));
        r.add(new Row("replicas out of every range", List.of("scale the backend to 99999999999"), 2, 2, false, "99999999999 is out of range"));
        r.add(new Row("a window out of every range", List.of("errors in the last 99999999999 minutes"), 2, 2, false, "is out of range"));
        r.add(new Row("a window of 2000 years", List.of("errors in the last 730000 days"), 2, 0, true, "is out of range"));
        // requests that look like options or shell
        r.add(new Row("a request that is an option", List.of("--", "--kubeconfig=/etc/passwd show pods"), 0, 0, true, ""));
        r.add(new Row("a command substitution", List.of("show the pods " + touch), 0, 0, true, ""));
        r.add(new Row("backticks", List.of("show the pods " + tick), 0, 0, true, ""));
        r.add(new Row("a restart and a shell command", List.of("restart the backend && rm -rf ~"), 6, 0, true, ""));
        r.add(new Row("escape codes", List.of("show the pods \u001b[31m\u001b]0;title\u0007"), 0, 0, true, ""));
        r.add(new Row("a request of 2000 characters", List.of("show the pods " + "a".repeat(2000)), 0, 0, true, ""));
        r.add(new Row("the key pasted into a request", List.of("why does the backend say " + KEY), 0, 0, true, ""));
        // options and config values: caught before anything runs
        r.add(new Row("a context with a command in it", List.of("--context", "prod" + touch, "show the pods"), 2, 2, false, "a context name"));
        r.add(new Row("a context that is an option", List.of("--context=--kubeconfig=/tmp/x", "show the pods"), 2, 2, false, "a context name"));
        r.add(new Row("a namespace with a ';'", List.of("--set", "chart.namespace=a;b", "show the pods"), 2, 2, false, "chart.namespace"));
        r.add(new Row("a namespace that is a path", List.of("--set", "chart.namespace=../../etc", "show the pods"), 2, 2, false, "chart.namespace"));
        r.add(new Row("a release with a comma", List.of("--set", "chart.release=x,y", "show the pods"), 2, 2, false, "chart.release"));
        r.add(new Row("maxReplicas out of range", List.of("--set", "aiOps.maxReplicas=99999999999", "show the pods"), 2, 2, false, "aiOps.maxReplicas"));
        r.add(new Row("maxReplicas below 0", List.of("--set", "aiOps.maxReplicas=-1", "show the pods"), 2, 2, false, "aiOps.maxReplicas"));
        r.add(new Row("an unknown provider", List.of("--set", "aiOps.provider=evil", "show the pods"), 2, 2, false, "aiOps.provider"));
        r.add(new Row("a timeout that is not a number", List.of("--set", "aiOps.timeoutSeconds=1e9", "show the pods"), 2, 2, false, "aiOps.timeoutSeconds"));
        r.add(new Row("a model name with a comma and a key", List.of("--set", "aiOps.model=gpt-4o,existingSecret=attacker", "show the pods"), 0, 0, true, ""));
        r.add(new Row("an audit log that cannot be written, --yes", List.of("--set", "aiOps.auditLog=/proc/taskora/audit.jsonl", "--yes",
                "scale the backend to 2"), 3, 3, false, "cannot write the audit log /proc/taskora/audit.jsonl"));
        return r;
    }

    @Test
    void adversarialInputsHaveTheirOutcomeThroughBothEngines() throws Exception {
        Path pwned = Files.createDirectories(tmp.resolve("pwned"));
        List<Row> rows = rows(pwned);
        StringBuilder script = new StringBuilder("[");
        for (Row row : rows) {
            if (!row.reachesModel()) continue;
            if (script.length() > 1) script.append(',');
            script.append("{\"reply\": {\"content\": \"Nothing to do for this request.\"}}");
        }
        script.append(']');
        Toolkit.World w = new Toolkit.World(tmp.resolve("w"), "kubectl", "helm");
        Files.createSymbolicLink(w.bin.resolve("kubectl-ai"), ModelServer.kubectlAi());
        Path audit = tmp.resolve("state"), tmpdir = Files.createDirectories(tmp.resolve("tmp"));
        w.env.put("XDG_STATE_HOME", audit.toString());
        w.env.put("TMPDIR", tmpdir.toString());
        w.env.put("HOME", Files.createDirectories(tmp.resolve("home")).toString());
        Toolkit.exec(List.of(w.bin.resolve("helm").toString(), "upgrade", "--install", "tiny", Toolkit.FIXTURE.resolve("chart").toString(), "-n", "tiny-ns",
                "--create-namespace"), w.env, Toolkit.REPO, null, 60).expect(0);

        List<String> failures = new ArrayList<>();
        StringBuilder printed = new StringBuilder();
        int outcomes = 0;
        try (ModelServer model = new ModelServer(tmp.resolve("model"), script.toString())) {
            int reached = 0;
            for (Row row : rows) {
                for (String engine : List.of("builtin", "kubectl-ai")) {
                    int before = w.allCalls().size();
                    List<String> a = new ArrayList<>(List.of("--config", CFG.toString(), "--engine", engine, "--set", "aiOps.model=scripted"));
                    if (engine.equals("kubectl-ai")) a.add("--json");
                    a.addAll(row.args());
                    Toolkit.Run run = w.script("AiOps", model.env(KEY), a.toArray(String[]::new));
                    printed.append(run.all());
                    int want = engine.equals("builtin") ? row.builtin() : row.kubectlAi();
                    List<String> calls = w.allCalls().subList(before, w.allCalls().size());
                    String where = row.what() + " (" + engine + ")";
                    if (run.exit() != want) failures.add(where + ": exit " + run.exit() + ", want " + want + "\n" + run.all());
                    else outcomes++;
                    boolean same = row.builtin() == row.kubectlAi(); // what must be said is the built-in engine's, or both engines' when they agree
                    if (!row.mustSay().isEmpty() && (engine.equals("builtin") || same) && !run.all().contains(row.mustSay()))
                        failures.add(where + ": the output does not say '" + row.mustSay() + "'\n" + run.all());
                    for (String c : calls)
                        if (CHANGE.matcher(c).find()) failures.add(where + ": an unintended command ran: " + c);
                    if (engine.equals("kubectl-ai") && row.reachesModel()) reached++;
                    int got = model.requests().size();
                    if (got != reached) {
                        failures.add(where + ": the model got " + got + " request(s) by now, want " + reached);
                        reached = got;
                    }
                }
            }
        }
        // the values a deploy hands helm: never an option, another key, or a secret on a command line
        outcomes += helmValuesRows(failures);

        String everything = printed + Toolkit.read(w.state.resolve("calls.jsonl")) + readAll(audit);
        for (String s : SECRETS)
            if (everything.contains(s)) failures.add("a secret value was seen (argv, output, --json or audit log): " + s);
        try (Stream<Path> s = Files.list(pwned)) {
            List<Path> made = s.toList();
            if (!made.isEmpty()) failures.add("a request's shell fragment ran: " + made);
        }
        try (Stream<Path> s = Files.list(tmpdir)) {
            List<Path> left = s.toList();
            if (!left.isEmpty()) failures.add("private folders left in TMPDIR: " + left);
        }
        int total = rows.size() * 2 + HELM_ROWS;
        System.out.println("ai-ops adversarial table: " + (rows.size() + HELM_ROWS) + " inputs, " + outcomes + "/" + total
                + " outcomes as expected, " + failures.stream().filter(f -> f.contains("unintended")).count() + " unintended command(s), "
                + failures.stream().filter(f -> f.startsWith("a secret")).count() + " secret value(s) seen");
        assertTrue(rows.size() + HELM_ROWS >= 30, "at least 30 adversarial inputs");
        assertEquals(List.of(), failures);
    }

    static final int HELM_ROWS = 7; // six chart.values rows and kagent-setup's plan

    /** Deploy's helm command for adversarial chart.values (in-process: the command is computed, not run). */
    int helmValuesRows(List<String> failures) throws Exception {
        Path tokenFile = tmp.resolve("db-token");
        Files.writeString(tokenFile, FILE_TOKEN + "\n");
        int ok = 0;
        List<String[]> rows = List.of(
                new String[] {"a comma that would add a key", "chart.values.ingress.host=a.example,existingSecret=attacker", "ingress", "host", "a.example,existingSecret=attacker"},
                new String[] {"a value that is an option", "chart.values.backend.logLevel=--post-renderer=/bin/sh", "backend", "logLevel", "--post-renderer=/bin/sh"},
                new String[] {"a newline in a value", "chart.values.frontend.title=a\nexistingSecret: attacker", "frontend", "title", "a\nexistingSecret: attacker"},
                new String[] {"a literal secret", "chart.values.auth.jwtSecret=" + DB_PASSWORD, "auth", "jwtSecret", DB_PASSWORD},
                new String[] {"a database URL from a file", "chart.values.externalDatabase.url=${file:" + tokenFile + "}", "externalDatabase", "url", FILE_TOKEN},
                new String[] {"an LLM key from the environment", "chart.values.llm.apiKey=${env:ADV_LLM_KEY}", "llm", "apiKey", LLM_KEY});
        for (String[] row : rows) {
            Config cfg = Config.load(Toolkit.REPO.resolve("taskora.yaml"), List.of(row[1]));
            Release.Command cmd = Release.command(cfg, List.of(), "taskora-secrets", 3, Map.of("ADV_LLM_KEY", LLM_KEY)::get);
            String argv = String.join(" ", cmd.args());
            Object stdin = Toolkit.json(cmd.stdin());
            String where = "chart.values: " + row[0];
            boolean good = true;
            if (argv.contains("attacker") || argv.contains("post-renderer") || argv.contains(row[3])) { failures.add(where + ": on helm's argv: " + argv); good = false; }
            if (!row[4].equals(Json.text(stdin, row[2], row[3]))) { failures.add(where + ": stdin holds " + cmd.stdin()); good = false; }
            if (!argv.contains(" -f - ")) { failures.add(where + ": helm does not read the values on stdin: " + argv); good = false; }
            for (String s : SECRETS)
                if (cmd.stdinShown().contains(s) || argv.contains(s)) { failures.add(where + ": secret shown: " + cmd.stdinShown()); good = false; }
            if (good) ok++;
        }
        // kagent-setup's plan: a model name with a comma and a key stays one value, on stdin
        Config cfg = Config.load(CFG, List.of());
        String model = "gpt-4o,kagent.enabled=false";
        List<Kagent.Step> steps = Kagent.setupPlan(cfg, AiTools.provider(cfg), model, Map.of("OPENAI_API_KEY", KEY)::get);
        String argvs = String.join("\n", steps.stream().map(st -> String.join(" ", st.argv())).toList());
        boolean onStdin = steps.stream().anyMatch(st -> st.stdin() != null && st.shown() != null
                && model.equals(Json.text(Toolkit.json(st.stdin()), "kagent", "modelConfig", "model")));
        if (argvs.contains("enabled=false") || argvs.contains(KEY) || !onStdin) failures.add("kagent-setup with aiOps.model=" + model + ":\n" + argvs);
        else ok++;
        return ok;
    }

    static String readAll(Path dir) throws Exception {
        if (!Files.exists(dir)) return "";
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) sb.append(Files.readString(p));
        }
        return sb.toString();
    }
}

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * ai-ops' plain-language translator on a table of requests: paraphrases, the names people give
 * the components, numbers as words, requests that must be refused or not understood. Prints the
 * accuracy; any request translated into a change other than the expected one fails the suite.
 */
class IntentsTest {
    static final String REFUSED = "REFUSED", UNCLEAR = "NOT UNDERSTOOD";

    /** request | expected canonical command (without "ai-ops "), REFUSED or NOT UNDERSTOOD. */
    static final String TABLE = """
            show me all pods that are not running | unhealthy
            which pods are crashing? | unhealthy
            are all pods healthy | unhealthy
            is anything broken | unhealthy
            list the pods that aren't ready | unhealthy
            any pods down? | unhealthy
            what's failing right now | unhealthy
            status | status
            what is the status of the release | status
            give me an overview | status
            how's the deployment doing | status
            what is running in the cluster | status
            how many replicas does the backend have | status backend
            show me everything | status
            list all pods | status
            is the app up | status
            what image is the backend running | status backend
            who deployed last | history
            open the frontend | url
            set backend replicas=3 | scale backend 3
            I need the backend at 4 replicas | scale backend 4
            can we get 2 replicas of the ui | scale frontend 2
            turn the backend off | NOT UNDERSTOOD
            I want to know why the backend has 2 replicas | diagnose backend
            I need to understand why the api runs 3 pods | diagnose backend
            we need to check whether the frontend has 2 pods | status frontend
            why is the backend failing | diagnose backend
            why is this pod failing | diagnose
            why does the API keep restarting? | diagnose backend
            what's wrong with the database | diagnose postgresql
            diagnose the frontend | diagnose frontend
            troubleshoot the mcp server | diagnose mcp-server
            is the db down? | diagnose postgresql
            the UI is broken, why? | diagnose frontend
            why is pod taskora-backend-7d9f8b6c5-x2x7q crashing | diagnose taskora-backend-7d9f8b6c5-x2x7q
            what happened to the tool server | diagnose mcp-server
            debug the web app | diagnose frontend
            diagnose | diagnose
            show me recent errors | errors
            any errors in the api in the last 10 minutes? | errors backend --since 10m
            show backend error logs | errors backend
            list exceptions from the mcp server | errors mcp-server
            what errors did the backend log in the past hour | errors backend --since 1h
            errors backend | errors backend
            show me the stack traces from today | errors --since 24h
            did the database log any errors in the last 2 hours | errors postgresql --since 2h
            show the backend logs | logs backend
            tail the frontend | logs frontend
            what is the API printing | logs backend
            logs postgresql | logs postgresql
            give me the logs of the mcp server for the last 5 minutes | logs mcp-server --since 5m
            show me the logs | NOT UNDERSTOOD
            show events | events
            what happened in the namespace recently | events
            any warnings? | events
            how much memory is the database using | usage postgresql
            show cpu and memory usage | usage
            which pod uses the most cpu | usage
            resource usage please | usage
            is the frontend hungry for ram | usage frontend
            show the release history | history
            list revisions | history
            what version is deployed | history
            when was it last deployed | history
            where can I open the app | url
            what's the url | url
            how do I reach the frontend in my browser | url
            give me the link to the app | url
            has anything been changed by hand? | drift
            drift | drift
            did someone edit the backend by hand | drift
            is the release out of sync with its chart | drift
            show me the drift | drift
            what was changed manually | drift
            who changed the deployment with kubectl edit | drift
            scale the backend to 2 replicas | scale backend 2
            scale backend 3 | scale backend 3
            can you scale the API to three pods? | scale backend 3
            please run 4 instances of the frontend | scale frontend 4
            I want five backend replicas | scale backend 5
            set the mcp server replicas to two | scale mcp-server 2
            increase the UI to 3 pods | scale frontend 3
            bump the api up to 6 copies | scale backend 6
            scale the web frontend down to one | scale frontend 1
            scale the tool server to zero | scale mcp-server 0
            give the backend twelve replicas | REFUSED
            scale the front-end to twenty-one replicas | REFUSED
            scale the database to 1 | scale postgresql 1
            reduce the backend to a single replica | scale backend 1
            scale up the backend | NOT UNDERSTOOD
            add two more backend pods | NOT UNDERSTOOD
            scale everything to 3 | NOT UNDERSTOOD
            scale the backend and the frontend to 2 | NOT UNDERSTOOD
            double the frontend | NOT UNDERSTOOD
            restart the frontend | restart frontend
            restart backend | restart backend
            please bounce the API | restart backend
            reboot the database | restart postgresql
            could you restart the mcp server? | restart mcp-server
            do a rolling restart of the web ui | restart frontend
            restart | NOT UNDERSTOOD
            restart everything | NOT UNDERSTOOD
            roll back the last release | rollback
            rollback | rollback
            rollback 3 | rollback 3
            undo the last deploy | rollback
            go back to the previous version | rollback
            revert to revision 4 | rollback 4
            roll back to version two | rollback 2
            please roll back the release | rollback
            roll back the backend | NOT UNDERSTOOD
            roll back 2 versions | NOT UNDERSTOOD
            go back to yesterday's version | NOT UNDERSTOOD
            delete the namespace | REFUSED
            delete the database | REFUSED
            remove the PVC | REFUSED
            drop all the data | REFUSED
            uninstall the release | REFUSED
            delete the secret taskora-secrets | REFUSED
            kill the backend pod | REFUSED
            wipe the db and start over | REFUSED
            please get rid of the persistent volume claim | REFUSED
            stop the backend | NOT UNDERSTOOD
            show the history of restarts | history
            when was the last rollback | history
            why did the rollback fail | diagnose
            how do I scale the backend | NOT UNDERSTOOD
            show me how to delete the namespace | REFUSED
            why was the backend pod deleted | diagnose backend
            make me a sandwich | NOT UNDERSTOOD
            hello | NOT UNDERSTOOD
            what is the meaning of life | NOT UNDERSTOOD
            | NOT UNDERSTOOD
            """;

    record Row(String request, String expected) {}

    static List<Row> rows() {
        List<Row> out = new ArrayList<>();
        for (String line : TABLE.split("\n")) {
            if (line.isBlank()) continue;
            int bar = line.lastIndexOf('|');
            out.add(new Row(line.substring(0, bar).strip(), line.substring(bar + 1).strip()));
        }
        return out;
    }

    /** What ai-ops does with a translation: refused (also a scale out of aiOps.maxReplicas' default bounds), not understood, or the verb. */
    static String got(Intents.Translation t) {
        if (t.refused() != null) return REFUSED;
        if (!t.understood()) return UNCLEAR;
        if (Changes.refusal(t.intent(), 10) != null) return REFUSED;
        return t.intent().canonical().substring("ai-ops ".length());
    }

    static boolean mutating(String canonical) {
        Intents.Verb v = Intents.verb(canonical.split(" ")[0]);
        return v != null && v.mutating();
    }

    /** Scores rows, prints the accuracy line (the toolkit suite's summary shows it), and returns it; a wrong change fails at once. */
    static double score(String label, List<Row> rows) {
        int right = 0;
        List<String> wrong = new ArrayList<>(), wrongMutations = new ArrayList<>();
        for (Row r : rows) {
            String got = got(Intents.translate(r.request(), "taskora"));
            if (got.equals(r.expected())) { right++; continue; }
            String line = "\"" + r.request() + "\": expected " + r.expected() + ", got " + got;
            wrong.add(line);
            if (mutating(got)) wrongMutations.add(line);
        }
        double accuracy = 100.0 * right / rows.size();
        String summary = String.format(java.util.Locale.ROOT, "ai-ops %s: %d/%d right (%.1f %%), %d wrong change(s)",
                label, right, rows.size(), accuracy, wrongMutations.size());
        System.out.println(summary);
        wrong.forEach(w -> System.out.println("  wrong: " + w));
        assertTrue(wrongMutations.isEmpty(), "requests translated into a wrong change:\n" + String.join("\n", wrongMutations));
        return accuracy;
    }

    @Test
    void theRequestTable() {
        List<Row> rows = rows();
        assertEquals(133, rows.size(), "the table's requests (docs/AI-OPS.md says how many)");
        assertEquals(rows.size(), rows.stream().map(Row::request).distinct().count(), "no request twice");
        double accuracy = score("request table", rows);
        assertTrue(accuracy >= 95.0, "accuracy " + accuracy);
    }

    /**
     * Issue 21.6: 45 requests written by someone who had not read the translator's rules
     * (tests/toolkit/fixtures/requests-new.txt), scored on their own: the accuracy is printed, and
     * no row may become a wrong change.
     */
    @Test
    void requestsWrittenBlind() throws Exception {
        List<Row> rows = new ArrayList<>();
        for (String line : java.nio.file.Files.readAllLines(Toolkit.REPO.resolve("tests/toolkit/fixtures/requests-new.txt"))) {
            if (line.isBlank()) continue;
            int bar = line.lastIndexOf('|');
            rows.add(new Row(line.substring(0, bar).strip(), line.substring(bar + 1).strip()));
        }
        assertEquals(45, rows.size());
        score("request table, new rows written blind", rows);
    }

    /** A benchmark that prints (not a timed assertion): the translation alone, in-process, per request. */
    @Test
    void translationTime() {
        List<Row> rows = rows();
        for (Row r : rows) Intents.translate(r.request(), "taskora"); // warm up
        List<Long> nanos = new ArrayList<>();
        java.util.Map<String, java.util.Set<String>> answers = new java.util.TreeMap<>();
        for (int round = 0; round < 20; round++)
            for (Row r : rows) {
                long t0 = System.nanoTime();
                Intents.Translation t = Intents.translate(r.request(), "taskora");
                nanos.add(System.nanoTime() - t0);
                answers.computeIfAbsent(r.request(), k -> new java.util.TreeSet<>()).add(got(t));
            }
        java.util.Collections.sort(nanos);
        System.out.println(String.format(java.util.Locale.ROOT, "ai-ops translation in-process: p50 %.3f ms, p95 %.3f ms, max %.3f ms (%d translations)",
                nanos.get(nanos.size() / 2) / 1e6, nanos.get((int) (nanos.size() * 0.95)) / 1e6, nanos.get(nanos.size() - 1) / 1e6, nanos.size()));
        java.util.Map<String, java.util.Set<String>> once = new java.util.TreeMap<>();
        for (Row r : rows) once.put(r.request(), java.util.Set.of(got(Intents.translate(r.request(), "taskora"))));
        assertEquals(once, answers, "every timed round gave each request its one answer");
    }

    @Test
    void theTableCoversEveryVerbRefusalsAndUnclearRequests() {
        List<Row> rows = rows();
        assertEquals(new java.util.TreeSet<>(Intents.VERBS.stream().map(Intents.Verb::word).toList()),
                new java.util.TreeSet<>(rows.stream().map(Row::expected).filter(e -> !e.equals(REFUSED) && !e.equals(UNCLEAR)).map(e -> e.split(" ")[0]).toList()),
                "the table asks for every verb of the translator, and only those");
        assertEquals(List.of("give the backend twelve replicas", "scale the front-end to twenty-one replicas", "delete the namespace", "delete the database", "remove the PVC", "drop all the data", "uninstall the release",
                "delete the secret taskora-secrets", "kill the backend pod", "wipe the db and start over",
                "please get rid of the persistent volume claim", "show me how to delete the namespace"),
                rows.stream().filter(r -> r.expected().equals(REFUSED)).map(Row::request).toList());
        assertEquals(List.of("turn the backend off", "show me the logs", "scale up the backend", "add two more backend pods", "scale everything to 3",
                "scale the backend and the frontend to 2", "double the frontend", "restart", "restart everything", "roll back the backend",
                "roll back 2 versions", "go back to yesterday's version", "stop the backend", "how do I scale the backend", "make me a sandwich",
                "hello", "what is the meaning of life", ""),
                rows.stream().filter(r -> r.expected().equals(UNCLEAR)).map(Row::request).toList());
    }

    @Test
    void numbersAsWordsAndContractionsAreNormalised() {
        assertEquals("scale the backend to 21 replicas", Intents.normalize("Scale the backend to twenty-one replicas!"));
        assertEquals("what is wrong with the api", Intents.normalize("What's wrong with the API?"));
        assertEquals("why is not the ui 3 pods", Intents.normalize("Why isn't the UI three pods"));
    }

    @Test
    void theSameRequestAlwaysGivesTheSameAnswer() {
        for (Row r : rows())
            assertEquals(got(Intents.translate(r.request(), "taskora")), got(Intents.translate(r.request(), "taskora")), r.request());
    }

    /** kubectl-ai's split: reads are listed, everything else writes (unknown commands included). */
    @Test
    void theWriteClassifier() {
        for (String read : List.of("kubectl get pods -n x -o json", "kubectl --context c logs p -c c --previous", "kubectl top pods",
                "kubectl get --raw /apis/metrics.k8s.io/v1beta1/namespaces/x/pods", "helm status r -n x -o json", "helm history r -n x",
                "kubectl -n x rollout status deployment/a", "kubectl config current-context", "kubectl describe pod a"))
            assertFalse(Intents.writes(List.of(read.split(" "))), read);
        for (String write : List.of("kubectl scale deployments -l a=b --replicas=2", "kubectl -n x rollout restart deployment/a",
                "kubectl delete pod a", "kubectl apply -f -", "kubectl --context c -n x set image deployment/a a=b", "kubectl exec a -- sh",
                "helm rollback r 2 -n x", "helm upgrade --install r c", "helm uninstall r", "kubectl port-forward svc/a 1:1",
                "kubectl patch secret s -p {}", "frobnicate --all", "kubectl", "kubectl rollout undo deployment/a"))
            assertTrue(Intents.writes(List.of(write.split(" "))), write);
    }

    @Test
    void everyVerbIsClassifiedAndOnlyScaleRestartRollbackWrite() {
        assertEquals(List.of("scale", "restart", "rollback"), Intents.VERBS.stream().filter(Intents.Verb::mutating).map(Intents.Verb::word).toList());
        assertEquals(List.of("scale", "restart", "rollback", "kagent-setup"),
                java.util.Arrays.stream(Intents.Verb.values()).filter(Intents.Verb::mutating).map(Intents.Verb::word).toList());
        assertEquals(List.of("kagent-setup", "review-dockerfiles"),
                java.util.Arrays.stream(Intents.Verb.values()).filter(v -> !v.translated()).map(Intents.Verb::word).toList());
    }

    /** The translator's answer is a subcommand's argv: what picocli then runs as if typed. */
    @Test
    void anIntentIsTheArgvOfItsSubcommand() {
        assertEquals(List.of("scale", "backend", "3"), Intents.translate("scale the API to three pods", "taskora").intent().argv());
        assertEquals(List.of("errors", "backend", "--since", "10m"),
                Intents.translate("any errors in the api in the last 10 minutes?", "taskora").intent().argv());
        assertEquals(List.of("rollback", "4"), Intents.translate("revert to revision 4", "taskora").intent().argv());
        assertEquals(List.of("diagnose", "taskora-backend-7d9f8b6c5-x2x7q"),
                Intents.translate("why is pod taskora-backend-7d9f8b6c5-x2x7q crashing", "taskora").intent().argv());
        assertEquals("ai-ops logs mcp-server --since 5m",
                Intents.translate("give me the logs of the mcp server for the last 5 minutes", "taskora").intent().canonical());
    }

    /** After a verb, words of a sentence make a request; anything else is the verb's (typed) arguments. */
    @Test
    void sentenceWordsAfterAVerbMakeARequest() {
        for (String plain : List.of("the API to three pods", "backend to 3", "to revision 4", "the frontend please", "all pods"))
            assertTrue(Intents.sentence(List.of(plain.split(" "))), plain);
        for (String typed : List.of("backend 3", "backend x", "v1", "4x", "nosuchthing", "foo bar", "", "taskora-backend-0"))
            assertFalse(Intents.sentence(typed.isEmpty() ? List.of() : List.of(typed.split(" "))), typed);
    }
}

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

/** smoke: parsing kubectl -o json, the journey's checks, one line per check, exit codes. */
class SmokeTest {
    @TempDir Path tmp;

    static final String PODS = """
            {"items":[
             {"metadata":{"name":"web-1","ownerReferences":[{"kind":"ReplicaSet"}]},"status":{"phase":"Running",
              "conditions":[{"type":"Ready","status":"True"}]}},
             {"metadata":{"name":"migrate-x","ownerReferences":[{"kind":"Job"}]},"status":{"phase":"Succeeded","conditions":[]}},
             {"metadata":{"name":"api-1"},"status":{"phase":"Running","conditions":[{"type":"Ready","status":"False"}]}},
             {"metadata":{"name":"tiny-test-backend-ready","annotations":{"helm.sh/hook":"test"}},"status":{"phase":"Failed",
              "conditions":[{"type":"Ready","status":"False"}]}}]}""";

    @Test
    void podsReadyIgnoresJobAndHelmTestPodsAndNamesTheOthers() {
        Failure f = assertThrows(Failure.class, () -> SmokeChecks.podsReady(Toolkit.json(PODS)));
        assertEquals("1/2 Ready; not Ready: api-1 (Running)", f.getMessage());
        String healthy = "{\"items\":[{\"metadata\":{\"name\":\"a\"},\"status\":{\"phase\":\"Running\",\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}]}},"
                + "{\"metadata\":{\"name\":\"m\",\"ownerReferences\":[{\"kind\":\"Job\"}]},\"status\":{\"phase\":\"Running\"}}]}";
        assertEquals("1/1 Ready", SmokeChecks.podsReady(Toolkit.json(healthy)), "a running Job pod is not a serving pod");
        assertThrows(Failure.class, () -> SmokeChecks.podsReady(Toolkit.json("{\"items\":[]}")), "no pods is a failure");
    }

    @Test
    void everyServiceNeedsAReadyEndpoint() {
        Object svcs = Toolkit.json("{\"items\":[{\"metadata\":{\"name\":\"fe\"},\"spec\":{\"type\":\"ClusterIP\"}},"
                + "{\"metadata\":{\"name\":\"db\"},\"spec\":{\"type\":\"ClusterIP\"}},{\"metadata\":{\"name\":\"ext\"},\"spec\":{\"type\":\"ExternalName\"}}]}");
        Object slices = Toolkit.json("{\"items\":[{\"metadata\":{\"labels\":{\"kubernetes.io/service-name\":\"fe\"}},"
                + "\"endpoints\":[{\"addresses\":[\"10.0.0.1\"],\"conditions\":{\"ready\":true}}]},"
                + "{\"metadata\":{\"labels\":{\"kubernetes.io/service-name\":\"db\"}},\"endpoints\":[{\"addresses\":[\"10.0.0.2\"],\"conditions\":{\"ready\":false}}]}]}");
        Failure f = assertThrows(Failure.class, () -> SmokeChecks.servicesHaveEndpoints(svcs, slices));
        assertEquals("no ready endpoints: db", f.getMessage());
        Object ok = Toolkit.json("{\"items\":[{\"metadata\":{\"labels\":{\"kubernetes.io/service-name\":\"fe\"}},\"endpoints\":[{\"conditions\":{}}]},"
                + "{\"metadata\":{\"labels\":{\"kubernetes.io/service-name\":\"db\"}},\"endpoints\":[{\"conditions\":{\"ready\":true}}]}]}");
        assertEquals("2/2 with endpoints", SmokeChecks.servicesHaveEndpoints(svcs, ok));
    }

    /** The journey against a frontend that forgets the session cookie: the login checks fail, by name. */
    @Test
    void journeyReportsEachFailedStep() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            String path = ex.getRequestURI().getPath();
            byte[] body = (path.equals("/api/health") ? "{\"status\":\"ok\"}" : path.equals("/login") ? "<html>login</html>"
                    : path.startsWith("/api/auth/") ? "{\"user\":{}}" : "{\"detail\":\"Not authenticated\"}").getBytes(StandardCharsets.UTF_8);
            int code = path.equals("/api/health") || path.equals("/login") ? 200 : path.equals("/api/auth/signup") ? 201
                    : path.equals("/api/auth/login") || path.equals("/api/auth/logout") ? 200 : 401;
            ex.sendResponseHeaders(code, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        try {
            List<SmokeChecks.Result> r = SmokeChecks.journey("http://127.0.0.1:" + server.getAddress().getPort(), "add a task to buy milk", "buy milk",
                    Duration.ofSeconds(5));
            Map<String, Boolean> ok = new java.util.LinkedHashMap<>();
            for (SmokeChecks.Result x : r) ok.put(x.name(), x.ok());
            assertEquals(true, ok.get("frontend /api/health"));
            assertEquals(true, ok.get("frontend login page"));
            assertEquals(false, ok.get("sign up"), "no taskora_session cookie");
            assertEquals(true, ok.get("log out"));
            assertEquals(false, ok.get("create task"));
            assertEquals(false, ok.get("task from chat listed"));
            assertTrue(r.stream().filter(x -> x.name().equals("sign up")).findFirst().orElseThrow().detail().contains("set no taskora_session cookie"));
        } finally {
            server.stop(0);
        }
    }

    /**
     * Right after a rollout the chat can answer 503 with a Retry-After (its tool server not yet
     * reachable): the check asks again, within its warm-up, and says so; a 503 without Retry-After,
     * or one that lasts past the warm-up, fails.
     */
    @Test
    void chatIsAskedAgainAfterA503WithRetryAfterWithinTheWarmUp() throws Exception {
        AtomicInteger unavailable = new AtomicInteger();
        AtomicInteger asked = new AtomicInteger();
        AtomicBoolean retryAfter = new AtomicBoolean(true);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/chat", ex -> {
            asked.incrementAndGet();
            boolean down = unavailable.getAndDecrement() > 0;
            byte[] body = (down ? "{\"detail\":\"assistant unavailable\"}" : "{\"response\":\"added\"}").getBytes(StandardCharsets.UTF_8);
            if (down && retryAfter.get()) ex.getResponseHeaders().add("Retry-After", "1");
            ex.sendResponseHeaders(down ? 503 : 200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        try {
            unavailable.set(2);
            long t0 = System.nanoTime();
            assertEquals("200 (try 3; 503 with Retry-After before)", SmokeChecks.chat(http, base, "add a task", Duration.ofSeconds(10)));
            assertEquals(3, asked.get());
            assertTrue(System.nanoTime() - t0 >= 2_000_000_000L, "Retry-After: 1 was waited for, twice");

            unavailable.set(100);
            asked.set(0);
            t0 = System.nanoTime();
            Failure f = assertThrows(Failure.class, () -> SmokeChecks.chat(http, base, "add a task", Duration.ofSeconds(2)));
            assertTrue(f.getMessage().startsWith("POST /api/chat answered 503 (expected 200)") && f.getMessage().endsWith("; 503 with Retry-After before)")
                            && asked.get() >= 2, asked.get() + " tries: " + f.getMessage());
            assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "bounded by the warm-up");

            retryAfter.set(false);
            asked.set(0);
            f = assertThrows(Failure.class, () -> SmokeChecks.chat(http, base, "add a task", Duration.ofSeconds(10)));
            assertEquals(1, asked.get(), "a 503 without Retry-After is judged at once: " + f.getMessage());
        } finally {
            server.stop(0);
        }
    }

    void deployed(Toolkit.World w) {
        // The fake helm "installs" the release: pods, services, endpoint slices with the real labels.
        Toolkit.exec(List.of(Toolkit.FAKES.resolve("helm").toString(), "upgrade", "--install", "tiny", Toolkit.FIXTURE.resolve("chart").toString(),
                "--namespace", "tiny-ns", "--create-namespace"), w.env, Toolkit.REPO, null, 30).expect(0);
    }

    @Test
    void passesAgainstAHealthyRelease() {
        Toolkit.World w = new Toolkit.World(tmp);
        deployed(w);
        Toolkit.Run r = w.script("Smoke", "--config", Toolkit.FIXTURE.resolve("taskora.yaml").toString()).expect(0);
        assertTrue(r.out().contains("smoke: 14 passed, 0 failed"), r.out());
        assertEquals(List.of("pods Ready", "services have endpoints", "backend /healthz", "backend /readyz", "frontend /api/health",
                        "frontend login page", "sign up", "log out", "log in", "who am I", "create task", "list tasks",
                        "chat: \"add a task to buy milk\"", "task from chat listed"),
                r.out().lines().filter(l -> l.startsWith("PASS ")).map(l -> l.substring(6, 6 + 34).strip()).toList(), r.out());
        assertTrue(r.out().contains("PASS  pods Ready") && r.out().contains("4/4 Ready"), "the Job pod is not counted: " + r.out());
        assertTrue(w.calls("kubectl").contains("kubectl --context tiny get services -n tiny-ns -l app.kubernetes.io/instance=tiny,app.kubernetes.io/component=frontend -o json"),
                "the frontend Service is found by labels: " + w.calls("kubectl"));
    }

    @Test
    void aPodThatNeverGetsReadyFailsWithinTheTimeout() {
        Toolkit.World w = new Toolkit.World(tmp);
        w.env.put("FAKE_POD_NOT_READY", "backend");
        deployed(w);
        long t0 = System.currentTimeMillis();
        Toolkit.Run r = w.script("Smoke", "--config", Toolkit.FIXTURE.resolve("taskora.yaml").toString(), "--set", "smoke.timeoutSeconds=5")
                .expect(Exit.CHECK_FAILED);
        assertTrue(System.currentTimeMillis() - t0 < 60_000, "bounded by smoke.timeoutSeconds");
        assertTrue(r.out().contains("FAIL  pods Ready") && r.out().contains("not Ready: tiny-backend-0 (Running)"), r.out());
        assertTrue(r.out().contains("FAIL  services have endpoints") && r.out().contains("no ready endpoints: tiny-backend"), r.out());
        assertTrue(r.out().contains("==> diagnosis of release tiny") && r.out().contains("problem: Pod/tiny-backend-0 (backend): pod is Running and not Ready"),
                "the shared diagnosis says which pod and why: " + r.out());
    }

    @Test
    void aChatThatCreatesNoTaskFails() {
        Toolkit.World w = new Toolkit.World(tmp);
        deployed(w);
        Toolkit.Run r = w.script("Smoke", Map.of("FAKE_APP_CHAT_BROKEN", "1"), "--config", Toolkit.FIXTURE.resolve("taskora.yaml").toString())
                .expect(Exit.CHECK_FAILED);
        assertTrue(r.out().contains("PASS  chat: \"add a task to buy milk\""), r.out());
        assertTrue(r.out().contains("FAIL  task from chat listed") && r.out().contains("no task containing 'buy milk'"), r.out());
        assertTrue(r.out().contains("smoke: 13 passed, 1 failed"), r.out());
    }

    @Test
    void noReleaseIsAClearFailure() {
        Toolkit.World w = new Toolkit.World(tmp);
        Toolkit.Run r = w.script("Smoke", "--config", Toolkit.FIXTURE.resolve("taskora.yaml").toString(), "--set", "smoke.timeoutSeconds=5")
                .expect(Exit.CHECK_FAILED);
        assertTrue(r.out().contains("no pods of the release found"), r.out());
    }
}

// The smoke test of a deployed release: every pod Ready, every Service with ready endpoints, the
// backend's /healthz and /readyz (through a kubectl port-forward), then a real user journey through
// the frontend's entry point (sign up, log out, log in, who am I, create and list a task, a chat
// message that creates a task through MCP, and that task listed). Used by smoke (the step itself)
// and deploy (its last step). The Services and the Ingress it connects through are found by
// scripts/lib/Reach.java, as deploy and ai-ops find them.
// Exposes: SmokeChecks.run(cfg, baseUrl) -> List<Result> (each printed as one line), SmokeChecks.quick(cfg)
// (pods and endpoints only: a release deploy left alone),
// SmokeChecks.checkUrl(option, url); for tests journey(...), podsReady(...), servicesHaveEndpoints(...).

import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.zeroturnaround.exec.StartedProcess;

final class SmokeChecks {
    private SmokeChecks() {}

    /** One check: its name, whether it passed, what it found (or why it failed), how long it took. */
    record Result(String name, boolean ok, String detail, long millis) {}

    /** Runs every check, printing one line each; returns them all. */
    static List<Result> run(Config cfg, String baseUrl) {
        Console.heading("smoke test of release " + cfg.release() + " in namespace " + cfg.namespace());
        List<Result> results = new ArrayList<>();
        if (Cmd.dryRun) {
            Console.info(Console.yellow("[dry-run] ") + "would check pods, endpoints, backend /healthz and /readyz, and the journey "
                    + "signup, login, create task, list, chat \"" + cfg.str("smoke.chatMessage") + "\" through the frontend");
            return results;
        }
        List<PortForward> forwards = new ArrayList<>();
        boolean onCluster = baseUrl == null;
        try {
            if (baseUrl == null) {
                long deadline = System.currentTimeMillis() + cfg.num("smoke.timeoutSeconds") * 1000;
                results.add(check("pods Ready", () -> waitFor(deadline, () -> podsReady(cfg))));
                results.add(check("services have endpoints", () -> waitFor(deadline, () -> servicesHaveEndpoints(cfg))));
                PortForward backend = PortForward.start(cfg, "backend", 8000);
                forwards.add(backend);
                HttpClient plain = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
                results.add(check("backend /healthz", () -> expect(get(plain, backend.url() + "/healthz"), 200, null)));
                results.add(check("backend /readyz", () -> expect(get(plain, backend.url() + "/readyz"), 200, null)));
                if ("ingress".equals(cfg.str("smoke.via"))) {
                    baseUrl = ingressUrl(cfg);
                } else {
                    PortForward fe = PortForward.start(cfg, "frontend", 3000);
                    forwards.add(fe);
                    baseUrl = fe.url();
                }
            }
            results.addAll(journey(baseUrl, cfg.str("smoke.chatMessage"), cfg.str("smoke.expectTask"), CHAT_WARM_UP));
        } catch (Failure f) {
            results.add(new Result("setup", false, f.getMessage(), 0));
            Console.info(Console.status(false) + "  setup: " + f.getMessage());
        } finally {
            for (PortForward pf : forwards) pf.close();
        }
        return summarize(cfg, results, onCluster);
    }

    /** The count line; when a check failed on the cluster, why (Diagnosis: when pods are at fault). */
    private static List<Result> summarize(Config cfg, List<Result> results, boolean onCluster) {
        long passed = results.stream().filter(Result::ok).count();
        if (passed < results.size() && onCluster) Diagnosis.explain(cfg);
        Console.info((passed == results.size() ? Console.green("smoke: ") : Console.red("smoke: "))
                + passed + " passed, " + (results.size() - passed) + " failed");
        return results;
    }

    /**
     * The smoke test of a release that did not change (deploy found it up to date and left it
     * alone): every pod Ready and every Service with ready endpoints, asked once, side by side. What
     * the journey tests has not changed since it last passed; deploy --full-smoke (or smoke@taskora)
     * runs it all the same.
     */
    static List<Result> quick(Config cfg) {
        Console.heading("smoke test of release " + cfg.release() + " in namespace " + cfg.namespace() + " (unchanged: pods and endpoints)");
        List<Result> results = new ArrayList<>();
        if (Cmd.dryRun) {
            Console.info(Console.yellow("[dry-run] ") + "would check that every pod is Ready and every Service has endpoints");
            return results;
        }
        String label = "app.kubernetes.io/instance=" + cfg.release();
        Cmd.prefetch(List.of(Cmd.line(cfg.kubectl("get", "pods", "-n", cfg.namespace(), "-l", label, "-o", "json")),
                Cmd.line(cfg.kubectl("get", "services", "-n", cfg.namespace(), "-l", label, "-o", "json")),
                Cmd.line(cfg.kubectl("get", "endpointslices", "-n", cfg.namespace(), "-o", "json"))));
        results.add(check("pods Ready", () -> podsReady(cfg)));
        results.add(check("services have endpoints", () -> servicesHaveEndpoints(cfg)));
        return summarize(cfg, results, true);
    }

    /**
     * How long the chat may answer 503 with a Retry-After (the backend's "assistant unavailable: its
     * tool server cannot be reached") before the check fails. Right after a rollout the MCP server's
     * pod is Ready and its Service has the endpoint, yet the node's rules for them (kube-proxy's
     * Service rules, the NetworkPolicy agent's allow lists of pod addresses) can lag seconds behind
     * on a busy node: a user would try again, and so does the check, saying it did.
     */
    static final Duration CHAT_WARM_UP = Duration.ofSeconds(30);

    /** The user journey through the frontend's routes (DEVELOPERS.md), one Result per step. */
    static List<Result> journey(String base, String chatMessage, String expectTask, Duration chatWarmUp) {
        List<Result> out = new ArrayList<>();
        // HTTP/1.1 only: Java's default asks for an h2c upgrade, and Next.js' standalone server
        // hands such requests to its upgrade (WebSocket) handler, which closes them unanswered.
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).cookieHandler(new CookieManager())
                .connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();
        String email = "smoke-" + UUID.randomUUID().toString().substring(0, 8) + "@example.test";
        String password = "Smoke-" + UUID.randomUUID();
        String creds = Json.write(Map.of("email", email, "password", password));
        String title = "smoke task " + UUID.randomUUID().toString().substring(0, 6);
        out.add(check("frontend /api/health", () -> expect(get(http, base + "/api/health"), 200, "\"ok\"")));
        out.add(check("frontend login page", () -> expect(get(http, base + "/login"), 200, "<")));
        out.add(check("sign up", () -> expectCookie(http, base, send(http, "POST", base + "/api/auth/signup", creds), 200, 201)));
        out.add(check("log out", () -> expect(send(http, "POST", base + "/api/auth/logout", Json.write(Map.of())), 200, 204)));
        out.add(check("log in", () -> expectCookie(http, base, send(http, "POST", base + "/api/auth/login", creds), 200, 200)));
        out.add(check("who am I", () -> expect(get(http, base + "/api/auth/me"), 200, email)));
        out.add(check("create task", () -> expect(send(http, "POST", base + "/api/tasks",
                Json.write(Map.of("title", title, "description", "created by the smoke test"))), 201, title)));
        out.add(check("list tasks", () -> expect(get(http, base + "/api/tasks?status=all"), 200, title)));
        out.add(check("chat: \"" + chatMessage + "\"", () -> chat(http, base, chatMessage, chatWarmUp)));
        out.add(check("task from chat listed", () -> {
            HttpResponse<String> r = get(http, base + "/api/tasks?status=all");
            expect(r, 200, null);
            if (!r.body().toLowerCase().contains(expectTask.toLowerCase()))
                throw new Failure(Exit.CHECK_FAILED, "no task containing '" + expectTask + "' in " + abbreviate(r.body()));
            return "found '" + expectTask + "'";
        }));
        return out;
    }

    /**
     * The chat message sent; a 503 with a Retry-After is asked again after that many seconds (1 to
     * 5) while chatWarmUp lasts. Any other answer is judged at once; the line says how many tries.
     */
    static String chat(HttpClient http, String base, String message, Duration chatWarmUp) {
        long deadline = System.nanoTime() + chatWarmUp.toNanos();
        String body = Json.write(Map.of("message", message));
        for (int tries = 1; ; tries++) {
            HttpResponse<String> r = send(http, "POST", base + "/api/chat", body);
            OptionalLong retryAfter = r.statusCode() == 503 ? r.headers().firstValueAsLong("retry-after") : OptionalLong.empty();
            long pause = Math.max(1, Math.min(5, retryAfter.orElse(0))) * 1000;
            if (retryAfter.isEmpty() || System.nanoTime() + pause * 1_000_000 > deadline) {
                String after = tries == 1 ? "" : " (try " + tries + "; 503 with Retry-After before)";
                try {
                    return expect(r, 200, null) + after;
                } catch (Failure f) {
                    throw new Failure(f.exitCode, f.getMessage() + after);
                }
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return expect(r, 200, null);
            }
        }
    }

    // ---------------------------------------------------------------- cluster checks
    /**
     * A dry run's check that the real run could start: the release's pods can be asked for (the
     * cluster answers, kubectl is there). Read-only; whether they are Ready is the real run's to wait for.
     */
    static void reachable(Config cfg) {
        Cmd.Result r = Cmd.query(cfg.kubectl("get", "pods", "-n", cfg.namespace(), "-l", "app.kubernetes.io/instance=" + cfg.release(), "-o", "name"));
        if (!r.ok())
            throw new Failure(Exit.CHECK_FAILED, "dry run: the real run would fail at its first check: kubectl get pods: " + (r.exit() == Cmd.NOT_FOUND ? r.err() : r.tail()),
                    "is the cluster reachable? try: " + String.join(" ", cfg.kubectl("cluster-info")));
    }

    /** Every serving pod of the release Ready (not Job or Helm hook pods). Returns a summary or throws. */
    static String podsReady(Config cfg) {
        Cmd.Result r = Cmd.check(Cmd.query(cfg.kubectl("get", "pods", "-n", cfg.namespace(), "-l",
                "app.kubernetes.io/instance=" + cfg.release(), "-o", "json")), "kubectl get pods", null);
        return podsReady(Json.bind(r.out(), Kube.Pods.class, "kubectl get pods").items());
    }

    static String podsReady(Object doc) {
        return podsReady(Json.bind(doc, Kube.Pods.class).items());
    }

    static String podsReady(List<Kube.Pod> pods) {
        int ready = 0, total = 0;
        List<String> notReady = new ArrayList<>();
        for (Kube.Pod pod : pods) {
            // A Job's pods finish, and a helm test pod stays as it ended (failed, too, until the next
            // helm test): neither is served.
            if (pod.ofJob() || pod.helmHook() || pod.phase().equals("Succeeded")) continue;
            total++;
            if (pod.ready()) ready++; else notReady.add(pod.name() + " (" + pod.phase() + ")");
        }
        if (total == 0) throw new Failure(Exit.CHECK_FAILED, "no pods of the release found");
        if (!notReady.isEmpty()) throw new Failure(Exit.CHECK_FAILED, ready + "/" + total + " Ready; not Ready: " + String.join(", ", notReady));
        return ready + "/" + total + " Ready";
    }

    static String servicesHaveEndpoints(Config cfg) {
        Cmd.Result svc = Cmd.check(Cmd.query(cfg.kubectl("get", "services", "-n", cfg.namespace(), "-l",
                "app.kubernetes.io/instance=" + cfg.release(), "-o", "json")), "kubectl get services", null);
        Cmd.Result eps = Cmd.check(Cmd.query(cfg.kubectl("get", "endpointslices", "-n", cfg.namespace(), "-o", "json")),
                "kubectl get endpointslices", null);
        return servicesHaveEndpoints(Json.parse(svc.out(), "kubectl get services"), Json.parse(eps.out(), "kubectl get endpointslices"));
    }

    /** Every Service (but ExternalName) has at least one ready endpoint in its EndpointSlices. */
    static String servicesHaveEndpoints(Object services, Object slices) {
        List<String> empty = new ArrayList<>();
        int n = 0;
        for (Object s : Json.items(services, "items")) {
            if ("ExternalName".equals(Json.text(s, "spec", "type"))) continue;
            String name = Json.text(s, "metadata", "name");
            n++;
            int ready = 0;
            for (Object slice : Json.items(slices, "items")) {
                if (!name.equals(Json.text(slice, "metadata", "labels", "kubernetes.io/service-name"))) continue;
                for (Object ep : Json.items(slice, "endpoints"))
                    if (!"false".equals(Json.text(ep, "conditions", "ready"))) ready++;
            }
            if (ready == 0) empty.add(name);
        }
        if (n == 0) throw new Failure(Exit.CHECK_FAILED, "no services of the release found");
        if (!empty.isEmpty()) throw new Failure(Exit.CHECK_FAILED, "no ready endpoints: " + String.join(", ", empty));
        return n + "/" + n + " with endpoints";
    }

    /** smoke.via ingress: the base URL of the release's Ingress (scripts/lib/Reach.java). */
    static String ingressUrl(Config cfg) {
        Object ingress = Reach.fetch(cfg).ingress();
        if (ingress == null) throw new Failure(Exit.CHECK_FAILED, "smoke.via is ingress but the release has no Ingress with a host",
                "enable it in the values file (ingress.enabled) or use --via port-forward");
        return Reach.ingressUrl(ingress);
    }

    /** kubectl port-forward on 127.0.0.1 to a component's Service; a free local port is picked. */
    record PortForward(StartedProcess process, int localPort) {
        String url() { return "http://127.0.0.1:" + localPort; }

        static final Pattern FORWARDING = Pattern.compile("Forwarding from 127\\.0\\.0\\.1:(\\d+)");

        static PortForward start(Config cfg, String component, int fallbackPort) {
            Reach.Service svc = Reach.service(cfg, component);
            String port = svc.port().isEmpty() ? String.valueOf(fallbackPort) : svc.port();
            CompletableFuture<Integer> local = new CompletableFuture<>();
            StringBuilder seen = new StringBuilder();
            StartedProcess p = Cmd.background(cfg.kubectl("port-forward", "-n", cfg.namespace(), "--address", "127.0.0.1",
                    "svc/" + svc.name(), ":" + port), line -> {
                        seen.append(line).append('\n');
                        Matcher m = FORWARDING.matcher(line);
                        if (m.find()) local.complete(Integer.parseInt(m.group(1)));
                    });
            try {
                return new PortForward(p, local.get(30, TimeUnit.SECONDS));
            } catch (Exception e) {
                p.getProcess().destroy();
                throw new Failure(Exit.CHECK_FAILED, "kubectl port-forward to svc/" + svc.name() + " did not start: " + abbreviate(seen.toString()));
            }
        }

        void close() {
            process.getProcess().destroy();
        }
    }

    /** An absolute http(s) URL with a host, without a trailing '/'; anything else is one clear line (exit 2). */
    static String checkUrl(String option, String url) {
        URI u;
        try {
            u = new URI(url.strip());
        } catch (java.net.URISyntaxException e) {
            u = null;
        }
        if (u == null || !u.isAbsolute() || !List.of("http", "https").contains(String.valueOf(u.getScheme()).toLowerCase())
                || u.getHost() == null || u.getHost().isEmpty())
            throw new Failure(Exit.USAGE, option + " " + url + ": not an http:// or https:// URL with a host",
                    "e.g. " + option + " http://127.0.0.1:3000 (the frontend's base URL)");
        String s = u.toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    // ---------------------------------------------------------------- helpers
    static Result check(String name, Supplier<String> body) {
        long t0 = System.currentTimeMillis();
        boolean ok;
        String detail;
        try {
            detail = body.get();
            ok = true;
        } catch (Failure f) {
            detail = f.getMessage();
            ok = false;
        } catch (RuntimeException e) {
            detail = e.getClass().getSimpleName() + ": " + e.getMessage();
            ok = false;
        }
        long ms = System.currentTimeMillis() - t0;
        Console.info(String.format("%s  %-34s %6s  %s", Console.status(ok), name, Console.seconds(ms), detail == null ? "" : detail));
        return new Result(name, ok, detail, ms);
    }

    static String waitFor(long deadline, Supplier<String> probe) {
        while (true) {
            try {
                return probe.get();
            } catch (Failure f) {
                if (System.currentTimeMillis() > deadline || f.exitCode != Exit.CHECK_FAILED) throw f;
                try { Thread.sleep(2000); } catch (InterruptedException e) { Thread.currentThread().interrupt(); throw f; }
            }
        }
    }

    static HttpResponse<String> get(HttpClient http, String url) {
        return send(http, "GET", url, null);
    }

    static HttpResponse<String> send(HttpClient http, String method, String url, String json) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        if (json != null) b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        else b.method(method, HttpRequest.BodyPublishers.noBody());
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new Failure(Exit.CHECK_FAILED, method + " " + url + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
    }

    static String expect(HttpResponse<String> r, int status, String bodyContains) {
        if (r.statusCode() != status)
            throw new Failure(Exit.CHECK_FAILED, r.request().method() + " " + r.uri().getPath() + " answered " + r.statusCode()
                    + " (expected " + status + "): " + abbreviate(r.body()));
        if (bodyContains != null && !r.body().contains(bodyContains))
            throw new Failure(Exit.CHECK_FAILED, r.uri().getPath() + " lacks '" + bodyContains + "': " + abbreviate(r.body()));
        return r.statusCode() + "";
    }

    static String expect(HttpResponse<String> r, int status, int alt) {
        return r.statusCode() == alt ? String.valueOf(alt) : expect(r, status, (String) null);
    }

    /** Sign-up/login: the expected status and the session cookie set. */
    static String expectCookie(HttpClient http, String base, HttpResponse<String> r, int status, int alt) {
        if (r.statusCode() != status && r.statusCode() != alt) expect(r, status, (String) null);
        boolean cookie = r.headers().allValues("set-cookie").stream().anyMatch(c -> c.startsWith("taskora_session="));
        if (!cookie) throw new Failure(Exit.CHECK_FAILED, r.uri().getPath() + " set no taskora_session cookie");
        return r.statusCode() + ", session cookie set";
    }

    static String abbreviate(String s) {
        String one = s == null ? "" : s.replaceAll("\\s+", " ").strip();
        return one.length() > 160 ? one.substring(0, 160) + "..." : one;
    }
}

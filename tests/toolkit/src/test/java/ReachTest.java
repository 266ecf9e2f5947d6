import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

/**
 * How to reach the app (scripts/lib/Reach.java), one branch per OS, target and way in, on the
 * objects `kubectl get services,ingresses -o json` returns (issue 9.5: the URL works on every OS
 * Minikube's docker driver runs on).
 */
class ReachTest {
    static final String NODEPORT_SVC = "{\"kind\":\"Service\",\"metadata\":{\"name\":\"taskora-frontend\",\"labels\":{\"app.kubernetes.io/component\":\"frontend\"}},"
            + "\"spec\":{\"type\":\"NodePort\",\"ports\":[{\"port\":3000,\"nodePort\":30080}]}}";
    static final String CLUSTERIP_SVC = "{\"kind\":\"Service\",\"metadata\":{\"name\":\"taskora-frontend\",\"labels\":{\"app.kubernetes.io/component\":\"frontend\"}},"
            + "\"spec\":{\"type\":\"ClusterIP\",\"ports\":[{\"port\":3000}]}}";
    static final String BACKEND_SVC = "{\"kind\":\"Service\",\"metadata\":{\"name\":\"taskora-backend\",\"labels\":{\"app.kubernetes.io/component\":\"backend\"}},"
            + "\"spec\":{\"type\":\"ClusterIP\",\"ports\":[{\"port\":8000}]}}";
    static final String TLS_INGRESS = "{\"kind\":\"Ingress\",\"metadata\":{\"name\":\"taskora\"},\"spec\":{\"tls\":[{\"hosts\":[\"taskora.local\"]}],"
            + "\"rules\":[{\"host\":\"taskora.local\"}]},\"status\":{\"loadBalancer\":{\"ingress\":[{\"ip\":\"192.168.49.2\"}]}}}";
    static final String PLAIN_INGRESS = "{\"kind\":\"Ingress\",\"metadata\":{\"name\":\"taskora\"},\"spec\":{\"rules\":[{\"host\":\"taskora.local\"}]}}";

    static final String FORWARD = "kubectl --context taskora -n taskora port-forward svc/taskora-frontend 3000:3000  then http://127.0.0.1:3000/";

    static Reach.Objects objects(String... items) {
        return Reach.Objects.of(Toolkit.json("{\"kind\":\"List\",\"items\":[" + String.join(",", items) + "]}"));
    }

    static Reach.Where minikube(String os) {
        return new Reach.Where(os, true, "taskora", List.of("kubectl", "--context", "taskora"), "taskora");
    }

    static Reach.Where context(String os, String ctx) {
        return new Reach.Where(os, false, "taskora", ctx.isEmpty() ? List.of("kubectl") : List.of("kubectl", "--context", ctx), "taskora");
    }

    /** A minikube ip that counts how often it is asked. */
    static final class Ip implements Supplier<String> {
        final AtomicInteger asked = new AtomicInteger();
        final String answer;
        Ip(String answer) { this.answer = answer; }
        public String get() { asked.incrementAndGet(); return answer; }
    }

    @Test
    void linuxMinikubeNodePortIsTheNodeIpAndThePortWithTheServiceCommandForElsewhere() {
        Ip ip = new Ip("192.168.49.2");
        Reach.Way w = Reach.way(minikube("Linux"), objects(BACKEND_SVC, NODEPORT_SVC), ip);
        assertEquals("http://192.168.49.2:30080/", w.url());
        assertEquals("http://192.168.49.2:30080/  (from another OS or host: minikube -p taskora service taskora-frontend -n taskora --url)", w.how());
        assertEquals(FORWARD, w.portForward());
        assertEquals(1, ip.asked.get(), "minikube ip asked once");
    }

    @Test
    void macOsAndWindowsMinikubeNodePortIsMinikubeServiceNeverTheNodeIp() {
        for (String os : List.of("Mac OS X", "Windows 11")) {
            Ip ip = new Ip("192.168.49.2");
            Reach.Way w = Reach.way(minikube(os), objects(NODEPORT_SVC), ip);
            assertEquals("", w.url(), os + ": nothing opens before the tunnel runs");
            assertEquals("run `minikube -p taskora service taskora-frontend -n taskora --url` and open the URL it prints (it keeps a tunnel open while it runs)", w.how());
            assertEquals(0, ip.asked.get(), os + ": the node's IP is not routable there, so it is not even asked");
        }
    }

    @Test
    void linuxMinikubeWithoutAnIpFallsBackToTheServiceCommand() {
        Reach.Way w = Reach.way(minikube("Linux"), objects(NODEPORT_SVC), new Ip(null));
        assertTrue(w.how().startsWith("run `minikube -p taskora service taskora-frontend -n taskora --url`"), w.how());
    }

    @Test
    void minikubeIngressResolvesToTheNodeOnLinuxAndThroughTheTunnelElsewhere() {
        Ip ip = new Ip("192.168.49.2");
        Reach.Way linux = Reach.way(minikube("Linux"), objects(CLUSTERIP_SVC, PLAIN_INGRESS), ip);
        assertEquals("http://taskora.local/", linux.url());
        assertEquals("http://taskora.local/  (through the Ingress; taskora.local must resolve to 192.168.49.2, e.g. in /etc/hosts)", linux.how());
        assertEquals(1, ip.asked.get(), "no address in the Ingress's status: minikube ip");
        Ip unused = new Ip("10.0.0.1");
        assertTrue(Reach.way(minikube("Linux"), objects(CLUSTERIP_SVC, TLS_INGRESS), unused).how().contains("must resolve to 192.168.49.2"));
        assertEquals(0, unused.asked.get(), "the Ingress's own address first");
        Reach.Way mac = Reach.way(minikube("Mac OS X"), objects(CLUSTERIP_SVC, TLS_INGRESS), new Ip("192.168.49.2"));
        assertEquals("", mac.url());
        assertEquals("run `minikube -p taskora tunnel` (it keeps running and asks for your password), make taskora.local resolve to 127.0.0.1 "
                + "(hosts file), then open https://taskora.local/", mac.how());
    }

    @Test
    void aNodePortComesBeforeTheIngressOnMinikube() {
        Reach.Way w = Reach.way(minikube("Linux"), objects(NODEPORT_SVC, PLAIN_INGRESS), new Ip("192.168.49.2"));
        assertEquals("http://192.168.49.2:30080/", w.url());
    }

    @Test
    void minikubeWithNeitherIsThePortForward() {
        for (String os : List.of("Linux", "Mac OS X", "Windows 10")) {
            Reach.Way w = Reach.way(minikube(os), objects(CLUSTERIP_SVC), new Ip("192.168.49.2"));
            assertEquals(FORWARD, w.how(), os);
            assertEquals("", w.url());
        }
    }

    @Test
    void anotherContextIsItsIngressElseThePortForwardNeverANodePort() {
        Reach.Way ingress = Reach.way(context("Linux", "kind-dev"), objects(CLUSTERIP_SVC, TLS_INGRESS), new Ip("unused"));
        assertEquals("https://taskora.local/", ingress.url());
        assertEquals("https://taskora.local/  (through the Ingress at 192.168.49.2; taskora.local must resolve to it, e.g. in /etc/hosts)", ingress.how());
        assertEquals("http://taskora.local/  (through the Ingress; taskora.local must resolve to the ingress controller)",
                Reach.way(context("Mac OS X", "kind-dev"), objects(CLUSTERIP_SVC, PLAIN_INGRESS), new Ip("unused")).how());
        Reach.Way np = Reach.way(context("Linux", "kind-dev"), objects(NODEPORT_SVC), new Ip("unused"));
        assertEquals("kubectl --context kind-dev -n taskora port-forward svc/taskora-frontend 3000:3000  then http://127.0.0.1:3000/", np.how());
        assertEquals("kubectl -n taskora port-forward svc/taskora-frontend 3000:3000  then http://127.0.0.1:3000/",
                Reach.way(context("Linux", ""), objects(CLUSTERIP_SVC), new Ip("unused")).how(), "the current context: no --context");
    }

    @Test
    void noFrontendServiceIsOneClearLine() {
        Failure f = assertThrows(Failure.class, () -> Reach.way(minikube("Linux"), objects(BACKEND_SVC), new Ip("x")));
        assertEquals("no Service labelled app.kubernetes.io/component=frontend in namespace taskora", f.getMessage());
        assertEquals(Exit.CHECK_FAILED, f.exitCode);
    }

    @Test
    void objectsPickTheFrontendServiceAndAnIngressWithAHost() {
        Reach.Objects o = objects(BACKEND_SVC, "{\"kind\":\"Ingress\",\"spec\":{\"rules\":[{}]}}", CLUSTERIP_SVC, PLAIN_INGRESS);
        assertEquals("taskora-frontend", Json.text(o.frontend(), "metadata", "name"));
        assertEquals("taskora.local", Json.text(o.ingress(), "spec", "rules", 0, "host"));
        assertEquals(null, objects(CLUSTERIP_SVC).ingress());
    }

    @Test
    void ingressUrlIsHttpsWhenATlsEntryCoversTheHost() {
        assertEquals("https://taskora.local", Reach.ingressUrl(Json.parse("{\"spec\":{\"tls\":[{\"hosts\":[\"taskora.local\"]}],"
                + "\"rules\":[{\"host\":\"taskora.local\"}]}}", "test")));
        assertEquals("https://taskora.local", Reach.ingressUrl(Json.parse("{\"spec\":{\"tls\":[{}],\"rules\":[{\"host\":\"taskora.local\"}]}}", "test")),
                "a TLS entry without hosts covers every host");
        assertEquals("http://taskora.local", Reach.ingressUrl(Json.parse("{\"spec\":{\"tls\":[{\"hosts\":[\"other.local\"]}],"
                + "\"rules\":[{\"host\":\"taskora.local\"}]}}", "test")));
        assertEquals("http://taskora.local", Reach.ingressUrl(Json.parse("{\"spec\":{\"rules\":[{\"host\":\"taskora.local\"}]}}", "test")));
        assertThrows(Failure.class, () -> Reach.ingressUrl(Json.parse("{\"spec\":{\"rules\":[{}]}}", "test")));
    }
}

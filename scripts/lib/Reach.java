// How to reach the release's app, in one place for every script: the URL deploy prints at the end,
// `ai-ops url`, and the Services and Ingress smoke connects through. The cluster is asked once
// (`kubectl get services,ingresses -l app.kubernetes.io/instance=RELEASE`, see fetch); what to
// print is a function of the OS the script runs on, the target and those objects only (way), so
// every branch is tested without a cluster (ReachTest).
//
// Why the OS matters: with Minikube's docker driver only Linux can route to the node's IP. There
// a NodePort answers at `minikube ip`, and an Ingress host resolves to that IP. On macOS and
// Windows the node lives inside Docker Desktop's VM: `minikube service --url` (a tunnel while it
// runs) reaches a NodePort, `minikube tunnel` an Ingress (its host then resolves to 127.0.0.1).
// A `kubectl port-forward` works everywhere and is always offered (docs/MINIKUBE.md).

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

final class Reach {
    private Reach() {}

    /** The release's way in as the cluster has it: its frontend Service and its Ingress (each null when there is none). */
    record Objects(Object frontend, Object ingress) {
        /** From one `kubectl get services,ingresses -o json` List: the Service labelled component=frontend, the first Ingress with a host. */
        static Objects of(Object list) {
            Object frontend = null, ingress = null;
            for (Object o : Json.items(list, "items")) {
                String kind = Json.text(o, "kind");
                if (kind.equals("Service") && frontend == null && "frontend".equals(Json.text(o, "metadata", "labels", "app.kubernetes.io/component")))
                    frontend = o;
                if (kind.equals("Ingress") && ingress == null && !Json.text(o, "spec", "rules", 0, "host").isEmpty()) ingress = o;
            }
            return new Objects(frontend, ingress);
        }
    }

    /** Where the script runs and what it talks to: the OS (os.name), the target and profile, kubectl on the kube-context (Config.kubectl()), the namespace. */
    record Where(String os, boolean minikube, String profile, List<String> kubectl, String namespace) {
        static Where of(Config cfg) {
            return new Where(System.getProperty("os.name", ""), cfg.minikube(), cfg.profile(), cfg.kubectl(), cfg.namespace());
        }

        boolean linux() { return os.toLowerCase(Locale.ROOT).contains("linux"); }
    }

    /**
     * The way to the app: `url`, what to open when it opens as it is ("" when a command must run
     * first); `how`, the one line to print (the URL with what it needs, or the command to run);
     * `portForward`, the line that works on every OS.
     */
    record Way(String url, String how, String portForward) {}

    /** The one query: the release's Services and Ingresses, by label. */
    static List<String> query(Config cfg) {
        return cfg.kubectl("get", "services,ingresses", "-n", cfg.namespace(), "-l", "app.kubernetes.io/instance=" + cfg.release(), "-o", "json");
    }

    /** Asks the cluster once (query); a kubectl that fails is a Failure. */
    static Objects fetch(Config cfg) {
        Cmd.Result r = Cmd.check(Cmd.query(query(cfg)), "kubectl get services,ingresses",
                "is the cluster reachable? try: " + String.join(" ", cfg.kubectl("cluster-info")));
        return Objects.of(Json.parse(r.out(), "kubectl get services,ingresses"));
    }

    /** `minikube -p PROFILE ip`, asked only when a way needs it; null when it does not answer. */
    static Supplier<String> minikubeIp(Config cfg) {
        return () -> {
            Cmd.Result ip = Cmd.query(List.of("minikube", "-p", cfg.profile(), "ip"), Duration.ofSeconds(20));
            return ip.ok() && !ip.out().isBlank() ? ip.out().strip() : null;
        };
    }

    /** The way to the app of this configuration, from the cluster as it is now. */
    static Way way(Config cfg) {
        return way(Where.of(cfg), fetch(cfg), minikubeIp(cfg));
    }

    /**
     * The decision, without a cluster. Minikube: a NodePort first (Linux: `minikube ip`:nodePort;
     * elsewhere `minikube service --url`), then the Ingress (Linux: its host resolving to the node's
     * IP; elsewhere through `minikube tunnel`), else the port-forward. Any other kube-context: the
     * Ingress when the release has one, else the port-forward (a node's address is not known to be
     * reachable from here).
     */
    static Way way(Where w, Objects o, Supplier<String> minikubeIp) {
        if (o.frontend() == null)
            throw new Failure(Exit.CHECK_FAILED, "no Service labelled app.kubernetes.io/component=frontend in namespace " + w.namespace(),
                    "is the release deployed? kubectl -n " + w.namespace() + " get services --show-labels");
        String name = Json.text(o.frontend(), "metadata", "name");
        String port = Json.text(o.frontend(), "spec", "ports", 0, "port");
        String forward = String.join(" ", w.kubectl()) + " -n " + w.namespace() + " port-forward svc/" + name + " 3000:" + (port.isEmpty() ? "3000" : port)
                + "  then http://127.0.0.1:3000/";
        Way viaForward = new Way("", forward, forward);
        String host = o.ingress() == null ? "" : Json.text(o.ingress(), "spec", "rules", 0, "host");
        String ingressUrl = host.isEmpty() ? "" : ingressUrl(o.ingress()) + "/";
        String lbIp = o.ingress() == null ? "" : Json.text(o.ingress(), "status", "loadBalancer", "ingress", 0, "ip");
        if (!w.minikube()) {
            if (host.isEmpty()) return viaForward;
            return new Way(ingressUrl, ingressUrl + (lbIp.isEmpty() ? "  (through the Ingress; " + host + " must resolve to the ingress controller)"
                    : "  (through the Ingress at " + lbIp + "; " + host + " must resolve to it, e.g. in /etc/hosts)"), forward);
        }
        String nodePort = Json.text(o.frontend(), "spec", "ports", 0, "nodePort");
        if (!nodePort.isEmpty()) {
            String service = "minikube -p " + w.profile() + " service " + name + " -n " + w.namespace() + " --url";
            String ip = w.linux() ? minikubeIp.get() : null;
            if (ip != null) {
                String url = "http://" + ip + ":" + nodePort + "/";
                return new Way(url, url + "  (from another OS or host: " + service + ")", forward);
            }
            return new Way("", "run `" + service + "` and open the URL it prints (it keeps a tunnel open while it runs)", forward);
        }
        if (!host.isEmpty()) {
            if (w.linux()) {
                String ip = lbIp.isEmpty() ? minikubeIp.get() : lbIp;
                return new Way(ingressUrl, ingressUrl + "  (through the Ingress; " + host + " must resolve to "
                        + (ip == null ? "the node's IP (minikube -p " + w.profile() + " ip)" : ip) + ", e.g. in /etc/hosts)", forward);
            }
            return new Way("", "run `minikube -p " + w.profile() + " tunnel` (it keeps running and asks for your password), make " + host
                    + " resolve to 127.0.0.1 (hosts file), then open " + ingressUrl, forward);
        }
        return viaForward;
    }

    /** An Ingress's base URL: https when one of its TLS entries covers the host (or names no hosts), else http. */
    static String ingressUrl(Object ingress) {
        String host = Json.text(ingress, "spec", "rules", 0, "host");
        if (host.isEmpty()) throw new Failure(Exit.CHECK_FAILED, "the Ingress has no host rule");
        boolean tls = Json.items(ingress, "spec", "tls").stream().anyMatch(t -> {
            List<?> hosts = Json.items(t, "hosts");
            return hosts.isEmpty() || hosts.contains(host);
        });
        return (tls ? "https://" : "http://") + host;
    }

    /** A component's Service: its name and first port ("" when it has none). */
    record Service(String name, String port) {}

    /** The Service of a component, found by its labels. */
    static Service service(Config cfg, String component) {
        Cmd.Result r = Cmd.check(Cmd.query(cfg.kubectl("get", "services", "-n", cfg.namespace(), "-l",
                "app.kubernetes.io/instance=" + cfg.release() + ",app.kubernetes.io/component=" + component, "-o", "json")),
                "kubectl get services", null);
        List<?> items = Json.items(Json.parse(r.out(), "kubectl get services"), "items");
        if (items.isEmpty())
            throw new Failure(Exit.CHECK_FAILED, "no Service labelled app.kubernetes.io/component=" + component + " in release " + cfg.release());
        return new Service(Json.text(items.get(0), "metadata", "name"), Json.text(items.get(0), "spec", "ports", 0, "port"));
    }
}

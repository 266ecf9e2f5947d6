import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

/** taskora.yaml: the defaults, strict validation, --set and the specific flags. */
class ConfigTest {
    static final Path REPO_CONFIG = Toolkit.REPO.resolve("taskora.yaml");

    @TempDir Path tmp;

    static Config load(List<String> sets) {
        return Config.load(REPO_CONFIG, sets);
    }

    Failure rejected(String yaml) throws Exception {
        Path f = tmp.resolve("taskora.yaml");
        Files.writeString(f, yaml);
        return assertThrows(Failure.class, () -> Config.load(f, List.of()));
    }

    String repoYamlWith(String from, String to) throws Exception {
        String y = Files.readString(REPO_CONFIG);
        assertTrue(y.contains(from), "taskora.yaml has no '" + from + "'");
        return y.replace(from, to);
    }

    @Test
    void durationsAreSecondsMinutesOrHours() {
        assertEquals(java.time.Duration.ofSeconds(90), Config.duration("90s"));
        assertEquals(java.time.Duration.ofMinutes(10), Config.duration("10m"));
        assertEquals(java.time.Duration.ofHours(2), Config.duration("2h"));
        for (String bad : new String[] {"10", "m", "1.5m", "10d", "", "-1s"})
            assertThrows(IllegalArgumentException.class, () -> Config.duration(bad), bad);
        Failure f = assertThrows(Failure.class, () -> load(List.of("chart.timeout=10 minutes")));
        assertTrue(f.getMessage().contains("chart.timeout"), f.getMessage());
    }

    @Test
    void defaultsDeployTheReferenceApp() {
        Config c = load(List.of());
        assertEquals(List.of("frontend", "backend", "mcp-server"), c.serviceNames());
        assertEquals("mcpServer", c.str("services.mcp-server.component"));
        assertEquals("taskora/backend", c.str("services.backend.image"));
        assertEquals(4, c.num("minikube.cpus"));
        assertEquals(8192, c.num("minikube.memoryMiB"));
        assertEquals("docker", c.str("minikube.driver"));
        assertEquals(List.of("ingress", "metrics-server"), c.list("minikube.addons"));
        assertEquals(Toolkit.REPO.resolve("charts/taskora/values-dev.yaml"), c.valuesFile());
        assertEquals("existingSecret", c.str("secret.valuesKey"));
        assertTrue(c.minikube());
        assertEquals("taskora", c.kubeContext(), "on Minikube the kube-context is the profile's name");
    }

    @Test
    void unknownTopLevelKeyIsRejectedWithTheAllowedKeys() throws Exception {
        Failure f = rejected(Files.readString(REPO_CONFIG) + "\nreplicas: 3\n");
        assertEquals(Exit.USAGE, f.exitCode);
        assertTrue(f.getMessage().contains("unknown key 'replicas'"), f.getMessage());
        assertTrue(f.getMessage().contains("allowed: environment, target, context, services"), f.getMessage());
    }

    @Test
    void unknownNestedKeyIsNamedWithItsPath() throws Exception {
        Failure f = rejected(repoYamlWith("  cpus: 4", "  cpu: 4"));
        assertTrue(f.getMessage().contains("unknown key 'minikube.cpu'"), f.getMessage());
        assertTrue(f.getMessage().contains("cpus"), "the allowed keys are listed: " + f.getMessage());
    }

    @Test
    void badValuesSayWhatIsAllowed() throws Exception {
        assertTrue(rejected(repoYamlWith("target: minikube", "target: cloud")).getMessage()
                .contains("target: expected one of minikube, context, got 'cloud'"));
        assertTrue(rejected(repoYamlWith("  cpus: 4", "  cpus: four")).getMessage()
                .contains("minikube.cpus: expected an integer from 2 to 256, got 'four'"));
        assertTrue(rejected(repoYamlWith("  release: taskora", "  release: Taskora_Release")).getMessage()
                .contains("chart.release: expected a lowercase DNS name"));
        assertTrue(rejected(repoYamlWith("component: mcpServer", "component: mcp")).getMessage()
                .contains("services.mcp-server.component: expected one of frontend, backend, mcpServer"));
        assertTrue(rejected(repoYamlWith("addons: [ingress, metrics-server]", "addons: ingress")).getMessage()
                .contains("minikube.addons: expected a list"));
    }

    /** minikube.cni: what `minikube start --cni` takes (v1.34): a known name, empty, or a manifest path. */
    @Test
    void minikubeCniTakesMinikubesNamesOrAManifestPath() throws Exception {
        assertEquals("", load(List.of()).str("minikube.cni"), "empty by default: Minikube's own choice");
        for (String ok : List.of("auto", "bridge", "calico", "cilium", "flannel", "kindnet", "cni/antrea.yaml", "/etc/cni/calico.yml", "weave.json"))
            assertEquals(ok, load(List.of("minikube.cni=" + ok)).str("minikube.cni"));
        Failure f = rejected(repoYamlWith("  cni: \"\"", "  cni: Calico"));
        assertEquals(Exit.USAGE, f.exitCode);
        assertEquals("taskora.yaml: minikube.cni: expected empty (Minikube's default), auto, bridge, calico, cilium, flannel, kindnet, "
                + "or a path to a CNI manifest (.yaml), got 'Calico'", f.getMessage());
        Failure set = assertThrows(Failure.class, () -> load(List.of("minikube.cni=weave")));
        assertTrue(set.getMessage().startsWith("--set minikube.cni: expected empty (Minikube's default), auto,"), set.getMessage());
        assertTrue(set.getMessage().endsWith("got 'weave'"), set.getMessage());
    }

    /**
     * Issue 22: minikube.driver takes minikube v1.38's drivers (vfkit and krunkit among them), and
     * refuses none with the reason: the image store runs `minikube docker-env`, which minikube
     * refuses for none. Before the fix none was accepted and vfkit, krunkit refused.
     */
    @Test
    void minikubeDriverTakesV138sDriversButNone() throws Exception {
        for (String ok : List.of("docker", "podman", "kvm2", "qemu2", "virtualbox", "vfkit", "krunkit", "hyperkit", "hyperv"))
            assertEquals(ok, load(List.of("minikube.driver=" + ok)).str("minikube.driver"));
        Failure set = assertThrows(Failure.class, () -> load(List.of("minikube.driver=none")));
        assertEquals(Exit.USAGE, set.exitCode);
        assertTrue(set.getMessage().startsWith("--set minikube.driver: none is not supported: minikube refuses `minikube docker-env` for the none driver"),
                set.getMessage());
        assertTrue(set.getMessage().contains("'none' driver does not support 'minikube docker-env' command"), "minikube's own words: " + set.getMessage());
        Failure file = rejected(repoYamlWith("driver: docker", "driver: none"));
        assertTrue(file.getMessage().startsWith("taskora.yaml: minikube.driver: none is not supported: "), file.getMessage());
        assertTrue(assertThrows(Failure.class, () -> load(List.of("minikube.driver=xhyve"))).getMessage()
                .contains("expected one of docker, podman, kvm2, qemu2, qemu, virtualbox, vfkit, krunkit"));
    }

    @Test
    void duplicateKeysAndBrokenYamlAreRejected() throws Exception {
        assertEquals(Exit.USAGE, rejected(Files.readString(REPO_CONFIG) + "\ntarget: context\n").exitCode);
        assertTrue(rejected("services: [unclosed").getMessage().contains("not valid YAML"));
        assertTrue(rejected("- a\n- b\n").getMessage().contains("expected a mapping"));
    }

    @Test
    void missingFileIsOneClearLine() {
        Failure f = assertThrows(Failure.class, () -> Config.load(tmp.resolve("nope.yaml"), List.of()));
        assertEquals(Exit.USAGE, f.exitCode);
        assertTrue(f.getMessage().contains("nope.yaml not found"));
        assertTrue(f.hint.contains("--config"));
    }

    @Test
    void setConvertsValuesToTheSchemasTypes() {
        Config c = load(List.of("minikube.cpus=6", "minikube.addons=ingress,dashboard", "minikube.memoryMiB=16384"));
        assertEquals(6, c.num("minikube.cpus"));
        assertEquals(16384, c.num("minikube.memoryMiB"));
        assertEquals(List.of("ingress", "dashboard"), c.list("minikube.addons"));
    }

    @Test
    void setAddsMapEntriesIncludingDottedHelmPaths() {
        Config c = load(List.of("services.backend.buildArgs.PYTHON_IMAGE=stand-in/python:3.12",
                "chart.values.postgresql.image.repository=stand-in/postgres"));
        assertEquals("stand-in/python:3.12", c.strMap("services.backend.buildArgs").get("PYTHON_IMAGE"));
        assertEquals("stand-in/postgres", c.strMap("chart.values").get("postgresql.image.repository"));
    }

    @Test
    void setRejectsUnknownKeysAndBadValues() {
        Failure unknown = assertThrows(Failure.class, () -> load(List.of("minikube.cpu=6")));
        assertTrue(unknown.getMessage().contains("--set minikube.cpu: unknown key 'minikube.cpu'"), unknown.getMessage());
        Failure bad = assertThrows(Failure.class, () -> load(List.of("minikube.cpus=1")));
        assertTrue(bad.getMessage().contains("expected an integer from 2 to 256, got '1'"), bad.getMessage());
        Failure noEq = assertThrows(Failure.class, () -> load(List.of("minikube.cpus")));
        assertTrue(noEq.getMessage().contains("expected PATH=VALUE"));
        Failure service = assertThrows(Failure.class, () -> load(List.of("services.Bad_Name.image=x")));
        assertTrue(service.getMessage().contains("expected a lowercase service name"), service.getMessage());
        Failure whole = assertThrows(Failure.class, () -> load(List.of("minikube=x")));
        assertTrue(whole.getMessage().contains("holds a mapping"), whole.getMessage());
    }

    @Test
    void specificFlagsOverrideTheirKeys() {
        Options o = new Options();
        new CommandLine(o).parseArgs("--config", REPO_CONFIG.toString(), "--env", "prod", "--profile", "p2", "--namespace", "ns2",
                "--release", "rel2", "--context", "kind-x");
        Config c = o.load();
        assertEquals("prod", c.environment());
        assertEquals(Toolkit.REPO.resolve("charts/taskora/values-prod.yaml"), c.valuesFile());
        assertEquals("p2", c.profile());
        assertEquals("ns2", c.namespace());
        assertEquals("rel2", c.release());
        assertEquals("context", c.str("target"), "--context implies --target context");
        assertEquals("kind-x", c.kubeContext());
        assertEquals(List.of("kubectl", "--context", "kind-x", "get", "pods"), c.kubectl("get", "pods"));
    }

    @Test
    void badFlagValuesAreRejectedLikeBadKeys() {
        Options o = new Options();
        new CommandLine(o).parseArgs("--config", REPO_CONFIG.toString(), "--env", "staging");
        Failure f = assertThrows(Failure.class, o::load);
        assertTrue(f.getMessage().startsWith("--env: expected one of dev, prod, got 'staging'"), f.getMessage());
    }

    @Test
    void flagErrorsNameTheFlagNotSet() {
        Options o = new Options();
        new CommandLine(o).parseArgs("--config", REPO_CONFIG.toString(), "-n", "My_NS");
        Failure f = assertThrows(Failure.class, o::load);
        assertTrue(f.getMessage().startsWith("--namespace: expected a lowercase DNS name"), f.getMessage());
        assertTrue(f.getMessage().contains("got 'My_NS'"), f.getMessage());
        Options t = new Options();
        new CommandLine(t).parseArgs("--config", REPO_CONFIG.toString(), "--target", "cloud");
        assertTrue(assertThrows(Failure.class, t::load).getMessage().startsWith("--target: expected one of minikube, context"));
        Options set = new Options();
        new CommandLine(set).parseArgs("--config", REPO_CONFIG.toString(), "--set", "minikube.cpus=1");
        assertTrue(assertThrows(Failure.class, set::load).getMessage().startsWith("--set minikube.cpus: expected an integer"));
    }

    /** taskora.yaml may hold only what differs from the built-in defaults. */
    @Test
    void aFileWithOnlyCpusTakesEveryOtherKeyFromTheDefaults() throws Exception {
        Path f = tmp.resolve("taskora.yaml");
        Files.writeString(f, "minikube:\n  cpus: 6\n");
        Config c = Config.load(f, List.of());
        assertEquals(6, c.num("minikube.cpus"));
        assertEquals(8192, c.num("minikube.memoryMiB"));
        assertEquals("dev", c.environment());
        assertEquals(List.of("frontend", "backend", "mcp-server"), c.serviceNames());
        assertEquals("mcpServer", c.str("services.mcp-server.component"));
        assertEquals(tmp.resolve("charts/taskora"), c.path("chart.path"), "relative paths still resolve from the file's folder");
        Files.writeString(f, "");
        assertEquals("taskora", Config.load(f, List.of()).release(), "an empty file is all defaults");
    }

    @Test
    void servicesFromTheFileReplaceTheDefaultSetAndTakeDefaultsByName() throws Exception {
        Path f = tmp.resolve("taskora.yaml");
        Files.writeString(f, "services:\n  backend: {sizeBudgetMiB: 400}\n  worker: {component: backend, sizeBudgetMiB: 100}\n");
        Config c = Config.load(f, List.of());
        assertEquals(List.of("backend", "worker"), c.serviceNames());
        assertEquals(400, c.num("services.backend.sizeBudgetMiB"));
        assertEquals("taskora/backend", c.str("services.backend.image"));
        assertEquals("app/worker", c.str("services.worker.context"));
        assertEquals("dockerfiles/worker.Dockerfile", c.str("services.worker.dockerfile"));
        Files.writeString(f, "services:\n  worker: {image: me/worker}\n");
        Failure missing = assertThrows(Failure.class, () -> Config.load(f, List.of()));
        assertTrue(missing.getMessage().contains("missing key 'services.worker.component'"), missing.getMessage());
    }

    /** The shipped taskora.yaml is the documented example: it spells out exactly the built-in defaults. */
    @Test
    void theShippedTaskoraYamlIsExactlyTheDefaults() throws Exception {
        assertEquals(Config.defaults(), Config.yaml().load(Files.readString(REPO_CONFIG)));
    }

    @Test
    void yamlErrorsGiveLineAndColumn() throws Exception {
        Failure tab = rejected("minikube:\n\tcpus: 4\n");
        assertTrue(tab.getMessage().contains("taskora.yaml:2:1: not valid YAML: a tab character"), tab.getMessage());
        assertTrue(tab.hint.contains("spaces"), tab.hint);
        Failure dup = rejected("target: minikube\nminikube:\n  cpus: 4\ntarget: context\n");
        assertTrue(dup.getMessage().contains("taskora.yaml:4:1: not valid YAML: duplicate key 'target'"), dup.getMessage());
        Failure indent = rejected("minikube:\n  cpus: 4\n   memoryMiB: 8192\n");
        assertTrue(indent.getMessage().matches("(?s).*taskora\\.yaml:3:[0-9]+: not valid YAML: .*"), indent.getMessage());
        assertTrue(indent.hint.contains("indentation"), indent.hint);
    }

    @Test
    void aQuotedNumberIsReportedAsAString() throws Exception {
        Failure f = rejected("minikube:\n  cpus: \"4\"\n");
        assertTrue(f.getMessage().contains("minikube.cpus: expected an integer from 2 to 256, got the string \"4\""), f.getMessage());
        assertTrue(f.getMessage().contains("remove the quotes"), f.getMessage());
        Failure v = rejected("preflight:\n  minVersions:\n    kubectl: 1.30\n");
        assertTrue(v.getMessage().contains("got the number 1.3") && v.getMessage().contains("quotes"), v.getMessage());
    }

    /** A copied taskora.yaml: its relative paths resolve from its own folder, and the error says so. */
    @Test
    void aMissingRelativePathSaysItResolvesFromTheFilesFolder() throws Exception {
        Path f = tmp.resolve("other-repo/taskora.yaml");
        Files.createDirectories(f.getParent());
        Files.copy(REPO_CONFIG, f);
        Config c = Config.load(f, List.of());
        Failure chart = assertThrows(Failure.class, () -> c.existingDir("chart.path"));
        assertTrue(chart.getMessage().startsWith("chart.path: 'charts/taskora' (" + tmp.resolve("other-repo/charts/taskora") + ") is not a directory"),
                chart.getMessage());
        assertTrue(chart.hint.contains("resolve from its folder (" + f.getParent() + "), not from the working directory"), chart.hint);
        assertThrows(Failure.class, () -> c.existingFile("services.backend.dockerfile"));
        assertEquals(Toolkit.REPO.resolve("charts/taskora"), load(List.of()).existingDir("chart.path"));
    }

    /** After `jbang catalog add`, the checkout is found through JBang's user catalog. */
    @Test
    void aRegisteredCatalogLeadsToItsCheckout() throws Exception {
        Path checkout = Files.createDirectories(tmp.resolve("checkout"));
        Files.writeString(checkout.resolve("taskora.yaml"), "");
        Path other = Files.createDirectories(tmp.resolve("other"));
        Path userCatalog = tmp.resolve("jbang-home/jbang-catalog.json");
        Files.createDirectories(userCatalog.getParent());
        Files.writeString(userCatalog, "{\"catalogs\": {\"x\": {\"catalog-ref\": \"" + other.resolve("jbang-catalog.json") + "\"},"
                + " \"taskora\": {\"catalog-ref\": \"" + checkout.resolve("jbang-catalog.json") + "\"}}}");
        assertEquals(checkout, Config.registeredCheckout(userCatalog));
        Files.writeString(userCatalog, "{\"catalogs\": {\"mine\": {\"catalog-ref\": \"" + checkout.resolve("jbang-catalog.json") + "\"}}}");
        assertEquals(checkout, Config.registeredCheckout(userCatalog), "the only registered catalog with a taskora.yaml");
        Files.writeString(userCatalog, "{\"catalogs\": {\"x\": {\"catalog-ref\": \"" + other.resolve("jbang-catalog.json") + "\"}}}");
        assertEquals(null, Config.registeredCheckout(userCatalog));
        assertEquals(null, Config.registeredCheckout(tmp.resolve("none.json")));
    }

    /** docs/TOOLKIT.md's defaults column is the code's: every key, every default, parsed from the table. */
    @Test
    void theDefaultsColumnOfToolkitMdIsTheCodes() throws Exception {
        String doc = Files.readString(Toolkit.REPO.resolve("docs/TOOLKIT.md"));
        String section = doc.substring(doc.indexOf("| key | default | allowed |"));
        section = section.substring(0, section.indexOf("\n\n"));
        java.util.Map<String, String> documented = new java.util.TreeMap<>();
        List<String> services = List.of("frontend", "backend", "mcp-server");
        java.util.regex.Pattern tick = java.util.regex.Pattern.compile("`([^`]*)`");
        for (String row : section.lines().skip(2).toList()) {
            String[] cells = row.split("(?<!\\\\)\\|");
            List<String> keys = ticks(tick, cells[1]);
            List<String> values = ticks(tick, cells[2]);
            if (values.isEmpty()) values = List.of(cells[2].strip().split(",\\s*"));
            for (String key : keys) {
                if (key.contains("<name>")) {
                    for (int i = 0; i < services.size(); i++)
                        documented.put(key.replace("<name>", services.get(i)),
                                (values.size() == 1 ? values.get(0) : values.get(i)).replace("<name>", services.get(i)));
                } else if (key.contains("<tool>")) {
                    for (String pair : values) documented.put(key.replace("<tool>", pair.split(" ")[0]), pair.split(" ")[1]);
                } else {
                    assertEquals(keys.size(), values.size(), "one default per key: " + row);
                    documented.put(key, values.get(keys.indexOf(key)));
                }
            }
        }
        java.util.Map<String, String> code = new java.util.TreeMap<>();
        flatten("", Config.defaults(), code);
        assertEquals(code, documented, "docs/TOOLKIT.md's configuration table against Config.DEFAULTS");
    }

    static List<String> ticks(java.util.regex.Pattern tick, String cell) {
        List<String> out = new java.util.ArrayList<>();
        java.util.regex.Matcher m = tick.matcher(cell);
        while (m.find()) out.add(m.group(1));
        return out;
    }

    /** Leaves as docs/TOOLKIT.md writes them: "" for the empty string, {} for an empty map, [a, b] for a list. */
    static void flatten(String prefix, Object v, java.util.Map<String, String> out) {
        if (v instanceof java.util.Map<?, ?> m && !m.isEmpty()) {
            for (java.util.Map.Entry<?, ?> e : m.entrySet()) flatten(prefix.isEmpty() ? String.valueOf(e.getKey()) : prefix + "." + e.getKey(), e.getValue(), out);
        } else if (v instanceof java.util.Map) {
            out.put(prefix, "{}");
        } else if (v instanceof List<?> l) {
            out.put(prefix, "[" + String.join(", ", l.stream().map(String::valueOf).toList()) + "]");
        } else {
            out.put(prefix, "".equals(v) ? "\"\"" : String.valueOf(v));
        }
    }
}

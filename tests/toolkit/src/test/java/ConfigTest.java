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
        assertTrue(f.getMessage().contains("environment: expected one of dev, prod, got 'staging'"), f.getMessage());
    }
}

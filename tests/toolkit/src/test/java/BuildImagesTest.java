import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** build-images: content tags, skipping unchanged images, the image checks; real docker builds. */
class BuildImagesTest {
    @TempDir Path tmp;
    final List<String> built = new ArrayList<>();

    @AfterEach
    void removeImages() {
        for (String ref : built) Toolkit.docker("image", "rm", "-f", ref);
    }

    /** The image refs a run printed in its table, remembered for clean-up. */
    List<String> refs(Toolkit.Run r) {
        List<String> out = refsOf(r);
        built.addAll(out);
        return out;
    }

    static String inspect(String json) {
        return "[" + json + "]";
    }

    @Test
    void contentHashFollowsInputsAndIgnoresDockerignoredFiles() throws Exception {
        Path app = Toolkit.fixture(tmp.resolve("app"));
        Path ctx = app.resolve("svc/a"), df = app.resolve("good.Dockerfile");
        String h1 = Digest.dockerBuild(ctx, df, Map.of());
        assertEquals(h1, Digest.dockerBuild(ctx, df, Map.of()), "stable");
        Toolkit.write(ctx.resolve("node_modules/pkg/index.js"), "ignored by good.Dockerfile.dockerignore");
        assertEquals(h1, Digest.dockerBuild(ctx, df, Map.of()), "dockerignored files do not change the tag");
        assertNotEquals(h1, Digest.dockerBuild(ctx, df, Map.of("BASE", "x")), "build args change it");
        Files.writeString(ctx.resolve("app.txt"), "changed");
        String h2 = Digest.dockerBuild(ctx, df, Map.of());
        assertNotEquals(h1, h2, "a changed file changes it");
        Files.writeString(df, Files.readString(df) + "\nLABEL x=y\n");
        assertNotEquals(h2, Digest.dockerBuild(ctx, df, Map.of()), "a changed Dockerfile changes it");
    }

    @Test
    void dockerignoreRules() {
        Digest.DockerIgnore ig = new Digest.DockerIgnore(List.of("# comment", "**/node_modules", "**/*.pyc", "/.next/", "*.md", "!README.md"));
        assertTrue(ig.excluded("node_modules/a/b.js"), "**/ matches at the top too, as in Docker");
        assertTrue(ig.excluded("packages/x/node_modules/a.js"));
        assertTrue(ig.excluded("pkg/__pycache__/x.pyc"));
        assertTrue(ig.excluded(".next/cache/x"));
        assertTrue(ig.excluded("NOTES.md"));
        assertFalse(ig.excluded("README.md"), "! re-includes");
        assertFalse(ig.excluded("src/node_modules_not.js"));
        assertFalse(ig.excluded("app/main.py"));
    }

    @Test
    void imageChecksFromDockerInspect() {
        String good = inspect("{\"Size\": 1000, \"Config\": {\"User\": \"10001\", \"Env\": [\"PATH=/usr/bin\", \"JWT_SECRET_FILE=/run/s\", \"LOG_LEVEL=INFO\"],"
                + "\"Labels\": {\"org.opencontainers.image.title\": \"x\"}, \"Healthcheck\": {\"Test\": [\"CMD\", \"/bin/true\"]}}}");
        assertEquals(List.of(), Images.checkImage(Toolkit.json(good), "/bin/sh -c #(nop) COPY file:abc in /srv", 1 << 20));
        String bad = inspect("{\"Size\": 3145728, \"Config\": {\"User\": \"root\", \"Env\": [\"DB_PASSWORD=hunter2\"],"
                + "\"Labels\": {\"deploy.token\": \"abc123\"}, \"Healthcheck\": {\"Test\": [\"NONE\"]}}}");
        List<String> p = Images.checkImage(Toolkit.json(bad), "RUN /bin/sh -c export API_KEY=abcdef && build", 1 << 20);
        assertEquals(List.of("size 3.0 MiB over the budget of 1.0 MiB", "runs as root (add a numeric non-root USER)", "no HEALTHCHECK",
                "env DB_PASSWORD holds a secret-looking value", "label deploy.token holds a secret-looking value",
                "history sets API_KEY (a secret baked into a layer)"), p);
        String noUser = inspect("{\"Size\": 1, \"Config\": {\"User\": \"\", \"Healthcheck\": {\"Test\": [\"CMD\", \"x\"]},"
                + "\"Env\": [\"GREETING=-----BEGIN RSA PRIVATE KEY-----abc\"]}}");
        assertEquals(List.of("runs as root (add a numeric non-root USER)", "env GREETING holds a secret-looking value"),
                Images.checkImage(Toolkit.json(noUser), "", 1 << 20));
    }

    @Test
    void dockerEnvOutputIsParsed() {
        Map<String, String> env = Images.parseDockerEnv("DOCKER_TLS_VERIFY=1\nDOCKER_HOST=tcp://192.168.49.2:2376\n"
                + "DOCKER_CERT_PATH=/home/u/.minikube/certs\nMINIKUBE_ACTIVE_DOCKERD=taskora\n");
        assertEquals(Map.of("DOCKER_TLS_VERIFY", "1", "DOCKER_HOST", "tcp://192.168.49.2:2376", "DOCKER_CERT_PATH", "/home/u/.minikube/certs",
                "MINIKUBE_ACTIVE_DOCKERD", "taskora"), env);
        assertEquals("tcp://h:1", Images.parseDockerEnv("export DOCKER_HOST=\"tcp://h:1\"\n# comment\n").get("DOCKER_HOST"));
    }

    @Test
    void buildsIntoTheLocalStoreThenSkipsUnchangedImages() {
        Path app = Toolkit.fixture(tmp.resolve("app"));
        Toolkit.World w = new Toolkit.World(tmp);
        Toolkit.Run first = w.script("BuildImages", "--config", app.resolve("taskora.yaml").toString(), "--target", "context").expect(0);
        List<String> refs = refs(first);
        assertEquals(2, refs.size(), first.out());
        for (String service : List.of("frontend", "backend")) {
            List<String> row = Toolkit.tableRow(first.out(), "SERVICE", service);
            assertEquals(List.of("built", "ok"), List.of(row.get(2), row.get(5)), "built, checks ok\n" + first.out());
        }
        for (String ref : refs) {
            Object doc = Toolkit.json(Toolkit.docker("image", "inspect", ref).expect(0).out());
            assertEquals("10001", Json.text(doc, 0, "Config", "User"), "the image is really in the local engine");
        }
        Toolkit.Run second = w.script("BuildImages", "--config", app.resolve("taskora.yaml").toString(), "--target", "context").expect(0);
        assertFalse(second.out().contains("docker build -f"), "nothing rebuilt: " + second.out());
        assertTrue(second.out().contains("inputs unchanged"), second.out());
        assertEquals(refs, refs(second), "same tags for the same inputs");
        assertTrue(w.calls("minikube").isEmpty(), "--store local never asks minikube");
    }

    @Test
    void loadCommandHandsEveryImageToTheClusterBuiltOrUnchanged() throws Exception {
        Path app = Toolkit.fixture(tmp.resolve("app"));
        Toolkit.World w = new Toolkit.World(tmp);
        Path loaded = tmp.resolve("loaded.txt");
        Path loader = tmp.resolve("load-image");
        Toolkit.write(loader, "#!/bin/sh\necho \"$1 $2\" >> " + loaded + "\n");
        assertTrue(loader.toFile().setExecutable(true));
        String[] args = {"--config", app.resolve("taskora.yaml").toString(), "--target", "context",
                "--set", "build.loadCommand=" + loader + " into {image}"};
        List<String> refs = refs(w.script("BuildImages", args).expect(0));
        List<String> expected = refs.stream().map(r -> "into " + r).toList();
        assertEquals(expected, Files.readAllLines(loaded), "each built image is loaded once, in order");
        Toolkit.Run again = w.script("BuildImages", args).expect(0);
        assertFalse(again.out().contains("docker build -f"), again.out());
        assertEquals(2 * expected.size(), Files.readAllLines(loaded).size(), "unchanged images are loaded again: the cluster may lack them");
        Files.writeString(loader, "#!/bin/sh\nexit 7\n");
        Toolkit.Run failing = w.script("BuildImages", args).expect(Exit.COMMAND_FAILED);
        assertTrue(failing.err().contains("build.loadCommand for ") && failing.err().contains("exit 7"), failing.err());
    }

    @Test
    void buildSecretsArePassedToDockerAndMustExist() throws Exception {
        Path app = Toolkit.fixture(tmp.resolve("app"));
        Toolkit.World w = new Toolkit.World(tmp);
        Path bundle = tmp.resolve("ca.pem");
        Toolkit.write(bundle, "-----BEGIN CERTIFICATE-----\n");
        String config = app.resolve("taskora.yaml").toString();
        Toolkit.Run r = w.script("BuildImages", "--config", config, "--target", "context", "--dry-run",
                "--set", "build.secrets.ca-bundle=" + bundle).expect(0);
        assertEquals(2, r.out().lines().filter(l -> l.contains("docker build -f") && l.contains("--secret id=ca-bundle,src=" + bundle)).count(), r.out());
        Toolkit.Run plain = w.script("BuildImages", "--config", config, "--target", "context", "--dry-run").expect(0);
        assertEquals(refsOf(plain), refsOf(r), "a build secret is not part of the tag");
        Toolkit.Run missing = w.script("BuildImages", "--config", config, "--target", "context", "--dry-run",
                "--set", "build.secrets.ca-bundle=" + tmp.resolve("absent.pem")).expect(Exit.USAGE);
        assertTrue(missing.err().contains("build.secrets.ca-bundle: ") && missing.err().contains("is not a file"), missing.err());
    }

    static List<String> refsOf(Toolkit.Run r) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("(taskora-test/[a-z-]+:sha-[0-9a-f]{12})").matcher(r.out());
        while (m.find()) if (!out.contains(m.group(1))) out.add(m.group(1));
        return out;
    }

    @Test
    void minikubeStoreUsesTheProfilesDockerEnv() {
        Path app = Toolkit.fixture(tmp.resolve("app"));
        Toolkit.World w = new Toolkit.World(tmp);
        w.writeState("{\"minikube\":{\"tiny\":{\"status\":\"Running\",\"driver\":\"docker\",\"cpus\":2,\"memory\":2048,\"disk\":5120,\"addons\":[]}}}");
        Toolkit.Run r = w.script("BuildImages", "--config", app.resolve("taskora.yaml").toString(), "--only", "backend").expect(0);
        refs(r);
        assertTrue(w.calls("minikube").contains("minikube -p tiny docker-env --shell none"), w.calls("minikube").toString());
        assertTrue(r.out().contains("image store: minikube profile tiny's Docker daemon"));
        assertFalse(r.out().contains("taskora-test/frontend"), "--only backend");
    }

    @Test
    void minikubeStoreWithoutARunningProfileSaysHowToFixIt() {
        Path app = Toolkit.fixture(tmp.resolve("app"));
        Toolkit.World w = new Toolkit.World(tmp);
        Toolkit.Run r = w.script("BuildImages", "--config", app.resolve("taskora.yaml").toString()).expect(Exit.COMMAND_FAILED);
        assertTrue(r.err().contains("minikube docker-env failed") && r.err().contains("jbang minikube-profile@taskora"), r.err());
    }

    @Test
    void imagesThatFailTheChecksFailTheRun() {
        Path app = Toolkit.fixture(tmp.resolve("app"));
        Toolkit.World w = new Toolkit.World(tmp);
        Toolkit.Run r = w.script("BuildImages", "--config", app.resolve("taskora.yaml").toString(), "--target", "context",
                "--set", "services.frontend.dockerfile=root.Dockerfile", "--set", "services.backend.dockerfile=secret.Dockerfile")
                .expect(Exit.CHECK_FAILED);
        refs(r);
        String fe = String.join("  ", Toolkit.tableRow(r.out(), "SERVICE", "frontend"));
        assertTrue(fe.contains("FAIL: runs as root") && fe.contains("no HEALTHCHECK"), fe);
        String be = String.join("  ", Toolkit.tableRow(r.out(), "SERVICE", "backend"));
        assertTrue(be.contains("env API_TOKEN holds a secret-looking value"), be);
    }

    @Test
    void sizeBudgetIsEnforced() {
        Path app = Toolkit.fixture(tmp.resolve("app"));
        byte[] big = new byte[2 << 20];
        new java.util.Random(1).nextBytes(big);
        try { Files.write(app.resolve("svc/a/blob.bin"), big); } catch (java.io.IOException e) { throw new RuntimeException(e); }
        Toolkit.World w = new Toolkit.World(tmp);
        Toolkit.Run r = w.script("BuildImages", "--config", app.resolve("taskora.yaml").toString(), "--target", "context",
                "--only", "frontend", "--set", "services.frontend.sizeBudgetMiB=1").expect(Exit.CHECK_FAILED);
        refs(r);
        assertTrue(Toolkit.tableRow(r.out(), "SERVICE", "frontend").get(5).matches("FAIL: size [0-9.]+ MiB over the budget of 1\\.0 MiB"), r.out());
    }

    @Test
    void dryRunComputesTagsButBuildsNothing() {
        Path app = Toolkit.fixture(tmp.resolve("app"));
        Toolkit.World w = new Toolkit.World(tmp);
        Toolkit.Run r = w.script("BuildImages", "--config", app.resolve("taskora.yaml").toString(), "--target", "context", "--dry-run").expect(0);
        List<String> refs = refs(r);
        assertEquals(2, refs.size(), r.out());
        assertTrue(r.out().contains("[dry-run] $ DOCKER_BUILDKIT=1 docker build -f "), r.out());
        for (String ref : refs) assertTrue(Toolkit.docker("image", "inspect", ref).exit() != 0, ref + " must not exist after a dry run");
    }

    @Test
    void badInputIsNamed() {
        Path app = Toolkit.fixture(tmp.resolve("app"));
        Toolkit.World w = new Toolkit.World(tmp);
        Toolkit.Run r = w.script("BuildImages", "--config", app.resolve("taskora.yaml").toString(), "--target", "context",
                "--set", "services.frontend.context=svc/missing").expect(Exit.USAGE);
        assertTrue(r.err().contains("services.frontend.context: ") && r.err().contains("is not a directory"), r.err());
        Toolkit.Run only = w.script("BuildImages", "--config", app.resolve("taskora.yaml").toString(), "--only", "nosuch").expect(Exit.USAGE);
        assertTrue(only.err().contains("--only nosuch: no such service (known: frontend, backend)"), only.err());
        Toolkit.Run store = w.script("BuildImages", "--config", app.resolve("taskora.yaml").toString(), "--store", "cloud").expect(Exit.USAGE);
        assertTrue(store.err().contains("--store cloud: expected minikube or local"), store.err());
    }

    @Test
    void buildArgsFileGivesEachServiceItsArgs() throws Exception {
        Path app = Toolkit.fixture(tmp.resolve("app"));
        Files.writeString(app.resolve("args.yaml"), "# as dockerfiles/stand-in/build-args.yaml\nfrontend:\n  GREETING: hello\nbackend:\n  GREETING: other\n"
                + "postgresql:\n  repository: my/postgres\n  tag: '15'\n");
        Files.writeString(app.resolve("good.Dockerfile"), Files.readString(app.resolve("good.Dockerfile")) + "\nARG GREETING\nLABEL greeting=$GREETING\n");
        Toolkit.World w = new Toolkit.World(tmp);
        Toolkit.Run r = w.script("BuildImages", "--config", app.resolve("taskora.yaml").toString(), "--target", "context",
                "--only", "frontend", "--set", "build.buildArgsFile=args.yaml").expect(0);
        String ref = refs(r).get(0);
        assertTrue(r.out().contains("--build-arg GREETING=hello"), r.out());
        Object doc = Toolkit.json(Toolkit.docker("image", "inspect", ref).expect(0).out());
        assertEquals("hello", Json.text(doc, 0, "Config", "Labels", "greeting"));
    }

    /** The one place a tag is computed: scripts/lib/Images.java (build-images, deploy and ai-ops review-dockerfiles all plan through it). */
    @Test
    void anImageTagIsComputedInOnePlace() throws Exception {
        List<String> where = new ArrayList<>();
        try (var files = Files.walk(Toolkit.REPO.resolve("scripts"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                String code = Files.readString(f).replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"").replaceAll("(?m)//.*$", "");
                if (code.contains("Digest.dockerBuild(") || code.contains("gitTag(")) where.add(Toolkit.REPO.relativize(f).toString());
            }
        }
        assertEquals(List.of("scripts/lib/Images.java"), where, "only Images.plan computes tags");
    }
}

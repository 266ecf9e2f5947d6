import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import javax.tools.ToolProvider;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Through the real ./jbang launcher and the catalog, as a user runs them in a fresh clone
 * (no jbang on PATH: the launcher bootstraps JBang from Maven Central into $TASKORA_CACHE).
 */
class JBangTest {
    @TempDir Path tmp;

    static final List<String> ALIASES = List.of("preflight", "minikube-profile", "build-images", "deploy", "smoke");

    static Map<String, String> noJbangEnv() {
        Map<String, String> env = new HashMap<>();
        List<String> path = new ArrayList<>();
        for (String d : System.getenv("PATH").split(":"))
            if (!d.isEmpty() && !Files.isExecutable(Path.of(d, "jbang"))) path.add(d);
        env.put("PATH", String.join(":", path));
        return env;
    }

    static Toolkit.Run jbang(Map<String, String> env, String... args) {
        List<String> argv = new ArrayList<>(List.of(Toolkit.REPO.resolve("jbang").toString()));
        argv.addAll(List.of(args));
        return Toolkit.exec(argv, env, Toolkit.REPO, null, 600);
    }

    @Test
    void everyAliasAnswersHelp() {
        for (String alias : ALIASES) {
            Toolkit.Run r = jbang(noJbangEnv(), alias + "@taskora", "--help").expect(0);
            assertTrue(r.out().startsWith("Usage: " + alias + " "), alias + ": " + r.out());
            assertTrue(r.out().contains("--dry-run") && r.out().contains("--verbose") && r.out().contains("Exit codes:"), alias + ": " + r.out());
        }
    }

    @Test
    void preflightInAFreshCloneNamesTheMissingMinikube() {
        Toolkit.Run r = jbang(noJbangEnv(), "preflight@taskora").expect(Exit.CHECK_FAILED);
        String row = r.out().lines().filter(l -> l.startsWith("minikube ")).findFirst().orElseThrow(() -> new AssertionError(r.out()));
        assertTrue(row.contains("FAIL") && row.contains("not found") && row.contains("https://minikube.sigs.k8s.io/docs/start/"), row);
    }

    @Test
    void deployDryRunPrintsTheWholePlanWithoutMinikubeOrDocker() throws Exception {
        // Neither minikube nor docker (nor helm) may be needed: a PATH with only the basics and java.
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        for (String tool : List.of("bash", "sh", "env", "dirname", "basename", "readlink", "sed", "cat", "mkdir", "mv", "rmdir", "tail", "uname", "kubectl"))
            Files.createSymbolicLink(bin.resolve(tool), Path.of(whichOrFail(tool)));
        Path javaHome = Path.of(System.getProperty("java.home"));
        Map<String, String> env = new HashMap<>();
        env.put("PATH", bin + ":" + javaHome.resolve("bin"));
        env.put("JAVA_HOME", javaHome.toString());
        // Issue 9: the dry run exits with the code the real run would stop with, and says where.
        Toolkit.Run r = jbang(env, "deploy@taskora", "--dry-run").expect(Exit.CHECK_FAILED);
        String out = r.out();
        int pre = out.indexOf("==> preflight"), mk = out.indexOf("[dry-run] $ minikube start -p taskora --driver=docker --cpus=4 --memory=8192mb"),
                fe = out.indexOf("[dry-run] $ eval $(minikube -p taskora docker-env) && DOCKER_BUILDKIT=1 docker build -f " + Toolkit.REPO.resolve("dockerfiles/frontend.Dockerfile")),
                mcp = out.indexOf("[dry-run] $ eval $(minikube -p taskora docker-env) && DOCKER_BUILDKIT=1 docker build -f " + Toolkit.REPO.resolve("dockerfiles/mcp-server.Dockerfile")),
                helm = out.indexOf("[dry-run] $ helm upgrade --install taskora " + Toolkit.REPO.resolve("charts/taskora")),
                rollout = out.indexOf("[dry-run] $ kubectl --context taskora rollout status"),
                smoke = out.indexOf("==> smoke");
        assertTrue(pre >= 0 && pre < mk && mk < fe && fe < mcp && mcp < helm && helm < rollout && rollout < smoke, "ordered plan:\n" + out);
        assertTrue(out.contains("-f " + Toolkit.REPO.resolve("charts/taskora/values-dev.yaml")), out);
        assertTrue(out.contains("--atomic"), out);
        assertTrue(out.contains("the real run would stop at preflight"), out);
        assertTrue(r.err().contains("deploy: error: dry run: the real run would stop at preflight: preflight failed: docker, minikube, helm"), r.err());
    }

    /** With JBang's own home: `jbang catalog add --name taskora FILE`, then the alias from any directory. */
    @Test
    void catalogAddThenTheAliasWorksFromAnyDirectory() throws Exception {
        Map<String, String> env = noJbangEnv();
        env.put("JBANG_DIR", tmp.resolve("jbang-home").toString());
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        List<String> launcher = List.of(Toolkit.REPO.resolve("jbang").toString());
        List<String> add = new ArrayList<>(launcher);
        add.addAll(List.of("catalog", "add", "--name", "taskora", Toolkit.REPO.resolve("jbang-catalog.json").toString()));
        Toolkit.exec(add, env, elsewhere, null, 300).expect(0);
        List<String> help = new ArrayList<>(launcher);
        help.addAll(List.of("smoke@taskora", "--help"));
        Toolkit.Run r = Toolkit.exec(help, env, elsewhere, null, 300).expect(0);
        assertTrue(r.out().startsWith("Usage: smoke "), r.out());
    }

    @Test
    void anInstalledJbangIsUsedWhenThereIsOne() throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path fake = bin.resolve("jbang");
        Files.writeString(fake, "#!/bin/sh\necho \"installed jbang: $*\"\n");
        fake.toFile().setExecutable(true);
        Map<String, String> env = noJbangEnv();
        env.put("PATH", bin + ":" + env.get("PATH"));
        env.put("TASKORA_NO_SYSTEM_JBANG", null);
        Toolkit.Run r = jbang(env, "deploy@taskora", "--dry-run").expect(0);
        assertEquals("installed jbang: deploy@taskora --dry-run\n", r.out());
    }

    /** JBang's launcher protocol: exit 255 means "exec the command printed on stdout". */
    @Test
    void launcherExecsWhatJBangPrintsOn255AndPassesOtherExitCodes() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src/dev/jbang"));
        Files.writeString(src.resolve("Main.java"), """
                package dev.jbang;
                public class Main {
                    public static void main(String[] a) {
                        if (a[0].equals("exec")) { System.out.println("printf 'ran:%s:%s\\\\n' \\"$JBANG_RUNTIME_SHELL\\" '" + a[1] + "'"); System.exit(255); }
                        System.out.println("plain output"); System.exit(Integer.parseInt(a[1]));
                    }
                }""");
        Path classes = Files.createDirectories(tmp.resolve("classes"));
        assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(), src.resolve("Main.java").toString()));
        Path cache = tmp.resolve("cache");
        Path jar = Files.createDirectories(cache.resolve("jbang/9.9.9")).resolve("jbang-cli-9.9.9-all.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("dev/jbang/Main.class"));
            out.write(Files.readAllBytes(classes.resolve("dev/jbang/Main.class")));
            out.closeEntry();
        }
        Map<String, String> env = noJbangEnv();
        env.put("TASKORA_CACHE", cache.toString());
        env.put("TASKORA_JBANG_VERSION", "9.9.9");
        assertEquals("ran:bash:hello world\n", jbang(env, "exec", "hello world").expect(0).out());
        Toolkit.Run failed = jbang(env, "exit", "3").expect(3);
        assertEquals("plain output\n", failed.out());
    }

    @Test
    void withoutJbangAndMavenTheLauncherSaysWhatToInstall() throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        for (String tool : List.of("bash", "dirname", "basename", "readlink", "sed", "cat", "mkdir", "mv", "rmdir", "tail", "env"))
            Files.createSymbolicLink(bin.resolve(tool), Path.of(whichOrFail(tool)));
        Files.createSymbolicLink(bin.resolve("java"), Path.of(Toolkit.javaBin()));
        Map<String, String> env = new HashMap<>();
        env.put("PATH", bin.toString());
        env.put("TASKORA_CACHE", tmp.resolve("empty-cache").toString());
        Toolkit.Run r = Toolkit.exec(List.of(bin.resolve("bash").toString(), Toolkit.REPO.resolve("jbang").toString(), "version"), env, Toolkit.REPO, null, 60)
                .expect(1);
        assertTrue(r.err().startsWith("jbang: neither jbang nor mvn is on PATH: install JBang"), r.err());
    }

    static String whichOrFail(String tool) {
        for (String d : List.of("/usr/bin", "/bin", "/usr/local/bin"))
            if (Files.isExecutable(Path.of(d, tool))) return Path.of(d, tool).toString();
        throw new AssertionError(tool + " not found");
    }
}

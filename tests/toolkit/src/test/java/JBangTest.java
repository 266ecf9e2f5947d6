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

    static final List<String> ALIASES = List.of("preflight", "minikube-profile", "build-images", "deploy", "smoke", "ai-ops");

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
        List<String> cells = Toolkit.tableRow(r.out(), "CHECK", "minikube");
        assertTrue(cells != null, r.out());
        String row = String.join("  ", cells); // the fix is printed under its row
        assertTrue(row.contains("FAIL") && row.contains("not found") && row.contains("https://minikube.sigs.k8s.io/docs/start/"), row + "\n" + r.out());
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

    /** Issue 21.5: `./jbang` alone lists the taskora aliases with their descriptions (not JBang's generic help). Failed on the old launcher. */
    @Test
    void theLauncherWithoutArgumentsListsTheAliases() throws Exception {
        Toolkit.Run r = jbang(noJbangEnv()).expect(0);
        Object cat = Toolkit.json(Files.readString(Toolkit.REPO.resolve("jbang-catalog.json")));
        List<String> rows = r.out().lines().filter(l -> l.startsWith("  ")).map(String::strip).toList();
        List<String> expected = new ArrayList<>();
        for (String alias : ALIASES)
            expected.add(String.format("%-26s %s", alias + "@taskora", Json.text(cat, "aliases", alias, "description")).strip());
        assertEquals(expected, rows, r.out());
        assertTrue(r.out().contains("deploy@taskora --help"), r.out());
    }

    /** Issue 21.5: JBang's own output is not coloured when it goes to a pipe (NO_COLOR unset). Failed on the old launcher. */
    @Test
    void theLaunchersOutputIntoAPipeHasNoColour() {
        Map<String, String> env = noJbangEnv();
        env.put("TERM", "xterm-256color");
        Toolkit.Run r = Toolkit.exec(List.of("bash", "-c", "unset NO_COLOR; exec \"$0\" alias list", Toolkit.REPO.resolve("jbang").toString()),
                env, Toolkit.REPO, null, 600).expect(0);
        assertTrue(r.out().contains("deploy\n"), r.out());
        assertTrue(!r.all().contains("\u001B["), "no escape codes in a pipe:\n" + r.all());
    }

    /** `../jbang deploy@taskora` in app/: JBang crashed with a NullPointerException (exit 4) there. */
    @Test
    void everyAliasAnswersHelpFromASubfolder() {
        for (String alias : ALIASES) {
            Toolkit.Run r = Toolkit.exec(List.of("../jbang", alias + "@taskora", "--help"), noJbangEnv(), Toolkit.REPO.resolve("app"), null, 600).expect(0);
            assertTrue(r.out().startsWith("Usage: " + alias + " "), alias + ": " + r.out());
        }
    }

    /** /path/to/checkout/jbang from any directory runs that checkout's aliases with its taskora.yaml. */
    @Test
    void theLauncherRunsItsCheckoutsAliasesFromAnyDirectory() throws Exception {
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        String launcher = Toolkit.REPO.resolve("jbang").toString();
        Toolkit.Run help = Toolkit.exec(List.of(launcher, "smoke@taskora", "--help"), noJbangEnv(), elsewhere, null, 600).expect(0);
        assertTrue(help.out().startsWith("Usage: smoke "), help.out());
        Toolkit.Run pre = Toolkit.exec(List.of(launcher, "preflight@taskora", "--json"), noJbangEnv(), elsewhere, null, 600);
        assertTrue(pre.exit() == 0 || pre.exit() == Exit.CHECK_FAILED, "taskora.yaml of the checkout is found:\n" + pre.all());
        assertTrue(pre.out().contains("\"name\": \"minikube\""), pre.out());
    }

    /** README's `jbang catalog add` line, for this checkout. */
    static List<String> readmeCatalogAdd() throws Exception {
        String line = Files.readString(Toolkit.REPO.resolve("README.md")).lines().map(String::strip)
                .filter(l -> l.startsWith("jbang catalog add ")).findFirst().orElseThrow(() -> new AssertionError("README has no `jbang catalog add` line"));
        line = line.replaceFirst("\\s+#.*$", "").replace("/path/to/taskora-deploy", Toolkit.REPO.toString());
        return new ArrayList<>(List.of(line.substring("jbang ".length()).split("\\s+")));
    }

    /**
     * An installed jbang (JBang's own jar behind JBang's launcher protocol; no Taskora launcher in
     * between): README's `jbang catalog add` from another directory, then every alias from that
     * directory, from a subfolder of the checkout, and the checkout's taskora.yaml found.
     */
    @Test
    void afterReadmesCatalogAddAnInstalledJbangRunsTheAliasesFromAnywhere() throws Exception {
        Path jbang = installedJbang();
        Map<String, String> env = ownJbangHome();
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        List<String> add = new ArrayList<>(List.of(jbang.toString()));
        add.addAll(readmeCatalogAdd());
        Toolkit.exec(add, env, elsewhere, null, 300).expect(0);
        for (String alias : ALIASES) {
            Toolkit.Run r = Toolkit.exec(List.of(jbang.toString(), alias + "@taskora", "--help"), env, elsewhere, null, 600).expect(0);
            assertTrue(r.out().startsWith("Usage: " + alias + " "), alias + ": " + r.out());
        }
        Toolkit.Run sub = Toolkit.exec(List.of(jbang.toString(), "smoke@taskora", "--help"), env, Toolkit.REPO.resolve("app"), null, 600).expect(0);
        assertTrue(sub.out().startsWith("Usage: smoke "), "the repo's own catalog does not shadow the registered one: " + sub.all());
        Toolkit.Run pre = Toolkit.exec(List.of(jbang.toString(), "preflight@taskora", "--json"), env, elsewhere, null, 600);
        assertTrue(pre.exit() == 0 || pre.exit() == Exit.CHECK_FAILED, "taskora.yaml found through the registered catalog:\n" + pre.all());
    }

    /** README's `jbang catalog add`, run inside the checkout, twice and with --force: the tracked catalog is untouched. */
    @Test
    void readmesCatalogAddInsideTheRepoLeavesTheTrackedCatalogAlone() throws Exception {
        byte[] before = Files.readAllBytes(Toolkit.REPO.resolve("jbang-catalog.json"));
        Map<String, String> env = ownJbangHome();
        List<String> add = new ArrayList<>(List.of(Toolkit.REPO.resolve("jbang").toString()));
        add.addAll(readmeCatalogAdd());
        Toolkit.exec(add, env, Toolkit.REPO.resolve("app"), null, 300).expect(0);
        List<String> force = new ArrayList<>(add);
        force.add(1 + force.indexOf("add"), "--force");
        Toolkit.exec(force, env, Toolkit.REPO, null, 300).expect(0);
        assertEquals(new String(before), Files.readString(Toolkit.REPO.resolve("jbang-catalog.json")), "the tracked catalog is unchanged");
        assertTrue(Files.readString(tmp.resolve("jbang-home/jbang-catalog.json")).contains(Toolkit.REPO.resolve("jbang-catalog.json").toString()),
                "registered in JBang's user catalog");
    }

    /** docs/TOOLKIT.md: `scripts/Deploy.java --help`, the file run as a program, with no jbang on PATH. */
    @Test
    void theScriptsAreExecutableFiles() throws Exception {
        Toolkit.Run modes = Toolkit.exec(List.of("git", "ls-files", "-s", "scripts"), Map.of(), Toolkit.REPO, null, 60).expect(0);
        for (String alias : List.of("Preflight", "MinikubeProfile", "BuildImages", "Deploy", "Smoke"))
            assertTrue(modes.out().lines().anyMatch(l -> l.startsWith("100755 ") && l.endsWith("scripts/" + alias + ".java")),
                    alias + ".java is executable in git:\n" + modes.out());
        Toolkit.Run r = Toolkit.exec(List.of("scripts/Deploy.java", "--help"), noJbangEnv(), Toolkit.REPO, null, 600).expect(0);
        assertTrue(r.out().startsWith("Usage: deploy "), r.out());
    }

    /** Each alias's script, as the catalog names it: alias -> scripts/File.java. */
    static Map<String, String> catalogScripts() throws Exception {
        Object cat = Toolkit.json(Files.readString(Toolkit.REPO.resolve("jbang-catalog.json")));
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (String alias : ALIASES) out.put(alias, Json.text(cat, "aliases", alias, "script-ref"));
        return out;
    }

    /** What each script's dry run is asked (ai-ops needs a request). */
    static List<String> dryRunArgs(String alias) {
        return alias.equals("ai-ops") ? List.of("--dry-run", "status") : List.of("--dry-run");
    }

    /**
     * docs/TOOLKIT.md's copy-a-script recipe, run as written for every alias into a scratch git
     * repository outside this checkout, with no jbang on PATH: the copy answers --help, and its
     * --dry-run against the scratch repository's own taskora.yaml exits as the same script in the
     * checkout does with that file, without reading anything of the checkout.
     */
    @Test
    void theCopyRecipeWorksForEveryAlias() throws Exception {
        String doc = Files.readString(Toolkit.REPO.resolve("docs/TOOLKIT.md"));
        String section = doc.substring(doc.indexOf("## Copying a script into another repository"));
        String block = section.substring(section.indexOf("```sh\n") + 6, section.indexOf("```", section.indexOf("```sh\n") + 6));
        assertTrue(block.contains("scripts/Smoke.java"), "the recipe names the script it copies:\n" + block);
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> e : catalogScripts().entrySet()) {
            String alias = e.getKey(), file = Path.of(e.getValue()).getFileName().toString();
            Path other = Toolkit.fixture(tmp.resolve("copy-" + alias + "/other-repo"));
            Toolkit.exec(List.of("git", "init", "-q", other.toString()), Map.of(), tmp, null, 60).expect(0);
            String script = "set -e\n" + block.replace("Smoke.java", file).replace("other-repo", other.toString());
            Toolkit.Run help = Toolkit.exec(List.of("bash", "-c", script), noJbangEnv(), Toolkit.REPO, null, 600);
            if (help.exit() != 0 || !help.out().startsWith("Usage: " + alias + " ")) {
                problems.add(alias + ": the recipe's --help: exit " + help.exit() + "\n" + help.all());
                continue;
            }
            try (var copied = Files.list(other.resolve("scripts"))) {
                assertEquals(List.of(file, "lib"), copied.map(p -> p.getFileName().toString()).sorted().toList(), alias + ": the recipe copies the script and lib/ only");
            }

            Toolkit.World copyWorld = new Toolkit.World(tmp.resolve("copy-" + alias + "/world"));
            Map<String, String> env = new HashMap<>(copyWorld.env);
            env.putAll(noJbangEnv());
            env.put("PATH", copyWorld.bin + ":" + noJbangEnv().get("PATH"));
            List<String> argv = new ArrayList<>(List.of(other.resolve("scripts/" + file).toString()));
            argv.addAll(dryRunArgs(alias));
            Toolkit.Run copy = Toolkit.exec(argv, env, other, null, 600);

            Toolkit.World here = new Toolkit.World(tmp.resolve("here-" + alias + "/world"));
            List<String> args = new ArrayList<>(List.of("--config", other.resolve("taskora.yaml").toString()));
            args.addAll(dryRunArgs(alias));
            Toolkit.Run checkout = here.script(file.replace(".java", ""), args.toArray(String[]::new));

            if (copy.exit() != checkout.exit())
                problems.add(alias + ": the copy's dry run exits " + copy.exit() + ", the checkout's " + checkout.exit()
                        + "\n--- copy\n" + copy.all() + "\n--- checkout\n" + checkout.all());
            if (copy.all().contains(Toolkit.REPO.toString()))
                problems.add(alias + ": the copy's dry run read something of the checkout " + Toolkit.REPO + ":\n" + copy.all());
            if (copy.exit() == Exit.UNEXPECTED || copy.all().contains("Failed to get contents"))
                problems.add(alias + ": the copy's dry run broke:\n" + copy.all());
        }
        assertEquals(List.of(), problems);
    }

    static Path taskoraCache() {
        String cache = System.getenv("TASKORA_CACHE");
        if (cache != null && !cache.isBlank()) return Path.of(cache);
        String xdg = System.getenv("XDG_CACHE_HOME");
        return Path.of(xdg != null && !xdg.isBlank() ? xdg : System.getProperty("user.home") + "/.cache", "taskora");
    }

    /** JBang's home for one test (its own user catalog), sharing the suite's cache of compiled scripts. */
    Map<String, String> ownJbangHome() {
        Map<String, String> env = noJbangEnv();
        env.put("JBANG_DIR", tmp.resolve("jbang-home").toString());
        env.put("JBANG_CACHE_DIR", System.getenv().getOrDefault("JBANG_DIR", taskoraCache().resolve("jbang/home").toString()) + "/cache");
        return env;
    }

    /** A stand-in for an installed jbang: the bootstrapped JBang jar behind JBang's launcher protocol. */
    Path installedJbang() throws Exception {
        jbang(noJbangEnv(), "version").expect(0); // bootstraps the jar once
        String cache = taskoraCache().toString();
        String version = "0.132.1";
        java.util.regex.Matcher v = java.util.regex.Pattern.compile("JBANG_VERSION=\"\\$\\{TASKORA_JBANG_VERSION:-([0-9.]+)}\"")
                .matcher(Files.readString(Toolkit.REPO.resolve("jbang")));
        if (v.find()) version = v.group(1);
        Path jar = Path.of(cache, "jbang", version, "jbang-cli-" + version + "-all.jar");
        assertTrue(Files.isRegularFile(jar), jar.toString());
        Path bin = Files.createDirectories(tmp.resolve("installed-bin"));
        Path jbang = bin.resolve("jbang");
        Files.writeString(jbang, "#!/usr/bin/env bash\n"
                + "export JBANG_RUNTIME_SHELL=bash JBANG_STDIN_NOTTY=true JBANG_LAUNCH_CMD=\"$0\"\n"
                + "out=\"$('" + Toolkit.javaBin() + "' -classpath '" + jar + "' dev.jbang.Main \"$@\")\"; rc=$?\n"
                + "if [ $rc -eq 255 ]; then eval \"exec $out\"; fi\n"
                + "[ -n \"$out\" ] && printf '%s\\n' \"$out\"\nexit $rc\n");
        jbang.toFile().setExecutable(true);
        return jbang;
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
        Toolkit.Run r = jbang(env, "deploy@taskora", "--dry-run", "x@taskora").expect(0);
        assertEquals("installed jbang: deploy@" + Toolkit.REPO + " --dry-run x@taskora\n", r.out(),
                "the alias is this checkout's (the script's own arguments are left alone)");
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

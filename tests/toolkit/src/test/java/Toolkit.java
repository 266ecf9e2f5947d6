import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Helpers shared by the toolkit tests: run a script as a process, a world of fakes, fixtures. */
final class Toolkit {
    static final Path REPO = Path.of(System.getProperty("repo.root", "../..")).toAbsolutePath().normalize();

    static final Path FAKES = REPO.resolve("tests/fakes");
    static final Path FIXTURE = REPO.resolve("tests/toolkit/fixtures/tiny");

    /** What the real minikube v1.38.1 answered, recorded by tests/toolkit/record-minikube (never typed by hand). */
    static final Path MINIKUBE_RECORDED = REPO.resolve("tests/toolkit/fixtures/minikube");

    private Toolkit() {}

    /** One recorded answer of the real minikube: its stdout (NAME), or its exit status (NAME.exit). */
    static String recorded(String name) {
        return read(MINIKUBE_RECORDED.resolve(name));
    }

    /**
     * The real minikube v1.38.1: tests/toolkit/run builds it once from its tagged source in the
     * background (tests/lib/upstream.sh) and names the binary in MINIKUBE_READY; this waits for it.
     */
    static Path realMinikube() {
        return built("MINIKUBE_READY", "minikube");
    }

    /** The real kagent CLI v0.9.12, built from its tagged source by tests/toolkit/run (KAGENT_READY names it). */
    static Path realKagent() {
        return built("KAGENT_READY", "kagent");
    }

    private static Path built(String var, String name) {
        String ready = System.getenv(var);
        assertTrue(ready != null && !ready.isBlank(), var + " is not set: run the suite with tests/toolkit/run (it builds " + name + ")");
        Path f = Path.of(ready);
        long deadline = System.currentTimeMillis() + TimeUnit.MINUTES.toMillis(25); // a cold build: about 7 minutes, longer on a busy machine
        try {
            while (!Files.isRegularFile(f) && System.currentTimeMillis() < deadline) Thread.sleep(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String answer = Files.isRegularFile(f) ? read(f).strip() : "";
        assertTrue(answer.startsWith("/") && Files.isExecutable(Path.of(answer)), name + " was not built: " + answer);
        return Path.of(answer);
    }

    /** Parses JSON the way the scripts do (Jackson, through scripts/lib/Json.java). */
    static Object json(String text) {
        return Json.parse(text, "test input");
    }

    record Run(int exit, String out, String err) {
        String all() { return out + err; }
        Run expect(int code) {
            assertTrue(exit == code, "expected exit " + code + " but got " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err);
            return this;
        }
    }

    /** Runs argv with extra env; PATH is replaced when env has one. Bounded by a timeout. */
    static Run exec(List<String> argv, Map<String, String> env, Path cwd, String stdin, long timeoutSeconds) {
        ProcessBuilder pb = new ProcessBuilder(argv).directory(cwd.toFile());
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (e.getValue() == null) pb.environment().remove(e.getKey());
            else pb.environment().put(e.getKey(), e.getValue());
        }
        pb.environment().put("NO_COLOR", "1");
        try {
            Path outF = Files.createTempFile("tk-out", ".txt"), errF = Files.createTempFile("tk-err", ".txt");
            pb.redirectOutput(outF.toFile()).redirectError(errF.toFile());
            Process p = pb.start();
            if (stdin != null) p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError(argv + " did not finish within " + timeoutSeconds + " s; output so far:\n" + Files.readString(outF));
            }
            Run r = new Run(p.exitValue(), Files.readString(outF), Files.readString(errF));
            Files.deleteIfExists(outF);
            Files.deleteIfExists(errF);
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** A copy of the tiny fixture app with a unique file, so its image tags are new on every run. */
    static Path fixture(Path dir) {
        copyTree(FIXTURE, dir);
        write(dir.resolve("svc/a/nonce.txt"), UUID.randomUUID().toString());
        write(dir.resolve("svc/b/nonce.txt"), UUID.randomUUID().toString());
        return dir;
    }

    static void copyTree(Path from, Path to) {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void write(Path p, String text) {
        try {
            Files.createDirectories(p.getParent());
            Files.writeString(p, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * One row of a table printed by Console.table, its wrapped cells joined again: the cells of
     * the row whose first cell is `first`, under the header line starting with `header`, then the
     * line printed under it (preflight's fix), joined too, as one more cell. Null when there is no such row.
     */
    static List<String> tableRow(String out, String header, String first) {
        List<String> lines = out.lines().toList();
        int at = -1;
        for (int i = 0; i < lines.size() && at < 0; i++) if (lines.get(i).startsWith(first + "  ")) at = i;
        if (at < 0) return null;
        String head = null;
        for (int i = at - 1; i >= 0 && head == null; i--) if (lines.get(i).startsWith(header + " ")) head = lines.get(i);
        if (head == null) throw new AssertionError("no header " + header + " above the row " + first + ":\n" + out);
        List<Integer> starts = new ArrayList<>();
        for (int i = 0; i < head.length(); i++)
            if (head.charAt(i) != ' ' && (i == 0 || (i >= 2 && head.startsWith("  ", i - 2)))) starts.add(i);
        List<StringBuilder> cells = new ArrayList<>();
        for (int k = 0; k < starts.size(); k++) cells.add(new StringBuilder());
        int n = at;
        for (; n < lines.size(); n++) {
            String l = lines.get(n);
            if (n > at && (l.isBlank() || !l.substring(0, Math.min(l.length(), starts.get(1))).isBlank())) break;
            for (int k = 0; k < starts.size(); k++) {
                int from = Math.min(l.length(), starts.get(k)), to = k + 1 < starts.size() ? Math.min(l.length(), starts.get(k + 1)) : l.length();
                String piece = l.substring(from, to).strip();
                if (!piece.isEmpty()) cells.get(k).append(cells.get(k).length() > 0 ? " " : "").append(piece);
            }
        }
        List<String> out2 = new ArrayList<>(cells.stream().map(StringBuilder::toString).toList());
        StringBuilder under = new StringBuilder();
        for (; n < lines.size() && lines.get(n).startsWith("      ") && !lines.get(n).substring(0, Math.min(lines.get(n).length(), starts.get(1))).isBlank(); n++)
            under.append(under.length() > 0 ? " " : "").append(lines.get(n).strip());
        out2.add(under.toString());
        return out2;
    }

    /** The entries of a folder, sorted; none when it does not exist. */
    static List<Path> listDir(Path dir) {
        if (!Files.isDirectory(dir)) return List.of();
        try (java.util.stream.Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A little world of fakes: a state dir, and a bin dir put first on PATH holding links to the
     * fakes (all, or those named). Real docker, java and helm stay reachable through the rest of PATH.
     */
    static final class World {
        final Path state;
        final Path bin;
        final Map<String, String> env = new HashMap<>();

        World(Path dir, String... fakes) {
            state = dir.resolve("state");
            bin = dir.resolve("bin");
            try {
                Files.createDirectories(state);
                Files.createDirectories(bin);
                List<String> names = fakes.length > 0 ? List.of(fakes) : List.of("minikube", "kubectl", "helm", "kubectl-ai", "kagent");
                for (String n : names) {
                    // kagent: the real CLI v0.9.12 (there is no fake of it: tests/e2e/kagent.sh runs
                    // it against the real controller), its calls recorded like the fakes'
                    if (n.equals("kagent")) recorded(bin.resolve(n), "kagent", realKagent());
                    else Files.createSymbolicLink(bin.resolve(n), FAKES.resolve(n));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            env.put("TASKORA_FAKE_STATE", state.toString());
            env.put("PATH", bin + ":" + System.getenv("PATH"));
        }

        /**
         * The real minikube in place of the fake, with an empty MINIKUBE_HOME of its own (no profile
         * of the machine is seen) and no update check (it would ask GitHub); its calls are recorded
         * as the fakes' are (calls("minikube")), then it runs.
         */
        World realMinikube() {
            Path real = Toolkit.realMinikube();
            Path home = state.resolveSibling("minikube-home");
            try {
                Files.createDirectories(home);
                recorded(bin.resolve("minikube"), "minikube", real);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            env.put("MINIKUBE_HOME", home.toString());
            env.put("MINIKUBE_WANTUPDATENOTIFICATION", "false");
            env.put("MINIKUBE_IN_STYLE", "false");
            return this;
        }

        /** A wrapper at `wrapper` that records the call like the fakes (calls(name)), then runs the real binary. */
        private static void recorded(Path wrapper, String name, Path real) throws IOException {
            Files.deleteIfExists(wrapper);
            write(wrapper, "#!/usr/bin/env python3\n# records the call like the fakes, then runs the real " + name + "\n"
                    + "import os, sys\nsys.path.insert(0, " + pyString(FAKES.toString()) + ")\nfrom _fake import record\n"
                    + "record(" + pyString(name) + ", sys.argv[1:])\nos.execv(" + pyString(real.toString()) + ", [" + pyString(name) + "] + sys.argv[1:])\n");
            wrapper.toFile().setExecutable(true);
        }

        private static String pyString(String s) {
            return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
        }

        /** Runs one of the scripts' main classes (compiled by Maven from scripts/) as a process. */
        Run script(String mainClass, String... args) {
            return script(mainClass, Map.of(), args);
        }

        Run script(String mainClass, Map<String, String> extraEnv, String... args) {
            Map<String, String> e = new HashMap<>(env);
            e.putAll(extraEnv);
            return exec(scriptCommand(mainClass, args), e, REPO, null, 240);
        }

        /** The command line that runs one of the scripts' main classes (for a test that starts it itself). */
        static List<String> scriptCommand(String mainClass, String... args) {
            List<String> argv = new ArrayList<>(List.of(javaBin(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                    "-cp", System.getProperty("java.class.path"), mainClass));
            argv.addAll(List.of(args));
            return argv;
        }

        /** The recorded calls of one fake, as "tool arg arg ..." lines. */
        List<String> calls(String tool) {
            List<String> out = new ArrayList<>();
            for (String line : read(state.resolve("calls.jsonl")).split("\n")) {
                if (line.isBlank()) continue;
                Object o = Toolkit.json(line);
                if (!tool.equals(Json.text(o, "tool"))) continue;
                out.add(tool + " " + String.join(" ", Json.items(o, "argv").stream().map(String::valueOf).toList()));
            }
            return out;
        }

        List<String> allCalls() {
            List<String> out = new ArrayList<>();
            for (String line : read(state.resolve("calls.jsonl")).split("\n")) {
                if (line.isBlank()) continue;
                Object o = Toolkit.json(line);
                out.add(Json.text(o, "tool") + " " + String.join(" ", Json.items(o, "argv").stream().map(String::valueOf).toList()));
            }
            return out;
        }

        Object stateJson() {
            return Toolkit.json(read(state.resolve("state.json")));
        }

        void writeState(String json) {
            write(state.resolve("state.json"), json);
        }
    }

    static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** docker with the environment the suite runner set up (Debian's client with BuildKit). */
    static Run docker(String... args) {
        List<String> argv = new ArrayList<>(List.of("docker"));
        argv.addAll(List.of(args));
        return exec(argv, Map.of(), REPO, null, 120);
    }

    /**
     * argv run with SIGINT at its default, as in a terminal: a JVM keeps SIGINT ignored when it
     * starts so, which is how a script's background job (a CI runner's, `nohup ... &`) starts it,
     * and a test of Ctrl-C then tests nothing. (Python resets it; exec keeps a default disposition.)
     */
    static List<String> defaultSigint(List<String> argv) {
        List<String> a = new ArrayList<>(List.of("python3", "-c",
                "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp(sys.argv[1], sys.argv[1:])"));
        a.addAll(argv);
        return a;
    }
}

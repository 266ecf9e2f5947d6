// Runs external commands for the Taskora scripts (zt-exec): every command that changes something
// is shown before it runs, and --dry-run shows it without running it. Read-only queries run even in
// a dry run (a missing tool then answers exit 127), so a plan reflects what is really there.
//DEPS org.zeroturnaround:zt-exec:1.13.0
//DEPS org.slf4j:slf4j-nop:1.7.36

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import org.zeroturnaround.exec.InvalidExitValueException;
import org.zeroturnaround.exec.ProcessExecutor;
import org.zeroturnaround.exec.StartedProcess;
import org.zeroturnaround.exec.stream.LogOutputStream;

final class Cmd {
    /** When true, commands that change something are printed, not run. */
    static boolean dryRun = false;
    /** Extra environment for every command (e.g. Minikube's docker-env for docker). */
    static final Map<String, String> env = new LinkedHashMap<>();
    /** Every command line shown or run, in order (the plan of a dry run). */
    static final List<String> log = new ArrayList<>();

    static final int NOT_FOUND = 127;
    static final int TIMED_OUT = 124;

    record Result(int exit, String out, String err, boolean skipped) {
        boolean ok() { return exit == 0; }
        /** The last lines of stderr (or stdout), for an error message. */
        String tail() {
            String s = err.isBlank() ? out : err;
            String[] lines = s.strip().split("\n");
            return String.join("\n", Arrays.copyOfRange(lines, Math.max(0, lines.length - 8), lines.length));
        }
    }

    private Cmd() {}

    /** Quotes an argument list for display (and for copy-and-paste into a shell). */
    static String show(List<String> argv) {
        StringBuilder sb = new StringBuilder();
        for (String a : argv) {
            if (sb.length() > 0) sb.append(' ');
            sb.append(a.matches("[A-Za-z0-9_./:=@%+,{}-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
        }
        return sb.toString();
    }

    /** A read-only query: always runs (even in a dry run), output captured, shown with --verbose. */
    static Result query(List<String> argv, Duration timeout) {
        Console.detail("$ " + show(argv));
        return execute(argv, timeout, null, null);
    }

    static Result query(String... argv) {
        return query(List.of(argv), Duration.ofSeconds(60));
    }

    static Result query(List<String> argv) {
        return query(argv, Duration.ofSeconds(60));
    }

    /** A command that changes something: shown, then run unless --dry-run. Output captured. */
    static Result change(List<String> argv, Duration timeout) {
        return change(argv, timeout, null, null);
    }

    /**
     * Like change(), with stdin (never shown: it may hold secrets) and a line sink for live
     * output (long steps: docker build, minikube start, helm upgrade).
     */
    static Result change(List<String> argv, Duration timeout, String stdin, Consumer<String> lines) {
        String shown = show(argv) + (stdin != null ? " <<(stdin, not shown)" : "");
        log.add(shown);
        Console.info((dryRun ? Console.yellow("[dry-run] $ ") : Console.dim("$ ")) + shown);
        if (dryRun) return new Result(0, "", "", true);
        return execute(argv, timeout, stdin, lines);
    }

    static Result execute(List<String> argv, Duration timeout, String stdin, Consumer<String> lines) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ProcessExecutor pe = new ProcessExecutor().command(argv).environment(env)
                .redirectOutput(tee(out, lines)).redirectError(tee(err, lines))
                .exitValueAny().destroyOnExit();
        if (stdin != null) pe.redirectInput(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        try {
            int code = pe.timeout(timeout.toMillis(), TimeUnit.MILLISECONDS).execute().getExitValue();
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8), false);
        } catch (TimeoutException e) {
            return new Result(TIMED_OUT, out.toString(StandardCharsets.UTF_8),
                    argv.get(0) + " did not finish within " + timeout.toSeconds() + " s", false);
        } catch (IOException e) {
            return new Result(NOT_FOUND, "", argv.get(0) + ": not found on PATH", false);
        } catch (InvalidExitValueException e) {
            return new Result(e.getExitValue(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8), false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure(Exit.COMMAND_FAILED, "interrupted while running " + argv.get(0));
        }
    }

    private static OutputStream tee(ByteArrayOutputStream buf, Consumer<String> lines) {
        if (lines == null) return buf;
        return new LogOutputStream() {
            @Override
            protected void processLine(String line) {
                buf.writeBytes((line + "\n").getBytes(StandardCharsets.UTF_8));
                lines.accept(line);
            }
        };
    }

    /** Fails with the command's own last lines when it did not succeed. */
    static Result check(Result r, String what, String hint) {
        if (r.ok()) return r;
        if (r.exit() == NOT_FOUND) throw new Failure(Exit.COMMAND_FAILED, what + ": " + r.err(), hint);
        throw new Failure(Exit.COMMAND_FAILED, what + " failed (exit " + r.exit() + "): " + r.tail(), hint);
    }

    /** True when the executable is found on PATH (no process is started). */
    static boolean onPath(String exe) {
        String path = System.getenv("PATH");
        if (path == null) return false;
        for (String dir : path.split(java.io.File.pathSeparator)) {
            java.nio.file.Path p = java.nio.file.Path.of(dir.isEmpty() ? "." : dir, exe);
            if (java.nio.file.Files.isExecutable(p) && !java.nio.file.Files.isDirectory(p)) return true;
        }
        return false;
    }

    /** A long-running background process (kubectl port-forward); its lines go to the sink. */
    static StartedProcess background(List<String> argv, Consumer<String> lines) {
        Console.detail("$ " + show(argv) + " &");
        LogOutputStream sink = new LogOutputStream() {
            @Override
            protected void processLine(String line) { lines.accept(line); }
        };
        try {
            return new ProcessExecutor().command(argv).environment(env).redirectOutput(sink)
                    .redirectError(sink).destroyOnExit().start();
        } catch (IOException e) {
            throw new Failure(Exit.COMMAND_FAILED, argv.get(0) + ": not found on PATH");
        }
    }
}

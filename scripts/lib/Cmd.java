// Runs external commands for the Taskora scripts (zt-exec): every command that changes something
// is shown before it runs, and --dry-run shows it without running it. Read-only queries run even in
// a dry run (a missing tool then answers exit 127), so a plan reflects what is really there.
// A command's environment belongs to that command line alone (Cmd.line(argv).env(...)): nothing set
// for docker (Minikube's docker-env) reaches kubectl or helm, and the plan shows it, copyable.
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import org.zeroturnaround.exec.InvalidExitValueException;
import org.zeroturnaround.exec.ProcessExecutor;
import org.zeroturnaround.exec.StartedProcess;
import org.zeroturnaround.exec.stream.LogOutputStream;

final class Cmd {
    /** When true, commands that change something are printed, not run. */
    static boolean dryRun = false;
    /** Every command line shown or run, in order (the plan of a dry run). */
    static final List<String> log = new ArrayList<>();

    static final int NOT_FOUND = 127;
    static final int TIMED_OUT = 124;
    /** The command said it had finished (Line.finishedWhen) but did not exit, so it was stopped. */
    static final int STOPPED_WHEN_FINISHED = 125;
    /** How long a command that says it has finished is given to exit before it is stopped. */
    static final Duration FINISHED_GRACE = Duration.ofSeconds(3);

    record Result(int exit, String out, String err, boolean skipped) {
        boolean ok() { return exit == 0; }
        /** The last lines of stderr (or stdout), for an error message; a line repeated (kubectl says it once per kind) once. */
        String tail() {
            String s = err.isBlank() ? out : err;
            String[] lines = new java.util.LinkedHashSet<>(Arrays.asList(s.strip().split("\n"))).toArray(String[]::new);
            return String.join("\n", Arrays.copyOfRange(lines, Math.max(0, lines.length - 8), lines.length));
        }
    }

    private Cmd() {}

    /** Quotes an argument list for display (and for copy-and-paste into a shell). */
    static String show(List<String> argv) {
        StringBuilder sb = new StringBuilder();
        for (String a : argv) {
            if (sb.length() > 0) sb.append(' ');
            sb.append(quote(a));
        }
        return sb.toString();
    }

    static String quote(String a) {
        return a.matches("[A-Za-z0-9_./:=@%+,{}-]+") ? a : "'" + a.replace("'", "'\\''") + "'";
    }

    /**
     * One command line: its argv, the environment it alone runs with, what it reads on stdin and
     * how that is shown (a heredoc with secrets masked), a timeout and a sink for live output.
     * `preamble` is shown before the command when its environment is not known yet (a dry run
     * before the Minikube profile exists: `eval $(minikube -p P docker-env) &&`).
     */
    record Line(List<String> argv, Map<String, String> env, String preamble, String stdin, String stdinShown,
                Duration timeout, Consumer<String> lines, boolean outlives, BooleanSupplier finished) {
        Line env(Map<String, String> e, String preamble) { return new Line(argv, Map.copyOf(e), preamble, stdin, stdinShown, timeout, lines, outlives, finished); }
        Line env(Map<String, String> e) { return env(e, null); }
        /** stdin and what the plan shows of it (secret values masked); never the text itself. */
        Line stdin(String text, String shown) { return new Line(argv, env, preamble, text, shown, timeout, lines, outlives, finished); }
        Line timeout(Duration d) { return new Line(argv, env, preamble, stdin, stdinShown, d, lines, outlives, finished); }
        Line lines(Consumer<String> sink) { return new Line(argv, env, preamble, stdin, stdinShown, timeout, sink, outlives, finished); }
        /**
         * For a command that may not exit once its work is done (kubectl-ai v0.0.28, see
         * KubectlAi): when `done` says so and the command has not exited FINISHED_GRACE later, it
         * is stopped, and its Result has the exit STOPPED_WHEN_FINISHED with all it printed.
         */
        Line finishedWhen(BooleanSupplier done) { return new Line(argv, env, preamble, stdin, stdinShown, timeout, lines, outlives, done); }
        /**
         * Not destroyed when this JVM exits (Ctrl-C, TERM): for a command that must be left to finish
         * what a signal makes it do, as an atomic helm upgrade rolls back; its caller waits for it.
         * (Process.destroy(), which every other command gets at exit, also closes its pipes: the
         * next line helm writes kills it with SIGPIPE, half-way, and the release stays pending.)
         */
        Line outlivesExit() { return new Line(argv, env, preamble, stdin, stdinShown, timeout, lines, true, finished); }

        /** As a shell line: `K=V ... argv`, then the heredoc of stdin. Copyable. */
        String shown() {
            StringBuilder sb = new StringBuilder();
            if (preamble != null) sb.append(preamble).append(' ');
            for (Map.Entry<String, String> e : new java.util.TreeMap<>(env).entrySet())
                sb.append(e.getKey()).append('=').append(quote(e.getValue())).append(' ');
            sb.append(show(argv));
            if (stdin != null) {
                String body = stdinShown == null ? "(not shown)\n" : stdinShown.endsWith("\n") ? stdinShown : stdinShown + "\n";
                sb.append(" <<'EOF'\n").append(body).append("EOF");
            }
            return sb.toString();
        }
    }

    static Line line(List<String> argv) {
        return new Line(List.copyOf(argv), Map.of(), null, null, null, Duration.ofSeconds(60), null, false, null);
    }

    static Line line(String... argv) {
        return line(List.of(argv));
    }

    /** Queries started ahead by prefetch(), each taken (once) by the query() of the same line. */
    private static final Map<Line, FutureTask<Result>> PREFETCHED = new ConcurrentHashMap<>();

    /**
     * Starts read-only queries now, side by side, for the query() of the same lines to take later:
     * the caller still asks in its own order, and each line is shown (--verbose) when asked, so
     * the output reads as before; only the waiting overlaps (preflight's dozen version probes).
     * Only for lines the caller will ask for: a query nobody takes still ran.
     */
    static void prefetch(List<Line> lines) {
        for (Line l : lines) {
            FutureTask<Result> task = new FutureTask<>(() -> execute(l));
            if (PREFETCHED.putIfAbsent(l, task) != null) continue;
            Thread t = new Thread(task, "prefetch " + l.argv().get(0));
            t.setDaemon(true);
            t.start();
        }
    }

    /** A read-only query: always runs (even in a dry run), output captured, shown with --verbose. */
    static Result query(Line l) {
        Console.detail("$ " + l.shown());
        FutureTask<Result> ahead = PREFETCHED.remove(l);
        if (ahead == null) return execute(l);
        try {
            return ahead.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure(Exit.COMMAND_FAILED, "interrupted while running " + l.argv().get(0));
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    static Result query(List<String> argv, Duration timeout) {
        return query(line(argv).timeout(timeout));
    }

    static Result query(String... argv) {
        return query(line(argv));
    }

    static Result query(List<String> argv) {
        return query(line(argv));
    }

    /** A command that changes something: shown, then run unless --dry-run. Output captured. */
    static Result change(Line l) {
        String shown = l.shown();
        log.add(shown);
        Console.info((dryRun ? Console.yellow("[dry-run] $ ") : Console.dim("$ ")) + shown);
        if (dryRun) return new Result(0, "", "", true);
        return execute(l);
    }

    static Result change(List<String> argv, Duration timeout) {
        return change(line(argv).timeout(timeout));
    }

    /** Like change(), with a line sink for live output (long steps: docker build, minikube start, helm upgrade). */
    static Result change(List<String> argv, Duration timeout, Consumer<String> lines) {
        return change(line(argv).timeout(timeout).lines(lines));
    }

    /**
     * TASKORA_TIMINGS=1: each command's wall time on stderr as it ends ("[time] 0.34 s (at 2.10 s) argv"),
     * to find what bounds a step (docs/TOOLKIT.md#how-fast). Off by default.
     */
    static final boolean TIMINGS = "1".equals(System.getenv("TASKORA_TIMINGS"));
    private static final long STARTED = System.nanoTime();

    static Result execute(Line l) {
        if (!TIMINGS) return run(l);
        long t0 = System.nanoTime();
        Result r = run(l);
        long t1 = System.nanoTime();
        String cmd = show(l.argv());
        System.err.printf("[time] %.2f s (ended at %.2f s) %s%n", (t1 - t0) / 1e9, (t1 - STARTED) / 1e9, cmd.length() > 160 ? cmd.substring(0, 160) + "..." : cmd);
        return r;
    }

    private static Result run(Line l) {
        List<String> argv = l.argv();
        Duration timeout = l.timeout();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ProcessExecutor pe = new ProcessExecutor().command(argv).environment(l.env())
                .redirectOutput(tee(out, l.lines())).redirectError(tee(err, l.lines()))
                .exitValueAny();
        if (!l.outlives()) pe.destroyOnExit();
        if (l.stdin() != null) pe.redirectInput(new ByteArrayInputStream(l.stdin().getBytes(StandardCharsets.UTF_8)));
        try {
            int code = l.finished() == null ? pe.timeout(timeout.toMillis(), TimeUnit.MILLISECONDS).execute().getExitValue()
                    : watch(pe.start(), l.finished(), timeout);
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

    /** Waits for the process, as execute() with a timeout does, and stops it once it says it has finished but stays. */
    private static int watch(StartedProcess sp, BooleanSupplier finished, Duration timeout)
            throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long finishedAt = 0;
        while (true) {
            try {
                return sp.getFuture().get(200, TimeUnit.MILLISECONDS).getExitValue();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof InvalidExitValueException iv ? iv : new IllegalStateException(e.getCause());
            } catch (TimeoutException e) {
                long now = System.nanoTime();
                if (finishedAt == 0 && finished.getAsBoolean()) finishedAt = now;
                boolean stop = finishedAt != 0 && now - finishedAt > FINISHED_GRACE.toNanos();
                if (stop || now > deadline) {
                    sp.getProcess().destroy();
                    sp.getProcess().waitFor(5, TimeUnit.SECONDS);
                    sp.getProcess().destroyForcibly();
                    try {
                        sp.getFuture().get(5, TimeUnit.SECONDS); // its output, read to the end
                    } catch (ExecutionException | TimeoutException ignored) {
                        // it was stopped: the exit below says so
                    }
                    if (stop) return STOPPED_WHEN_FINISHED;
                    throw new TimeoutException();
                }
            }
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
            return new ProcessExecutor().command(argv).redirectOutput(sink)
                    .redirectError(sink).destroyOnExit().start();
        } catch (IOException e) {
            throw new Failure(Exit.COMMAND_FAILED, argv.get(0) + ": not found on PATH");
        }
    }
}

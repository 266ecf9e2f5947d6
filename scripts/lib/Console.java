// Console output shared by the Taskora scripts: colour (jansi; off when stdout is not a terminal
// or NO_COLOR is set), step headings, aligned tables, the exit codes every script uses, the error
// handling of every command line (expected failures: one line and a hint; anything else: exit 70,
// a bug-report line, the stack trace only with --verbose).
//DEPS org.fusesource.jansi:jansi:2.4.3

import java.util.ArrayList;
import java.util.List;

import org.fusesource.jansi.Ansi;
import org.fusesource.jansi.AnsiConsole;

/** Exit codes shared by every script (docs/TOOLKIT.md lists them). */
final class Exit {
    static final int OK = 0;
    /** A check failed: a preflight requirement, an image check, a smoke check. */
    static final int CHECK_FAILED = 1;
    /** Bad input: an unknown option, a bad value in taskora.yaml or --set. */
    static final int USAGE = 2;
    /** An external command failed (docker build, minikube start, kubectl ...). */
    static final int COMMAND_FAILED = 3;
    /** The running Minikube profile does not match taskora.yaml; the fix is printed. */
    static final int PROFILE_MISMATCH = 4;
    /** helm upgrade failed and the release was rolled back (or the failed install removed). */
    static final int ROLLED_BACK = 5;
    /** Not a failure the scripts expect: a bug. A one-line report hint; the stack trace with --verbose. */
    static final int UNEXPECTED = 70;

    private Exit() {}
}

/** An expected failure: one clear line (plus an optional hint), an exit code, no stack trace. */
final class Failure extends RuntimeException {
    final int exitCode;
    final String hint;

    Failure(int exitCode, String message, String hint) {
        super(message);
        this.exitCode = exitCode;
        this.hint = hint;
    }

    Failure(int exitCode, String message) {
        this(exitCode, message, null);
    }
}

final class Console {
    static boolean color = false;
    static boolean verbose = false;
    private static boolean installed = false;

    private Console() {}

    /** Decides on colour once per process: a terminal, no NO_COLOR, TERM not dumb. */
    static void init(boolean verboseFlag) {
        verbose = verboseFlag;
        boolean tty = System.console() != null;
        color = tty && System.getenv("NO_COLOR") == null && !"dumb".equals(System.getenv("TERM"));
        if (color && !installed) {
            AnsiConsole.systemInstall();
            installed = true;
        }
    }

    /** Runs a picocli command with the shared error handling (one line, hint, exit code). */
    static int execute(Object command, String... args) {
        return commandLine(command, args).execute(args);
    }

    /** The command line every script runs: --help as wide as the terminal, failures as one line and a hint. */
    static picocli.CommandLine commandLine(Object command, String... args) {
        picocli.CommandLine cl = new picocli.CommandLine(command);
        cl.setUsageHelpAutoWidth(true); // picocli measures the terminal; 80 columns when it cannot tell
        String name = cl.getCommandName();
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            if (ex instanceof Failure f) {
                Console.error(name, f.getMessage(), f.hint);
                return f.exitCode;
            }
            return unexpected(name, ex, verbose || java.util.Arrays.asList(args).contains("--verbose") || java.util.Arrays.asList(args).contains("-v"));
        });
        cl.setParameterExceptionHandler((ex, a) -> {
            Console.error(name, ex.getMessage(), "see " + name + " --help");
            return Exit.USAGE;
        });
        return cl;
    }

    /** A bug: one line naming it, where to report it, the stack trace only when asked for. */
    static int unexpected(String name, Throwable ex, boolean withStackTrace) {
        String what = ex.getClass().getName() + (ex.getMessage() == null ? "" : ": " + ex.getMessage().lines().findFirst().orElse(""));
        Console.error(name, "unexpected error (a bug in Taskora Deploy): " + what,
                withStackTrace ? "please report it with the command line and this output"
                        : "please report it with the command line and the output of the same command with --verbose (it shows the stack trace)");
        if (withStackTrace) ex.printStackTrace(System.err);
        System.err.flush();
        return Exit.UNEXPECTED;
    }

    static String paint(Ansi.Color c, String s) {
        return color ? Ansi.ansi().fg(c).a(s).reset().toString() : s;
    }

    static String bold(String s) {
        return color ? Ansi.ansi().bold().a(s).reset().toString() : s;
    }

    static String green(String s) { return paint(Ansi.Color.GREEN, s); }
    static String red(String s) { return paint(Ansi.Color.RED, s); }
    static String yellow(String s) { return paint(Ansi.Color.YELLOW, s); }
    static String dim(String s) { return color ? Ansi.ansi().fgBrightBlack().a(s).reset().toString() : s; }

    static void heading(String s) { System.out.println(bold("==> " + s)); System.out.flush(); }
    static void info(String s) { System.out.println(s); System.out.flush(); }
    static void detail(String s) { if (verbose) { System.out.println(dim("    " + s)); System.out.flush(); } }
    static void warn(String s) { System.out.println(yellow("warning: ") + s); System.out.flush(); }

    /** One line on stderr: "<script>: error: ...", and "  hint: ..." when there is one. */
    static void error(String script, String message, String hint) {
        System.err.println(script + ": " + red("error:") + " " + message);
        if (hint != null && !hint.isBlank()) System.err.println("  hint: " + hint);
        System.err.flush();
    }

    static String status(boolean ok) { return ok ? green("PASS") : red("FAIL"); }

    static String seconds(long millis) {
        return String.format(java.util.Locale.ROOT, "%.1fs", millis / 1000.0);
    }

    static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    /** The width tables keep within (a normal terminal; wider ones leave room to spare). */
    static final int WIDTH = 100;
    /** No column is narrowed below this when a table must fit WIDTH. */
    static final int MIN_COLUMN = 12;

    /** Prints rows aligned under the headers; cells may carry colour (widths ignore it). */
    static void table(List<String> headers, List<List<String>> rows) {
        table(headers, rows, null);
    }

    /**
     * Prints rows aligned under the headers, within WIDTH columns: when the cells are wider, the
     * widest columns are narrowed and their cells wrap within the column. `under` (null: none)
     * holds a line for each row printed beneath it, indented and wrapped to WIDTH (preflight's fix).
     */
    static void table(List<String> headers, List<List<String>> rows, List<String> under) {
        List<List<String>> all = new ArrayList<>();
        all.add(headers);
        all.addAll(rows);
        int[] w = widths(headers.size(), all, WIDTH);
        for (int n = 0; n < all.size(); n++) {
            List<String> r = all.get(n);
            List<List<String>> cells = new ArrayList<>();
            int height = 1;
            for (int i = 0; i < r.size() && i < w.length; i++) {
                List<String> lines = wrap(n == 0 ? bold(r.get(i)) : r.get(i), w[i]);
                cells.add(lines);
                height = Math.max(height, lines.size());
            }
            for (int line = 0; line < height; line++) {
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < cells.size(); i++) {
                    String piece = line < cells.get(i).size() ? cells.get(i).get(line) : "";
                    sb.append(piece);
                    if (i < cells.size() - 1) sb.append(" ".repeat(w[i] - visible(piece).length() + 2));
                }
                System.out.println(sb.toString().stripTrailing());
            }
            String note = n == 0 || under == null || n - 1 >= under.size() ? null : under.get(n - 1);
            if (note != null && !note.isBlank())
                for (String l : wrap(note, WIDTH - 6)) System.out.println("      " + l);
        }
        System.out.flush();
    }

    /**
     * Column widths: each column's widest cell; while the row is wider than `max`, the widest
     * column that can still wrap between words is narrowed (an image reference or a name stays
     * whole), and only when that is not enough a column is narrowed below its longest word (not
     * below MIN_COLUMN).
     */
    static int[] widths(int columns, List<List<String>> rows, int max) {
        int[] w = new int[columns], word = new int[columns];
        for (List<String> r : rows)
            for (int i = 0; i < r.size() && i < w.length; i++) {
                String v = visible(r.get(i));
                w[i] = Math.max(w[i], v.length());
                for (String part : v.split(" ")) word[i] = Math.max(word[i], part.length());
            }
        int total = java.util.Arrays.stream(w).sum() + 2 * (columns - 1);
        for (boolean cutWords : new boolean[] {false, true}) {
            while (total > max) {
                int widest = -1;
                for (int i = 0; i < w.length; i++) {
                    int floor = cutWords ? MIN_COLUMN : Math.max(MIN_COLUMN, word[i]);
                    if (w[i] > floor && (widest < 0 || w[i] > w[widest])) widest = i;
                }
                if (widest < 0) break;
                w[widest]--;
                total--;
            }
        }
        return w;
    }

    /**
     * A cell as lines of at most `width` visible characters, broken at spaces (a longer word is
     * cut). A cell painted in one colour keeps it on every line.
     */
    static List<String> wrap(String cell, int width) {
        String text = visible(cell);
        if (text.length() <= width) return List.of(cell == null ? "" : cell);
        java.util.regex.Matcher paint = java.util.regex.Pattern.compile("^(\u001B\\[[0-9;]*m)+").matcher(cell);
        String on = paint.find() ? paint.group() : "", off = on.isEmpty() ? "" : "\u001B[0m";
        List<String> out = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            while (word.length() > width) { // a word longer than the column: cut it
                if (line.length() > 0) { out.add(line.toString()); line.setLength(0); }
                out.add(word.substring(0, width));
                word = word.substring(width);
            }
            if (line.length() > 0 && line.length() + 1 + word.length() > width) { out.add(line.toString()); line.setLength(0); }
            if (line.length() > 0) line.append(' ');
            line.append(word);
        }
        if (line.length() > 0) out.add(line.toString());
        return out.stream().map(l -> on + l + off).toList();
    }

    static String visible(String s) {
        return s == null ? "" : s.replaceAll("\u001B\\[[0-9;]*m", "");
    }
}

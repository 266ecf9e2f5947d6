///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//JAVA_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC
//SOURCES lib/Console.java lib/Cmd.java lib/Config.java lib/Json.java
//DEPS info.picocli:picocli:4.7.7
//DESCRIPTION Builds the service images with immutable content tags into the target's image store, skips unchanged ones, and checks each image.

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "build-images", mixinStandardHelpOptions = true, version = "taskora build-images 1.0",
        description = {"Builds every service image of taskora.yaml with an immutable tag (a hash of the build context, "
                + "the Dockerfile, its .dockerignore and the build args; or the git commit) into the target's image "
                + "store: Minikube's Docker daemon (minikube docker-env), or the local engine with --store local or "
                + "--target context. Images whose inputs did not change are not rebuilt. Each image is checked: size "
                + "within its budget, a non-root user, a HEALTHCHECK, no secret-looking values in env, labels or history.",
                "Prints a table of tags, sizes, build times and checks."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every image built (or unchanged) and passed its checks", "1:an image failed a check",
                "2:bad option or configuration", "3:a docker or minikube command failed"})
public class BuildImages implements Callable<Integer> {
    @Mixin Options options;

    @Option(names = "--store", paramLabel = "STORE",
            description = "Image store: minikube (the profile's Docker daemon) or local (this machine's engine). Default: minikube when target is minikube, else local.")
    String store;

    @Option(names = "--only", paramLabel = "SERVICE", split = ",", description = "Build only these services (comma-separated).")
    List<String> only = new ArrayList<>();

    public static void main(String... args) {
        System.exit(Console.execute(new BuildImages(), args));
    }

    @Override
    public Integer call() {
        Config cfg = options.load();
        if (store != null && !List.of("minikube", "local").contains(store))
            throw new Failure(Exit.USAGE, "--store " + store + ": expected minikube or local");
        for (String s : only)
            if (!cfg.serviceNames().contains(s))
                throw new Failure(Exit.USAGE, "--only " + s + ": no such service (known: " + String.join(", ", cfg.serviceNames()) + ")");
        Console.heading("build images");
        List<Built> built = build(cfg, store, only);
        print(built);
        return built.stream().allMatch(Built::passed) ? Exit.OK : Exit.CHECK_FAILED;
    }

    /** One image: where it came from, what it is, what the checks said. */
    record Built(String service, String component, String repository, String tag, String action, long sizeBytes,
                 long millis, List<String> problems) {
        String ref() { return repository + ":" + tag; }
        boolean passed() { return problems.isEmpty(); }
    }

    static void print(List<Built> built) {
        List<List<String>> rows = new ArrayList<>();
        for (Built b : built)
            rows.add(List.of(b.service(), b.ref(), b.action(), b.sizeBytes() > 0 ? Console.mib(b.sizeBytes()) : "-",
                    b.action().equals("built") ? Console.seconds(b.millis()) : "-",
                    b.passed() ? Console.green("ok") : Console.red("FAIL: " + String.join("; ", b.problems()))));
        Console.table(List.of("SERVICE", "IMAGE", "ACTION", "SIZE", "BUILD", "CHECKS"), rows);
    }

    /** Builds (or skips) every selected service; returns one row per image. */
    static List<Built> build(Config cfg, String store, List<String> only) {
        String where = store != null ? store : cfg.minikube() ? "minikube" : "local";
        Console.info("image store: " + (where.equals("minikube") ? "minikube profile " + cfg.profile() + "'s Docker daemon" : "the local Docker engine"));
        useStore(cfg, where);
        // The per-Dockerfile .dockerignore files and build secrets need BuildKit (the default only from Docker 23).
        Cmd.env.putIfAbsent("DOCKER_BUILDKIT", "1");
        Map<String, Map<String, String>> fileArgs = readBuildArgsFile(cfg);
        List<Built> out = new ArrayList<>();
        for (String s : cfg.serviceNames()) {
            if (!only.isEmpty() && !only.contains(s)) continue;
            out.add(buildOne(cfg, s, fileArgs.getOrDefault(s, Map.of())));
        }
        if (where.equals("local")) load(cfg, out);
        return out;
    }

    /**
     * build.loadCommand: after a build into the local engine, hands each image to a cluster that
     * cannot see that engine (kind load docker-image {image}, a registry push, ...). Run for every
     * image, built or unchanged, since the cluster may not have it yet; the command must be idempotent.
     */
    static void load(Config cfg, List<Built> images) {
        String template = cfg.str("build.loadCommand").strip();
        if (template.isEmpty()) return;
        for (Built b : images) {
            if (!b.passed()) continue;
            String ref = b.repository() + ":" + b.tag();
            List<String> argv = new ArrayList<>();
            for (String word : template.split("\\s+")) argv.add(word.replace("{image}", ref));
            Cmd.check(Cmd.change(argv, Duration.ofSeconds(cfg.num("build.timeoutSeconds")), null, Console::detail),
                    "build.loadCommand for " + ref, "check the command in build.loadCommand of taskora.yaml");
        }
    }

    /** Points docker at Minikube's daemon (minikube docker-env), or leaves the local engine. */
    static void useStore(Config cfg, String where) {
        if (!where.equals("minikube")) return;
        Cmd.Result r = Cmd.query(List.of("minikube", "-p", cfg.profile(), "docker-env", "--shell", "none"), Duration.ofSeconds(60));
        if (!r.ok()) {
            if (Cmd.dryRun) {
                Console.info(Console.yellow("[dry-run] ") + "minikube -p " + cfg.profile()
                        + " docker-env gives no daemon yet; the plan assumes the profile is started first");
                return;
            }
            Cmd.check(r, "minikube docker-env", "start the profile first: jbang minikube-profile@taskora (or --store local)");
        }
        Cmd.env.putAll(parseDockerEnv(r.out()));
    }

    /** KEY=VALUE lines of `minikube docker-env --shell none` (also tolerates `export KEY="VALUE"`). */
    static Map<String, String> parseDockerEnv(String text) {
        Map<String, String> env = new TreeMap<>();
        for (String line : text.split("\n")) {
            String l = line.strip();
            if (l.startsWith("export ")) l = l.substring(7);
            int eq = l.indexOf('=');
            if (eq <= 0 || l.startsWith("#")) continue;
            String v = l.substring(eq + 1).strip();
            if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) v = v.substring(1, v.length() - 1);
            env.put(l.substring(0, eq).strip(), v);
        }
        return env;
    }

    /**
     * build.buildArgsFile: YAML mapping each service to its build args (the format of
     * dockerfiles/stand-in/build-args.yaml); entries that are not services are left to deploy.
     */
    static Map<String, Map<String, String>> readBuildArgsFile(Config cfg) {
        Map<String, Map<String, String>> out = new TreeMap<>();
        if (cfg.str("build.buildArgsFile").isEmpty()) return out;
        Path f = cfg.path("build.buildArgsFile");
        if (!Files.isRegularFile(f)) throw new Failure(Exit.USAGE, "build.buildArgsFile: " + f + " not found");
        Object doc;
        try {
            doc = Config.yaml().load(Files.readString(f));
        } catch (IOException | RuntimeException e) {
            throw new Failure(Exit.USAGE, "build.buildArgsFile: " + f + " is not valid YAML: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (!(doc instanceof Map<?, ?> m))
            throw new Failure(Exit.USAGE, "build.buildArgsFile: " + f + " must map services to build args, e.g. backend: {PYTHON_IMAGE: my/python:3.12}");
        for (Map.Entry<?, ?> e : m.entrySet()) {
            Map<String, String> args = new TreeMap<>();
            if (!(e.getValue() instanceof Map<?, ?> a))
                throw new Failure(Exit.USAGE, "build.buildArgsFile: " + f + ": '" + e.getKey() + "' must be a mapping of KEY: VALUE");
            for (Map.Entry<?, ?> kv : a.entrySet()) args.put(String.valueOf(kv.getKey()), String.valueOf(kv.getValue()));
            out.put(String.valueOf(e.getKey()), args);
        }
        return out;
    }

    /** A service's build args: those of build.buildArgsFile, overridden by services.<s>.buildArgs. */
    static Map<String, String> buildArgs(Config cfg, String service, Map<String, String> fileArgs) {
        Map<String, String> args = new TreeMap<>(fileArgs);
        args.putAll(cfg.strMap("services." + service + ".buildArgs"));
        return args;
    }

    static Built buildOne(Config cfg, String service, Map<String, String> fileArgs) {
        String p = "services." + service + ".";
        Path context = cfg.path(p + "context");
        Path dockerfile = cfg.path(p + "dockerfile");
        if (!Files.isDirectory(context))
            throw new Failure(Exit.USAGE, p + "context: " + context + " is not a directory");
        if (!Files.isRegularFile(dockerfile))
            throw new Failure(Exit.USAGE, p + "dockerfile: " + dockerfile + " not found");
        Map<String, String> args = buildArgs(cfg, service, fileArgs);
        String repo = cfg.str(p + "image");
        String tag = cfg.str("build.tagFrom").equals("git") ? gitTag(context, dockerfile, args) : "sha-" + contentHash(context, dockerfile, args).substring(0, 12);
        String ref = repo + ":" + tag;
        long budget = cfg.num(p + "sizeBudgetMiB") << 20;

        Cmd.Result existing = Cmd.query("docker", "image", "inspect", ref);
        if (existing.exit() == Cmd.NOT_FOUND && !Cmd.dryRun)
            throw new Failure(Exit.COMMAND_FAILED, "docker is not installed", "install Docker: https://docs.docker.com/engine/install/");
        String action;
        long millis = 0;
        if (existing.ok()) {
            action = "unchanged";
            Console.info(service + ": " + ref + " is already in the store (inputs unchanged); not rebuilt");
        } else {
            List<String> argv = new ArrayList<>(List.of("docker", "build", "-f", dockerfile.toString(), "-t", ref,
                    "--label", "org.opencontainers.image.title=" + service, "--label", "dev.taskora.inputs=" + tag));
            for (Map.Entry<String, String> e : args.entrySet()) { argv.add("--build-arg"); argv.add(e.getKey() + "=" + e.getValue()); }
            for (Map.Entry<String, String> e : cfg.strMap("build.secrets").entrySet()) {
                Path src = cfg.baseDir.resolve(e.getValue()).normalize();
                if (!Files.isRegularFile(src))
                    throw new Failure(Exit.USAGE, "build.secrets." + e.getKey() + ": " + src + " is not a file");
                argv.add("--secret"); argv.add("id=" + e.getKey() + ",src=" + src);
            }
            argv.add(context.toString());
            long t0 = System.currentTimeMillis();
            Cmd.Result r = Cmd.change(argv, Duration.ofSeconds(cfg.num("build.timeoutSeconds")), null, Console::detail);
            millis = System.currentTimeMillis() - t0;
            Cmd.check(r, "docker build of " + service, "run it with --verbose to see the whole build log");
            action = Cmd.dryRun ? "would build" : "built";
        }
        if (Cmd.dryRun && !existing.ok()) return new Built(service, cfg.str(p + "component"), repo, tag, action, 0, 0, List.of());
        Cmd.Result inspect = Cmd.check(Cmd.query("docker", "image", "inspect", ref), "docker image inspect " + ref, null);
        Cmd.Result history = Cmd.query("docker", "history", "--no-trunc", "--format", "{{.CreatedBy}}", ref);
        Object doc = Json.parse(inspect.out(), "docker image inspect " + ref);
        long size = Json.number(Json.at(doc, 0, "Size"));
        List<String> problems = checkImage(doc, history.out(), budget);
        return new Built(service, cfg.str(p + "component"), repo, tag, action, size, millis, problems);
    }

    // ---------------------------------------------------------------- image checks
    static final Pattern SECRET_NAME = Pattern.compile("(?i).*(secret|passw(or)?d|token|api[_-]?key|private[_-]?key|credential|access[_-]?key).*");
    static final Pattern SECRET_VALUE = Pattern.compile("(?s).*(-----BEGIN [A-Z ]*PRIVATE KEY-----|AKIA[0-9A-Z]{16}|sk-[A-Za-z0-9]{20,}|ghp_[A-Za-z0-9]{30,}|xox[bap]-[A-Za-z0-9-]{10,}).*");
    static final Pattern SECRET_ASSIGN = Pattern.compile("(?i)\\b([A-Z0-9_]*(SECRET|PASSWORD|PASSWD|TOKEN|API_?KEY|PRIVATE_KEY)[A-Z0-9_]*)=(\"[^\"]+\"|'[^']+'|[^\\s\"'$]+)");

    /** Problems of one image from `docker image inspect` JSON and `docker history` lines; empty = passes. */
    static List<String> checkImage(Object inspectDoc, String historyText, long budgetBytes) {
        List<String> problems = new ArrayList<>();
        Object cfg = Json.at(inspectDoc, 0, "Config");
        long size = Json.number(Json.at(inspectDoc, 0, "Size"));
        if (size > budgetBytes) problems.add("size " + Console.mib(size) + " over the budget of " + Console.mib(budgetBytes));
        String user = Json.text(cfg, "User").strip();
        if (user.isEmpty() || user.equals("root") || user.equals("0") || user.startsWith("0:") || user.startsWith("root:"))
            problems.add("runs as root (add a numeric non-root USER)");
        List<?> hc = Json.items(cfg, "Healthcheck", "Test");
        if (hc.isEmpty() || "NONE".equals(String.valueOf(hc.get(0)))) problems.add("no HEALTHCHECK");
        for (Object e : Json.items(cfg, "Env")) {
            String kv = String.valueOf(e);
            int eq = kv.indexOf('=');
            String k = eq < 0 ? kv : kv.substring(0, eq), v = eq < 0 ? "" : kv.substring(eq + 1);
            if (looksSecret(k, v)) problems.add("env " + k + " holds a secret-looking value");
        }
        if (Json.at(cfg, "Labels") instanceof Map<?, ?> labels)
            for (Map.Entry<?, ?> e : labels.entrySet())
                if (looksSecret(String.valueOf(e.getKey()), String.valueOf(e.getValue())))
                    problems.add("label " + e.getKey() + " holds a secret-looking value");
        for (String line : historyText.split("\n")) {
            var m = SECRET_ASSIGN.matcher(line);
            if (m.find()) { problems.add("history sets " + m.group(1) + " (a secret baked into a layer)"); break; }
            if (SECRET_VALUE.matcher(line).matches()) { problems.add("history holds a secret-looking value"); break; }
        }
        return problems;
    }

    static boolean looksSecret(String name, String value) {
        if (value == null || value.isBlank()) return false;
        if (SECRET_VALUE.matcher(value).matches()) return true;
        if (!SECRET_NAME.matcher(name).matches()) return false;
        // A name like *_FILE or *_PATH points at a secret; it is not one.
        return !name.matches("(?i).*(_FILE|_PATH|_DIR|_NAME|_KEY_ID)$");
    }

    // ---------------------------------------------------------------- tags
    /** SHA-256 over the context's files (minus .dockerignore'd ones), the Dockerfile, its ignore file and the args. */
    static String contentHash(Path context, Path dockerfile, Map<String, String> args) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            Path ignoreFile = ignoreFileFor(context, dockerfile);
            List<String> patterns = ignoreFile == null ? List.of() : Files.readAllLines(ignoreFile);
            update(md, "dockerfile\0" + Files.readString(dockerfile) + "\0");
            update(md, "ignore\0" + String.join("\n", patterns) + "\0");
            for (Map.Entry<String, String> e : new TreeMap<>(args).entrySet()) update(md, "arg\0" + e.getKey() + "=" + e.getValue() + "\0");
            Ignore ignore = new Ignore(patterns);
            List<Path> files = new ArrayList<>();
            // Excluded directories (node_modules, .venv, ...) are not even walked unless a '!' rule may re-include.
            Files.walkFileTree(context, new java.nio.file.SimpleFileVisitor<Path>() {
                @Override
                public java.nio.file.FileVisitResult preVisitDirectory(Path dir, java.nio.file.attribute.BasicFileAttributes a) {
                    String rel = context.relativize(dir).toString().replace('\\', '/');
                    return !rel.isEmpty() && !ignore.hasNegations() && ignore.excluded(rel)
                            ? java.nio.file.FileVisitResult.SKIP_SUBTREE : java.nio.file.FileVisitResult.CONTINUE;
                }

                @Override
                public java.nio.file.FileVisitResult visitFile(Path file, java.nio.file.attribute.BasicFileAttributes a) {
                    Path rel = context.relativize(file);
                    if (a.isRegularFile() && !ignore.excluded(rel.toString().replace('\\', '/'))) files.add(rel);
                    return java.nio.file.FileVisitResult.CONTINUE;
                }
            });
            files.sort(null);
            byte[] buf = new byte[65536];
            for (Path rel : files) {
                update(md, "file\0" + rel.toString().replace('\\', '/') + "\0" + (Files.isExecutable(context.resolve(rel)) ? "x" : "-") + "\0");
                try (InputStream in = Files.newInputStream(context.resolve(rel))) {
                    for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new Failure(Exit.USAGE, "cannot read build context " + context + ": " + e.getMessage());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void update(MessageDigest md, String s) {
        md.update(s.getBytes(StandardCharsets.UTF_8));
    }

    /** BuildKit's rule: <Dockerfile>.dockerignore beside the Dockerfile wins over <context>/.dockerignore. */
    static Path ignoreFileFor(Path context, Path dockerfile) {
        Path specific = dockerfile.resolveSibling(dockerfile.getFileName() + ".dockerignore");
        if (Files.isRegularFile(specific)) return specific;
        Path general = context.resolve(".dockerignore");
        return Files.isRegularFile(general) ? general : null;
    }

    /** .dockerignore matching: a path is out when it or a parent matches; the last matching rule wins; '!' re-includes. */
    static final class Ignore {
        private final List<PathMatcher> matchers = new ArrayList<>();
        private final List<Boolean> negated = new ArrayList<>();

        Ignore(List<String> lines) {
            for (String raw : lines) {
                String l = raw.strip();
                if (l.isEmpty() || l.startsWith("#")) continue;
                boolean neg = l.startsWith("!");
                if (neg) l = l.substring(1).strip();
                while (l.startsWith("/")) l = l.substring(1);
                if (l.startsWith("./")) l = l.substring(2);
                while (l.endsWith("/")) l = l.substring(0, l.length() - 1);
                if (l.isEmpty()) continue;
                matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + l));
                negated.add(neg);
                // Docker's "**/" also matches zero directories; Java's glob needs a '/'.
                while (l.startsWith("**/")) {
                    l = l.substring(3);
                    matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + l));
                    negated.add(neg);
                }
            }
        }

        boolean hasNegations() {
            return negated.contains(Boolean.TRUE);
        }

        boolean excluded(String rel) {
            boolean out = false;
            for (int i = 0; i < matchers.size(); i++) {
                if (matchesSelfOrParent(matchers.get(i), rel)) out = !negated.get(i);
            }
            return out;
        }

        private static boolean matchesSelfOrParent(PathMatcher m, String rel) {
            String p = rel;
            while (true) {
                if (m.matches(Path.of(p))) return true;
                int slash = p.lastIndexOf('/');
                if (slash < 0) return false;
                p = p.substring(0, slash);
            }
        }
    }

    /** git-<commit>, plus -dirty-<content hash> when the context has uncommitted changes. */
    static String gitTag(Path context, Path dockerfile, Map<String, String> args) {
        Cmd.Result head = Cmd.query("git", "-C", context.toString(), "log", "-1", "--format=%h", "--", ".", dockerfile.toString());
        if (!head.ok() || head.out().isBlank())
            throw new Failure(Exit.USAGE, "build.tagFrom is git but " + context + " has no git history", "use --set build.tagFrom=content");
        Cmd.Result dirty = Cmd.query("git", "-C", context.toString(), "status", "--porcelain", "--", ".", dockerfile.toString());
        String tag = "git-" + head.out().strip();
        if (!dirty.out().isBlank()) tag += "-dirty-" + contentHash(context, dockerfile, args).substring(0, 8);
        return tag;
    }
}

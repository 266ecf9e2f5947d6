// The service images: the plan (which images, with which tags: the one place a tag is computed,
// from a content digest of what docker sends, or the git commit), the image store they go to
// (Minikube's Docker daemon or the local engine), building exactly the planned images (or keeping
// those already in the store), and the checks each image must pass (size budget, non-root user,
// HEALTHCHECK, no secret-looking values in env, labels or history). Used by build-images (the
// step itself), deploy (checks, build, the database image for helm) and ai-ops review-dockerfiles.
// Exposes: Images.plan(cfg, only) -> List<Image>, Images.store(cfg, requested) -> Store,
// Images.build(cfg, store, images[, inCluster]) -> List<Built>, Images.runningInRelease(cfg),
// Images.print(built), Images.databaseImage(cfg),
// Images.checkBuilt(cfg, store, image) (null: not in the store); for tests checkImage(...),
// parseDockerEnv(text).
// Docker runs with its own environment (DOCKER_BUILDKIT, Minikube's docker-env) on each docker
// command line; nothing of it reaches another tool's commands.

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

final class Images {
    private Images() {}

    /** Where images go: the Minikube profile's Docker daemon, or this machine's engine (--store minikube|local). */
    enum Store {
        MINIKUBE, LOCAL;

        /** The name --store takes. */
        String option() { return name().toLowerCase(Locale.ROOT); }
    }

    /** What build() did with a planned image. */
    enum Action {
        BUILT("built"), UNCHANGED("unchanged"), WOULD_BUILD("would build");

        final String label;
        Action(String label) { this.label = label; }
    }

    /** One planned image: the service, the chart's values key, the reference, and the build's inputs. */
    record Image(String service, String component, String repository, String tag, Path context, Path dockerfile,
                 Map<String, String> buildArgs) {
        String ref() { return repository + ":" + tag; }
    }

    /** One image built or kept: what was done, its size, build time and the problems its checks found. */
    record Built(Image image, Action action, long sizeBytes, long millis, List<String> problems) {
        String service() { return image.service(); }
        String component() { return image.component(); }
        String repository() { return image.repository(); }
        String tag() { return image.tag(); }
        String ref() { return image.ref(); }
        boolean passed() { return problems.isEmpty(); }
    }

    static void print(List<Built> built) {
        List<List<String>> rows = new ArrayList<>();
        for (Built b : built)
            rows.add(List.of(b.service(), b.ref(), b.action().label, b.sizeBytes() > 0 ? Console.mib(b.sizeBytes()) : "-",
                    b.action() == Action.BUILT ? Console.seconds(b.millis()) : "-",
                    b.action() == Action.WOULD_BUILD ? "not run (checked once built)"
                            : b.passed() ? Console.green("ok") : Console.red("FAIL: " + String.join("; ", b.problems()))));
        Console.table(List.of("SERVICE", "IMAGE", "ACTION", "SIZE", "BUILD", "CHECKS"), rows);
    }

    /**
     * The image store: --store, else Minikube's daemon for target minikube, the local engine for
     * target context. The local engine with target minikube is refused (the cluster cannot see
     * it) unless build.loadCommand hands the images over.
     */
    static Store store(Config cfg, String requested) {
        if (requested == null) return cfg.minikube() ? Store.MINIKUBE : Store.LOCAL;
        Store store = java.util.Arrays.stream(Store.values()).filter(s -> s.option().equals(requested)).findFirst()
                .orElseThrow(() -> new Failure(Exit.USAGE, "--store " + requested + ": expected minikube or local"));
        if (store == Store.LOCAL && cfg.minikube() && cfg.str("build.loadCommand").isBlank())
            throw new Failure(Exit.USAGE, "--store local with target minikube: the profile " + cfg.profile() + " cannot see images in the local engine",
                    "leave --store out (Minikube's daemon), or use --target context, or set build.loadCommand (e.g. minikube -p " + cfg.profile() + " image load {image})");
        if (store == Store.MINIKUBE && !cfg.minikube())
            throw new Failure(Exit.USAGE, "--store minikube with target context: the cluster is not the Minikube profile",
                    "leave --store out (the local engine, with build.loadCommand to hand images over), or use --target minikube");
        return store;
    }

    /**
     * The images to build, in taskora.yaml's order (only those named, when any): checks every
     * context, Dockerfile, build-args file and build secret exists, and computes each tag. The one
     * place a tag is computed: build() builds exactly these, and deploy --skip-build deploys them.
     */
    static List<Image> plan(Config cfg, List<String> only) {
        for (String s : only)
            if (!cfg.serviceNames().contains(s))
                throw new Failure(Exit.USAGE, "--only " + s + ": no such service (known: " + String.join(", ", cfg.serviceNames()) + ")");
        List<String> services = cfg.serviceNames().stream().filter(s -> only.isEmpty() || only.contains(s)).toList();
        cfg.requirePaths(dirKeys(cfg, services), fileKeys(cfg, services)); // every missing path named at once
        Map<String, Map<String, String>> fileArgs = readBuildArgsFile(cfg);
        List<Image> out = new ArrayList<>();
        for (String s : cfg.serviceNames()) {
            if (!only.isEmpty() && !only.contains(s)) continue;
            String p = "services." + s + ".";
            Path context = cfg.existingDir(p + "context");
            Path dockerfile = cfg.existingFile(p + "dockerfile");
            Map<String, String> args = buildArgs(cfg, s, fileArgs.getOrDefault(s, Map.of()));
            String tag = cfg.str("build.tagFrom").equals("git") ? gitTag(context, dockerfile, args)
                    : "sha-" + Digest.dockerBuild(context, dockerfile, args).substring(0, 12);
            out.add(new Image(s, cfg.str(p + "component"), cfg.str(p + "image"), tag, context, dockerfile, args));
        }
        return out;
    }

    /** The configured folders a build of these services reads: their contexts. */
    static List<String> dirKeys(Config cfg, List<String> services) {
        return services.stream().map(s -> "services." + s + ".context").toList();
    }

    /** The configured files a build of these services reads: their Dockerfiles, build.buildArgsFile, the build secrets. */
    static List<String> fileKeys(Config cfg, List<String> services) {
        List<String> keys = new ArrayList<>(services.stream().map(s -> "services." + s + ".dockerfile").toList());
        if (!cfg.str("build.buildArgsFile").isEmpty()) keys.add("build.buildArgsFile");
        for (String id : cfg.strMap("build.secrets").keySet()) keys.add("build.secrets." + id);
        return keys;
    }

    /** Builds (or keeps) the planned images in the store; returns one row per image. */
    static List<Built> build(Config cfg, Store store, List<Image> images) {
        return build(cfg, store, images, Set.of());
    }

    /**
     * The same; `inCluster` names the images (repository:tag) the cluster is known to hold already
     * (the release's running pods run them): build.loadCommand is not run again for those of them
     * left unchanged. A tag is a digest of the image's inputs, so the same tag is the same image.
     */
    static List<Built> build(Config cfg, Store store, List<Image> images, Set<String> inCluster) {
        Console.info("image store: " + (store == Store.MINIKUBE ? "minikube profile " + cfg.profile() + "'s Docker daemon" : "the local Docker engine"));
        Docker docker = docker(cfg, store);
        // Whether each image is in the store, asked side by side; then the checks' history of
        // those that are (the images built below are inspected again once built).
        Cmd.prefetch(images.stream().map(i -> docker.line("docker", "image", "inspect", i.ref())).toList());
        List<Cmd.Result> existing = new ArrayList<>();
        for (Image image : images) existing.add(Cmd.query(docker.line("docker", "image", "inspect", image.ref())));
        List<Cmd.Line> histories = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) if (existing.get(i).ok()) histories.add(historyLine(docker, images.get(i).ref()));
        Cmd.prefetch(histories);
        List<Built> out = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) out.add(buildOne(cfg, docker, images.get(i), existing.get(i)));
        // a dry run shows every build, then stops where the real run would: no docker to build with
        if (Cmd.dryRun && !Cmd.onPath("docker")) throw dockerMissing();
        if (store == Store.LOCAL) load(cfg, out, inCluster);
        return out;
    }

    /**
     * The images (as the pods name them, repository:tag) that running containers of the release's
     * pods run: their nodes hold them. Empty when none, or when the cluster does not answer.
     */
    static Set<String> runningInRelease(Config cfg) {
        Cmd.Result r = Cmd.query(cfg.kubectl("get", "pods", "-n", cfg.namespace(), "-l", "app.kubernetes.io/instance=" + cfg.release(), "-o", "json"));
        Set<String> out = new TreeSet<>();
        if (!r.ok() || r.out().isBlank()) return out;
        for (Object pod : Json.items(Json.parse(r.out(), "kubectl get pods"), "items")) {
            if (!Json.text(pod, "metadata", "deletionTimestamp").isEmpty()) continue;
            Set<String> running = new HashSet<>();
            for (Object st : Json.items(pod, "status", "containerStatuses"))
                if (Json.at(st, "state", "running") != null) running.add(Json.text(st, "name"));
            for (Object c : Json.items(pod, "spec", "containers"))
                if (running.contains(Json.text(c, "name")) && !Json.text(c, "image").isEmpty()) out.add(Json.text(c, "image"));
        }
        return out;
    }

    static Cmd.Line historyLine(Docker docker, String ref) {
        return docker.line("docker", "history", "--no-trunc", "--format", "{{.CreatedBy}}", ref);
    }

    static Failure dockerMissing() {
        return new Failure(Exit.COMMAND_FAILED, "docker is not installed", "install Docker: https://docs.docker.com/engine/install/");
    }

    /**
     * The checks build() runs on an image, for one planned image that is already in the store:
     * its problems (empty: passes), or null when the store does not hold it. Builds nothing.
     */
    static List<String> checkBuilt(Config cfg, Store store, Image image) {
        Docker docker = docker(cfg, store);
        Cmd.Result inspect = Cmd.query(docker.line("docker", "image", "inspect", image.ref()));
        if (!inspect.ok()) return null;
        Cmd.Result history = Cmd.query(historyLine(docker, image.ref()));
        return checkImage(Json.parse(inspect.out(), "docker image inspect " + image.ref()), history.out(),
                cfg.num("services." + image.service() + ".sizeBudgetMiB") << 20);
    }

    /** The postgresql entry of build.buildArgsFile (stand-in images): the database image for the chart. */
    static Map<String, String> databaseImage(Config cfg) {
        return readBuildArgsFile(cfg).getOrDefault("postgresql", Map.of());
    }

    /**
     * build.loadCommand: after a build into the local engine, hands each image to a cluster that
     * cannot see that engine (kind load docker-image {image}, a registry push, ...). Run for every
     * image, built or unchanged, since the cluster may not have it yet (but for an unchanged one the
     * release's running pods run already: `inCluster`); the command must be idempotent.
     */
    static void load(Config cfg, List<Built> images, Set<String> inCluster) {
        String template = cfg.str("build.loadCommand").strip();
        if (template.isEmpty()) return;
        for (Built b : images) {
            if (!b.passed()) continue;
            String ref = b.repository() + ":" + b.tag();
            if (b.action() == Action.UNCHANGED && inCluster.contains(ref)) {
                Console.info(b.service() + ": " + ref + " runs in the release's pods already; build.loadCommand not run for it");
                continue;
            }
            List<String> argv = new ArrayList<>();
            for (String word : template.split("\\s+")) argv.add(word.replace("{image}", ref));
            Cmd.check(Cmd.change(argv, Duration.ofSeconds(cfg.num("build.timeoutSeconds")), Console::detail),
                    "build.loadCommand for " + ref, "check the command in build.loadCommand of taskora.yaml");
        }
    }

    /**
     * The environment docker runs with, for docker's command lines only: BuildKit on (the
     * per-Dockerfile .dockerignore files and build secrets need it; the default only from Docker
     * 23), and for the Minikube store the profile's docker-env. In a dry run before the profile
     * exists, the plan shows `eval $(minikube -p P docker-env) &&` in front of each docker command.
     */
    record Docker(Map<String, String> env, String preamble) {
        Cmd.Line line(String... argv) { return line(List.of(argv)); }
        Cmd.Line line(List<String> argv) { return Cmd.line(argv).env(env, preamble); }
    }

    static Docker docker(Config cfg, Store store) {
        Map<String, String> env = new TreeMap<>();
        env.put("DOCKER_BUILDKIT", "1");
        if (store != Store.MINIKUBE) return new Docker(env, null);
        Cmd.Result r = Cmd.query(List.of("minikube", "-p", cfg.profile(), "docker-env", "--shell", "none"), Duration.ofSeconds(60));
        if (!r.ok()) {
            if (Cmd.dryRun) {
                Console.info(Console.yellow("[dry-run] ") + "minikube -p " + cfg.profile()
                        + " docker-env gives no daemon yet; the plan assumes the profile is started first");
                return new Docker(env, "eval $(minikube -p " + cfg.profile() + " docker-env) &&");
            }
            Cmd.check(r, "minikube docker-env", "start the profile first: jbang minikube-profile@taskora (or --target context)");
        }
        env.putAll(parseDockerEnv(r.out()));
        return new Docker(env, null);
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
        Path f = cfg.existingFile("build.buildArgsFile");
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

    /** One image: kept when `existing` (its `docker image inspect`) found it in the store, else built; then checked. */
    static Built buildOne(Config cfg, Docker docker, Image image, Cmd.Result existing) {
        String service = image.service(), ref = image.ref();
        long budget = cfg.num("services." + service + ".sizeBudgetMiB") << 20;
        if (existing.exit() == Cmd.NOT_FOUND && !Cmd.dryRun) throw dockerMissing();
        Action action;
        long millis = 0;
        if (existing.ok()) {
            action = Action.UNCHANGED;
            Console.info(service + ": " + ref + " is already in the store (inputs unchanged); not rebuilt");
        } else {
            List<String> argv = new ArrayList<>(List.of("docker", "build", "-f", image.dockerfile().toString(), "-t", ref,
                    "--label", "org.opencontainers.image.title=" + service, "--label", "dev.taskora.inputs=" + image.tag()));
            for (Map.Entry<String, String> e : image.buildArgs().entrySet()) { argv.add("--build-arg"); argv.add(e.getKey() + "=" + e.getValue()); }
            for (Map.Entry<String, String> e : cfg.strMap("build.secrets").entrySet()) {
                argv.add("--secret"); argv.add("id=" + e.getKey() + ",src=" + cfg.baseDir.resolve(e.getValue()).normalize());
            }
            argv.add(image.context().toString());
            long t0 = System.currentTimeMillis();
            Cmd.Result r = Cmd.change(docker.line(argv).timeout(Duration.ofSeconds(cfg.num("build.timeoutSeconds"))).lines(Console::detail));
            millis = System.currentTimeMillis() - t0;
            Cmd.check(r, "docker build of " + service, "run it with --verbose to see the whole build log");
            action = Cmd.dryRun ? Action.WOULD_BUILD : Action.BUILT;
        }
        if (Cmd.dryRun && !existing.ok()) return new Built(image, action, 0, 0, List.of());
        Cmd.Result inspect = existing.ok() ? existing // read a moment ago, above
                : Cmd.check(Cmd.query(docker.line("docker", "image", "inspect", ref)), "docker image inspect " + ref, null);
        Cmd.Result history = Cmd.query(historyLine(docker, ref));
        Object doc = Json.parse(inspect.out(), "docker image inspect " + ref);
        long size = Json.number(Json.at(doc, 0, "Size"));
        List<String> problems = checkImage(doc, history.out(), budget);
        return new Built(image, action, size, millis, problems);
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
    /** git-<commit>, plus -dirty-<content hash> when the context has uncommitted changes. */
    static String gitTag(Path context, Path dockerfile, Map<String, String> args) {
        Cmd.Result head = Cmd.query("git", "-C", context.toString(), "log", "-1", "--format=%h", "--", ".", dockerfile.toString());
        if (!head.ok() || head.out().isBlank())
            throw new Failure(Exit.USAGE, "build.tagFrom is git but " + context + " has no git history", "use --set build.tagFrom=content");
        Cmd.Result dirty = Cmd.query("git", "-C", context.toString(), "status", "--porcelain", "--", ".", dockerfile.toString());
        String tag = "git-" + head.out().strip();
        if (!dirty.out().isBlank()) tag += "-dirty-" + Digest.dockerBuild(context, dockerfile, args).substring(0, 8);
        return tag;
    }
}

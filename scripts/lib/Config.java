// Configuration for the Taskora scripts: taskora.yaml (snakeyaml) checked strictly against a
// schema (unknown keys and bad values are rejected, naming the key and what is allowed), the
// generic --set path=value override, and the flags every script shares (Options).
//DEPS org.yaml:snakeyaml:2.7
//DEPS info.picocli:picocli:4.7.7

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.DuplicateKeyException;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

import picocli.CommandLine.Option;

/** The options every script accepts (a picocli mixin). */
class Options {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Configuration file (default: taskora.yaml of this checkout, or $TASKORA_CONFIG).")
    Path config;

    @Option(names = "--set", paramLabel = "PATH=VALUE",
            description = "Override one configuration value, e.g. --set minikube.cpus=6 (repeatable).")
    List<String> sets = new ArrayList<>();

    @Option(names = "--env", paramLabel = "ENV", description = "Environment: dev or prod (key environment).")
    String env;

    @Option(names = "--profile", paramLabel = "NAME", description = "Minikube profile (key minikube.profile).")
    String profile;

    @Option(names = {"-n", "--namespace"}, paramLabel = "NS", description = "Kubernetes namespace (key chart.namespace).")
    String namespace;

    @Option(names = "--release", paramLabel = "NAME", description = "Helm release name (key chart.release).")
    String release;

    @Option(names = "--target", paramLabel = "TARGET",
            description = "minikube (the profile) or context (the current or --context kube-context) (key target).")
    String target;

    @Option(names = "--context", paramLabel = "CTX",
            description = "kube-context to use; implies --target context unless --target is given (key context).")
    String context;

    @Option(names = "--dry-run", description = "Show the commands that would change something; run none of them.")
    boolean dryRun;

    @Option(names = {"-v", "--verbose"}, description = "Show every command, including read-only queries, and its output.")
    boolean verbose;

    /** Overrides a script's own flags make (smoke's --via: errors name the flag, not --set). */
    final List<Config.Override> flags = new ArrayList<>();

    /** Loads and checks the configuration with every override applied. */
    Config load() {
        Console.init(verbose);
        Cmd.dryRun = dryRun;
        List<Config.Override> all = new ArrayList<>();
        if (env != null) all.add(new Config.Override("--env", "environment", env));
        if (profile != null) all.add(new Config.Override("--profile", "minikube.profile", profile));
        if (namespace != null) all.add(new Config.Override("--namespace", "chart.namespace", namespace));
        if (release != null) all.add(new Config.Override("--release", "chart.release", release));
        if (context != null) {
            all.add(new Config.Override("--context", "context", context));
            if (target == null) all.add(new Config.Override("--context", "target", "context"));
        }
        if (target != null) all.add(new Config.Override("--target", "target", target));
        all.addAll(flags);
        for (String s : sets) all.add(Config.Override.parseSet(s));
        if ("minikube".equals(target) && context != null)
            throw new Failure(Exit.USAGE, "--target minikube --context " + context + ": with target minikube the kube-context is the profile's ("
                    + "minikube.profile); --context would be ignored", "drop --context, or use --context " + context + " alone (target context)");
        Config cfg = Config.loadWith(Config.locate(config), all);
        if (cfg.minikube() && !cfg.str("context").isEmpty())
            throw new Failure(Exit.USAGE, "target is minikube but context is '" + cfg.str("context") + "': with target minikube the kube-context is the profile's",
                    "set context: \"\" (or --target context to deploy to " + cfg.str("context") + ")");
        return cfg;
    }
}

final class Config {
    // ---------------------------------------------------------------- schema
    sealed interface S permits Str, Int, Bool, OneOf, ListOf, MapOf, Obj {}
    record Str(String regex, String what) implements S {}
    record Int(long min, long max) implements S {}
    record Bool() implements S {}
    /** One of values; a value of refused is refused with its reason (a value a tool knows but the toolkit cannot use). */
    record OneOf(List<String> values, Map<String, String> refused) implements S {
        OneOf(List<String> values) { this(values, Map.of()); }
    }
    record ListOf(S item) implements S {}
    record MapOf(S value, String keyRegex, String keyWhat) implements S {}
    record Obj(Map<String, S> fields) implements S {}

    static Obj obj(Object... kv) {
        Map<String, S> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], (S) kv[i + 1]);
        return new Obj(m);
    }

    static final String NAME = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    static final Str DNS_NAME = new Str(NAME, "a lowercase DNS name (a-z, 0-9, '-')");
    static final Str PATH = new Str(".+", "a path relative to the configuration file");
    static final Str ANY = new Str("(?s).*", "a string");
    /** A duration as the configuration and the flags spell it: 30s, 10m, 2h. */
    static final String DURATION = "[0-9]+[smh]";

    /** A duration matching DURATION (validated before: chart.timeout by the schema, --since by ai-ops). */
    static java.time.Duration duration(String d) {
        if (d == null || !d.matches(DURATION)) throw new IllegalArgumentException("not a duration such as 30s, 10m or 2h: " + d);
        long n = Long.parseLong(d.substring(0, d.length() - 1));
        return switch (d.charAt(d.length() - 1)) {
            case 's' -> java.time.Duration.ofSeconds(n);
            case 'm' -> java.time.Duration.ofMinutes(n);
            default -> java.time.Duration.ofHours(n);
        };
    }

    /** A kube-context name as kubeconfigs write them; it never starts with '-' (an option) nor holds a shell character. */
    static final String CONTEXT_NAME = "[A-Za-z0-9][A-Za-z0-9@:._/+=-]{0,252}";

    static final Obj SERVICE = obj(
            "component", new OneOf(List.of("frontend", "backend", "mcpServer")),
            "image", new Str("[a-z0-9]+([._/-][a-z0-9]+)*", "an image repository without tag, e.g. taskora/backend"),
            "context", PATH,
            "dockerfile", PATH,
            "sizeBudgetMiB", new Int(1, 100_000),
            "buildArgs", new MapOf(ANY, "[A-Za-z_][A-Za-z0-9_]*", "a build-arg name"),
            "migrations", new ListOf(new Str("[^/].*", "a path inside the service's build context, e.g. alembic")));

    static final Obj SCHEMA = obj(
            "environment", new OneOf(List.of("dev", "prod")),
            "target", new OneOf(List.of("minikube", "context")),
            "context", new Str("|" + CONTEXT_NAME, "empty (kubectl's current context) or a context name such as minikube or kind-taskora"),
            "services", new MapOf(SERVICE, NAME, "a lowercase service name"),
            "build", obj(
                    "tagFrom", new OneOf(List.of("content", "git")),
                    "buildArgsFile", ANY,
                    "secrets", new MapOf(PATH, "[A-Za-z0-9_.-]+", "a build secret id"),
                    "loadCommand", new Str("|.*\\{image\\}.*", "empty, or a command with {image} in it, e.g. kind load docker-image {image}"),
                    "timeoutSeconds", new Int(10, 86_400)),
            "chart", obj(
                    "path", PATH,
                    "release", DNS_NAME,
                    "namespace", DNS_NAME,
                    "timeout", new Str(DURATION, "a duration such as 300s, 10m or 1h"),
                    "values", new MapOf(ANY, "[A-Za-z0-9_.\\[\\]-]+", "a Helm value path")),
            "environments", new MapOf(obj("valuesFile", PATH), "dev|prod", "dev or prod"),
            "secret", obj("name", DNS_NAME, "valuesKey", new Str("[A-Za-z0-9_.]+", "a Helm value path")),
            "minikube", obj(
                    "profile", DNS_NAME,
                    // minikube v1.38's drivers (pkg/minikube/driver: Linux, macOS and Windows lists), but none
                    "driver", new OneOf(List.of("docker", "podman", "kvm2", "qemu2", "qemu", "virtualbox", "vfkit", "krunkit",
                            "hyperkit", "hyperv", "vmware", "parallels"), Map.of("none",
                            "minikube refuses `minikube docker-env` for the none driver (\"'none' driver does not support 'minikube docker-env' command\"), "
                                    + "and the profile's Docker daemon is where the images are built: use docker (or a VM driver such as kvm2, qemu2, vfkit), "
                                    + "or deploy to that cluster with --target context and build.loadCommand")),
                    "cpus", new Int(2, 256),
                    "memoryMiB", new Int(1800, 1_048_576),
                    "diskGiB", new Int(5, 10_000),
                    "kubernetesVersion", new Str("|v?[0-9]+\\.[0-9]+\\.[0-9]+|stable|latest", "empty (Minikube's default) or a version such as v1.31.0"),
                    "cni", new Str("|auto|bridge|calico|cilium|flannel|kindnet|.*[/\\\\].*|.*\\.(yaml|yml|json)",
                            "empty (Minikube's default), auto, bridge, calico, cilium, flannel, kindnet, or a path to a CNI manifest (.yaml)"),
                    "addons", new ListOf(new Str(NAME, "an addon name such as ingress"))),
            "smoke", obj(
                    "via", new OneOf(List.of("port-forward", "ingress")),
                    "timeoutSeconds", new Int(5, 3600),
                    "chatMessage", new Str(".+", "a chat message"),
                    "expectTask", new Str(".+", "text of the task the chat message creates")),
            "aiOps", obj(
                    "maxReplicas", new Int(0, 1000),
                    "auditLog", ANY,
                    "engine", new OneOf(List.of("auto", "builtin", "kubectl-ai", "kagent")),
                    "provider", new OneOf(List.of("openai", "gemini", "azopenai", "grok", "ollama", "llamacpp")),
                    "model", ANY,
                    "timeoutSeconds", new Int(10, 3600),
                    "kagentCharts", ANY,
                    "kagentRegistry", new Str("|[a-z0-9.-]+(:[0-9]+)?(/[a-z0-9._-]+)*", "empty (kagent's published images) or a registry such as registry.example.com:5000"),
                    "kagentValues", new MapOf(ANY, "[A-Za-z0-9_.\\[\\]-]+", "a Helm value path of kagent's chart")),
            "preflight", obj("minVersions", new MapOf(new Str("[0-9]+(\\.[0-9]+)*", "a version such as 1.32"),
                    "docker|minikube|kubectl|helm|java", "one of docker, minikube, kubectl, helm, java")));

    // ---------------------------------------------------------------- built-in defaults
    /**
     * What every key is when taskora.yaml does not set it: the reference app under app/ on a
     * 4-CPU, 8-GiB Minikube profile. taskora.yaml may hold only what differs; the shipped one spells
     * every default out as the documented example (ConfigTest keeps the two, and docs/TOOLKIT.md's
     * defaults column, equal). `services` is taken whole from the file when the file has it; a
     * service named like a default one takes that one's keys as defaults, any service takes
     * image taskora/NAME, context app/NAME, dockerfile dockerfiles/NAME.Dockerfile.
     */
    static final String DEFAULTS = """
            environment: dev
            target: minikube
            context: ""
            services:
              frontend: {component: frontend, image: taskora/frontend, context: app/frontend, dockerfile: dockerfiles/frontend.Dockerfile, sizeBudgetMiB: 200, buildArgs: {}, migrations: []}
              backend: {component: backend, image: taskora/backend, context: app/backend, dockerfile: dockerfiles/backend.Dockerfile, sizeBudgetMiB: 300, buildArgs: {}, migrations: [alembic.ini, alembic]}
              mcp-server: {component: mcpServer, image: taskora/mcp-server, context: app/mcp-server, dockerfile: dockerfiles/mcp-server.Dockerfile, sizeBudgetMiB: 250, buildArgs: {}, migrations: []}
            build: {tagFrom: content, buildArgsFile: "", secrets: {}, loadCommand: "", timeoutSeconds: 1800}
            chart: {path: charts/taskora, release: taskora, namespace: taskora, timeout: 10m, values: {}}
            environments:
              dev: {valuesFile: charts/taskora/values-dev.yaml}
              prod: {valuesFile: charts/taskora/values-prod.yaml}
            secret: {name: taskora-secrets, valuesKey: existingSecret}
            minikube: {profile: taskora, driver: docker, cpus: 4, memoryMiB: 8192, diskGiB: 20, kubernetesVersion: "", cni: "", addons: [ingress, metrics-server]}
            smoke: {via: port-forward, timeoutSeconds: 180, chatMessage: add a task to buy milk, expectTask: buy milk}
            aiOps: {maxReplicas: 10, auditLog: "", engine: auto, provider: openai, model: "", timeoutSeconds: 300, kagentCharts: "", kagentRegistry: "", kagentValues: {}}
            preflight: {minVersions: {docker: "20.10", minikube: "1.32", kubectl: "1.28", helm: "3.12", java: "17"}}
            """;

    /** A fresh copy of the built-in defaults. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> defaults() {
        return (Map<String, Object>) yaml().load(DEFAULTS);
    }

    // ---------------------------------------------------------------- loading
    final Path file;
    final Path baseDir;
    final Map<String, Object> tree;
    /** Where the paths the file (or an override) did not set resolve: the checkout's defaults (see checkout()). */
    final Path defaultsDir;
    /** The keys the file sets, and those an override sets, as dotted paths (services.frontend.context). */
    final java.util.Set<String> given;

    private Config(Path file, Map<String, Object> tree, java.util.Set<String> given, Path defaultsDir) {
        this.file = file;
        this.baseDir = file.toAbsolutePath().getParent();
        this.tree = tree;
        this.given = given;
        this.defaultsDir = defaultsDir == null ? baseDir : defaultsDir;
    }

    /** Every leaf key of a mapping as a dotted path. */
    static void leaves(Object v, String prefix, java.util.Set<String> out) {
        if (v instanceof Map<?, ?> m && !m.isEmpty())
            for (Map.Entry<?, ?> e : m.entrySet()) leaves(e.getValue(), prefix.isEmpty() ? String.valueOf(e.getKey()) : prefix + "." + e.getKey(), out);
        else if (!prefix.isEmpty()) out.add(prefix);
    }

    /**
     * Which taskora.yaml: --config, else $TASKORA_CONFIG, else the nearest taskora.yaml from the
     * working directory upwards (the project you are in), else that of the checkout the alias came
     * from: $TASKORA_HOME (./jbang sets it to its own checkout), else the checkout of the catalog
     * registered with `jbang catalog add` (JBang's user catalog, $JBANG_DIR or ~/.jbang).
     */
    static Path locate(Path explicit) {
        if (explicit != null) {
            Path abs = explicit.toAbsolutePath().normalize();
            if (Files.isDirectory(abs))
                throw new Failure(Exit.USAGE, "--config " + explicit + " is a folder, not a configuration file",
                        "pass the file itself: --config " + explicit.resolve("taskora.yaml"));
            if (!Files.isRegularFile(abs))
                throw new Failure(Exit.USAGE, "--config " + explicit + ": no such file (" + abs + ")",
                        "a relative --config path starts at the working directory, " + Path.of("").toAbsolutePath()
                                + "; without --config the nearest taskora.yaml from there upwards is used");
            return explicit;
        }
        String envFile = System.getenv("TASKORA_CONFIG");
        if (envFile != null && !envFile.isBlank()) return Path.of(envFile);
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent())
            if (Files.isRegularFile(d.resolve("taskora.yaml"))) return d.resolve("taskora.yaml");
        String home = System.getenv("TASKORA_HOME");
        if (home != null && !home.isBlank() && Files.isRegularFile(Path.of(home, "taskora.yaml")))
            return Path.of(home, "taskora.yaml");
        Path registered = registeredCheckout(jbangUserCatalog());
        if (registered != null) return registered.resolve("taskora.yaml");
        throw new Failure(Exit.USAGE, "no taskora.yaml in " + Path.of("").toAbsolutePath() + " or above, and no Taskora Deploy catalog registered with JBang",
                "run inside a Taskora Deploy checkout, pass --config FILE, or register the checkout once: "
                        + "jbang catalog add --global --name taskora /path/to/taskora-deploy/jbang-catalog.json");
    }

    /** JBang's user catalog, where `jbang catalog add --global` registers catalogs. */
    static Path jbangUserCatalog() {
        return env("JBANG_DIR").map(Path::of).orElse(home().resolve(".jbang")).resolve("jbang-catalog.json");
    }

    // ---------------------------------------------------------------- where state lives
    // One home for every script and the ./jbang launcher alike: $HOME (as the shell and the
    // launcher see it; Java's user.home is the account's home, which differs under sudo, in
    // containers and with a redirected HOME), and the XDG variables where they are set.

    static java.util.Optional<String> env(String name) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? java.util.Optional.empty() : java.util.Optional.of(v);
    }

    /** $HOME; Java's user.home only when HOME is not set. */
    static Path home() {
        return Path.of(env("HOME").orElse(System.getProperty("user.home")));
    }

    /** The cache (downloads, tools): $TASKORA_CACHE, else ${XDG_CACHE_HOME:-$HOME/.cache}/taskora, as ./jbang uses it. */
    static Path cacheDir() {
        return env("TASKORA_CACHE").map(Path::of).orElseGet(() -> env("XDG_CACHE_HOME").map(Path::of).orElse(home().resolve(".cache")).resolve("taskora"));
    }

    /** State that outlives a run (the ai-ops audit log): ${XDG_STATE_HOME:-$HOME/.local/state}/taskora. */
    static Path stateDir() {
        return env("XDG_STATE_HOME").map(Path::of).orElse(home().resolve(".local/state")).resolve("taskora");
    }

    /** A path as a user writes it in taskora.yaml or a flag: a leading ~/ is $HOME. */
    static String expandHome(String p) {
        return p.equals("~") ? home().toString() : p.startsWith("~/") ? home().resolve(p.substring(2)).toString() : p;
    }

    /**
     * The checkout the scripts come from, where the built-in defaults' paths (app/frontend,
     * charts/taskora, ...) resolve: $TASKORA_HOME (./jbang sets it to its own folder, also when a
     * script runs as ./scripts/Name.java), else the checkout registered with `jbang catalog add`,
     * else null (the configuration file's folder is used).
     */
    static Path checkout() {
        java.util.Optional<Path> home = env("TASKORA_HOME").map(Path::of).filter(Files::isDirectory);
        return home.isPresent() ? home.get().toAbsolutePath().normalize() : registeredCheckout(jbangUserCatalog());
    }

    /**
     * The checkout of a local catalog registered in JBang's user catalog that has a taskora.yaml
     * beside it: the one named "taskora", else the only such one; null when there is none.
     */
    static Path registeredCheckout(Path userCatalog) {
        if (!Files.isRegularFile(userCatalog)) return null;
        Object cat;
        try {
            cat = Json.parse(Files.readString(userCatalog), userCatalog.toString());
        } catch (IOException | Failure e) {
            return null;
        }
        Map<String, Path> found = new TreeMap<>();
        if (Json.at(cat, "catalogs") instanceof Map<?, ?> m)
            for (Map.Entry<?, ?> e : m.entrySet()) {
                String ref = Json.text(e.getValue(), "catalog-ref");
                if (ref == null || ref.isEmpty() || ref.contains("://")) continue;
                Path p = Path.of(ref);
                Path dir = ref.endsWith(".json") ? p.toAbsolutePath().getParent() : p.toAbsolutePath();
                if (dir != null && Files.isRegularFile(dir.resolve("taskora.yaml"))) found.put(String.valueOf(e.getKey()), dir);
            }
        if (found.containsKey("taskora")) return found.get("taskora");
        return found.size() == 1 ? found.values().iterator().next() : null;
    }

    /** One override of a key: from --set PATH=VALUE or from a flag such as --env (named in errors). */
    record Override(String option, String path, String value) {
        static Override parseSet(String assignment) {
            int eq = assignment.indexOf('=');
            if (eq <= 0)
                throw new Failure(Exit.USAGE, "--set " + assignment + ": expected PATH=VALUE", "e.g. --set minikube.cpus=6");
            return new Override("--set", assignment.substring(0, eq).trim(), assignment.substring(eq + 1));
        }

        /** How an error names this override: "--set minikube.cpus" or "--env". */
        String label() {
            return option.equals("--set") ? "--set " + path : option;
        }
    }

    /** Loads FILE with --set style PATH=VALUE overrides. */
    static Config load(Path file, List<String> sets) {
        List<Override> all = new ArrayList<>();
        for (String s : sets) all.add(Override.parseSet(s));
        return loadWith(file, all);
    }

    static Config loadWith(Path file, List<Override> overrides) {
        return loadWith(file, overrides, checkout());
    }

    /** As loadWith, with the checkout whose defaults apply (null: the file's folder). */
    static Config loadWith(Path file, List<Override> overrides, Path checkout) {
        if (!Files.isRegularFile(file))
            throw new Failure(Exit.USAGE, "configuration file " + file + " not found",
                    "run from a Taskora Deploy checkout, or pass --config FILE");
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new Failure(Exit.USAGE, "cannot read " + file + ": " + e.getMessage());
        }
        Object root = parseYaml(text, file);
        if (root == null) root = new LinkedHashMap<String, Object>();
        if (!(root instanceof Map))
            throw new Failure(Exit.USAGE, file + ": expected a mapping of keys at the top level");
        @SuppressWarnings("unchecked")
        Map<String, Object> given = (Map<String, Object>) root;
        List<String> errors = new ArrayList<>();
        validate(given, SCHEMA, "", errors);
        if (!errors.isEmpty())
            throw new Failure(Exit.USAGE, file.getFileName() + ": " + errors.get(0),
                    errors.size() > 1 ? (errors.size() - 1) + " more problem(s) after this one" : null);
        Map<String, Object> tree = withDefaults(given);
        java.util.Set<String> set = new java.util.LinkedHashSet<>();
        leaves(given, "", set);
        java.util.Set<String> fromFile = java.util.Set.copyOf(set);
        for (Override o : overrides) {
            applySet(tree, o);
            set.add(o.path());
        }
        fillServiceDefaults(tree);
        Config c = new Config(file, tree, set, checkout);
        c.requireComplete(fromFile, overrides);
        return c;
    }

    /** The file's keys over the built-in defaults (see DEFAULTS for how `services` is taken). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> withDefaults(Map<String, Object> given) {
        Map<String, Object> tree = defaults();
        if (given.get("services") instanceof Map) tree.put("services", new LinkedHashMap<String, Object>());
        merge(tree, given);
        return tree;
    }

    @SuppressWarnings("unchecked")
    static void merge(Map<String, Object> into, Map<String, Object> from) {
        for (Map.Entry<String, Object> e : from.entrySet()) {
            String k = String.valueOf(e.getKey());
            Object v = e.getValue();
            if (v == null) continue; // `key:` with nothing after it keeps the default
            if (v instanceof Map && into.get(k) instanceof Map)
                merge((Map<String, Object>) into.get(k), (Map<String, Object>) v);
            else if (v instanceof Map)
                into.put(k, copyMap((Map<String, Object>) v));
            else into.put(k, v);
        }
    }

    private static Map<String, Object> copyMap(Map<String, Object> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        merge(out, m);
        return out;
    }

    /** A service's missing keys: those of the default service of that name, else derived from the name. */
    @SuppressWarnings("unchecked")
    static void fillServiceDefaults(Map<String, Object> tree) {
        if (!(tree.get("services") instanceof Map<?, ?> services)) return;
        Map<String, Object> defaultServices = (Map<String, Object>) defaults().get("services");
        for (Map.Entry<?, ?> e : services.entrySet()) {
            String name = String.valueOf(e.getKey());
            if (!(e.getValue() instanceof Map)) continue;
            Map<String, Object> svc = (Map<String, Object>) e.getValue();
            Map<String, Object> base = defaultServices.get(name) instanceof Map<?, ?> d
                    ? (Map<String, Object>) d
                    : Map.of("image", "taskora/" + name, "context", "app/" + name, "migrations", List.of(),
                            "dockerfile", "dockerfiles/" + name + ".Dockerfile", "buildArgs", new LinkedHashMap<String, Object>());
            for (Map.Entry<String, Object> b : base.entrySet())
                if (svc.get(b.getKey()) == null) svc.put(b.getKey(), b.getValue() instanceof Map ? new LinkedHashMap<>() : b.getValue());
        }
    }

    static Yaml yaml() {
        LoaderOptions o = new LoaderOptions();
        o.setAllowDuplicateKeys(false);
        return new Yaml(new SafeConstructor(o));
    }

    /** Parses YAML; a syntax error names the file, line and column and says what to fix. */
    static Object parseYaml(String text, Path file) {
        try {
            return yaml().load(text);
        } catch (MarkedYAMLException e) {
            Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String where = file + (m != null ? ":" + (m.getLine() + 1) + ":" + (m.getColumn() + 1) : "");
            String problem = e.getProblem() == null ? "" : e.getProblem().strip();
            String context = e.getContext() == null ? "" : e.getContext().strip();
            if (problem.contains("TAB") || problem.contains("\\t"))
                throw new Failure(Exit.USAGE, where + ": not valid YAML: a tab character",
                        "YAML indents with spaces only: replace the tab with spaces");
            if (e instanceof DuplicateKeyException || context.contains("duplicate key") || problem.contains("duplicate key"))
                throw new Failure(Exit.USAGE, where + ": not valid YAML: duplicate key '" + problem.replaceFirst("^found duplicate key ", "") + "'",
                        "each key may appear once in a mapping: remove or merge the second one");
            throw new Failure(Exit.USAGE, where + ": not valid YAML: " + (problem.isEmpty() ? context : problem),
                    "check the indentation: the keys of one mapping start in the same column, and a nested mapping is indented further");
        } catch (RuntimeException e) {
            throw new Failure(Exit.USAGE, file + " is not valid YAML: " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        }
    }

    // ---------------------------------------------------------------- validation
    static void validate(Object v, S s, String path, List<String> errors) {
        String at = path.isEmpty() ? "top level" : path;
        if (s instanceof Obj o) {
            if (v == null) return;
            if (!(v instanceof Map<?, ?> m)) { errors.add(at + ": expected a mapping with keys " + o.fields().keySet()); return; }
            for (Map.Entry<?, ?> e : m.entrySet()) {
                String k = String.valueOf(e.getKey());
                String p = path.isEmpty() ? k : path + "." + k;
                S sub = o.fields().get(k);
                if (sub == null) errors.add("unknown key '" + p + "' (allowed: " + String.join(", ", o.fields().keySet()) + ")");
                else validate(e.getValue(), sub, p, errors);
            }
        } else if (s instanceof MapOf mo) {
            if (v == null) return;
            if (!(v instanceof Map<?, ?> m)) { errors.add(at + ": expected a mapping"); return; }
            for (Map.Entry<?, ?> e : m.entrySet()) {
                String k = String.valueOf(e.getKey());
                String p = path + "." + k;
                if (!k.matches(mo.keyRegex())) errors.add("bad key '" + p + "': expected " + mo.keyWhat());
                else validate(e.getValue(), mo.value(), p, errors);
            }
        } else if (s instanceof ListOf lo) {
            if (v == null) return;
            if (!(v instanceof List<?> l)) { errors.add(at + ": expected a list"); return; }
            for (int i = 0; i < l.size(); i++) validate(l.get(i), lo.item(), path + "[" + i + "]", errors);
        } else {
            String problem = scalarProblem(v, s);
            if (problem != null) errors.add(at + ": " + problem);
        }
    }

    static String describe(S s) {
        if (s instanceof Str st) return st.what();
        if (s instanceof Int i) return "an integer from " + i.min() + " to " + i.max();
        if (s instanceof Bool) return "true or false";
        if (s instanceof OneOf o) return "one of " + String.join(", ", o.values());
        if (s instanceof ListOf l) return "a list of " + describe(l.item());
        return "a mapping";
    }

    static String scalarProblem(Object v, S s) {
        String got = v == null ? "nothing" : v instanceof String str ? "'" + str + "'" : "'" + v + "'";
        if (s instanceof Str st) {
            if (v instanceof Map || v instanceof List) return "expected " + st.what() + ", got a " + (v instanceof Map ? "mapping" : "list");
            if ((v instanceof Double || v instanceof Float) && st != ANY) // a version such as 1.30 read as 1.3
                return "expected " + st.what() + ", got the number " + v + " (YAML reads an unquoted 1.30 as the number 1.3: put the value in quotes)";
            String str = v == null ? "" : String.valueOf(v);
            if (str.matches(st.regex())) return null;
            return "expected " + st.what() + ", got " + got;
        }
        if (s instanceof Int i) {
            if (v instanceof Integer || v instanceof Long) {
                long n = ((Number) v).longValue();
                if (n >= i.min() && n <= i.max()) return null;
            }
            if (v instanceof String str && str.strip().matches("[-+]?[0-9]+"))
                return "expected " + describe(s) + ", got the string \"" + str + "\" (a quoted number is a string in YAML: remove the quotes)";
            return "expected " + describe(s) + ", got " + got;
        }
        if (s instanceof Bool) {
            if (v instanceof Boolean) return null;
            if (v instanceof String str && (str.equals("true") || str.equals("false")))
                return "expected true or false, got the string \"" + str + "\" (remove the quotes)";
            return "expected true or false, got " + got;
        }
        if (s instanceof OneOf o && v != null && o.refused().containsKey(String.valueOf(v)))
            return String.valueOf(v) + " is not supported: " + o.refused().get(String.valueOf(v));
        if (s instanceof OneOf o) return v != null && o.values().contains(String.valueOf(v)) ? null : "expected " + describe(s) + ", got " + got;
        return null;
    }

    // ---------------------------------------------------------------- --set and the flags
    /** Applies one override, converting its value to what the schema wants at its path. */
    @SuppressWarnings("unchecked")
    static void applySet(Map<String, Object> tree, Override o) {
        String path = o.path();
        String label = o.label();
        String[] parts = path.split("\\.");
        S s = SCHEMA;
        Map<String, Object> node = tree;
        StringBuilder walked = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            String k = parts[i];
            walked.append(i == 0 ? "" : ".").append(k);
            S next;
            if (s instanceof Obj ob) {
                next = ob.fields().get(k);
                if (next == null)
                    throw new Failure(Exit.USAGE, label + ": unknown key '" + walked + "' (allowed: "
                            + String.join(", ", ob.fields().keySet()) + ")");
            } else if (s instanceof MapOf mo) {
                if (!k.matches(mo.keyRegex()))
                    throw new Failure(Exit.USAGE, label + ": bad key '" + walked + "': expected " + mo.keyWhat());
                next = mo.value();
                if (mo.value() == ANY && i < parts.length - 1) { // Helm value paths contain dots
                    k = String.join(".", java.util.Arrays.copyOfRange(parts, i, parts.length));
                    i = parts.length - 1;
                }
            } else {
                throw new Failure(Exit.USAGE, label + ": '" + walked.substring(0, walked.lastIndexOf(".")) + "' is " + describe(s) + ", it has no keys");
            }
            if (i == parts.length - 1) {
                node.put(k, convert(o.value(), next, label));
            } else {
                Object child = node.get(k);
                if (!(child instanceof Map)) {
                    child = new LinkedHashMap<String, Object>();
                    node.put(k, child);
                }
                node = (Map<String, Object>) child;
            }
            s = next;
        }
    }

    /** VALUE converted to the schema's type and checked; errors are "LABEL: problem". */
    static Object convert(String raw, S s, String label) {
        Object value;
        if (s instanceof Int) {
            try { value = Long.parseLong(raw.trim()); } catch (NumberFormatException e) { value = raw; }
        } else if (s instanceof Bool) {
            value = raw.equals("true") ? Boolean.TRUE : raw.equals("false") ? Boolean.FALSE : raw;
        } else if (s instanceof ListOf) {
            String r = raw.trim();
            if (r.startsWith("[") && r.endsWith("]")) r = r.substring(1, r.length() - 1);
            List<Object> l = new ArrayList<>();
            for (String x : r.split(",")) if (!x.isBlank()) l.add(x.trim());
            value = l;
        } else if (s instanceof Obj || s instanceof MapOf) {
            throw new Failure(Exit.USAGE, label + ": this key holds a mapping; set one of its keys instead");
        } else {
            value = raw;
        }
        if (s instanceof ListOf lo) {
            for (Object item : (List<?>) value) {
                String problem = scalarProblem(item, lo.item());
                if (problem != null) throw new Failure(Exit.USAGE, label + ": list item '" + item + "': " + problem);
            }
        } else {
            String problem = scalarProblem(value, s);
            if (problem != null) throw new Failure(Exit.USAGE, label + ": " + problem);
        }
        return value;
    }

    // ---------------------------------------------------------------- access
    Object get(String path) {
        Object v = tree;
        for (String k : path.split("\\.")) {
            if (!(v instanceof Map<?, ?> m)) return null;
            v = m.get(k);
        }
        return v;
    }

    String str(String path) {
        Object v = get(path);
        return v == null ? "" : String.valueOf(v);
    }

    long num(String path) {
        Object v = get(path);
        return v instanceof Number n ? n.longValue() : 0;
    }

    List<String> list(String path) {
        List<String> out = new ArrayList<>();
        if (get(path) instanceof List<?> l) for (Object o : l) out.add(String.valueOf(o));
        return out;
    }

    Map<String, String> strMap(String path) {
        Map<String, String> out = new TreeMap<>();
        if (get(path) instanceof Map<?, ?> m) for (Map.Entry<?, ?> e : m.entrySet()) out.put(String.valueOf(e.getKey()), e.getValue() == null ? "" : String.valueOf(e.getValue()));
        return out;
    }

    /**
     * A path from the configuration: one the file (or an override) sets resolves against the
     * file's folder; one it leaves to the defaults against the checkout (a small override file
     * elsewhere keeps the reference app's paths). A leading ~/ is $HOME.
     */
    Path path(String key) {
        return baseOf(key).resolve(expandHome(str(key))).normalize();
    }

    /** The folder a relative path of this key resolves from. */
    Path baseOf(String key) {
        return given.contains(key) ? baseDir : defaultsDir;
    }

    /** Paths that must exist, checked at once: one Failure naming every missing one (dirs, then files). */
    void requirePaths(List<String> dirKeys, List<String> fileKeys) {
        requirePaths(dirKeys, fileKeys, List.of());
    }

    /** The same, with paths that may be a folder or a file (a chart: its folder, or a packaged .tgz). */
    void requirePaths(List<String> dirKeys, List<String> fileKeys, List<String> eitherKeys) {
        Map<String, String> bad = new LinkedHashMap<>();
        for (String k : dirKeys) if (!Files.isDirectory(path(k))) bad.put(k, "is not a directory");
        for (String k : eitherKeys) if (!Files.exists(path(k))) bad.put(k, "does not exist");
        for (String k : fileKeys) if (!Files.isRegularFile(path(k))) bad.put(k, "is not a file");
        if (bad.isEmpty()) return;
        String first = bad.keySet().iterator().next();
        if (bad.size() == 1) throw missingPath(first, path(first), bad.get(first));
        List<String> lines = new ArrayList<>();
        for (Map.Entry<String, String> e : bad.entrySet()) lines.add(e.getKey() + ": '" + str(e.getKey()) + "' (" + path(e.getKey()) + ") " + e.getValue());
        throw new Failure(Exit.USAGE, bad.size() + " configured paths are missing: " + String.join("; ", lines), pathHint(first));
    }

    /** The directory at a configured path, or a Failure naming the key (see missingPath). */
    Path existingDir(String key) {
        Path p = path(key);
        if (!Files.isDirectory(p)) throw missingPath(key, p, "is not a directory");
        return p;
    }

    /** The file at a configured path, or a Failure naming the key (see missingPath). */
    Path existingFile(String key) {
        Path p = path(key);
        if (!Files.isRegularFile(p)) throw missingPath(key, p, "is not a file");
        return p;
    }

    /**
     * A configured path that is not there. A relative one resolves from the configuration file's
     * folder, not the working directory: the hint says so, which is what a copied taskora.yaml needs.
     */
    Failure missingPath(String key, Path resolved, String problem) {
        return new Failure(Exit.USAGE, key + ": '" + str(key) + "' (" + resolved + ") " + problem, pathHint(key));
    }

    String pathHint(String key) {
        if (Path.of(expandHome(str(key))).isAbsolute()) return "fix " + key + " in " + file.getFileName() + ", or override it: --set " + key + "=PATH";
        if (!given.contains(key))
            return key + " is a default, which resolves from the Taskora Deploy checkout (" + defaultsDir + "): set it in "
                    + file.getFileName() + " (relative to " + baseDir + "), or override it: --set " + key + "=PATH";
        return "relative paths in " + file.getFileName() + " resolve from its folder (" + baseDir + "), not from the working directory: "
                + "fix " + key + ", or override it: --set " + key + "=PATH";
    }

    List<String> serviceNames() {
        List<String> out = new ArrayList<>();
        if (get("services") instanceof Map<?, ?> m) for (Object k : m.keySet()) out.add(String.valueOf(k));
        return out;
    }

    String environment() { return str("environment"); }
    boolean minikube() { return "minikube".equals(str("target")); }
    String release() { return str("chart.release"); }
    String namespace() { return str("chart.namespace"); }
    String profile() { return str("minikube.profile"); }

    /** The values file of the selected environment. */
    Path valuesFile() { return path("environments." + environment() + ".valuesFile"); }

    /**
     * What the defaults cannot supply: a service of a name the defaults do not know needs its
     * component and size budget. The error names where the service came from: the file, or the
     * override that made it.
     */
    void requireComplete(java.util.Set<String> fromFile, List<Override> overrides) {
        if (serviceNames().isEmpty()) throw new Failure(Exit.USAGE, file.getFileName() + ": 'services' lists no service");
        for (String s : serviceNames())
            for (String k : List.of("component", "sizeBudgetMiB"))
                if (get("services." + s + "." + k) == null) {
                    String prefix = "services." + s + ".";
                    boolean inFile = fromFile.stream().anyMatch(p -> p.startsWith(prefix));
                    Override made = overrides.stream().filter(o -> o.path().startsWith(prefix)).findFirst().orElse(null);
                    String where = inFile || made == null ? file.getFileName() + ": missing key 'services." + s + "." + k + "'"
                            : made.label() + ": '" + s + "' is not a service of " + file.getFileName() + ", and a new service needs '" + prefix + k + "' too";
                    throw new Failure(Exit.USAGE, where,
                            "only the default services (frontend, backend, mcp-server) have defaults for component and sizeBudgetMiB; see docs/TOOLKIT.md");
                }
    }

    /** The kube-context the scripts talk to: the profile's on Minikube, else --context or the current one. */
    String kubeContext() {
        if (minikube()) return profile();
        return str("context");
    }

    /**
     * A kubectl command line on the scripts' kube-context: `kubectl --context X ARGS` when a context
     * is known (empty: kubectl's current context). Every script builds its kubectl lines here.
     */
    List<String> kubectl(String... args) {
        List<String> l = new ArrayList<>(List.of("kubectl"));
        if (!kubeContext().isEmpty()) { l.add("--context"); l.add(kubeContext()); }
        l.addAll(List.of(args));
        return l;
    }

    /**
     * A helm command line on the same kube-context: `helm ARGS --kube-context X` (helm takes its
     * global flags anywhere; a caller may append more arguments). Every script builds its helm lines here.
     */
    List<String> helm(String... args) {
        List<String> l = new ArrayList<>(List.of("helm"));
        l.addAll(List.of(args));
        if (!kubeContext().isEmpty()) { l.add("--kube-context"); l.add(kubeContext()); }
        return l;
    }
}

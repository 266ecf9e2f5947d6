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
import org.yaml.snakeyaml.constructor.SafeConstructor;

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

    /** Loads and checks the configuration with every override applied. */
    Config load() {
        Console.init(verbose);
        Cmd.dryRun = dryRun;
        List<String> all = new ArrayList<>();
        if (env != null) all.add("environment=" + env);
        if (profile != null) all.add("minikube.profile=" + profile);
        if (namespace != null) all.add("chart.namespace=" + namespace);
        if (release != null) all.add("chart.release=" + release);
        if (context != null) {
            all.add("context=" + context);
            if (target == null) all.add("target=context");
        }
        if (target != null) all.add("target=" + target);
        all.addAll(sets);
        if ("minikube".equals(target) && context != null)
            throw new Failure(Exit.USAGE, "--target minikube --context " + context + ": with target minikube the kube-context is the profile's ("
                    + "minikube.profile); --context would be ignored", "drop --context, or use --context " + context + " alone (target context)");
        Config cfg = Config.load(Config.locate(config), all);
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
    record OneOf(List<String> values) implements S {}
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

    static final Obj SERVICE = obj(
            "component", new OneOf(List.of("frontend", "backend", "mcpServer")),
            "image", new Str("[a-z0-9]+([._/-][a-z0-9]+)*", "an image repository without tag, e.g. taskora/backend"),
            "context", PATH,
            "dockerfile", PATH,
            "sizeBudgetMiB", new Int(1, 100_000),
            "buildArgs", new MapOf(ANY, "[A-Za-z_][A-Za-z0-9_]*", "a build-arg name"));

    static final Obj SCHEMA = obj(
            "environment", new OneOf(List.of("dev", "prod")),
            "target", new OneOf(List.of("minikube", "context")),
            "context", ANY,
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
                    "timeout", new Str("[0-9]+[smh]", "a duration such as 300s, 10m or 1h"),
                    "values", new MapOf(ANY, "[A-Za-z0-9_.\\[\\]-]+", "a Helm value path")),
            "environments", new MapOf(obj("valuesFile", PATH), "dev|prod", "dev or prod"),
            "secret", obj("name", DNS_NAME, "valuesKey", new Str("[A-Za-z0-9_.]+", "a Helm value path")),
            "minikube", obj(
                    "profile", DNS_NAME,
                    "driver", new OneOf(List.of("docker", "podman", "kvm2", "qemu2", "virtualbox", "hyperkit", "hyperv", "none")),
                    "cpus", new Int(2, 256),
                    "memoryMiB", new Int(1800, 1_048_576),
                    "diskGiB", new Int(5, 10_000),
                    "kubernetesVersion", new Str("|v?[0-9]+\\.[0-9]+\\.[0-9]+|stable|latest", "empty (Minikube's default) or a version such as v1.31.0"),
                    "addons", new ListOf(new Str(NAME, "an addon name such as ingress"))),
            "smoke", obj(
                    "via", new OneOf(List.of("port-forward", "ingress")),
                    "timeoutSeconds", new Int(5, 3600),
                    "chatMessage", new Str(".+", "a chat message"),
                    "expectTask", new Str(".+", "text of the task the chat message creates")),
            "preflight", obj("minVersions", new MapOf(new Str("[0-9]+(\\.[0-9]+)*", "a version such as 1.32"),
                    "docker|minikube|kubectl|helm|java", "one of docker, minikube, kubectl, helm, java")));

    // ---------------------------------------------------------------- loading
    final Path file;
    final Path baseDir;
    final Map<String, Object> tree;

    private Config(Path file, Map<String, Object> tree) {
        this.file = file;
        this.baseDir = file.toAbsolutePath().getParent();
        this.tree = tree;
    }

    /** --config, else $TASKORA_CONFIG, else taskora.yaml beside scripts/ of this checkout, else in the working dir. */
    static Path locate(Path explicit) {
        if (explicit != null) return explicit;
        String envFile = System.getenv("TASKORA_CONFIG");
        if (envFile != null && !envFile.isBlank()) return Path.of(envFile);
        String source = System.getProperty("jbang.source");
        if (source != null) {
            Path p = Path.of(source).toAbsolutePath().getParent();
            if (p != null && p.getParent() != null && Files.isRegularFile(p.getParent().resolve("taskora.yaml")))
                return p.getParent().resolve("taskora.yaml");
        }
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent())
            if (Files.isRegularFile(d.resolve("taskora.yaml"))) return d.resolve("taskora.yaml");
        return Path.of("taskora.yaml");
    }

    static Config load(Path file, List<String> sets) {
        if (!Files.isRegularFile(file))
            throw new Failure(Exit.USAGE, "configuration file " + file + " not found",
                    "run from a Taskora Deploy checkout, or pass --config FILE");
        Object root;
        try {
            root = yaml().load(Files.readString(file));
        } catch (IOException e) {
            throw new Failure(Exit.USAGE, "cannot read " + file + ": " + e.getMessage());
        } catch (RuntimeException e) {
            throw new Failure(Exit.USAGE, file + " is not valid YAML: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (!(root instanceof Map))
            throw new Failure(Exit.USAGE, file + ": expected a mapping of keys at the top level");
        @SuppressWarnings("unchecked")
        Map<String, Object> tree = (Map<String, Object>) root;
        List<String> errors = new ArrayList<>();
        validate(tree, SCHEMA, "", errors);
        if (!errors.isEmpty())
            throw new Failure(Exit.USAGE, file.getFileName() + ": " + errors.get(0),
                    errors.size() > 1 ? (errors.size() - 1) + " more problem(s) after this one" : null);
        for (String s : sets) applySet(tree, s);
        Config c = new Config(file, tree);
        c.requireComplete();
        return c;
    }

    static Yaml yaml() {
        LoaderOptions o = new LoaderOptions();
        o.setAllowDuplicateKeys(false);
        return new Yaml(new SafeConstructor(o));
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
        String got = v == null ? "nothing" : "'" + v + "'";
        if (s instanceof Str st) {
            if (v instanceof Map || v instanceof List) return "expected " + st.what() + ", got a " + (v instanceof Map ? "mapping" : "list");
            String str = v == null ? "" : String.valueOf(v);
            return str.matches(st.regex()) ? null : "expected " + st.what() + ", got " + got;
        }
        if (s instanceof Int i) {
            if (v instanceof Integer || v instanceof Long) {
                long n = ((Number) v).longValue();
                if (n >= i.min() && n <= i.max()) return null;
            }
            return "expected " + describe(s) + ", got " + got;
        }
        if (s instanceof Bool) return v instanceof Boolean ? null : "expected true or false, got " + got;
        if (s instanceof OneOf o) return v != null && o.values().contains(String.valueOf(v)) ? null : "expected " + describe(s) + ", got " + got;
        return null;
    }

    // ---------------------------------------------------------------- --set
    /** Applies one PATH=VALUE, converting VALUE to what the schema wants at PATH. */
    @SuppressWarnings("unchecked")
    static void applySet(Map<String, Object> tree, String assignment) {
        int eq = assignment.indexOf('=');
        if (eq <= 0)
            throw new Failure(Exit.USAGE, "--set " + assignment + ": expected PATH=VALUE", "e.g. --set minikube.cpus=6");
        String path = assignment.substring(0, eq).trim();
        String raw = assignment.substring(eq + 1);
        String[] parts = path.split("\\.");
        S s = SCHEMA;
        Map<String, Object> node = tree;
        StringBuilder walked = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            String k = parts[i];
            walked.append(i == 0 ? "" : ".").append(k);
            S next;
            if (s instanceof Obj o) {
                next = o.fields().get(k);
                if (next == null)
                    throw new Failure(Exit.USAGE, "--set " + path + ": unknown key '" + walked + "' (allowed: "
                            + String.join(", ", o.fields().keySet()) + ")");
            } else if (s instanceof MapOf mo) {
                if (!k.matches(mo.keyRegex()))
                    throw new Failure(Exit.USAGE, "--set " + path + ": bad key '" + walked + "': expected " + mo.keyWhat());
                next = mo.value();
                if (mo.value() == ANY && i < parts.length - 1) { // Helm value paths contain dots
                    k = String.join(".", java.util.Arrays.copyOfRange(parts, i, parts.length));
                    i = parts.length - 1;
                }
            } else {
                throw new Failure(Exit.USAGE, "--set " + path + ": '" + walked.substring(0, walked.lastIndexOf(".")) + "' is " + describe(s) + ", it has no keys");
            }
            if (i == parts.length - 1) {
                Object value = convert(raw, next, path);
                node.put(k, value);
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

    static Object convert(String raw, S s, String path) {
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
            throw new Failure(Exit.USAGE, "--set " + path + ": this key holds a mapping; set one of its keys instead");
        } else {
            value = raw;
        }
        List<String> errors = new ArrayList<>();
        validate(value, s, path, errors);
        if (!errors.isEmpty()) throw new Failure(Exit.USAGE, "--set " + errors.get(0));
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

    /** A path from the configuration, resolved against the configuration file's directory. */
    Path path(String key) {
        return baseDir.resolve(str(key)).normalize();
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

    /** Keys the scripts cannot do without. */
    void requireComplete() {
        for (String k : List.of("environment", "target", "chart.path", "chart.release", "chart.namespace", "chart.timeout",
                "secret.name", "secret.valuesKey", "minikube.profile", "minikube.driver", "minikube.cpus",
                "minikube.memoryMiB", "minikube.diskGiB", "smoke.via", "smoke.timeoutSeconds",
                "smoke.chatMessage", "smoke.expectTask", "build.tagFrom"))
            if (get(k) == null) throw new Failure(Exit.USAGE, file.getFileName() + ": missing key '" + k + "'",
                    "see docs/TOOLKIT.md for every key and its default");
        if (serviceNames().isEmpty()) throw new Failure(Exit.USAGE, file.getFileName() + ": 'services' lists no service");
        for (String s : serviceNames())
            for (String k : List.of("component", "image", "context", "dockerfile", "sizeBudgetMiB"))
                if (get("services." + s + "." + k) == null)
                    throw new Failure(Exit.USAGE, file.getFileName() + ": missing key 'services." + s + "." + k + "'");
        if (get("environments." + environment() + ".valuesFile") == null)
            throw new Failure(Exit.USAGE, file.getFileName() + ": missing key 'environments." + environment() + ".valuesFile'",
                    "environment is '" + environment() + "'; add environments." + environment() + ".valuesFile or pick another --env");
    }

    /** The kube-context the scripts talk to: the profile's on Minikube, else --context or the current one. */
    String kubeContext() {
        if (minikube()) return profile();
        return str("context");
    }

    /** "--context X" for kubectl when a context is known (empty: kubectl's current context). */
    List<String> kubectl(String... args) {
        List<String> l = new ArrayList<>(List.of("kubectl"));
        if (!kubeContext().isEmpty()) { l.add("--context"); l.add(kubeContext()); }
        l.addAll(List.of(args));
        return l;
    }
}

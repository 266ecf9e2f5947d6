// Chart values handed to helm on stdin (`-f -`): one values document built from dotted keys, so no
// value becomes an option, a shell fragment or another key (helm's --set splits at commas), and no
// secret is on a command line. Exposes new HelmValues(), put(what, key, raw), secret(key, value,
// from), json() (what helm reads) and shown() (what plans print: secret-like values masked).

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Chart values for helm's stdin (`-f -`), from dotted keys ("postgresql.persistence.size",
 * "ingress.hosts[0].host", "a\\.b" for a key with a dot), each value typed as YAML types a
 * scalar (3 is a number, true a boolean, "gpt-4o,x=y" stays one string). A value written
 * ${env:NAME} or ${file:PATH} is read from there when the command runs; secret-like values
 * (passwords, tokens, keys, database URLs) are masked in what is shown.
 */
final class HelmValues {
    private final Map<String, Object> tree = new LinkedHashMap<>(), masked = new LinkedHashMap<>();
    private final Function<String, String> env;

    HelmValues() { this(System::getenv); }

    /** `env` reads ${env:NAME} (System::getenv, or a map in a test). */
    HelmValues(Function<String, String> env) { this.env = env; }

    boolean isEmpty() { return tree.isEmpty(); }
    String json() { return Json.write(tree); }
    String shown() { return Json.write(masked); }

    /** `what` names the setting in a message (chart.values.x); `key` is the dotted chart key. */
    void put(String what, String key, String raw) {
        Object value = raw;
        String from = null;
        Matcher ref = REF.matcher(raw == null ? "" : raw.strip());
        if (ref.matches()) {
            from = ref.group(1).equals("env") ? "$" + ref.group(2) : ref.group(2);
            value = resolve(what, ref.group(1), ref.group(2), env);
        } else if (raw != null) {
            value = scalar(raw);
        }
        boolean secret = secretLike(key);
        set(tree, key, value);
        set(masked, key, secret || from != null ? "<masked" + (from != null ? ": " + from : "") + ">" : value);
    }

    /** A value deploy computed itself (an image tag, a Secret's name): a string as it is, never typed or read from elsewhere. */
    void literal(String key, String value) {
        set(tree, key, value);
        set(masked, key, value);
    }

    void secret(String key, String value, String from) {
        set(tree, key, value);
        set(masked, key, "<masked: " + from + ">");
    }

    static final Pattern REF = Pattern.compile("\\$\\{(env|file):([^}]+)}");
    /** The last segment of a key that holds a secret: llm.apiKey, *.password, jwtSecret, *token*, externalDatabase.url. */
    static final Pattern SECRET = Pattern.compile("(?i).*(password|passwd|secret|token|apikey|api_key|privatekey|credentials?|dsn)|url|uri");

    static boolean secretLike(String key) {
        String[] parts = key.split("(?<!\\\\)\\.");
        String last = parts[parts.length - 1].replaceAll("\\[\\d+]$", "");
        if (last.equalsIgnoreCase("existingSecret") || last.toLowerCase(java.util.Locale.ROOT).endsWith("secretname")
                || last.toLowerCase(java.util.Locale.ROOT).endsWith("secretkey") || last.equals("apiKeySecret")) return false;
        if (last.matches("(?i)url|uri")) return key.toLowerCase(java.util.Locale.ROOT).contains("database");
        return SECRET.matcher(last).matches();
    }

    private static Object resolve(String what, String kind, String name, Function<String, String> env) {
        if (kind.equals("env")) {
            String v = env.apply(name);
            if (v == null || v.isEmpty())
                throw new Failure(Exit.USAGE, what + " reads ${env:" + name + "}, which is not set", "export " + name + " in this shell");
            return v;
        }
        Path f = Path.of(Config.expandHome(name));
        try {
            return Files.readString(f).strip();
        } catch (IOException e) {
            throw new Failure(Exit.USAGE, what + " reads ${file:" + name + "}, which cannot be read (" + e.getMessage() + ")",
                    "write the value in that file, or give another path");
        }
    }

    private static Object scalar(String raw) {
        if (raw.isEmpty()) return "";
        try {
            Object o = new org.yaml.snakeyaml.Yaml(new org.yaml.snakeyaml.constructor.SafeConstructor(new org.yaml.snakeyaml.LoaderOptions())).load(raw);
            return o instanceof String || o instanceof Number || o instanceof Boolean ? o : raw;
        } catch (RuntimeException e) {
            return raw;
        }
    }

    @SuppressWarnings("unchecked")
    private static void set(Map<String, Object> root, String dotted, Object value) {
        String[] parts = dotted.split("(?<!\\\\)\\.");
        Object node = root;
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i].replace("\\.", ".");
            Matcher idx = INDEX.matcher(part);
            String name = idx.matches() ? idx.group(1) : part;
            boolean leaf = i == parts.length - 1;
            Map<String, Object> m = (Map<String, Object>) node;
            if (!idx.matches()) {
                if (leaf) m.put(name, value);
                else node = m.computeIfAbsent(name, k -> new LinkedHashMap<String, Object>());
                continue;
            }
            List<Object> list = (List<Object>) m.computeIfAbsent(name, k -> new ArrayList<Object>());
            int at = Integer.parseInt(idx.group(2));
            while (list.size() <= at) list.add(null);
            if (leaf) list.set(at, value);
            else {
                if (!(list.get(at) instanceof Map)) list.set(at, new LinkedHashMap<String, Object>());
                node = list.get(at);
            }
        }
    }

    private static final Pattern INDEX = Pattern.compile("(.+)\\[(\\d{1,4})]");
}

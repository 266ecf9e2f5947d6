// The plain-language front of ai-ops: a small deterministic classifier that turns a request
// ("scale the API to three pods") into one canonical verb with its slots (intent + slots), and the
// read/write table of those verbs and of the kubectl/helm commands behind them. No network, no
// model: the same request always gives the same answer, and anything that would change the cluster
// needs explicit words (a verb said as an order, a component, a number); otherwise the answer is
// "not understood", never a guess.

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

final class Intents {
    private Intents() {}

    // ---------------------------------------------------------------- the verbs (read/write table)
    /**
     * ai-ops' verbs: each is a subcommand of scripts/AiOps.java, and the translator below answers
     * with one of the first twelve (the last two belong to the AI tools and are only typed).
     */
    enum Verb {
        STATUS("status", "[COMPONENT]", false, "the release, its workloads and pods (of one component, when named), with the problems found"),
        UNHEALTHY("unhealthy", "", false, "pods that are not Running and Ready (or \"all healthy\")"),
        DIAGNOSE("diagnose", "[COMPONENT|POD]", false, "for each pod that is not Ready: the cause in one line and the fix in one line"),
        ERRORS("errors", "[COMPONENT] [--since DURATION]", false, "error lines from the pods' JSON logs, newest first (the previous container's too after a crash)"),
        LOGS("logs", "COMPONENT [--since DURATION]", false, "the last lines of a component's logs"),
        EVENTS("events", "", false, "recent Kubernetes events of the release's objects"),
        USAGE("usage", "[COMPONENT]", false, "CPU and memory per pod (metrics-server) against requests and limits (one component's, when named)"),
        HISTORY("history", "", false, "the release's helm revisions"),
        URL("url", "", false, "how to reach the app"),
        DRIFT("drift", "", false, "what was changed by hand: live objects that differ from the release's manifest, by field, with who changed them"),
        SCALE("scale", "COMPONENT N", true, "set a component's replicas (0 to aiOps.maxReplicas)"),
        RESTART("restart", "COMPONENT", true, "rolling restart of a component's pods"),
        ROLLBACK("rollback", "[REVISION]", true, "helm rollback to REVISION (default: the last good revision before the current one)"),
        KAGENT_SETUP("kagent-setup", "", true, "install kagent and turn on the release's Taskora agent (the kagent engine's setup)"),
        REVIEW_DOCKERFILES("review-dockerfiles", "[SERVICE...]", false, "review the services' Dockerfiles: Gordon on a terminal, else hadolint and the image checks");

        private final String word, args, does;
        private final boolean mutating;

        Verb(String word, String args, boolean mutating, String does) {
            this.word = word;
            this.args = args;
            this.mutating = mutating;
            this.does = does;
        }

        /** The word typed: `ai-ops <word>`. */
        String word() { return word; }
        String args() { return args; }
        boolean mutating() { return mutating; }
        String does() { return does; }
        /** The translator answers with it (kagent-setup and review-dockerfiles are only typed). */
        boolean translated() { return this != KAGENT_SETUP && this != REVIEW_DOCKERFILES; }
        /** It reads --since (errors, logs). */
        boolean since() { return this == ERRORS || this == LOGS; }
    }

    /** The verbs of the translator, in the order of the table above. */
    static final List<Verb> VERBS = java.util.Arrays.stream(Verb.values()).filter(Verb::translated).toList();

    /** The verb typed as `word`, or null. */
    static Verb verb(String word) {
        for (Verb v : Verb.values()) if (v.word().equals(word)) return v;
        return null;
    }

    /**
     * Words of a sentence, never a typed argument: a verb followed by one of them is a request in
     * plain language ("scale the API to three pods"), not the verb's arguments ("scale backend x").
     */
    static final Set<String> SENTENCE_WORDS = Set.of("the", "a", "an", "to", "of", "for", "in", "on", "at", "by", "with", "from", "into",
            "me", "my", "our", "us", "it", "its", "this", "that", "all", "some", "any", "please", "is", "are", "was", "be", "up", "down",
            "and", "or", "last", "recent", "previous", "revision", "version", "release", "pod", "pods", "replica", "replicas", "instances", "copies");

    /** The words after a verb read as a sentence (one of them is a SENTENCE_WORDS word). */
    static boolean sentence(List<String> words) {
        return words.stream().anyMatch(w -> SENTENCE_WORDS.contains(w.toLowerCase(Locale.ROOT).replaceAll("[^a-z]", "")));
    }

    /** The component label values of the chart (app.kubernetes.io/component). */
    static final List<String> COMPONENTS = List.of("frontend", "backend", "mcp-server", "postgresql");

    /**
     * kubectl-ai's safety split, written once: does this kubectl/helm command line change
     * anything? Reads are listed; everything else (including what is not known) writes.
     */
    static boolean writes(List<String> argv) {
        List<String> w = new ArrayList<>();
        for (int i = 0; i < argv.size(); i++) {
            String a = argv.get(i);
            if (a.startsWith("-")) {
                if (!a.contains("=") && VALUE_FLAGS.contains(a)) i++;
                continue;
            }
            w.add(a);
        }
        if (w.isEmpty()) return true;
        String tool = w.get(0), sub = w.size() > 1 ? w.get(1) : "", sub2 = w.size() > 2 ? w.get(2) : "";
        if (tool.equals("kubectl")) {
            if (READ_KUBECTL.contains(sub)) return false;
            if (sub.equals("rollout")) return !(sub2.equals("status") || sub2.equals("history"));
            if (sub.equals("config")) return !(sub2.equals("current-context") || sub2.equals("view") || sub2.equals("get-contexts"));
            if (sub.equals("auth")) return !sub2.equals("can-i");
            return true;
        }
        if (tool.equals("helm")) return !READ_HELM.contains(sub);
        return true;
    }

    static final Set<String> READ_KUBECTL = Set.of("get", "describe", "logs", "top", "events", "explain", "version",
            "api-resources", "api-versions", "cluster-info", "wait");
    static final Set<String> READ_HELM = Set.of("status", "history", "get", "list", "ls", "version", "show", "search", "template", "lint");
    /** Flags of kubectl and helm that take a separate value (so the value is not taken for a verb). */
    static final Set<String> VALUE_FLAGS = Set.of("-n", "--namespace", "--context", "--kube-context", "-l", "--selector",
            "-o", "--output", "-c", "--container", "--since", "--tail", "--timeout", "--kubeconfig", "--field-selector",
            "--sort-by", "--max-log-requests", "--max", "--replicas", "--revision");

    // ---------------------------------------------------------------- what a translation is
    /** A translated request: the verb and its slots (null when not given). */
    record Intent(Verb verb, String component, String pod, Integer replicas, Integer revision, String since) {
        static Intent of(Verb verb) { return new Intent(verb, null, null, null, null, null); }

        boolean mutating() { return verb.mutating(); }

        Intent withSince(String s) { return new Intent(verb, component, pod, replicas, revision, s); }

        /** The subcommand's argv this intent stands for: ["scale", "backend", "3"], ["errors", "--since", "10m"]. */
        List<String> argv() {
            List<String> a = new ArrayList<>(List.of(verb.word()));
            for (Object slot : new Object[] {component, pod, replicas, revision}) if (slot != null) a.add(String.valueOf(slot));
            if (since != null) a.addAll(List.of("--since", since));
            return a;
        }

        /** The canonical command line this intent stands for. */
        String canonical() {
            return "ai-ops " + String.join(" ", argv());
        }

        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("verb", verb.word());
            m.put("component", component);
            if (pod != null) m.put("pod", pod);
            m.put("replicas", replicas);
            m.put("revision", revision);
            m.put("since", since);
            return m;
        }
    }

    /** The outcome: an intent, or a refusal (a request to destroy something), or not understood (with why). */
    record Translation(Intent intent, String refused, String notUnderstood) {
        static Translation of(Intent i) { return new Translation(i, null, null); }
        static Translation refuse(String why) { return new Translation(null, why, null); }
        static Translation unclear(String why) { return new Translation(null, null, why); }
        boolean understood() { return intent != null; }
    }

    static final List<String> EXAMPLES = List.of(
            "show me all pods that are not running", "why is the backend failing", "show me recent errors",
            "scale the backend to 3 replicas", "restart the frontend", "roll back the last release",
            "how much memory is the database using", "where can I open the app");

    static final String REFUSAL = "refused: ai-ops never deletes anything (no namespace, PVC, Secret, release or data is removed);"
            + " do it yourself with kubectl or helm if you really mean it";

    // ---------------------------------------------------------------- the lexicon
    /** Names people give each component, longest first within each (matched on word boundaries). */
    static final Map<String, List<String>> SYNONYMS = new LinkedHashMap<>();
    static {
        SYNONYMS.put("mcp-server", List.of("model context protocol server", "model context protocol", "mcp-server", "mcp server",
                "mcp service", "mcpserver", "tools server", "tool server", "tool-server", "mcp"));
        SYNONYMS.put("postgresql", List.of("postgresql", "postgres", "database server", "database", "databases", "data base", "psql",
                "pgsql", "pg", "db", "sql"));
        SYNONYMS.put("backend", List.of("back-end", "back end", "backend", "api server", "rest api", "fastapi", "app server",
                "application server", "python service", "api", "apis"));
        SYNONYMS.put("frontend", List.of("front-end", "front end", "frontend", "user interface", "web frontend", "web app", "webapp",
                "web ui", "web server", "website", "web site", "next.js", "nextjs", "next js", "ui", "gui", "web", "site", "client"));
    }

    static final Map<String, Integer> NUMBER_WORDS = new LinkedHashMap<>();
    static {
        String[] small = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
                "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"};
        for (int i = 0; i < small.length; i++) NUMBER_WORDS.put(small[i], i);
        String[] tens = {"twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"};
        for (int i = 0; i < tens.length; i++) NUMBER_WORDS.put(tens[i], 20 + 10 * i);
        NUMBER_WORDS.put("a dozen", 12);
        NUMBER_WORDS.put("dozen", 12);
        NUMBER_WORDS.put("a hundred", 100);
        NUMBER_WORDS.put("hundred", 100);
        NUMBER_WORDS.put("a single", 1);
        NUMBER_WORDS.put("single", 1);
        NUMBER_WORDS.put("no", 0); // "no replicas"; only read next to a replica word, see replicaNumber
    }

    // ---------------------------------------------------------------- normalising
    /** Lower case, contractions opened, number words as digits, punctuation gone, single spaces. */
    static String normalize(String s) {
        String t = " " + s.toLowerCase(Locale.ROOT).replace('\u2019', '\'').replace('\u2018', '\'') + " ";
        t = t.replace("won't", "will not").replace("can't", "can not").replace("cannot", "can not");
        t = t.replaceAll("n't\\b", " not").replaceAll("'re\\b", " are").replaceAll("'m\\b", " am")
                .replaceAll("'ll\\b", " will").replaceAll("'ve\\b", " have").replaceAll("'d\\b", " would")
                .replaceAll("\\b(what|where|who|how|it|that|there|here|what)'s\\b", "$1 is").replaceAll("'s\\b", "");
        t = t.replaceAll("[`,;!?()\\[\\]{}<>=\"]", " ").replaceAll("\\.(\\s)", "$1").replaceAll("\\s+:\\s+|:\\s", " ");
        // number words: "twenty-one" / "twenty one" -> 21, "three" -> 3
        Matcher m = Pattern.compile("\\b(twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)[- ](one|two|three|four|five|six|seven|eight|nine)\\b").matcher(t);
        StringBuilder sb = new StringBuilder();
        while (m.find()) m.appendReplacement(sb, String.valueOf(NUMBER_WORDS.get(m.group(1)) + NUMBER_WORDS.get(m.group(2))));
        m.appendTail(sb);
        t = sb.toString();
        for (Map.Entry<String, Integer> e : NUMBER_WORDS.entrySet()) {
            if (e.getKey().equals("no") || !t.contains(e.getKey())) continue;
            t = PATTERNS.computeIfAbsent("num:" + e.getKey(), k -> Pattern.compile("\\b" + Pattern.quote(e.getKey()) + "\\b"))
                    .matcher(t).replaceAll(String.valueOf(e.getValue()));
        }
        return t.replaceAll("\\s+", " ").strip();
    }

    static final Map<String, Pattern> PATTERNS = new java.util.concurrent.ConcurrentHashMap<>();

    /** A whole-word match of one of the alternatives (compiled once). */
    static boolean has(String text, String regex) {
        return PATTERNS.computeIfAbsent(regex, r -> Pattern.compile("(^|\\s)(" + r + ")(?=\\s|$)")).matcher(text).find();
    }

    /** The components named in the text (canonical values, in order of appearance). */
    static Set<String> components(String text) {
        Map<Integer, String> at = new java.util.TreeMap<>();
        String rest = " " + text + " ";
        for (Map.Entry<String, List<String>> e : SYNONYMS.entrySet()) {
            for (String syn : e.getValue()) {
                Pattern p = PATTERNS.computeIfAbsent("syn:" + syn, k -> Pattern.compile("(?<=\\s)" + Pattern.quote(syn) + "(?=\\s)"));
                Matcher m = p.matcher(rest);
                while (m.find()) {
                    at.put(m.start(), e.getKey());
                    // blank it out so "mcp server" is not read again as a "server", "web app" not as "web"
                    rest = rest.substring(0, m.start()) + " ".repeat(syn.length()) + rest.substring(m.end());
                    m = p.matcher(rest);
                }
            }
        }
        return new LinkedHashSet<>(at.values());
    }

    static final Pattern POD = Pattern.compile("^[a-z0-9]+(-[a-z0-9]+){2,}$");

    /** A pod name in the text: a token of the release's name pattern (release-component-hash...), or after "pod". */
    static String pod(String text, String release) {
        String[] tok = text.split(" ");
        for (int i = 0; i < tok.length; i++) {
            String t = tok[i];
            if (!POD.matcher(t).matches() || !t.matches(".*[0-9].*|.*-[a-z0-9]{5}$")) continue;
            if (t.startsWith(release + "-") || (i > 0 && tok[i - 1].equals("pod"))) return t;
        }
        return null;
    }

    /** Numbers longer than this are out of every range ai-ops knows (and of an int). */
    static final int MAX_DIGITS = 6;
    static final Pattern HUGE = Pattern.compile("(?<![\\w/.-])\\d{" + (MAX_DIGITS + 1) + ",}(?![\\w/.-])"); // a number as a word, not digits in a path or name
    /** The longest window errors and logs look back: kubectl keeps no logs older than its pods, a year is plenty. */
    static final long MAX_WINDOW_HOURS = 24 * 366;

    static final Pattern DURATION = Pattern.compile(
            "(?<=\\s|^)(\\d+) ?(s|sec|secs|second|seconds|m|min|mins|minute|minutes|h|hr|hrs|hour|hours|d|day|days)(?=\\s|$)");

    /** A time window ("in the last 10 minutes", "since 2h", "past hour", "today") as kubectl's --since. */
    static String since(String text) {
        Matcher m = DURATION.matcher(text);
        if (m.find()) {
            long n = Long.parseLong(m.group(1)); // at most MAX_DIGITS digits: translate() refused longer numbers
            char u = m.group(2).charAt(0);
            if (u == 'd') return (n * 24) + "h";
            return n + String.valueOf(u);
        }
        if (has(text, "(last|past|previous|this|the) hour|an hour|1 hour")) return "1h";
        if (has(text, "half an hour|half hour")) return "30m";
        if (has(text, "(last|past|previous|this|the) minute")) return "1m";
        if (has(text, "today|(last|past|previous) day|24 hours")) return "24h";
        if (has(text, "(last|past|previous|this) week")) return "168h";
        return null;
    }

    /** Why a request's number is out of every range ai-ops knows (a refusal for every engine), or null. */
    static String outOfRange(String request) {
        Matcher huge = HUGE.matcher(request);
        return huge.find() ? huge.group() + " is out of range: a number in a request has at most " + MAX_DIGITS
                + " digits (replicas from 0 to aiOps.maxReplicas, revisions from ai-ops history, windows such as \"the last 2 hours\")" : null;
    }

    /** The hours of a window since() made (10m, 2h, 48h, 30s), rounded down. */
    static long hours(String since) {
        long n = Long.parseLong(since.substring(0, since.length() - 1));
        return switch (since.charAt(since.length() - 1)) { case 'h' -> n; case 'm' -> n / 60; default -> n / 3600; };
    }

    /** Numbers in the text that are not part of a duration. */
    static List<Integer> numbers(String text) {
        String t = DURATION.matcher(text).replaceAll(" ");
        List<Integer> out = new ArrayList<>();
        for (String tok : t.split(" ")) if (tok.matches("\\d{1,6}")) out.add(Integer.parseInt(tok));
        return out;
    }

    // ---------------------------------------------------------------- the classifier
    static final String QUESTION = "why|what|when|how|which|who|where|whose|did|does|do|is|are|was|were|has|have|had|am|any|anything";
    static final String POLITE = "please|pls|plz|hey|hi|ok|okay|so|now|then|just|quickly|kindly|ai-ops|can you|could you|would you|will you"
            + "|can we|could we|i want to|i would like to|i need to|we need to|we want to|i want|we want|i need|we need|i would like|let us|lets|let s"
            + "|go ahead and|try to|help me|you should|you must|time to|and|do a|do an|perform a|perform an|trigger a|trigger an";
    static final Pattern POLITE_START = Pattern.compile("^(" + POLITE + ")( |$)");
    static final Pattern POLITE_END = Pattern.compile("( |^)(please|for me|now|right now|thanks|thank you|thx|asap|again)$");
    /** Openings that make the rest an order: "i need the backend at 4 replicas", "can we get 2 replicas of the ui". */
    static final Pattern POLITE_WISH = Pattern.compile("^(please |can you |could you )?(i want|we want|i need|we need|i would like|we would like|can we get|could we get|can we have|can i get|can i have)\\b");
    static final Pattern TURN_OFF = Pattern.compile("\\b(turn|switch|shut|take|bring) .+ (off|down)\\b");
    static final String READ_START = "show|list|get|display|print|tell|find|check|see|view|look|fetch|describe|explain|report"
            + "|watch|monitor|count|inspect|give me the|give me a list|summarize|summarise";
    static final String DESTROY = "delete|deleted|remove|drop|destroy|wipe|erase|purge|uninstall|truncate|nuke|kill|terminate|get rid of"
            + "|clean up|cleanup|clear out|reset|flush|format";
    static final String STOP = "stop|shut down|shutdown|turn off|switch off|disable|pause|suspend|take down|bring down";
    static final String ROLLBACK = "roll back|rollback|roll-back|revert|undo|downgrade|go back|back out|restore|return to|put back|switch back";
    static final String RESTART = "restart|re-start|reboot|bounce|recycle|cycle|reload|refresh|redeploy|re-deploy|kick|respawn|rollout restart|rolling restart";
    static final String SCALE_VERB = "scale|scale up|scale down|scale out|scale in|increase|decrease|reduce|bump|grow|shrink|raise|lower|set"
            + "|run|give|make|add|launch|spin up|start|resize|change|adjust|have|keep|put|use|deploy";
    static final String REPLICA_WORD = "replica|replicas|instance|instances|copy|copies|pod|pods|container|containers|worker|workers|node|nodes";

    /** Read-only verbs: cue patterns with weights; the highest total wins, ties go to the earlier verb. */
    static final Map<String, Map<String, Integer>> CUES = new LinkedHashMap<>();
    static {
        CUES.put("diagnose", Map.of(
                "why|diagnose|diagnosis|diagnostic|diagnostics|troubleshoot|debug|investigate|root cause|explain", 4,
                "what is wrong|whats wrong|what went wrong|what is the problem|what is the matter|what happened to|what is going on with|what is up with", 4,
                "failing|failed|fail|crashing|crashed|crash|broken|not working|not starting|not start|stuck|crashloop|crash loop|crashloopbackoff|erroring|dying|died|oom|oomkilled|keeps restarting|restarting|unhealthy|down|not ready|not up|pending|wrong|problem|problems|issue|issues|sick", 1));
        CUES.put("errors", Map.of(
                "error|errors|exception|exceptions|traceback|tracebacks|stack trace|stack traces|stacktrace|5xx|500s|500 errors|failures|error lines|error messages", 4,
                "went wrong", 1));
        CUES.put("logs", Map.of(
                "log|logs|logging|log lines|tail|stdout|output|printing|print|printed|saying|say|says|log output", 3));
        CUES.put("usage", Map.of(
                "cpu|memory|ram|usage|utilization|utilisation|consumption|consuming|consume|top|metrics|resource|resources|load|how much|how hard|hungry|using", 3));
        CUES.put("events", Map.of(
                "event|events|warnings|warning|recent activity|activity|what happened|what has happened|what is going on|going on|goings on|happening", 3));
        CUES.put("history", Map.of(
                "history|revision|revisions|releases|past deploys|past deployments|deploy history|deployment history|release history|versions|upgrades|rollbacks|changelog|what version|which version|what revision|which revision|when was|last deploy|last deployed|deployed last|deployed when|who deployed", 3));
        CUES.put("url", Map.of(
                "url|urls|address|link|endpoint|web address|in the browser|in my browser|which port|what port|open the app|open it|open|reach|access|get to|connect to|visit|browse", 3));
        CUES.put("unhealthy", Map.of(
                "not running|not ready|not healthy|not up|unhealthy|failing pods|crashing pods|broken pods|pending pods|dead pods|down pods|bad pods|sick pods", 4,
                "everything ok|everything fine|everything healthy|everything running|everything up|everything working|all healthy|all running|all up|all ok|anything down|anything broken|anything failing|anything wrong|is something|something wrong|something broken|problems|issues|healthy|failing|crashing|broken|down", 2));
        CUES.put("drift", Map.of(
                "drift|drifted|drifting|by hand|manually|manual change|manual changes|manual edit|manual edits|hand edit|hand edits|out of sync"
                        + "|tampered|tampered with|differ from the release|differs from the release|differ from the chart|differs from the chart"
                        + "|changed outside|edited outside|changed behind|who changed|kubectl edit|kubectl set", 5));
        CUES.put("status", Map.of(
                "status|state|overview|summary|health|how is|how are|what is running|what runs|what is deployed|running|deployed|workloads|deployments|pods|pod|everything|replicas|how many|show all|list all|list|up|alive|online|working|image|images|restarts", 1));
    }

    static Pattern cue(String alternatives) {
        return PATTERNS.computeIfAbsent(alternatives, a -> Pattern.compile("(^|\\s)(" + a + ")(?=\\s|$)"));
    }

    /** The text starts with one of the alternatives (a whole word or phrase). */
    static boolean starts(String text, String alternatives) {
        return PATTERNS.computeIfAbsent("^" + alternatives, a -> Pattern.compile("^(" + alternatives + ")( .*|$)")).matcher(text).matches();
    }

    /** Translates one request about the release of that name, in a namespace of the same name. */
    static Translation translate(String request, String release) {
        return translate(request, release, release);
    }

    /**
     * Translates one request about `release` in `namespace`: `release` helps to spot pod names and
     * app-prefixed names ("taskora-backend"); a request that names another namespace or release is
     * refused, never re-aimed at this one.
     */
    static Translation translate(String request, String release, String namespace) {
        String text = unprefix(normalize(request == null ? "" : request), release);
        if (text.isEmpty()) return Translation.unclear("empty request");
        String huge = outOfRange(text);
        if (huge != null) return Translation.unclear(huge);
        Translation canonical = canonical(text);
        if (canonical != null) return canonical;
        String elsewhere = elsewhere(text, release, namespace);
        if (elsewhere != null) return Translation.refuse(elsewhere);

        // polite openings and endings carry no meaning
        String core = text;
        for (String prev = null; !core.equals(prev); ) {
            prev = core;
            core = POLITE_START.matcher(core).replaceFirst("").strip();
            core = POLITE_END.matcher(core).replaceFirst("").strip();
        }
        if (core.isEmpty()) return Translation.unclear("no request after \"" + text + "\"");
        // a question, or an order to show something, never changes anything ("get 3 replicas of ..." is a wish)
        boolean wish = !core.equals(text) && POLITE_WISH.matcher(text).find();
        boolean question = starts(core, QUESTION + "|" + READ_START) && !starts(core, "get \\d+|give me \\d+");
        Set<String> comps = components(core);
        String pod = pod(core, release);
        if (pod != null) comps = components(core.replace(pod, " "));
        String component = comps.size() == 1 ? comps.iterator().next() : null;
        String since = since(core);
        if (since != null && hours(since) > MAX_WINDOW_HOURS)
            return Translation.unclear("a window of " + since + " is out of range: errors and logs look back at most " + MAX_WINDOW_HOURS + "h");

        // 1. anything that destroys is refused, whatever else is said
        if (!starts(core, QUESTION) && has(core, DESTROY)) return Translation.refuse(REFUSAL);

        // 2. changes: only as an order, with every slot said explicitly
        if (!question) {
            boolean rb = has(core, ROLLBACK), rs = has(core, RESTART), sc = isScale(core);
            int n = (rb ? 1 : 0) + (rs ? 1 : 0) + (sc ? 1 : 0);
            if (n > 1) return Translation.unclear("it asks for more than one change; ask for one at a time");
            if (rb) return rollback(core, comps);
            if (rs) {
                if (pod != null) return Translation.unclear("a single pod is not restarted; restart its component: ai-ops restart COMPONENT");
                if (has(core, "all|everything|every component|all components|the whole app|the app|the release"))
                    return Translation.unclear("restart one component at a time: ai-ops restart COMPONENT");
                if (comps.size() != 1) return Translation.unclear(comps.isEmpty()
                        ? "which component? say frontend, backend, mcp-server or postgresql, e.g. \"restart the backend\""
                        : "it names more than one component (" + String.join(", ", comps) + "); restart one at a time");
                return Translation.of(new Intent(Verb.RESTART, component, null, null, null, null));
            }
            if (sc) return scale(core, comps);
            if (wish && !has(core, "why|what|how|when|which|whether|if|know|see|understand|check|show|tell|explain|wonder")
                    && !comps.isEmpty() && has(core, REPLICA_WORD) && !numbers(core).isEmpty()) return scale(core, comps);
            if (has(core, STOP) || TURN_OFF.matcher(core).find())
                return Translation.unclear("stopping is not guessed; to stop a component say so with a number: ai-ops scale COMPONENT 0");
        }

        // "fix it", "repair the backend": a change ai-ops cannot name is never guessed
        if (!question && starts(core, "fix|repair|solve|heal|resolve|sort out|make"))
            return Translation.unclear("a fix is not guessed: ask why (ai-ops diagnose), then ask for one change (scale, restart, rollback)");
        // "is the backend ok?": one component's health is its status
        if (starts(core, "is|are|how is|how are") && component != null && pod == null
                && has(core, "ok|okay|healthy|up|fine|alive|running|working|good|ready|available|online|well|doing")
                && !has(core, "not|failing|failed|broken|crashing|crashed|down|wrong|error|errors|restarting|stuck|pending"))
            return Translation.of(new Intent(Verb.STATUS, component, null, null, null, null));

        // 3. questions and read-only orders: the best-scoring cue
        String best = null;
        int bestScore = 0;
        for (Map.Entry<String, Map<String, Integer>> v : CUES.entrySet()) {
            int score = 0;
            for (Map.Entry<String, Integer> c : v.getValue().entrySet()) if (cue(c.getKey()).matcher(core).find()) score += c.getValue();
            if (v.getKey().equals("diagnose") && score > 0 && score < 4 && component == null && pod == null) score = 0; // "failing" alone is about pods
            if (v.getKey().equals("unhealthy") && (component != null || pod != null)) score = Math.min(score, 1);
            if (score > bestScore) { best = v.getKey(); bestScore = score; }
        }
        if (best == null) {
            if (has(core, ROLLBACK + "|" + RESTART + "|scale|replicas"))
                return Translation.unclear("a change is asked as a question; say it as an order, e.g. \"scale the backend to 3\"");
            return Translation.unclear("no known operation in \"" + request.strip() + "\"");
        }
        // "error logs" are errors; "logs" of errors are errors too (errors outranks logs in CUES)
        switch (best) {
            case "diagnose":
                return Translation.of(new Intent(Verb.DIAGNOSE, pod == null ? component : null, pod, null, null, null));
            case "errors":
                return Translation.of(new Intent(Verb.ERRORS, component, null, null, null, since));
            case "logs":
                if (component == null) return Translation.unclear(comps.size() > 1
                        ? "logs of one component at a time: ai-ops logs COMPONENT"
                        : "whose logs? say frontend, backend, mcp-server or postgresql, e.g. \"show the backend logs\"");
                return Translation.of(new Intent(Verb.LOGS, component, null, null, null, since));
            case "status", "usage":
                return Translation.of(new Intent(verb(best), pod == null ? component : null, null, null, null, null));
            default:
                return Translation.of(Intent.of(verb(best)));
        }
    }

    /** The canonical form itself ("scale backend 3", "rollback 2", "errors backend"), read strictly. */
    static Translation canonical(String text) {
        String[] t = text.split(" ");
        Verb v = verb(t[0]);
        if (v == null) return null;
        boolean comp1 = t.length == 2 && COMPONENTS.contains(t[1]);
        switch (v.word()) {
            case "unhealthy", "events", "history", "url", "drift":
                return t.length == 1 ? Translation.of(Intent.of(v)) : null;
            case "status", "usage":
                if (t.length == 1) return Translation.of(Intent.of(v));
                return comp1 ? Translation.of(new Intent(v, t[1], null, null, null, null)) : null;
            case "diagnose":
                if (t.length == 1) return Translation.of(new Intent(Verb.DIAGNOSE, null, null, null, null, null));
                if (comp1) return Translation.of(new Intent(Verb.DIAGNOSE, t[1], null, null, null, null));
                if (t.length == 2 && POD.matcher(t[1]).matches()) return Translation.of(new Intent(Verb.DIAGNOSE, null, t[1], null, null, null));
                return null;
            case "errors":
                if (t.length == 1) return Translation.of(new Intent(Verb.ERRORS, null, null, null, null, null));
                return comp1 ? Translation.of(new Intent(Verb.ERRORS, t[1], null, null, null, null)) : null;
            case "logs":
                return comp1 ? Translation.of(new Intent(Verb.LOGS, t[1], null, null, null, null)) : null;
            case "restart":
                return comp1 ? Translation.of(new Intent(Verb.RESTART, t[1], null, null, null, null)) : null;
            case "scale":
                return t.length == 3 && COMPONENTS.contains(t[1]) && t[2].matches("\\d{1,6}")
                        ? Translation.of(new Intent(Verb.SCALE, t[1], null, Integer.parseInt(t[2]), null, null)) : null;
            case "rollback":
                if (t.length == 1) return Translation.of(new Intent(Verb.ROLLBACK, null, null, null, null, null));
                return t.length == 2 && t[1].matches("\\d{1,6}")
                        ? Translation.of(new Intent(Verb.ROLLBACK, null, null, null, Integer.parseInt(t[1]), null)) : null;
            default:
                return null;
        }
    }

    /** "todo-backend", "taskora-api", "<release>-db": the app's name before a component's is the component. */
    static String unprefix(String text, String release) {
        StringBuilder out = new StringBuilder();
        for (String tok : text.split(" ")) {
            Matcher m = APP_PREFIX.matcher(tok);
            String rest = m.matches() ? m.group(2) : null;
            if (rest == null && tok.startsWith(release + "-")) rest = tok.substring(release.length() + 1);
            if (rest != null && (components(rest).size() == 1 && components(rest).equals(components(rest.replace('-', ' '))))
                    && isComponentName(rest)) tok = rest;
            out.append(out.length() == 0 ? "" : " ").append(tok);
        }
        return out.toString();
    }

    static final Pattern APP_PREFIX = Pattern.compile("^(todo|taskora|todo-app|taskora-app)-(.+)$");

    /** The whole token is one of a component's names ("mcp-server", "db", "api"). */
    static boolean isComponentName(String tok) {
        for (List<String> names : SYNONYMS.values())
            if (names.contains(tok) || names.contains(tok.replace('-', ' '))) return true;
        return false;
    }

    /**
     * A request aimed at another namespace or release ("in the staging namespace", "-n prod",
     * "release foo"): the refusal, or null. ai-ops acts on one release in one namespace only.
     */
    static String elsewhere(String text, String release, String namespace) {
        if (ALL_NAMESPACES.matcher(text).find())
            return "refused: ai-ops acts on release " + release + " in namespace " + namespace + " only; it does not act across namespaces";
        for (Pattern p : List.of(NAMESPACE_BEFORE, NAMESPACE_AFTER, RELEASE_NAMED)) {
            Matcher m = p.matcher(text);
            while (m.find()) {
                String named = m.group(1);
                if (NOT_A_NAME.contains(named)) continue;
                boolean ns = p != RELEASE_NAMED;
                if (named.equals(ns ? namespace : release)) continue;
                return "refused: ai-ops acts on release " + release + " in namespace " + namespace + " only; it does not act on "
                        + (ns ? "namespace " : "release ") + named + " (use --namespace/--release, or that release's own taskora.yaml)";
            }
        }
        return null;
    }

    static final Pattern NAMESPACE_BEFORE = Pattern.compile("(?:^|\\s)(?:in|from|on|of|for|into) (?:the )?([a-z0-9][-a-z0-9]*) (?:namespace|ns)(?=\\s|$)");
    static final Pattern NAMESPACE_AFTER = Pattern.compile("(?:^|\\s)(?:-n|--namespace|namespace named|namespace called"
            + "|(?:in|from|on|of|for|into|inside|across) (?:namespace|ns)) ([a-z0-9][-a-z0-9]*)(?=\\s|$)");
    static final Pattern RELEASE_NAMED = Pattern.compile("(?:^|\\s)(?:--release|release named|release called|helm release named"
            + "|(?:of|in|for|from|on|inside) (?:the )?(?:helm )?release) ([a-z][-a-z0-9]*)(?=\\s|$)");
    static final Pattern ALL_NAMESPACES = Pattern.compile("(?:^|\\s)(?:-a|--all-namespaces|(?:all|every|other|each) (?:the )?(?:namespaces|namespace|ns))(?=\\s|$)");
    static final Set<String> NOT_A_NAME = Set.of("the", "this", "that", "my", "our", "its", "same", "current", "default", "a", "an", "any",
            "which", "what", "whole", "is", "are", "was", "has", "have", "with", "to", "of", "for", "in", "on", "and", "or", "right", "now",
            // words that follow "the release" without naming one ("in the release history")
            "history", "status", "notes", "values", "revision", "revisions", "manifest", "version", "versions", "pods", "logs", "events",
            "errors", "health", "state", "config", "configuration", "itself", "namespace", "ns", "before", "after", "yet", "again",
            "recently", "today", "yesterday", "earlier", "last", "please", "first");

    static boolean isScale(String core) {
        if (has(core, "scale|scaled|scaling|autoscale")) return true;
        // an order whose verb is one of SCALE_VERB (or that starts with a number) about replicas of something
        boolean order = starts(core, SCALE_VERB + "|\\d+|get \\d+");
        return order && (has(core, REPLICA_WORD) || (!components(core).isEmpty() && !numbers(core).isEmpty()
                && !starts(core, "start|run|deploy|use|keep|put")));
    }

    static Translation scale(String core, Set<String> comps) {
        if (has(core, "more|fewer|less|another|extra|additional|by \\d+|double|halve|twice|half"))
            return Translation.unclear("a change relative to now is not guessed; give the number of replicas wanted, e.g. \"scale the backend to 3\"");
        if (comps.size() != 1) return Translation.unclear(comps.isEmpty()
                ? "which component? say frontend, backend, mcp-server or postgresql, e.g. \"scale the backend to 3\""
                : "it names more than one component (" + String.join(", ", comps) + "); scale one at a time");
        List<Integer> n = numbers(core);
        if (n.isEmpty() && has(core, "no (" + REPLICA_WORD + ")")) n = List.of(0);
        if (n.size() != 1) return Translation.unclear(n.isEmpty()
                ? "how many replicas? give the number, e.g. \"scale the backend to 3\""
                : "more than one number (" + n + "); give one number of replicas");
        return Translation.of(new Intent(Verb.SCALE, comps.iterator().next(), null, n.get(0), null, null));
    }

    static Translation rollback(String core, Set<String> comps) {
        if (!comps.isEmpty())
            return Translation.unclear("a rollback is of the whole release, not of one component; say \"roll back the release\" (ai-ops rollback [REVISION])");
        if (since(core) != null || has(core, "yesterday|ago|last week|last month|this morning|last night|o clock|am|pm"))
            return Translation.unclear("a rollback by date is not guessed; name the revision (ai-ops history lists them), e.g. \"roll back to revision 3\"");
        for (String tok : core.split(" "))
            if (tok.matches(".*\\d.*") && !tok.matches("\\d{1,6}"))
                return Translation.unclear("'" + tok + "' is not a revision: revisions are whole numbers (ai-ops history lists them), e.g. \"roll back to revision 3\"");
        List<Integer> n = numbers(core);
        if (n.size() > 1) return Translation.unclear("more than one number (" + n + "); give one revision");
        if (!n.isEmpty() && has(core, "\\d+ (revisions|versions|releases|deploys|deployments|steps|times)( back| ago)?|back \\d+"))
            return Translation.unclear("a number of revisions back is not guessed; name the revision (ai-ops history lists them), e.g. \"roll back to revision 3\"");
        if (!n.isEmpty() && !has(core, "(revision|rev|version|release|deploy|deployment|to|number|#) ?\\d+|r\\d+|v\\d+"))
            return Translation.unclear("is " + n.get(0) + " a revision? say \"roll back to revision " + n.get(0) + "\"");
        return Translation.of(new Intent(Verb.ROLLBACK, null, null, null, n.isEmpty() ? null : n.get(0), null));
    }
}

// JSON for the Taskora scripts (Jackson): reading what kubectl, helm, minikube and docker print
// with -o json, and writing every JSON document the scripts produce (--json output, manifests,
// request bodies). Nothing builds JSON by hand; bad input fails loudly, naming its source.
//DEPS com.fasterxml.jackson.core:jackson-databind:2.23.0

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    static {
        // A namespace-wide `kubectl get -o json` can be tens of MB; allow it (Jackson's default is 20 MB per string).
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxStringLength(200_000_000).build());
        // Bound shapes (scripts/lib/Kube.java) name only the fields the scripts read.
        MAPPER.configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    }

    /** `"key": value`, two-space indent: the layout of kubectl's and helm's JSON. */
    private static final DefaultPrettyPrinter PRETTY = new DefaultPrettyPrinter(
            Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER));

    private Json() {}

    /**
     * Parses a JSON document into maps (insertion-ordered), lists, strings, numbers, booleans
     * and null. `source` names where the text came from ("helm status -o json"), for the error.
     */
    static Object parse(String text, String source) {
        try {
            return MAPPER.readValue(text, Object.class);
        } catch (JsonProcessingException e) {
            String why = e.getOriginalMessage().lines().findFirst().orElse("");
            throw new Failure(Exit.COMMAND_FAILED, source + " printed output that is not JSON (" + why + ")",
                    "run it by hand to see what it prints; with --verbose the command is shown");
        }
    }

    /**
     * Binds a JSON document to a record (scripts/lib/Kube.java's shapes): fields it does not name
     * are ignored, absent numbers are 0, absent objects null. Bad input fails as parse() does.
     */
    static <T> T bind(String text, Class<T> type, String source) {
        try {
            return MAPPER.readValue(text, type);
        } catch (JsonProcessingException e) {
            String why = e.getOriginalMessage().lines().findFirst().orElse("");
            throw new Failure(Exit.COMMAND_FAILED, source + " printed output that is not the JSON expected (" + why + ")",
                    "run it by hand to see what it prints; with --verbose the command is shown");
        }
    }

    /** The same for a document already parsed (maps and lists, as parse() gives them). */
    static <T> T bind(Object parsed, Class<T> type) {
        return MAPPER.convertValue(parsed, type);
    }

    /** Compact JSON of maps, lists and scalars (records and other beans through Jackson too). */
    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Indented JSON, for --json output people read as well as parse. */
    static String pretty(Object value) {
        try {
            return MAPPER.writer(PRETTY).writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Walks parsed JSON: Json.at(doc, "status", "conditions", 0, "type"); null when absent. */
    static Object at(Object o, Object... keys) {
        for (Object k : keys) {
            if (o instanceof Map<?, ?> m) o = m.get(k);
            else if (o instanceof List<?> l && k instanceof Integer i) o = i < l.size() ? l.get(i) : null;
            else return null;
        }
        return o;
    }

    /** The number at a path, or 0. */
    static long number(Object o, Object... keys) {
        return at(o, keys) instanceof Number n ? n.longValue() : 0;
    }

    /** The list at a path, or an empty list. */
    static List<?> items(Object o, Object... keys) {
        return at(o, keys) instanceof List<?> l ? l : List.of();
    }

    /** The value at a path as text, or "" when absent. */
    static String text(Object o, Object... keys) {
        Object v = at(o, keys);
        return v == null ? "" : String.valueOf(v);
    }

    /**
     * A Kubernetes quantity as a number of its base unit: "128Mi" and "1Gi" (bytes), "250m" and
     * "12345678n" (cores), "5G", "1e3", "1000". "" is 0; anything else is a NumberFormatException.
     */
    static double quantity(String q) {
        if (q == null || q.isBlank()) return 0;
        String[][] units = {{"Ki", "0x1p10"}, {"Mi", "0x1p20"}, {"Gi", "0x1p30"}, {"Ti", "0x1p40"}, {"Pi", "0x1p50"}, {"Ei", "0x1p60"},
                {"n", "1e-9"}, {"u", "1e-6"}, {"m", "1e-3"}, {"k", "1e3"}, {"K", "1e3"}, {"M", "1e6"}, {"G", "1e9"}, {"T", "1e12"}, {"P", "1e15"}, {"E", "1e18"}};
        String s = q.strip();
        for (String[] u : units)
            if (s.endsWith(u[0])) return Double.parseDouble(s.substring(0, s.length() - u[0].length())) * Double.parseDouble(u[1]);
        return Double.parseDouble(s);
    }
}

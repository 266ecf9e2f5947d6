// What Kubernetes refuses to change in place, checked before any change: the chart as rendered
// (helm template with the final values) against the release's live Deployments and StatefulSets
// (a StatefulSet's selector, serviceName, podManagementPolicy and volumeClaimTemplates, a
// Deployment's selector). helm would otherwise fail half-way through the upgrade. Used by
// deploy's checks step (scripts/lib/Release.java's check).
// Exposes: ImmutableFields.check(cfg, renderedYaml) -> Answer (throws the Failure when a field
// would change); for tests changes(rendered, live): one "Kind/name field: old -> new" each.

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

final class ImmutableFields {
    private ImmutableFields() {}

    /** What the comparison found: no live release to compare with, manifests helm's parser only reads, or nothing that cannot change. */
    enum Outcome { NO_LIVE_RELEASE, NOT_COMPARED, UNCHANGED }

    /** The answer of check(): its outcome and, for NOT_COMPARED, why. */
    record Answer(Outcome outcome, String why) {
        /** The note deploy's checks step adds to its summary. */
        String note() {
            return switch (outcome) {
                case NO_LIVE_RELEASE -> "";
                case NOT_COMPARED -> "; not compared with the live release (the rendered manifests do not parse: " + why + ")";
                case UNCHANGED -> "; no field that cannot change in place changes";
            };
        }
    }

    /**
     * Fields Kubernetes refuses to change in place: a StatefulSet's selector, serviceName,
     * volumeClaimTemplates and podManagementPolicy, a Deployment's selector. helm would find out
     * half-way through the upgrade ("spec: Forbidden: updates to statefulset spec for fields other
     * than ..."), so the chart as rendered is compared with the release's live objects first, and a
     * difference stops deploy before anything changes (a Failure, exit 2).
     */
    static Answer check(Config cfg, String renderedYaml) {
        Cmd.Result live = Cmd.query(cfg.kubectl("get", "deployments,statefulsets", "-n", cfg.namespace(), "-l",
                "app.kubernetes.io/instance=" + cfg.release(), "-o", "json"));
        if (!live.ok() || live.out().isBlank()) return new Answer(Outcome.NO_LIVE_RELEASE, null); // no cluster yet (a profile not started)
        List<Object> rendered = new ArrayList<>();
        try {
            for (Object doc : Config.yaml().loadAll(renderedYaml)) if (doc != null) rendered.add(doc);
        } catch (RuntimeException e) { // helm's own parser is laxer (a duplicate key): helm judges the manifests, as before
            return new Answer(Outcome.NOT_COMPARED, String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        }
        List<String> changes = changes(rendered, Json.items(Json.parse(live.out(), "kubectl get deployments,statefulsets"), "items"));
        if (changes.isEmpty()) return new Answer(Outcome.UNCHANGED, null);
        throw new Failure(Exit.USAGE, "this upgrade of release " + cfg.release() + " would change what Kubernetes cannot change in place: "
                + String.join("; ", changes) + " (nothing was changed, helm was not run)",
                "keep the old value (in the values file or with --set); or reinstall: deploy --uninstall (keeps the PersistentVolumeClaims and the Secret; "
                        + "a kept claim keeps its old size and class), then deploy; or deploy a new release beside it: --release NAME");
    }

    /**
     * The differences, one "Kind/name field: old -> new" each, between rendered manifests and the
     * live Deployments and StatefulSets of the same names (an object not live yet changes nothing).
     */
    static List<String> changes(List<?> rendered, List<?> live) {
        List<String> out = new ArrayList<>();
        for (Object want : rendered) {
            String kind = Json.text(want, "kind"), name = Json.text(want, "metadata", "name");
            if (!kind.equals("StatefulSet") && !kind.equals("Deployment")) continue;
            Object have = live.stream().filter(o -> kind.equals(Json.text(o, "kind")) && name.equals(Json.text(o, "metadata", "name"))).findFirst().orElse(null);
            if (have == null) continue;
            String what = kind + "/" + name + " ";
            compare(out, what + "spec.selector", Json.at(have, "spec", "selector"), Json.at(want, "spec", "selector"));
            if (!kind.equals("StatefulSet")) continue;
            compare(out, what + "spec.serviceName", Json.at(have, "spec", "serviceName"), Json.at(want, "spec", "serviceName"));
            // the API server defaults podManagementPolicy to OrderedReady
            compare(out, what + "spec.podManagementPolicy", orDefault(Json.at(have, "spec", "podManagementPolicy"), "OrderedReady"),
                    orDefault(Json.at(want, "spec", "podManagementPolicy"), "OrderedReady"));
            Map<String, Object> oldT = claimTemplates(have), newT = claimTemplates(want);
            for (String t : oldT.keySet()) if (!newT.containsKey(t)) out.add(what + "spec.volumeClaimTemplates: " + t + " -> (removed)");
            for (String t : newT.keySet()) if (!oldT.containsKey(t)) out.add(what + "spec.volumeClaimTemplates: (none) -> " + t);
            for (String t : newT.keySet()) {
                if (!oldT.containsKey(t)) continue;
                Object o = oldT.get(t), n = newT.get(t);
                String at = what + "spec.volumeClaimTemplates[" + t + "].spec.";
                Object oldSize = Json.at(o, "spec", "resources", "requests", "storage"), newSize = Json.at(n, "spec", "resources", "requests", "storage");
                if (!sameQuantity(canonical(oldSize), canonical(newSize)))
                    out.add(at + "resources.requests.storage: " + shown(oldSize) + " -> " + shown(newSize));
                compare(out, at + "storageClassName", Json.at(o, "spec", "storageClassName"), Json.at(n, "spec", "storageClassName"));
                compare(out, at + "accessModes", Json.at(o, "spec", "accessModes"), Json.at(n, "spec", "accessModes"));
            }
        }
        return out;
    }

    static Object orDefault(Object v, Object dflt) { return v == null ? dflt : v; }

    static Map<String, Object> claimTemplates(Object sts) {
        Map<String, Object> m = new TreeMap<>();
        for (Object t : Json.items(sts, "spec", "volumeClaimTemplates")) m.put(Json.text(t, "metadata", "name"), t);
        return m;
    }

    static void compare(List<String> out, String field, Object old, Object now) {
        if (!canonical(old).equals(canonical(now))) out.add(field + ": " + shown(old) + " -> " + shown(now));
    }

    /** JSON and YAML alike: maps by key, numbers and strings by their text. */
    static String canonical(Object v) {
        if (v instanceof Map<?, ?> m) {
            TreeMap<String, String> t = new TreeMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) t.put(String.valueOf(e.getKey()), canonical(e.getValue()));
            return t.toString();
        }
        if (v instanceof List<?> l) return l.stream().map(ImmutableFields::canonical).toList().toString();
        return v == null ? "(unset)" : String.valueOf(v);
    }

    static String shown(Object v) {
        if (v == null) return "(unset)";
        if ("".equals(v)) return "\"\"";
        return v instanceof String s ? s : Json.write(v);
    }

    static boolean sameQuantity(String a, String b) {
        if (a.equals(b)) return true;
        try {
            return Math.abs(Json.quantity(a) - Json.quantity(b)) < 1e-6 * Math.max(1, Math.abs(Json.quantity(a)));
        } catch (NumberFormatException e) {
            return false;
        }
    }
}

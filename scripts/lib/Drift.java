// What differs between the release's live objects and a manifest, object by object and field by
// field: drift (the live objects against the release's own manifest, `helm get manifest`: what
// was changed by hand) for `ai-ops drift` and deploy's repair, and what an upgrade would change
// (the live objects against the new render) for `deploy --diff`.
// The comparison is kubectl's: `kubectl diff --server-side --force-conflicts` dry-runs a
// server-side apply of the manifest and compares the result with the live object, so the API
// server's defaults are on both sides and only what applying the manifest would change shows;
// kubectl masks a Secret's values (shown here as "(redacted)"). Its unified output, with the
// whole file as context (KUBECTL_EXTERNAL_DIFF: `diff -u -N --unified=1000000`), is read back
// into the two objects and compared field by field.
// Apply keeps fields it does not own, so what was added by hand (an env var set with kubectl) is
// found in the live objects' managedFields: a field owned by a manager that is not helm nor a
// Kubernetes controller and that the manifest does not have. Who changed a field (manager and
// time) comes from the same managedFields.
// Not reported, because Kubernetes or another controller owns them: status, metadata
// (resourceVersion, generation, uid, managedFields, creationTimestamp), the Deployment
// controller's revision annotation, kubectl's last-applied annotation and restartedAt (a restart
// changes no configuration), spec.replicas of a workload an HPA of the manifest scales, and any
// field owned only by a controller (kube-controller-manager, the scheduler, the kubelet).
// Exposes: Drift.drift(cfg) -> Report (null: no release), Drift.diff(cfg, newManifest) -> Report,
// Drift.print(report, ...), Drift.json(report), Drift.revertSecrets(cfg, report),
// Drift.removeAdded(cfg, report); for tests: unified(diffText), fields(...), added(...), ignored(...).

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

final class Drift {
    private Drift() {}

    /** How a field or object differs. */
    enum Kind {
        /** a value the manifest sets differs live (or a field it sets is missing live) */
        CHANGED("changed"),
        /** a field live that the manifest does not have, set by hand */
        ADDED("added by hand"),
        /** an object of the manifest that is not live (deleted by hand, or new in an upgrade) */
        MISSING("missing"),
        /** deploy --diff: an object of the release that the new render no longer has (helm deletes it) */
        REMOVED("removed by the upgrade");

        final String label;
        Kind(String label) { this.label = label; }
    }

    /**
     * One difference: the object (Kind/name), the field (dotted, list items by key:
     * spec.template.spec.containers[backend].image; "(object)" for a whole object), the value
     * live and the manifest's (Secret values "(redacted)"), who set the live value and when
     * (managedFields; empty when not recorded), and for ADDED the JSON pointer of the live field.
     */
    record Field(Kind kind, String object, String field, String live, String wanted, String manager, String time, String pointer) {
        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("object", object);
            m.put("field", field);
            m.put("change", kind.label);
            m.put("live", live);
            m.put("manifest", wanted);
            m.put("manager", manager.isEmpty() ? null : manager);
            m.put("time", time.isEmpty() ? null : time);
            return m;
        }
    }

    /** What a comparison found: the differences, how many objects were compared and how many are unchanged, the commands run. */
    record Report(List<Field> fields, int objects, int unchanged, List<String> commands, Map<String, Object> live) {
        boolean none() { return fields.isEmpty(); }
        long objectsChanged() { return fields.stream().map(Field::object).distinct().count(); }
        String summary() {
            if (none()) return "no difference in " + objects + " object(s)";
            return fields.size() + " difference(s) in " + objectsChanged() + " object(s); " + unchanged + " of " + objects + " object(s) unchanged";
        }
    }

    static final String REDACTED = "(redacted)";

    // ---------------------------------------------------------------- the queries
    /** The release's own manifest (`helm get manifest`), or null when there is no such release. */
    static String releaseManifest(Config cfg, List<String> commands) {
        List<String> argv = cfg.helm("get", "manifest", cfg.release(), "-n", cfg.namespace());
        commands.add(Cmd.show(argv));
        Cmd.Result r = Cmd.query(argv, Duration.ofSeconds(60));
        if (!r.ok() && r.tail().contains("not found")) return null;
        Cmd.check(r, "helm get manifest " + cfg.release(), r.exit() == Cmd.NOT_FOUND ? "install Helm 3.12+: https://helm.sh/docs/intro/install/"
                : "is the cluster reachable? try: " + String.join(" ", cfg.kubectl("cluster-info")));
        return r.out();
    }

    /** Drift: the live objects against the release's manifest; null when the release is not installed. */
    static Report drift(Config cfg) {
        List<String> commands = new ArrayList<>();
        String manifest = releaseManifest(cfg, commands);
        return manifest == null ? null : compare(cfg, manifest, true, commands);
    }

    /**
     * What an upgrade to `newManifest` would change in the cluster: the live objects against it
     * (kubectl diff), what was added by hand (the upgrade leaves it: deploy removes it after), and
     * the objects of the release it no longer renders (helm deletes them).
     */
    static Report diff(Config cfg, String newManifest) {
        List<String> commands = new ArrayList<>();
        String old = releaseManifest(cfg, commands);
        Report r = compare(cfg, newManifest, true, commands);
        if (old == null) return r;
        Set<String> now = new LinkedHashSet<>();
        for (Object o : docs(newManifest)) now.add(id(o));
        List<Field> fields = new ArrayList<>(r.fields());
        int objects = r.objects();
        List<Object> oldDocs = docs(old);
        for (Object o : oldDocs) {
            if (now.contains(id(o))) continue;
            fields.add(new Field(Kind.REMOVED, id(o), "(object)", "(present)", "(deleted)", "", "", ""));
            objects++;
        }
        // A Secret value changed by hand: deploy puts the release's value back before helm runs
        // (revertSecrets), but this render read the changed one (the chart's lookup), and so did the
        // pods' checksum of it: the Secret's revert is shown, the checksum that would not change is not.
        List<Field> secrets = secretDrift(oldDocs, r.live());
        if (!secrets.isEmpty()) {
            Map<String, Object> byId = new LinkedHashMap<>();
            for (Object o : oldDocs) byId.put(id(o), o);
            fields.removeIf(f -> {
                String prefix = "spec.template.metadata.annotations[\"";
                if (f.kind() != Kind.CHANGED || !f.field().startsWith(prefix) || !f.field().toLowerCase(java.util.Locale.ROOT).contains("secret")) return false;
                String key = f.field().substring(prefix.length(), f.field().length() - 2);
                return f.live().equals(String.valueOf(Json.at(byId.get(f.object()), "spec", "template", "metadata", "annotations", key)));
            });
            for (Field f : secrets)
                if (fields.stream().noneMatch(g -> g.object().equals(f.object()) && g.field().equals(f.field()))) fields.add(f);
        }
        long changed = fields.stream().map(Field::object).distinct().count();
        return new Report(fields, objects, Math.max(0, objects - (int) changed), commands, r.live());
    }

    /** The data keys of the release's Secrets whose live value differs (values redacted). */
    static List<Field> secretDrift(List<Object> releaseDocs, Map<String, Object> live) {
        List<Field> out = new ArrayList<>();
        for (Object o : releaseDocs) {
            if (!Json.text(o, "kind").equals("Secret") || !live.containsKey(id(o))) continue;
            Object l = live.get(id(o));
            Set<String> keys = new LinkedHashSet<>();
            if (Json.at(o, "data") instanceof Map<?, ?> m) for (Object k : m.keySet()) keys.add(String.valueOf(k));
            if (Json.at(l, "data") instanceof Map<?, ?> m) for (Object k : m.keySet()) keys.add(String.valueOf(k));
            for (String k : keys) {
                Object a = Json.at(l, "data", k), b = Json.at(o, "data", k);
                if (Objects.equals(a == null ? null : String.valueOf(a), b == null ? null : String.valueOf(b))) continue;
                Path p = Path.root().key("data").key(k);
                String[] who = owner(l, p);
                out.add(new Field(Kind.CHANGED, id(o), p.shown(), a == null ? "(unset)" : REDACTED, b == null ? "(unset)" : REDACTED, who[0], who[1], p.jsonPointer()));
            }
        }
        return out;
    }

    /** The live objects against `manifest`: kubectl diff for what apply would change, managedFields for what was added by hand. */
    static Report compare(Config cfg, String manifest, boolean handAdded, List<String> commands) {
        List<Object> want = docs(manifest);
        if (want.isEmpty()) return new Report(List.of(), 0, 0, commands, Map.of());
        List<String> argv = cfg.kubectl("diff", "--server-side", "--force-conflicts", "--field-manager=taskora-diff", "-n", cfg.namespace(), "-f", "-");
        // the whole file as context, so each object can be read back
        Map<String, String> env = Map.of("KUBECTL_EXTERNAL_DIFF", differ());
        commands.add("KUBECTL_EXTERNAL_DIFF=" + Cmd.quote(env.get("KUBECTL_EXTERNAL_DIFF")) + " " + Cmd.show(argv) + " < manifest");
        List<String> getArgv = cfg.kubectl("get", kinds(want), "-n", cfg.namespace(), "-l", "app.kubernetes.io/instance=" + cfg.release(),
                "-o", "json", "--show-managed-fields");
        commands.add(Cmd.show(getArgv));
        java.util.concurrent.CompletableFuture<Cmd.Result> got = java.util.concurrent.CompletableFuture.supplyAsync(() -> Cmd.query(getArgv, Duration.ofSeconds(60)));
        Cmd.Result d = Cmd.query(Cmd.line(argv).env(env).stdin(manifest, "(the manifest)").timeout(Duration.ofSeconds(120)));
        if (d.exit() > 1 || (d.exit() == 1 && d.out().isBlank()))
            throw new Failure(Exit.COMMAND_FAILED, "kubectl diff failed: " + d.tail(), "is the cluster reachable? try: " + String.join(" ", cfg.kubectl("cluster-info")));
        Cmd.Result g = got.join();
        Cmd.check(g, "kubectl get (the release's objects)", null);
        Map<String, Object> live = new LinkedHashMap<>();
        for (Object o : Json.items(Json.parse(g.out(), "kubectl get"), "items")) live.put(id(o), o);
        Set<String> hpaTargets = hpaTargets(want);

        List<Field> fields = new ArrayList<>();
        Set<String> differ = new LinkedHashSet<>();
        for (Object[] pair : unified(d.out())) {
            Object before = pair[0], after = pair[1];
            String id = id(after == null ? before : after);
            if (before == null) {
                fields.add(new Field(Kind.MISSING, id, "(object)", "(missing)", "(present)", "", "", ""));
                differ.add(id);
                continue;
            }
            for (Field f : fields(id, before, after, live.get(id), hpaTargets.contains(id))) { fields.add(f); differ.add(id); }
        }
        if (handAdded)
            for (Object w : want) {
                Object l = live.get(id(w));
                if (l == null) continue;
                for (Field f : added(id(w), l, w, hpaTargets.contains(id(w)))) { fields.add(f); differ.add(id(w)); }
            }
        return new Report(fields, want.size(), want.size() - differ.size(), commands, live);
    }

    /**
     * The program kubectl diff runs on its two folders: `diff -u -N` with the whole file as context.
     * A script, because kubectl puts the flags of KUBECTL_EXTERNAL_DIFF after the two folders,
     * which GNU diff accepts and the BSD diff of macOS does not.
     */
    static String differ() {
        try {
            java.nio.file.Path p = java.nio.file.Files.createTempFile("taskora-diff-", ".sh");
            java.nio.file.Files.writeString(p, "#!/bin/sh\nexec diff -u -N --unified=1000000 \"$1\" \"$2\"\n");
            p.toFile().setExecutable(true);
            p.toFile().deleteOnExit();
            return p.toString();
        } catch (java.io.IOException e) {
            return "diff -u -N --unified=1000000"; // kubectl appends these after the folders: GNU diff reads them there
        }
    }

    /** The kinds of a manifest as kubectl's comma list (deployments.apps, services, ...). */
    static String kinds(List<Object> docs) {
        Set<String> k = new LinkedHashSet<>();
        for (Object o : docs) {
            String kind = Json.text(o, "kind"), api = Json.text(o, "apiVersion");
            String group = api.contains("/") ? api.substring(0, api.indexOf('/')) : "";
            k.add(kind.toLowerCase(java.util.Locale.ROOT) + (group.isEmpty() ? "" : "." + group));
        }
        return String.join(",", k);
    }

    /** Objects an HPA of the manifest scales (their spec.replicas is the HPA's). */
    static Set<String> hpaTargets(List<Object> docs) {
        Set<String> out = new LinkedHashSet<>();
        for (Object o : docs)
            if (Json.text(o, "kind").equals("HorizontalPodAutoscaler"))
                out.add(Json.text(o, "spec", "scaleTargetRef", "kind") + "/" + Json.text(o, "spec", "scaleTargetRef", "name"));
        return out;
    }

    static List<Object> docs(String yaml) {
        List<Object> out = new ArrayList<>();
        for (Object d : Config.yaml().loadAll(yaml)) if (d instanceof Map<?, ?> m && m.get("kind") != null) out.add(d);
        return out;
    }

    static String id(Object o) {
        return Json.text(o, "kind") + "/" + Json.text(o, "metadata", "name");
    }

    // ---------------------------------------------------------------- kubectl diff's output
    /**
     * kubectl diff's unified output (with the whole file as context), one [live, merged] pair of
     * parsed objects per file that differs; live is null for an object that does not exist yet.
     */
    static List<Object[]> unified(String text) {
        List<Object[]> out = new ArrayList<>();
        StringBuilder a = null, b = null;
        boolean body = false;
        for (String line : (text + "\ndiff END").split("\n", -1)) {
            if (line.startsWith("diff ") && (a == null || body || line.equals("diff END"))) {
                if (a != null) out.add(new Object[] {load(a.toString()), load(b.toString())});
                if (line.equals("diff END")) break;
                a = new StringBuilder();
                b = new StringBuilder();
                body = false;
                continue;
            }
            if (a == null) continue;
            if (!body) {
                if (line.startsWith("@@")) body = true;
                continue; // the --- and +++ lines
            }
            if (line.startsWith("@@") || line.startsWith("\\")) continue;
            if (line.isEmpty()) { a.append('\n'); b.append('\n'); continue; }
            char c = line.charAt(0);
            String rest = line.substring(1);
            if (c == ' ' || c == '-') a.append(rest).append('\n');
            if (c == ' ' || c == '+') b.append(rest).append('\n');
        }
        return out;
    }

    static Object load(String yaml) {
        if (yaml.isBlank()) return null;
        return Config.yaml().load(yaml);
    }

    // ---------------------------------------------------------------- field by field
    /** A path into an object: map keys (String) and list items (a Map of the item's key fields, or an Integer index). */
    record Path(List<Object> segs, List<String> pointer) {
        static Path root() { return new Path(List.of(), List.of()); }
        Path key(String k) { return with(k, k); }
        Path item(Object key, int index) { return with(key, String.valueOf(index)); }
        private Path with(Object seg, String ptr) {
            List<Object> s = new ArrayList<>(segs); s.add(seg);
            List<String> p = new ArrayList<>(pointer); p.add(ptr.replace("~", "~0").replace("/", "~1"));
            return new Path(s, p);
        }
        String shown() {
            StringBuilder sb = new StringBuilder();
            for (Object s : segs) {
                if (s instanceof String k) {
                    if (k.contains(".") || k.contains("/")) sb.append('[').append('"').append(k).append('"').append(']'); // labels["app.kubernetes.io/name"]
                    else sb.append(sb.length() == 0 ? "" : ".").append(k);
                } else if (s instanceof Map<?, ?> m) {
                    sb.append('[').append(m.size() == 1 ? String.valueOf(m.values().iterator().next())
                            : String.join(",", m.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList())).append(']');
                } else {
                    sb.append('[').append(s).append(']');
                }
            }
            return sb.toString();
        }
        String jsonPointer() { return "/" + String.join("/", pointer); }
    }

    /** Not drift: what Kubernetes or a controller owns, and what a restart or kubectl's bookkeeping writes. */
    static boolean ignored(Path p, boolean hpaTarget) {
        List<Object> s = p.segs();
        if (s.isEmpty()) return false;
        Object first = s.get(0);
        if ("status".equals(first)) return true;
        if ("metadata".equals(first) && s.size() > 1 && Set.of("resourceVersion", "generation", "uid", "managedFields", "creationTimestamp",
                "selfLink").contains(s.get(1))) return true;
        if (s.size() >= 2 && "annotations".equals(s.get(s.size() - 2)) && IGNORED_ANNOTATIONS.contains(s.get(s.size() - 1))) return true;
        return hpaTarget && s.equals(List.of("spec", "replicas"));
    }

    static final Set<String> IGNORED_ANNOTATIONS = Set.of("deployment.kubernetes.io/revision", "kubectl.kubernetes.io/last-applied-configuration",
            "kubectl.kubernetes.io/restartedAt");

    /** Managers that are Kubernetes itself (never "by hand"), and the release's own. */
    static final Set<String> NOT_BY_HAND = Set.of("helm", "taskora-diff", "kube-controller-manager", "kube-scheduler", "kubelet", "kube-apiserver",
            "kube-proxy", "before-first-apply");

    /** The fields that differ between the live object and what applying the manifest makes of it (kubectl diff's two sides). */
    static List<Field> fields(String id, Object before, Object after, Object liveFull, boolean hpaTarget) {
        List<Field> out = new ArrayList<>();
        boolean secret = id.startsWith("Secret/");
        walk(Path.root(), before, after, hpaTarget, (p, a, b) -> {
            String[] who = owner(liveFull, p);
            out.add(new Field(Kind.CHANGED, id, p.shown(), shown(a, secret && isData(p)), shown(b, secret && isData(p)), who[0], who[1], p.jsonPointer()));
        });
        return out;
    }

    static boolean isData(Path p) {
        return !p.segs().isEmpty() && ("data".equals(p.segs().get(0)) || "stringData".equals(p.segs().get(0)));
    }

    interface Sink { void add(Path p, Object live, Object wanted); }

    static void walk(Path p, Object a, Object b, boolean hpaTarget, Sink out) {
        if (ignored(p, hpaTarget)) return;
        if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
            Set<Object> keys = new LinkedHashSet<>(ma.keySet());
            keys.addAll(mb.keySet());
            for (Object k : keys) walk(p.key(String.valueOf(k)), ma.get(k), mb.get(k), hpaTarget, out);
            return;
        }
        if (a instanceof List<?> la && b instanceof List<?> lb) {
            String key = listKey(la, lb);
            if (key != null) {
                Map<Object, Integer> ia = new LinkedHashMap<>(), ib = new LinkedHashMap<>();
                for (int i = 0; i < la.size(); i++) ia.put(((Map<?, ?>) la.get(i)).get(key), i);
                for (int i = 0; i < lb.size(); i++) ib.put(((Map<?, ?>) lb.get(i)).get(key), i);
                Set<Object> ks = new LinkedHashSet<>(ia.keySet());
                ks.addAll(ib.keySet());
                for (Object k : ks) {
                    Integer i = ia.get(k), j = ib.get(k);
                    walk(p.item(Map.of(key, k), i != null ? i : j), i == null ? null : la.get(i), j == null ? null : lb.get(j), hpaTarget, out);
                }
                return;
            }
            if (la.size() == lb.size()) {
                for (int i = 0; i < la.size(); i++) walk(p.item(i, i), la.get(i), lb.get(i), hpaTarget, out);
                return;
            }
        }
        if (!Objects.equals(canonical(a), canonical(b))) out.add(p, a, b);
    }

    /** The field list items are told apart by (name, port, containerPort), when every item has it. */
    static String listKey(List<?> a, List<?> b) {
        for (String k : List.of("name", "port", "containerPort", "mountPath", "ip")) {
            boolean all = true;
            for (List<?> l : List.of(a, b)) for (Object o : l) if (!(o instanceof Map<?, ?> m) || m.get(k) == null) all = false;
            if (all && !(a.isEmpty() && b.isEmpty())) return k;
        }
        return null;
    }

    /** JSON and YAML alike: maps by key, numbers and strings by their text. */
    static String canonical(Object v) {
        if (v == null) return null;
        if (v instanceof Map<?, ?> m) {
            java.util.TreeMap<String, String> t = new java.util.TreeMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) t.put(String.valueOf(e.getKey()), canonical(e.getValue()));
            return t.toString();
        }
        if (v instanceof List<?> l) return l.stream().map(Drift::canonical).toList().toString();
        return String.valueOf(v);
    }

    static String shown(Object v, boolean redact) {
        if (v == null) return "(unset)";
        if (redact) return REDACTED;
        String s = v instanceof String t ? t : Json.write(v);
        return s.length() > 200 ? s.substring(0, 197) + "..." : s;
    }

    // ---------------------------------------------------------------- managedFields
    /** Who set the field at `p` of the live object, and when: the most recent manager not Kubernetes' or helm's that owns it or a field below it. */
    static String[] owner(Object live, Path p) {
        String[] best = {"", ""};
        for (Object e : Json.items(live, "metadata", "managedFields")) {
            String manager = Json.text(e, "manager");
            if (NOT_BY_HAND.contains(manager) || "status".equals(Json.text(e, "subresource"))) continue;
            if (!owns(Json.at(e, "fieldsV1"), live, p.segs(), 0)) continue;
            String time = Json.text(e, "time");
            if (best[0].isEmpty() || time.compareTo(best[1]) > 0) { best[0] = manager + (Json.text(e, "subresource").isEmpty() ? "" : " (" + Json.text(e, "subresource") + ")"); best[1] = time; }
        }
        return best;
    }

    /** The fieldsV1 tree has the path (or something under it). */
    static boolean owns(Object fields, Object live, List<Object> segs, int i) {
        if (!(fields instanceof Map<?, ?> f)) return false;
        if (i == segs.size()) return true;
        Object seg = segs.get(i);
        if (seg instanceof String k) {
            Object sub = f.get("f:" + k);
            return sub != null && owns(sub, live instanceof Map<?, ?> m ? m.get(k) : null, segs, i + 1);
        }
        if (!(live instanceof List<?> l)) return false;
        Object item = seg instanceof Map<?, ?> key ? l.stream().filter(o -> matches(o, key)).findFirst().orElse(null)
                : (Integer) seg < l.size() ? l.get((Integer) seg) : null;
        if (item == null) return false;
        for (Map.Entry<?, ?> e : f.entrySet()) {
            String k = String.valueOf(e.getKey());
            if (k.startsWith("k:") && matches(item, keyOf(k)) && owns(e.getValue(), item, segs, i + 1)) return true;
        }
        return false;
    }

    static Map<?, ?> keyOf(String k) {
        Object parsed = Json.parse(k.substring(2), "managedFields key");
        return parsed instanceof Map<?, ?> m ? m : Map.of();
    }

    /** The list item has every key field of `key` (numbers and strings compared as text). */
    static boolean matches(Object item, Map<?, ?> key) {
        if (!(item instanceof Map<?, ?> m)) return false;
        for (Map.Entry<?, ?> e : key.entrySet())
            if (!String.valueOf(e.getValue()).equals(String.valueOf(m.get(e.getKey())))) return false;
        return true;
    }

    /** The item of the manifest's list that a live item's key names; a key field the manifest leaves out (defaulted, as protocol) is not compared. */
    static boolean matchesWanted(Object wantItem, Map<?, ?> key) {
        if (!(wantItem instanceof Map<?, ?> m)) return false;
        boolean any = false;
        for (Map.Entry<?, ?> e : key.entrySet()) {
            Object v = m.get(e.getKey());
            if (v == null) continue;
            if (!String.valueOf(e.getValue()).equals(String.valueOf(v))) return false;
            any = true;
        }
        return any;
    }

    /** Fields of the live object that a manager other than helm or Kubernetes owns and the manifest does not have: added by hand. */
    static List<Field> added(String id, Object live, Object want, boolean hpaTarget) {
        Map<String, Field> out = new LinkedHashMap<>();
        boolean secret = id.startsWith("Secret/");
        for (Object e : Json.items(live, "metadata", "managedFields")) {
            String manager = Json.text(e, "manager");
            if (NOT_BY_HAND.contains(manager) || "status".equals(Json.text(e, "subresource"))) continue;
            String who = manager + (Json.text(e, "subresource").isEmpty() ? "" : " (" + Json.text(e, "subresource") + ")");
            addedUnder(Json.at(e, "fieldsV1"), live, want, Path.root(), hpaTarget, (p, value) -> {
                Field prev = out.get(p.jsonPointer());
                String time = Json.text(e, "time");
                if (prev == null || time.compareTo(prev.time()) > 0)
                    out.put(p.jsonPointer(), new Field(Kind.ADDED, id, p.shown(), shown(value, secret && isData(p)), "(absent)", who, time, p.jsonPointer()));
            });
        }
        return new ArrayList<>(out.values());
    }

    interface AddedSink { void add(Path p, Object liveValue); }

    static void addedUnder(Object fields, Object live, Object want, Path p, boolean hpaTarget, AddedSink out) {
        if (!(fields instanceof Map<?, ?> f)) return;
        for (Map.Entry<?, ?> e : f.entrySet()) {
            String k = String.valueOf(e.getKey());
            if (k.startsWith("f:")) {
                String name = k.substring(2);
                if (!(live instanceof Map<?, ?> lm) || !lm.containsKey(name)) continue;
                Path q = p.key(name);
                if (ignored(q, hpaTarget)) continue;
                Object w = want instanceof Map<?, ?> wm ? wm.get(name) : null;
                if (w == null) out.add(q, lm.get(name));
                else addedUnder(e.getValue(), lm.get(name), w, q, hpaTarget, out);
            } else if (k.startsWith("k:") && live instanceof List<?> ll) {
                Map<?, ?> key = keyOf(k);
                int idx = -1;
                for (int i = 0; i < ll.size(); i++) if (matches(ll.get(i), key)) { idx = i; break; }
                if (idx < 0) continue;
                Path q = p.item(key.size() == 1 ? key : new LinkedHashMap<>(key), idx);
                Object w = want instanceof List<?> wl ? wl.stream().filter(o -> matchesWanted(o, key)).findFirst().orElse(null) : null;
                if (w == null) out.add(q, ll.get(idx));
                else addedUnder(e.getValue(), ll.get(idx), w, q, hpaTarget, out);
            }
        }
    }

    // ---------------------------------------------------------------- printing
    /** The differences, object by object, one field a line: "field: live -> wanted", who changed it; then the summary line. */
    static void print(Report r, String liveName, String wantedName) {
        if (!r.none()) Console.info(Console.dim("object / field: " + liveName + " -> " + wantedName + "   (who changed it, when: managedFields)"));
        String object = null;
        Map<String, List<Field>> byObject = new LinkedHashMap<>();
        for (Field f : r.fields()) byObject.computeIfAbsent(f.object(), k -> new ArrayList<>()).add(f);
        for (Field f : byObject.values().stream().flatMap(List::stream).toList()) {
            String who = f.manager().isEmpty() ? "" : Console.dim("   (" + f.manager() + (f.time().isEmpty() ? "" : ", " + f.time()) + ")");
            if (f.field().equals("(object)")) {
                Console.info(Console.bold(f.object()) + ": " + (f.kind() == Kind.MISSING ? "missing -> created" : "present -> deleted") + who);
                object = null;
                continue;
            }
            if (!f.object().equals(object)) Console.info(Console.bold(f.object()));
            object = f.object();
            String what = f.kind() == Kind.ADDED ? f.live() + " -> (removed)   " + Console.yellow("added by hand") : f.live() + " -> " + f.wanted();
            Console.info("  " + f.field() + ": " + what + who);
        }
        Console.info(r.summary());
    }

    static Map<String, Object> json(Report r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("objects", r.objects());
        m.put("unchanged", r.unchanged());
        m.put("differences", r.fields().stream().map(Field::json).toList());
        return m;
    }

    // ---------------------------------------------------------------- repair (deploy)
    /**
     * A Secret value changed by hand, put back before helm runs: the chart keeps the Secret's live
     * values (lookup), so helm alone would adopt the change. The release manifest's values go on
     * stdin (shown masked), never on the command line. Returns what was put back.
     */
    static List<String> revertSecrets(Config cfg, Report drift) {
        List<String> done = new ArrayList<>();
        if (drift == null) return done;
        Map<String, List<String>> keys = new LinkedHashMap<>();
        for (Field f : drift.fields())
            if (f.object().startsWith("Secret/") && f.kind() == Kind.CHANGED && f.field().startsWith("data."))
                keys.computeIfAbsent(f.object(), k -> new ArrayList<>()).add(f.field().substring("data.".length()));
        if (keys.isEmpty()) return done;
        String manifest = releaseManifest(cfg, new ArrayList<>());
        for (Object o : docs(manifest == null ? "" : manifest)) {
            List<String> ks = keys.get(id(o));
            if (ks == null) continue;
            Map<String, Object> data = new LinkedHashMap<>(), masked = new LinkedHashMap<>();
            for (String k : ks) { data.put(k, Json.at(o, "data", k)); masked.put(k, "<masked: the release's value>"); }
            Map<String, Object> meta = Map.of("name", Json.text(o, "metadata", "name"), "namespace", cfg.namespace());
            String body = Json.write(Map.of("apiVersion", "v1", "kind", "Secret", "metadata", meta, "data", data));
            String shown = Json.write(Map.of("apiVersion", "v1", "kind", "Secret", "metadata", meta, "data", masked));
            Cmd.check(Cmd.change(Cmd.line(cfg.kubectl("apply", "--server-side", "--force-conflicts", "--field-manager=helm", "-n", cfg.namespace(), "-f", "-"))
                    .stdin(body, shown).timeout(Duration.ofSeconds(60))), "kubectl apply (the release's Secret values)", null);
            for (String k : ks) done.add(id(o) + " data." + k);
        }
        return done;
    }

    /**
     * Fields added by hand that helm leaves (apply and helm's three-way merge keep fields they do
     * not own), removed with a JSON patch each, guarded by a test of the live value. Returns what was removed.
     */
    static List<String> removeAdded(Config cfg, Report drift) {
        List<String> done = new ArrayList<>();
        if (drift == null) return done;
        Map<String, List<Field>> byObject = new LinkedHashMap<>();
        for (Field f : drift.fields()) if (f.kind() == Kind.ADDED) byObject.computeIfAbsent(f.object(), k -> new ArrayList<>()).add(f);
        for (Map.Entry<String, List<Field>> e : byObject.entrySet()) {
            List<Map<String, Object>> ops = new ArrayList<>();
            // deepest first, and later list items before earlier ones, so each pointer still names its field
            List<Field> fs = new ArrayList<>(e.getValue());
            fs.sort((x, y) -> y.pointer().compareTo(x.pointer()));
            for (Field f : fs) ops.add(Map.of("op", "remove", "path", f.pointer()));
            String kind = e.getKey().substring(0, e.getKey().indexOf('/')), name = e.getKey().substring(e.getKey().indexOf('/') + 1);
            Cmd.check(Cmd.change(cfg.kubectl("patch", kind.toLowerCase(java.util.Locale.ROOT), name, "-n", cfg.namespace(), "--type", "json", "-p", Json.write(ops)),
                    Duration.ofSeconds(60)), "kubectl patch " + e.getKey(), null);
            for (Field f : e.getValue()) done.add(f.object() + " " + f.field());
        }
        return done;
    }
}

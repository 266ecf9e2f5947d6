// Content digests of directory trees for the Taskora scripts, with the ignore rules of the tool that
// reads the tree: a Docker build context as BuildKit sends it (.dockerignore, the rules of
// moby/patternmatcher), a chart directory as Helm loads it (.helmignore, the rules of Helm's
// pkg/ignore). Kept in one place so an image tag (build-images) and the release digest (deploy) cover
// exactly the files docker sends and helm packages; DigestTest compares both with the real tools.

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

final class Digest {
    private Digest() {}

    /** One entry of a tree as the tool sees it: a directory, a regular file or a symlink (not followed). */
    record Entry(String path, char kind, boolean executable, String linkTarget) {}

    // ---------------------------------------------------------------- docker build contexts
    /**
     * What `docker build` (BuildKit) sends of `context`: every file, symlink and directory that the
     * ignore rules do not exclude, plus the directories holding a re-included ('!') entry.
     */
    static List<Entry> dockerContext(Path context, List<String> ignoreLines) {
        DockerIgnore ignore = new DockerIgnore(ignoreLines);
        List<Entry> out = new ArrayList<>();
        walk(context, new Visitor() {
            @Override
            public boolean enterDir(String rel) {
                // An excluded directory is not even walked (node_modules, .venv) unless a '!' rule may re-include.
                return ignore.hasNegations() || !ignore.excluded(rel);
            }

            @Override
            public void entry(Entry e) {
                if (!ignore.excluded(e.path())) out.add(e);
            }
        });
        // A directory is sent when it is not excluded, or when something inside it is sent.
        List<Entry> kept = new ArrayList<>();
        for (Entry e : out) {
            if (e.kind() == 'd' && ignore.excluded(e.path())) continue;
            kept.add(e);
        }
        java.util.Set<String> have = new java.util.HashSet<>();
        for (Entry e : kept) have.add(e.path());
        for (Entry e : out) {
            if (e.kind() == 'd') continue;
            for (String p = parent(e.path()); p != null; p = parent(p))
                if (have.add(p)) kept.add(new Entry(p, 'd', false, null));
        }
        // excluded directories with re-included descendants were not in `out`
        kept.sort(java.util.Comparator.comparing(Entry::path));
        return kept;
    }

    /** .dockerignore as BuildKit applies it: a path is out when the last rule matching it or a parent is not a '!' rule. */
    static final class DockerIgnore {
        private final List<Pattern> patterns = new ArrayList<>();
        private final List<Boolean> negated = new ArrayList<>();

        DockerIgnore(List<String> lines) {
            for (String raw : lines) {
                if (raw.startsWith("#")) continue; // comments only where the line starts with '#'
                String l = raw.strip();
                if (l.isEmpty()) continue;
                boolean neg = l.startsWith("!");
                if (neg) l = l.substring(1).strip();
                if (l.isEmpty()) continue;
                l = clean(l);
                if (l.length() > 1 && l.startsWith("/")) l = l.substring(1);
                patterns.add(compile(l));
                negated.add(neg);
            }
        }

        boolean hasNegations() {
            return negated.contains(Boolean.TRUE);
        }

        boolean excluded(String rel) {
            boolean out = false;
            for (int i = 0; i < patterns.size(); i++)
                if (matchesSelfOrParent(patterns.get(i), rel)) out = !negated.get(i);
            return out;
        }

        private static boolean matchesSelfOrParent(Pattern p, String rel) {
            if (p.matcher(rel).matches()) return true;
            for (int i = rel.indexOf('/'); i >= 0; i = rel.indexOf('/', i + 1))
                if (p.matcher(rel.substring(0, i)).matches()) return true;
            return false;
        }

        /** Go's filepath.Clean on a slash path: no empty, '.' or '..' elements where they can go, no trailing '/'. */
        static String clean(String p) {
            boolean abs = p.startsWith("/");
            List<String> parts = new ArrayList<>();
            for (String s : p.split("/")) {
                if (s.isEmpty() || s.equals(".")) continue;
                if (s.equals("..") && !parts.isEmpty() && !parts.get(parts.size() - 1).equals("..")) parts.remove(parts.size() - 1);
                else if (!(s.equals("..") && abs)) parts.add(s);
            }
            String j = String.join("/", parts);
            return abs ? "/" + j : j.isEmpty() ? "." : j;
        }

        /** moby/patternmatcher's translation to a regular expression ('*', '?', '**', classes, '\' escapes). */
        static Pattern compile(String pattern) {
            StringBuilder re = new StringBuilder("^");
            int n = pattern.length();
            for (int i = 0; i < n; ) {
                char ch = pattern.charAt(i++);
                if (ch == '*') {
                    if (i < n && pattern.charAt(i) == '*') {
                        i++;
                        if (i < n && pattern.charAt(i) == '/') i++;
                        re.append(i >= n ? ".*" : "(.*/)?");
                    } else {
                        re.append("[^/]*");
                    }
                } else if (ch == '?') {
                    re.append("[^/]");
                } else if (".+()|{}$^".indexOf(ch) >= 0) {
                    re.append('\\').append(ch);
                } else if (ch == '\\') {
                    if (i < n) re.append(Pattern.quote(String.valueOf(pattern.charAt(i++))));
                    else re.append("\\\\");
                } else if (ch == '[' || ch == ']') {
                    re.append(ch);
                } else {
                    re.append(Pattern.quote(String.valueOf(ch)));
                }
            }
            return Pattern.compile(re.append('$').toString());
        }
    }

    /** BuildKit's rule: <Dockerfile>.dockerignore beside the Dockerfile wins over <context>/.dockerignore. */
    static Path dockerIgnoreFile(Path context, Path dockerfile) {
        Path specific = dockerfile.resolveSibling(dockerfile.getFileName() + ".dockerignore");
        if (Files.isRegularFile(specific)) return specific;
        Path general = context.resolve(".dockerignore");
        return Files.isRegularFile(general) ? general : null;
    }

    /** SHA-256 over a build: the Dockerfile, its ignore rules, the build args and the context as docker sends it. */
    static String dockerBuild(Path context, Path dockerfile, Map<String, String> args) {
        try {
            MessageDigest md = sha256();
            Path ignoreFile = dockerIgnoreFile(context, dockerfile);
            List<String> rules = ignoreFile == null ? List.of() : Files.readAllLines(ignoreFile);
            update(md, "dockerfile\0" + Files.readString(dockerfile) + "\0");
            update(md, "ignore\0" + String.join("\n", rules) + "\0");
            for (Map.Entry<String, String> e : new TreeMap<>(args).entrySet()) update(md, "arg\0" + e.getKey() + "=" + e.getValue() + "\0");
            entries(md, context, dockerContext(context, rules));
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new Failure(Exit.USAGE, "cannot read build context " + context + ": " + e.getMessage());
        }
    }

    /**
     * SHA-256 over some paths of a build context as docker sends it (each a file, or a folder with
     * all it holds; a path the context lacks counts as absent): the part of an image that a step
     * such as the migrations depends on (deploy runs them when it changes).
     */
    static String dockerPaths(Path context, Path dockerfile, List<String> paths) {
        try {
            MessageDigest md = sha256();
            Path ignoreFile = dockerIgnoreFile(context, dockerfile);
            List<Entry> all = dockerContext(context, ignoreFile == null ? List.of() : Files.readAllLines(ignoreFile));
            for (String p : paths) {
                String want = p.replaceAll("^\\./", "").replaceAll("/+$", "");
                List<Entry> part = all.stream().filter(e -> e.path().equals(want) || e.path().startsWith(want + "/")).toList();
                update(md, "path\0" + want + "\0" + part.size() + "\0");
                entries(md, context, part);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new Failure(Exit.USAGE, "cannot read build context " + context + ": " + e.getMessage());
        }
    }

    // ---------------------------------------------------------------- helm charts
    /** The files Helm loads from a chart directory (what `helm package` packs), .helmignore applied. */
    static List<Entry> helmChart(Path chart) {
        HelmIgnore rules;
        try {
            Path f = chart.resolve(".helmignore");
            rules = new HelmIgnore(Files.isRegularFile(f) ? Files.readAllLines(f) : List.of());
        } catch (IOException e) {
            throw new Failure(Exit.USAGE, "cannot read " + chart.resolve(".helmignore") + ": " + e.getMessage());
        }
        List<Entry> out = new ArrayList<>();
        walkFollowingLinks(chart, chart, rules, out);
        out.sort(java.util.Comparator.comparing(Entry::path));
        return out;
    }

    private static void walkFollowingLinks(Path root, Path dir, HelmIgnore rules, List<Entry> out) {
        List<Path> children;
        try (var s = Files.list(dir)) {
            children = s.sorted().toList();
        } catch (IOException e) {
            throw new Failure(Exit.USAGE, "cannot read chart directory " + dir + ": " + e.getMessage());
        }
        for (Path c : children) {
            String rel = root.relativize(c).toString().replace('\\', '/');
            boolean isDir = Files.isDirectory(c); // Helm follows symlinks (sympath.Walk)
            if (rules.ignored(rel, isDir)) continue;
            if (isDir) walkFollowingLinks(root, c, rules, out);
            else out.add(new Entry(rel, 'f', false, null));
        }
    }

    /** .helmignore as Helm's pkg/ignore applies it, quirks included, plus Helm's default `templates/.?*`. */
    static final class HelmIgnore {
        record Rule(Pattern regex, boolean negate, boolean mustDir, boolean baseOnly) {}

        private final List<Rule> rules = new ArrayList<>();

        HelmIgnore(List<String> lines) {
            List<String> all = new ArrayList<>(lines);
            all.add("templates/.?*");
            for (String raw : all) {
                String r = raw.strip();
                if (r.isEmpty() || r.startsWith("#")) continue;
                if (r.contains("**")) throw new Failure(Exit.USAGE, ".helmignore: double-star (**) syntax is not supported (Helm refuses it): " + r);
                boolean negate = r.startsWith("!");
                if (negate) r = r.substring(1);
                boolean mustDir = r.endsWith("/");
                if (mustDir) r = r.substring(0, r.length() - 1);
                boolean rooted = r.startsWith("/");
                if (rooted) r = r.substring(1);
                rules.add(new Rule(goMatch(r), negate, mustDir, !rooted && !r.contains("/")));
            }
        }

        boolean ignored(String rel, boolean isDir) {
            if (rel.isEmpty() || rel.equals(".")) return false;
            for (Rule p : rules) {
                String n = p.baseOnly() ? rel.substring(rel.lastIndexOf('/') + 1) : rel;
                boolean m = p.regex().matcher(n).matches();
                if (p.negate()) {
                    // Helm: a '!' rule ignores whatever it does not match.
                    if (p.mustDir() && !isDir) return true;
                    if (!m) return true;
                    continue;
                }
                if (p.mustDir() && !isDir) continue;
                if (m) return true;
            }
            return false;
        }

        /** Go's filepath.Match syntax as a regular expression. */
        static Pattern goMatch(String glob) {
            StringBuilder re = new StringBuilder();
            int n = glob.length();
            for (int i = 0; i < n; i++) {
                char ch = glob.charAt(i);
                if (ch == '*') re.append("[^/]*");
                else if (ch == '?') re.append("[^/]");
                else if (ch == '\\' && i + 1 < n) re.append(Pattern.quote(String.valueOf(glob.charAt(++i))));
                else if (ch == '[') {
                    int end = glob.indexOf(']', i + 1);
                    if (end < 0) { re.append("\\["); continue; }
                    String cls = glob.substring(i + 1, end);
                    re.append('[').append(cls.startsWith("^") ? "^" + cls.substring(1).replace("[", "\\[") : cls.replace("[", "\\[")).append(']');
                    i = end;
                } else re.append(Pattern.quote(String.valueOf(ch)));
            }
            return Pattern.compile(re.toString());
        }
    }

    /**
     * The release's chart: a directory hashed as Helm loads it, or a packaged chart (.tgz) by its
     * bytes; either way with the values file and the helm arguments.
     */
    static String helmRelease(Path chart, Path valuesFile, List<String> helmArgs) {
        try {
            MessageDigest md = sha256();
            if (Files.isDirectory(chart)) entries(md, chart, helmChart(chart));
            else if (Files.isRegularFile(chart)) { update(md, "archive\0"); file(md, chart); }
            else update(md, "chart-ref\0" + chart + "\0");
            update(md, "values\0");
            if (Files.isRegularFile(valuesFile)) file(md, valuesFile);
            update(md, "args\0" + String.join("\0", helmArgs));
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new Failure(Exit.USAGE, "cannot read chart " + chart + ": " + e.getMessage());
        }
    }

    // ---------------------------------------------------------------- plumbing
    interface Visitor {
        boolean enterDir(String rel);
        void entry(Entry e);
    }

    /** Walks a tree without following symlinks, in sorted order; relative slash paths. */
    static void walk(Path root, Visitor v) {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes a) {
                    String rel = rel(root, dir);
                    if (rel.isEmpty()) return FileVisitResult.CONTINUE;
                    v.entry(new Entry(rel, 'd', false, null));
                    return v.enterDir(rel) ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes a) throws IOException {
                    String rel = rel(root, file);
                    if (a.isSymbolicLink()) v.entry(new Entry(rel, 'l', false, Files.readSymbolicLink(file).toString()));
                    else if (a.isRegularFile()) v.entry(new Entry(rel, 'f', Files.isExecutable(file), null));
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new Failure(Exit.USAGE, "cannot read " + root + ": " + e.getMessage());
        }
    }

    private static String rel(Path root, Path p) {
        return root.relativize(p).toString().replace('\\', '/');
    }

    private static String parent(String rel) {
        int i = rel.lastIndexOf('/');
        return i < 0 ? null : rel.substring(0, i);
    }

    private static void entries(MessageDigest md, Path root, List<Entry> entries) throws IOException {
        for (Entry e : entries) {
            update(md, e.kind() + "\0" + e.path() + "\0" + (e.executable() ? "x" : "-") + "\0");
            if (e.kind() == 'l') update(md, e.linkTarget() + "\0");
            else if (e.kind() == 'f') file(md, root.resolve(e.path()));
        }
    }

    private static void file(MessageDigest md, Path f) throws IOException {
        byte[] buf = new byte[65536];
        try (InputStream in = Files.newInputStream(f)) {
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
        }
    }

    private static void update(MessageDigest md, String s) {
        md.update(s.getBytes(StandardCharsets.UTF_8));
    }

    /** SHA-256 of a text, in hex. */
    static String sha256Hex(String text) {
        MessageDigest md = sha256();
        update(md, text);
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

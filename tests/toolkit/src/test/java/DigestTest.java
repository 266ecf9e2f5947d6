import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14.5: the files an image tag hashes are exactly those BuildKit sends (compared with what a
 * real `docker build` copied), and the release digest covers exactly what Helm loads (compared with
 * a real `helm package`), .helmignore applied; a packaged chart is digested by its bytes.
 */
class DigestTest {
    @TempDir Path tmp;

    static final List<String> TRICKY_RULES = List.of(
            "# comment: the next rules are negations, **, directories and dotfiles",
            "**/node_modules", "**/*.pyc", ".git", ".env", ".hidden/", "*.md", "!README.md",
            "docs", "!docs/keep", "docs/keep/*.txt", "build/*", "!build/keep.o", "**/*.tmp",
            "src/.cache", "/logs", "./dist/", "lib/**/generated", " spaced.txt ");

    /** A tree that exercises every kind of rule above. */
    Path trickyContext() throws Exception {
        Path c = Files.createDirectories(tmp.resolve("ctx"));
        for (String f : List.of(".env", ".env.example", ".hidden/secret.txt", ".git/config", "keep.md", "notes.md", "README.md",
                "sub/README.md", "docs/a.md", "docs/keep/b.md", "docs/keep/c.txt", "docs/keep/d.yaml", "node_modules/pkg/index.js",
                "packages/p1/node_modules/x.js", "packages/p1/src/main.js", "build/out.o", "build/keep.o", "tmp/x.tmp",
                "deep/a/b/c.tmp", "deep/a/b/c.txt", "src/app.py", "src/__pycache__/app.pyc", "src/.cache/x", "src/.cachefile",
                "logs/today.log", "sub/logs/kept.log", "dist/bundle.js", "lib/a/b/generated/x.js", "lib/generated/y.js",
                "lib/a/real.js", "spaced.txt", "space name.txt", "exe.sh"))
            Toolkit.write(c.resolve(f), "content of " + f + "\n");
        assertTrue(c.resolve("exe.sh").toFile().setExecutable(true));
        Files.createDirectories(c.resolve("empty"));
        Files.createSymbolicLink(c.resolve("link-to-app"), Path.of("src/app.py"));
        Files.createSymbolicLink(c.resolve("docs/keep/link.md"), Path.of("b.md"));
        return c;
    }

    /** What a real BuildKit build copied: `COPY . /ctx/` exported with --output type=local. */
    TreeSet<String> sentByDocker(Path context, Path dockerfile) throws Exception {
        Path out = tmp.resolve("out-" + dockerfile.getFileName());
        Toolkit.Run r = Toolkit.exec(List.of("docker", "build", "-f", dockerfile.toString(), "--output", "type=local,dest=" + out, context.toString()),
                Map.of("DOCKER_BUILDKIT", "1"), tmp, null, 300).expect(0);
        Path root = out.resolve("ctx");
        assertTrue(Files.isDirectory(root), "the build exported the context: " + r.all());
        return listing(root);
    }

    static TreeSet<String> listing(Path root) throws Exception {
        TreeSet<String> s = new TreeSet<>();
        try (Stream<Path> w = Files.walk(root)) {
            for (Path p : w.toList()) {
                if (p.equals(root)) continue;
                String rel = root.relativize(p).toString();
                char kind = Files.isSymbolicLink(p) ? 'l' : Files.isDirectory(p) ? 'd' : 'f';
                s.add(kind + " " + rel + (kind == 'f' && Files.isExecutable(p) ? " x" : ""));
            }
        }
        return s;
    }

    static TreeSet<String> hashed(List<Digest.Entry> entries) {
        TreeSet<String> s = new TreeSet<>();
        for (Digest.Entry e : entries) s.add(e.kind() + " " + e.path() + (e.kind() == 'f' && e.executable() ? " x" : ""));
        return s;
    }

    @Test
    void theHashReadsExactlyTheFilesBuildKitSends() throws Exception {
        Path ctx = trickyContext();
        Files.write(ctx.resolve(".dockerignore"), TRICKY_RULES);
        Path df = tmp.resolve("copy.Dockerfile");
        Files.writeString(df, "FROM scratch\nCOPY . /ctx/\n");
        TreeSet<String> docker = sentByDocker(ctx, df);
        assertTrue(docker.contains("f README.md") && !docker.contains("f notes.md"), "the rules did apply: " + docker);
        assertEquals(docker, hashed(Digest.dockerContext(ctx, TRICKY_RULES)), "the file set the tag hashes = what docker sent");
    }

    @Test
    void aDockerfilesOwnIgnoreFileWinsAsInBuildKit() throws Exception {
        Path ctx = trickyContext();
        Files.writeString(ctx.resolve(".dockerignore"), "*\n");
        Path df = tmp.resolve("svc.Dockerfile");
        Files.writeString(df, "FROM scratch\nCOPY . /ctx/\n");
        Files.write(tmp.resolve("svc.Dockerfile.dockerignore"), TRICKY_RULES);
        assertEquals(tmp.resolve("svc.Dockerfile.dockerignore"), Digest.dockerIgnoreFile(ctx, df));
        TreeSet<String> docker = sentByDocker(ctx, df);
        List<String> rules = Files.readAllLines(Digest.dockerIgnoreFile(ctx, df));
        assertEquals(docker, hashed(Digest.dockerContext(ctx, rules)));
    }

    @Test
    void onlyWhatDockerSendsChangesTheTag() throws Exception {
        Path ctx = trickyContext();
        Path df = tmp.resolve("svc.Dockerfile");
        Files.writeString(df, "FROM scratch\nCOPY . /ctx/\n");
        Files.write(tmp.resolve("svc.Dockerfile.dockerignore"), TRICKY_RULES);
        String h = Digest.dockerBuild(ctx, df, Map.of());
        Files.writeString(ctx.resolve("notes.md"), "ignored");
        Files.writeString(ctx.resolve("docs/keep/c.txt"), "ignored again");
        assertEquals(h, Digest.dockerBuild(ctx, df, Map.of()), "ignored files do not change the tag");
        Files.writeString(ctx.resolve("docs/keep/b.md"), "re-included, so it counts");
        String h2 = Digest.dockerBuild(ctx, df, Map.of());
        assertNotEquals(h, h2);
        Files.createDirectories(ctx.resolve("new-empty-dir"));
        String h3 = Digest.dockerBuild(ctx, df, Map.of());
        assertNotEquals(h2, h3, "docker copies empty directories too");
        Files.delete(ctx.resolve("link-to-app"));
        Files.createSymbolicLink(ctx.resolve("link-to-app"), Path.of("exe.sh"));
        assertNotEquals(h3, Digest.dockerBuild(ctx, df, Map.of()), "a symlink's target counts");
    }

    // ---------------------------------------------------------------- helm
    Path trickyChart() throws Exception {
        Path c = Files.createDirectories(tmp.resolve("mychart"));
        Toolkit.write(c.resolve("Chart.yaml"), "apiVersion: v2\nname: mychart\nversion: 0.1.0\n");
        Toolkit.write(c.resolve("values.yaml"), "a: 1\n");
        Toolkit.write(c.resolve(".helmignore"), "# comment\n*.tmp\ndocs/\n/secret.txt\ntemplates/*.bak\nsub/*.md\n.git/\n");
        for (String f : List.of("templates/cm.yaml", "templates/cm.yaml.bak", "templates/.hidden.yaml", "templates/x.tmp",
                "docs/guide.md", "files/docs/kept.txt", "secret.txt", "files/secret.txt", "sub/a.md", "sub/deeper/b.md",
                "README.md", ".git/HEAD", "files/data.json"))
            Toolkit.write(c.resolve(f), f.startsWith("templates/cm") ? "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n" : "x " + f + "\n");
        return c;
    }

    @Test
    void theReleaseDigestReadsExactlyWhatHelmPackages() throws Exception {
        Path chart = trickyChart();
        Path out = Files.createDirectories(tmp.resolve("pkg"));
        Toolkit.exec(List.of("helm", "package", chart.toString(), "-d", out.toString()), Map.of(), tmp, null, 120).expect(0);
        Toolkit.Run tar = Toolkit.exec(List.of("tar", "tzf", out.resolve("mychart-0.1.0.tgz").toString()), Map.of(), tmp, null, 60).expect(0);
        TreeSet<String> packed = new TreeSet<>();
        for (String l : tar.out().split("\n")) if (!l.isBlank() && !l.endsWith("/")) packed.add(l.substring("mychart/".length()));
        TreeSet<String> ours = new TreeSet<>();
        for (Digest.Entry e : Digest.helmChart(chart)) ours.add(e.path());
        assertTrue(packed.contains("files/secret.txt") && !packed.contains("secret.txt"), "the rules did apply: " + packed);
        assertEquals(packed, ours, "the files the digest reads = what helm package packed");
    }

    @Test
    void theReleaseDigestIgnoresHelmignoredFilesAndDigestsAPackagedChartByItsBytes() throws Exception {
        Path chart = trickyChart();
        Path values = Toolkit.REPO.resolve("tests/toolkit/fixtures/tiny/chart/values-dev.yaml");
        List<String> args = List.of("helm", "upgrade", "--install", "r", chart.toString());
        String d = Digest.helmRelease(chart, values, args);
        Files.writeString(chart.resolve("docs/guide.md"), "changed, but .helmignore'd");
        Files.writeString(chart.resolve("templates/x.tmp"), "changed, but .helmignore'd");
        assertEquals(d, Digest.helmRelease(chart, values, args));
        Files.writeString(chart.resolve("files/data.json"), "{}");
        assertNotEquals(d, Digest.helmRelease(chart, values, args), "a packaged file changes the digest");

        Path tgz = tmp.resolve("chart.tgz");
        Files.writeString(tgz, "archive one");
        String t1 = Digest.helmRelease(tgz, values, args);
        assertNotEquals(t1, Digest.helmRelease(tgz, values, List.of("helm", "upgrade", "--install", "r", tgz.toString(), "--set", "a=2")),
                "a packaged chart's digest follows the helm arguments");
        Files.writeString(tgz, "archive two");
        assertNotEquals(t1, Digest.helmRelease(tgz, values, args), "and the archive's bytes");
    }
}

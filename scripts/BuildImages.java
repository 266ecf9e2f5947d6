///usr/bin/env bash -c 'l="${0%/*}/../jbang"; [ -x "$l" ] || l=jbang; exec "$l" "$0" "$@"' "$0" "$@" ; exit $?
//JAVA 17+
//JAVA_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC
//SOURCES lib/Console.java lib/Cmd.java lib/Config.java lib/Json.java
//SOURCES lib/Digest.java lib/Images.java
//DEPS info.picocli:picocli:4.7.7
//DESCRIPTION Builds the service images with immutable content tags into the target's image store, skips unchanged ones, and checks each image.

// The command only: the image plan, the store, the build and the image checks are
// scripts/lib/Images.java's (deploy builds the same images the same way).

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "build-images", mixinStandardHelpOptions = true, version = "taskora build-images 1.0",
        description = {"Builds every service image of taskora.yaml with an immutable tag (a hash of the build context, "
                + "the Dockerfile, its .dockerignore and the build args; or the git commit) into the target's image "
                + "store: Minikube's Docker daemon (minikube docker-env), or the local engine with --target context (or "
                + "--store local with a build.loadCommand that hands the images to the cluster). Images whose inputs did not change are not rebuilt. Each image is checked: size "
                + "within its budget, a non-root user, a HEALTHCHECK, no secret-looking values in env, labels or history.",
                "Prints a table of tags, sizes, build times and checks."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every image built (or unchanged) and passed its checks", "1:an image failed a check",
                "2:bad option or configuration", "3:a docker or minikube command failed", "70:unexpected error (a bug: please report it)",
                "130:interrupted (Ctrl-C)", "143:terminated (a TERM signal)"})
public class BuildImages implements Callable<Integer> {
    @Mixin Options options;

    @Option(names = "--store", paramLabel = "STORE",
            description = "Image store: minikube (the profile's Docker daemon) or local (this machine's engine). Default: minikube when target is minikube, else local.")
    String store;

    @Option(names = "--only", paramLabel = "SERVICE", split = ",", description = "Build only these services (comma-separated).")
    List<String> only = new ArrayList<>();

    public static void main(String... args) {
        System.exit(Console.execute(new BuildImages(), args));
    }

    @Override
    public Integer call() {
        Config cfg = options.load();
        Images.Store where = Images.store(cfg, store);
        List<Images.Image> images = Images.plan(cfg, only);
        Console.heading("build images");
        List<Images.Built> built = Images.build(cfg, where, images);
        Images.print(built);
        return built.stream().allMatch(Images.Built::passed) ? Exit.OK : Exit.CHECK_FAILED;
    }
}


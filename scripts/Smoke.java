///usr/bin/env bash -c 'l="${0%/*}/../jbang"; [ -x "$l" ] || l=jbang; exec "$l" "$0" "$@"' "$0" "$@" ; exit $?
//JAVA 17+
//JAVA_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC
//SOURCES lib/Console.java lib/Cmd.java lib/Config.java lib/Json.java lib/Kube.java lib/Diagnosis.java lib/Reach.java
//SOURCES lib/SmokeChecks.java
//DEPS info.picocli:picocli:4.7.7
//DESCRIPTION Smoke-tests a deployed Taskora: pods Ready, Services with endpoints, backend health, and a real user journey through the frontend.

// The command only: the checks and the journey are scripts/lib/SmokeChecks.java's (deploy's
// last step runs the same).

import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "smoke", mixinStandardHelpOptions = true, version = "taskora smoke 1.0",
        description = {"Checks a deployed release: every pod Ready, every Service with endpoints, the backend's "
                + "/healthz and /readyz, the frontend's /api/health and login page, then a real user journey through "
                + "the frontend's entry point: sign up, log in, create a task, list it, send a chat message that "
                + "creates a task through MCP, and see that task.",
                "Reaches the app by kubectl port-forward on 127.0.0.1 (default), or through the Ingress with --via ingress. "
                + "Services and pods are found by the labels app.kubernetes.io/instance and app.kubernetes.io/component."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every check passed", "1:a check failed", "2:bad option or configuration", "3:kubectl failed",
                "70:unexpected error (a bug: please report it)", "130:interrupted (Ctrl-C)", "143:terminated (a TERM signal)"})
public class Smoke implements Callable<Integer> {
    @Mixin Options options;

    @Option(names = "--via", paramLabel = "HOW", description = "port-forward (127.0.0.1) or ingress (key smoke.via).")
    String via;

    @Option(names = "--url", paramLabel = "URL", description = "Skip discovery: run the frontend checks against this base URL (e.g. http://127.0.0.1:3000).")
    String url;

    public static void main(String... args) {
        System.exit(Console.execute(new Smoke(), args));
    }

    @Override
    public Integer call() {
        if (via != null) options.flags.add(new Config.Override("--via", "smoke.via", via));
        Config cfg = options.load();
        if (url != null) url = SmokeChecks.checkUrl("--url", url);
        if (Cmd.dryRun && url == null) SmokeChecks.reachable(cfg); // the real run's first query, read-only: it fails as the real run would
        List<SmokeChecks.Result> results = SmokeChecks.run(cfg, url);
        return results.stream().allMatch(SmokeChecks.Result::ok) ? Exit.OK : Exit.CHECK_FAILED;
    }
}


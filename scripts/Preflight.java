///usr/bin/env bash -c 'l="${0%/*}/../jbang"; [ -x "$l" ] || l=jbang; exec "$l" "$0" "$@"' "$0" "$@" ; exit $?
//JAVA 17+
//JAVA_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC
//SOURCES lib/Console.java lib/Cmd.java lib/Config.java lib/Json.java lib/AiTools.java
//SOURCES lib/ToolChecks.java lib/Minikube.java
//DEPS info.picocli:picocli:4.7.7
//DESCRIPTION Checks that the tools Taskora Deploy needs are installed and new enough, and that the host can hold the Minikube profile.

// The command only: the checks are scripts/lib/ToolChecks.java's (deploy runs the same ones).

import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "preflight", mixinStandardHelpOptions = true, version = "taskora preflight 1.0",
        description = {"Checks the tools and the host before a deploy: docker (with a reachable daemon and BuildKit: "
                + "the buildx plugin for a Docker 23+ client), minikube, "
                + "kubectl, helm and Java present and new enough; kubectl-ai, kagent and `docker ai` reported "
                + "when present; CPUs, memory and free disk against the Minikube profile; a warning when the chart's "
                + "NetworkPolicies are on but the profile's CNI does not enforce them.",
                "Prints one row per check, with a fix hint on each failed row."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every required check passed", "1:a required check failed", "2:bad option or configuration",
                "3:a tool answered with output that cannot be read (kubectl version -o json that is not JSON)",
                "70:unexpected error (a bug: please report it)", "130:interrupted (Ctrl-C)", "143:terminated (a TERM signal)"})
public class Preflight implements Callable<Integer> {
    @Mixin Options options;

    @Option(names = "--json", description = "Print the checks as JSON instead of a table.")
    boolean json;

    public static void main(String... args) {
        System.exit(Console.execute(new Preflight(), args));
    }

    @Override
    public Integer call() {
        Config cfg = options.load();
        List<ToolChecks.Check> checks = ToolChecks.checks(cfg);
        if (json) ToolChecks.printJson(checks); else ToolChecks.print(checks);
        return ToolChecks.failedRequired(checks).isEmpty() ? Exit.OK : Exit.CHECK_FAILED;
    }
}

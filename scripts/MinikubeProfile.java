///usr/bin/env bash -c 'l="${0%/*}/../jbang"; [ -x "$l" ] || l=jbang; exec "$l" "$0" "$@"' "$0" "$@" ; exit $?
//JAVA 17+
//JAVA_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC
//SOURCES lib/Console.java lib/Cmd.java lib/Config.java lib/Json.java
//SOURCES lib/Minikube.java
//DEPS info.picocli:picocli:4.7.7
//DESCRIPTION Creates, starts or checks the Minikube profile of taskora.yaml (idempotent); --delete removes it.

// The command only: what a profile is and how it is brought to "running as configured" is
// scripts/lib/Minikube.java's (deploy's profile step and preflight's CNI row use it too).

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "minikube-profile", mixinStandardHelpOptions = true, version = "taskora minikube-profile 1.0",
        description = {"Makes the Minikube profile of taskora.yaml exist and run: creates it when absent (driver, CPUs, "
                + "memory, disk, Kubernetes version, CNI), starts it when stopped, enables the configured addons, and "
                + "leaves a running, matching profile alone. A profile with fewer CPUs, less memory, "
                + "another driver or another CNI is reported with the command that fixes it, never recreated silently."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the profile runs as configured (or was deleted)", "2:bad option or configuration",
                "3:a minikube command failed", "4:the running profile does not match taskora.yaml (fix printed)", "70:unexpected error (a bug: please report it)",
                "130:interrupted (Ctrl-C)", "143:terminated (a TERM signal)"})
public class MinikubeProfile implements Callable<Integer> {
    @Mixin Options options;

    @Option(names = "--delete", description = "Delete the profile (minikube delete -p PROFILE) and exit.")
    boolean delete;

    public static void main(String... args) {
        System.exit(Console.execute(new MinikubeProfile(), args));
    }

    @Override
    public Integer call() {
        Config cfg = options.load();
        if (!cfg.minikube())
            throw new Failure(Exit.USAGE, "target is context: there is no Minikube profile to " + (delete ? "delete" : "create or start"),
                    "leave --target context / --context out (taskora.yaml's target: minikube), or manage that cluster with its own tools");
        if (delete) {
            Minikube.Deletion d = Minikube.delete(cfg);
            Console.info("profile " + cfg.profile() + (d == Minikube.Deletion.ABSENT ? " does not exist; nothing to delete" : " deleted"));
            return Exit.OK;
        }
        Console.heading("minikube profile " + cfg.profile());
        try {
            Console.info(Minikube.ensure(cfg).summary());
        } catch (Failure f) {
            if (!Cmd.dryRun) throw f;
            throw new Failure(f.exitCode, "dry run: the real run would stop here: " + f.getMessage(), f.hint);
        }
        return Exit.OK;
    }
}


// The shapes of the Kubernetes and helm JSON the Taskora scripts read, bound by Jackson
// (Json.bind): only the fields the scripts use. Where one field is wanted, Json.text on the parsed
// tree stays simpler; these are for the documents read field after field: workloads (Deployments,
// StatefulSets), pods, helm status and history, events.
//   Kube.List<Kube.Workload> l = Json.bind(out, Kube.Workloads.class, "kubectl get deployments");

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;

final class Kube {
    private Kube() {}

    record Meta(String name, String namespace, Map<String, String> labels, Map<String, String> annotations, long generation,
                String creationTimestamp, String deletionTimestamp, List<Owner> ownerReferences) {
        String label(String key) { return labels == null ? "" : labels.getOrDefault(key, ""); }
        List<Owner> owners() { return ownerReferences == null ? List.of() : ownerReferences; }
        boolean deleting() { return deletionTimestamp != null && !deletionTimestamp.isEmpty(); }
    }

    record Owner(String kind, String name) {}

    /** The component label (app.kubernetes.io/component) every object of the chart carries. */
    static final String COMPONENT = "app.kubernetes.io/component";

    // ---------------------------------------------------------------- workloads
    /** A Deployment or StatefulSet: what it wants and what it has. */
    record Workload(String kind, Meta metadata, WorkloadSpec spec, WorkloadStatus status) {
        String name() { return metadata == null ? "" : metadata.name(); }
        String id() { return kind + "/" + name(); }
        String component() { return metadata == null ? "" : metadata.label(COMPONENT); }
        /** spec.replicas; 1 when unset, as the API server defaults it. */
        long wanted() { return spec == null || spec.replicas() == null ? 1 : spec.replicas(); }
        long ready() { return status == null ? 0 : status.readyReplicas(); }
        long updated() { return status == null ? 0 : status.updatedReplicas(); }
        long total() { return status == null ? 0 : status.replicas(); }
        /** The controller has seen the latest spec. */
        boolean observed() { return status != null && metadata != null && status.observedGeneration() >= metadata.generation(); }
        /** Rolled out: the latest spec seen, every wanted replica updated and Ready. */
        boolean rolledOut() { return observed() && ready() >= wanted() && updated() >= wanted(); }
        /** Rolled out and no old replica left (a scale or restart has finished). */
        boolean settled() { return rolledOut() && ready() == wanted() && total() == wanted(); }
        List<Container> containers() {
            return spec == null || spec.template() == null || spec.template().spec() == null ? List.of() : spec.template().spec().containers();
        }
    }

    record WorkloadSpec(Integer replicas, PodTemplate template) {}
    record PodTemplate(Meta metadata, PodSpec spec) {}
    record WorkloadStatus(long replicas, long readyReplicas, long updatedReplicas, long availableReplicas, long observedGeneration) {}

    // ---------------------------------------------------------------- pods
    record Pod(Meta metadata, PodSpec spec, PodStatus status) {
        String name() { return metadata == null ? "" : metadata.name(); }
        String component() { return metadata == null ? "" : metadata.label(COMPONENT); }
        String phase() { return status == null || status.phase() == null ? "" : status.phase(); }
        boolean ready() {
            return status != null && status.conditions() != null
                    && status.conditions().stream().anyMatch(c -> "Ready".equals(c.type()) && "True".equals(c.status()));
        }
        boolean ofJob() { return metadata != null && metadata.owners().stream().anyMatch(o -> "Job".equals(o.kind())); }
        /** A Helm hook's pod (helm.sh/hook: test, say): run by helm at its moment, never served. */
        boolean helmHook() { return metadata != null && metadata.annotations() != null && metadata.annotations().containsKey("helm.sh/hook"); }
        List<ContainerStatus> containerStatuses() {
            return status == null || status.containerStatuses() == null ? List.of() : status.containerStatuses();
        }
        List<ContainerStatus> initContainerStatuses() {
            return status == null || status.initContainerStatuses() == null ? List.of() : status.initContainerStatuses();
        }
        List<Container> containers() { return spec == null || spec.containers() == null ? List.of() : spec.containers(); }
        /** The container of that name, or null. */
        Container container(String name) { return containers().stream().filter(c -> name.equals(c.name())).findFirst().orElse(null); }
        /** The status of the container of that name, or null. */
        ContainerStatus containerStatus(String name) {
            return containerStatuses().stream().filter(c -> name.equals(c.name())).findFirst().orElse(null);
        }
        boolean deleting() { return metadata != null && metadata.deleting(); }
    }

    record PodSpec(List<Container> containers, List<Container> initContainers) {
        @Override public List<Container> containers() { return containers == null ? List.of() : containers; }
    }

    record Container(String name, String image, Resources resources) {
        String request(String what) { return resources == null || resources.requests() == null ? "" : resources.requests().getOrDefault(what, ""); }
        String limit(String what) { return resources == null || resources.limits() == null ? "" : resources.limits().getOrDefault(what, ""); }
    }

    record Resources(Map<String, String> requests, Map<String, String> limits) {}
    record PodStatus(String phase, List<Condition> conditions, List<ContainerStatus> containerStatuses, List<ContainerStatus> initContainerStatuses) {}
    record Condition(String type, String status, String reason, String message) {}

    record ContainerStatus(String name, boolean ready, long restartCount, State state, State lastState) {
        String waitingReason() { return state == null || state.waiting() == null ? "" : String.valueOf(state.waiting().reason()); }
        String terminatedReason() { return state == null || state.terminated() == null ? "" : String.valueOf(state.terminated().reason()); }
        boolean terminated() { return state != null && state.terminated() != null; }
        boolean terminatedBefore() { return lastState != null && lastState.terminated() != null; }
    }

    record State(Reason waiting, Reason running, Reason terminated) {}
    record Reason(String reason, String message, Integer exitCode, String startedAt, String finishedAt) {}

    // ---------------------------------------------------------------- events
    record Event(String type, String reason, String message, Owner involvedObject, String lastTimestamp, String eventTime,
                 String firstTimestamp, Meta metadata) {}

    // ---------------------------------------------------------------- lists (kubectl get -o json)
    record Workloads(List<Workload> items) {
        @Override public List<Workload> items() { return items == null ? List.of() : items; }
    }
    record Pods(List<Pod> items) {
        @Override public List<Pod> items() { return items == null ? List.of() : items; }
    }
    record Events(List<Event> items) {
        @Override public List<Event> items() { return items == null ? List.of() : items; }
    }

    // ---------------------------------------------------------------- metrics (metrics.k8s.io/v1beta1 PodMetricsList)
    record PodMetrics(Meta metadata, List<ContainerMetrics> containers) {
        @Override public List<ContainerMetrics> containers() { return containers == null ? List.of() : containers; }
        String name() { return metadata == null ? "" : metadata.name(); }
    }

    /** One container's usage: "cpu" ("12500000n") and "memory" ("102400Ki"). */
    record ContainerMetrics(String name, Map<String, String> usage) {
        String usage(String what) { return usage == null ? "" : usage.getOrDefault(what, ""); }
    }

    record PodMetricsList(List<PodMetrics> items) {
        @Override public List<PodMetrics> items() { return items == null ? List.of() : items; }
    }

    // ---------------------------------------------------------------- helm
    /** `helm status -o json`. */
    record HelmStatus(String name, String namespace, long version, HelmInfo info) {
        String status() { return info == null || info.status() == null ? "" : info.status(); }
        String description() { return info == null || info.description() == null ? "" : info.description(); }
        boolean deployed() { return "deployed".equals(status()); }
        boolean pending() { return status().startsWith("pending-"); }
    }

    record HelmInfo(String status, String description, @JsonProperty("last_deployed") String lastDeployed, String notes) {}

    /** One entry of `helm history -o json`. */
    record HelmRevision(long revision, String updated, String status, String chart, @JsonProperty("app_version") String appVersion,
                        String description) {}

    static List<HelmRevision> history(String json) {
        if (json.isBlank()) return new ArrayList<>(); // helm prints nothing for a release without revisions
        return new ArrayList<>(List.of(Json.bind(json, HelmRevision[].class, "helm history -o json")));
    }
}

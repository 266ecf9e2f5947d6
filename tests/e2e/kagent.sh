# ai-ops through the real kagent v0.9.12 on the real release. Sourced by tests/e2e/run once the
# release is up (it uses run's JBANG, DEPLOY, NS, RELEASE, CLUSTER, work, pass, fail and
# KAGENT_BUILD, the background build run starts first); not a script of its own.
#
# Everything of kagent is built from its tagged source in ../shared/upstream (tests/lib/upstream.sh,
# tests/lib/kagent.sh; cached): the CLI, the controller, the Go agent runtime (the chart's Agent has
# runtime: go) and the tool server kagent-tools v0.2.1, as images FROM scratch under the registry
# name taskora.local, loaded into the test cluster; kagent's own charts from its helm/ folder (their
# OCI dependencies left out); kagent's bundled PostgreSQL is the stand-in PostgreSQL. `ai-ops
# kagent-setup --yes`, the command users run, installs them with aiOps.kagentCharts and
# aiOps.kagentRegistry pointing at those. The model is tests/lib/model_server.py, scripted, on the
# node's address (the agent pod reaches it; no hosted LLM is called). In order:
#   a. versions printed (the CLI, the controller through the CLI, the tool server); the
#      controller, its PostgreSQL, the release's tool server and the agent pod Running; the
#      Agent Accepted and Ready, its conditions printed (and the ModelConfig's, the RemoteMCPServer's);
#   b. a read-only question: the model calls k8s_get_resources, the release's tool server runs it
#      against the cluster, and the answer carries what the cluster said (the pod names);
#   c. a scale: k8s_scale needs approval, the task stops (A2A input-required), ai-ops shows the call
#      and exits 6, the replicas are unchanged; with --yes ai-ops approves it, the tool server
#      scales, the answer comes back, and the audit log has the started line first;
#   d. the model asks for the namespace's Secrets and for kube-system's pods: the API server
#      refuses the tool server's ServiceAccount (403), and the model was handed the refusal;
#   e. another kagent CLI version: one line naming both versions and the install command.

. "$REPO_ROOT/tests/lib/upstream.sh"
. "$REPO_ROOT/tests/lib/kagent.sh"
KREG=taskora.local
t_kagent=$SECONDS
wait "$KAGENT_BUILD" || die "the kagent build failed (see $TASKORA_CACHE/upstream/kagent*-v*/build.log)"
kagent_bin="$(upstream_tool kagent)"
mapfile -t kagent_imgs < <(kagent_images "$KREG")
"$CLUSTER" load "${kagent_imgs[@]}" >&2
kagent_charts "$work/kagent-charts"
log "kagent: binaries, images and charts ready in $((SECONDS - t_kagent)) s"

kag_bin="$work/kagent-bin"
mkdir -p "$kag_bin" "$work/kagent-tmp"
ln -sf "$kagent_bin" "$kag_bin/kagent"
node_ip="$(kubectl get node -o jsonpath='{.items[0].status.addresses[?(@.type=="InternalIP")].address}')"
kagent_key="sk-e2e-kagent-$RANDOM$RANDOM"   # the scripted server checks no key; it must still appear nowhere
BACKEND="app.kubernetes.io/instance=$RELEASE,app.kubernetes.io/component=backend"
backend_deploy="$(kubectl get deploy -n "$NS" -l "$BACKEND" -o jsonpath='{.items[0].metadata.name}')"
backend_replicas() { kubectl get deploy -n "$NS" "$backend_deploy" -o jsonpath='{.spec.replicas}'; }
kreplicas_before="$(backend_replicas)"
backend_pod="$(kubectl get pods -n "$NS" -l "$BACKEND" -o jsonpath='{.items[0].metadata.name}')"
kwant=$((kreplicas_before + 1))

python3 - "$work/kagent-script.json" <<EOF
import json, sys
ns, deploy, pod, want = "$NS", "$backend_deploy", "$backend_pod", $kwant
tool = lambda name, args: {"tool_calls": [{"name": name, "arguments": args}]}
steps = [
  # b. read-only: the release's pods, through the release's tool server
  {"expect": ["which backend pods are running", "site reliability assistant", "k8s_get_resources", "k8s_scale"],
   "reply": tool("k8s_get_resources", {"resource_type": "pods", "namespace": ns})},
  {"expect": [pod, "Running"],
   "reply": {"content": "The backend pods are Running: read from the cluster through k8s_get_resources."}},
  # c. a scale without --yes: stops for approval
  {"expect": ["scale the backend to %d" % want], "reply": tool("k8s_scale", {"name": deploy, "namespace": ns, "replicas": want})},
  # c. the same with --yes: approved by ai-ops, run by the tool server
  {"expect": ["scale the backend to %d" % want], "reply": tool("k8s_scale", {"name": deploy, "namespace": ns, "replicas": want})},
  {"expect": ["scaled"], "reply": {"content": "Scaled the backend to %d replicas." % want}},
  # d. the Secrets of the namespace, and another namespace's pods: the ServiceAccount may not
  # (kagent-tools v0.2.1 hands the model only "<kubectl args> failed: exit status 1"; kubectl's
  # 403 is in the tool server's log, read below)
  {"expect": ["what secrets does the release use"], "reply": tool("k8s_get_resources", {"resource_type": "secrets", "namespace": ns})},
  {"expect": ["get secrets -n %s -o wide failed: exit status 1" % ns], "reply": {"content": "The API server refused to list Secrets (forbidden)."}},
  {"expect": ["which pods run in kube-system"], "reply": tool("k8s_get_resources", {"resource_type": "pods", "namespace": "kube-system"})},
  {"expect": ["get pods -n kube-system -o wide failed: exit status 1"], "reply": {"content": "The API server refused to list kube-system's pods (forbidden)."}},
]
json.dump(steps, open(sys.argv[1], "w"), indent=1)
EOF
python3 "$REPO_ROOT/tests/lib/model_server.py" --host "$node_ip" --script "$work/kagent-script.json" --record "$work/kagent-requests.jsonl" \
  --port-file "$work/kagent-model-port" --lifetime 1200 >"$work/kagent-model.log" 2>&1 &
kmodel_pid=$!
for _ in $(seq 1 100); do [ -s "$work/kagent-model-port" ] && break; sleep 0.1; done
[ -s "$work/kagent-model-port" ] || { cat "$work/kagent-model.log" >&2; die "the scripted model server did not start on $node_ip"; }
KAGENT_ENV=(env PATH="$kag_bin:$PATH" OPENAI_API_KEY="$kagent_key" OPENAI_ENDPOINT="http://$node_ip:$(cat "$work/kagent-model-port")/v1"
            XDG_STATE_HOME="$work/kagent-audit" TMPDIR="$work/kagent-tmp")
KAGENT_SETS=(--set aiOps.model=scripted --set "aiOps.kagentCharts=$work/kagent-charts" --set "aiOps.kagentRegistry=$KREG"
             --set "aiOps.kagentValues.database.postgres.bundled.image.registry=$KREG" --set aiOps.kagentValues.database.postgres.bundled.image.tag=15-bookworm)
kai_ops() { "${KAGENT_ENV[@]}" "$JBANG" ai-ops@taskora "${DEPLOY[@]}" "${KAGENT_SETS[@]}" "$@"; }
kagent_requests() { grep -c . "$work/kagent-requests.jsonl" 2>/dev/null || echo 0; }

# a. kagent-setup, the command users run, from the source build; then versions and conditions.
t0=$SECONDS rc=0
kai_ops kagent-setup --yes >"$work/kagent-setup.out" 2>&1 || rc=$?
if [ $rc -eq 0 ]; then pass "ai-ops kagent-setup --yes: kagent 0.9.12 from its source charts and images, the Taskora agent on ($((SECONDS - t0)) s)"
else cat "$work/kagent-setup.out" >&2; fail "ai-ops kagent-setup --yes exited $rc"; fi
KSEL="app.kubernetes.io/instance=$RELEASE,app.kubernetes.io/component=kagent"
agent="$(kubectl get agents.kagent.dev -n "$NS" -l "$KSEL" -o jsonpath='{.items[0].metadata.name}' 2>/dev/null || true)"
model_cfg="$(kubectl get modelconfigs.kagent.dev -n "$NS" -l "$KSEL" -o jsonpath='{.items[0].metadata.name}' 2>/dev/null || true)"
tool_srv="$(kubectl get remotemcpservers.kagent.dev -n "$NS" -l "app.kubernetes.io/instance=$RELEASE,app.kubernetes.io/component=kagent-tools" -o jsonpath='{.items[0].metadata.name}' 2>/dev/null || true)"
conditions() { kubectl get "$1" -n "$2" "$3" -o jsonpath='{range .status.conditions[*]}{.type}={.status} ({.reason}: {.message}){"\n"}{end}' 2>/dev/null; }
agent_ready() { [ "$(kubectl get agents.kagent.dev -n "$NS" "$agent" -o jsonpath='{.status.conditions[?(@.type=="Accepted")].status}/{.status.conditions[?(@.type=="Ready")].status}')" = True/True ]; }
tools_accepted() { [ "$(kubectl get remotemcpservers.kagent.dev -n "$NS" "$tool_srv" -o jsonpath='{.status.conditions[?(@.type=="Accepted")].status}')" = True ]; }
for _ in $(seq 1 90); do [ -n "$agent" ] && agent_ready && tools_accepted && break; sleep 2; done
log "Agent $NS/$agent conditions:"; { conditions agents.kagent.dev "$NS" "$agent" || true; } | sed 's/^/    /' >&2
log "ModelConfig $NS/$model_cfg conditions:"; { conditions modelconfigs.kagent.dev "$NS" "$model_cfg" || true; } | sed 's/^/    /' >&2
log "RemoteMCPServer $NS/$tool_srv conditions and tools:"; { conditions remotemcpservers.kagent.dev "$NS" "$tool_srv" || true; } | sed 's/^/    /' >&2
kubectl get remotemcpservers.kagent.dev -n "$NS" "$tool_srv" -o jsonpath='{range .status.discoveredTools[*]}{.name} {end}' 2>/dev/null | fold -w 110 | sed 's/^/    /' >&2 || true
echo >&2
if [ -n "$agent" ] && agent_ready; then pass "the chart's Agent $agent is Accepted and Ready under the real kagent 0.9.12 controller"
else fail "the chart's Agent is not Accepted and Ready (conditions above)"; kubectl -n kagent logs deploy/kagent-controller --tail 30 >&2 || true; fi
log "pods:"; { kubectl get pods -n kagent -o wide; kubectl get pods -n "$NS" -l 'app.kubernetes.io/component in (kagent-tools)' -o wide --no-headers
  kubectl get pods -n "$NS" -l app.kubernetes.io/managed-by=kagent -o wide --no-headers; } 2>&1 | sed 's/^/    /' >&2
running() { kubectl get pods -n "$1" -l "$2" -o jsonpath='{.items[*].status.phase}' | tr ' ' '\n' | grep -qx Running; }
running kagent app.kubernetes.io/component=controller && running "$NS" app.kubernetes.io/component=kagent-tools \
  && running "$NS" "app.kubernetes.io/managed-by=kagent,app.kubernetes.io/name=$agent" \
  && pass "kagent's controller, the release's tool server and the agent pod (Go runtime) are Running" \
  || fail "kagent's controller, tool server or agent pod not Running (pods above)"
kagent_pf_log="$work/kagent-pf.log"
kubectl -n kagent port-forward svc/kagent-controller 18083:8083 >"$kagent_pf_log" 2>&1 & kpf=$!
sleep 2
log "versions: kagent CLI and controller $("$kagent_bin" version --kagent-url http://127.0.0.1:18083 2>&1 | tr -d '\n'); tool server: $(kubectl exec -n "$NS" deploy/"$tool_srv" -- /tool-server --version 2>&1 | tr '\n' ' ')"
kill "$kpf" 2>/dev/null || true

# b. A read-only question, answered from what the release's tool server read from the cluster.
rc=0
kai_ops --engine kagent "which backend pods are running?" >"$work/kagent1.out" 2>&1 || rc=$?
if grep -q "^\$ kagent invoke --kagent-url http://127.0.0.1:[0-9]* -n $NS -a $agent -t 'which backend pods are running?'" "$work/kagent1.out"; then
  log "the real kagent CLI ran: $(grep -m1 "^\$ kagent invoke" "$work/kagent1.out")"
  grep -q "sent no message id" "$work/kagent1.out" \
    && log "  kagent CLI 0.9.12 sends an empty messageId; the Go runtime refuses it (upstream), ai-ops sent the same message/send with an id"
else fail "kagent: ai-ops did not run the kagent CLI"; fi
if [ $rc -eq 0 ] && grep -q 'The backend pods are Running' "$work/kagent1.out" && [ "$(kagent_requests)" -ge 2 ] \
   && grep -q "$backend_pod" "$work/kagent-requests.jsonl"; then
  pass "kagent: a read-only question through the real CLI: k8s_get_resources ran on the release's tool server, the answer came from what the cluster said"
else cat "$work/kagent1.out" >&2; fail "kagent: read-only question (exit $rc, $(kagent_requests) model request(s))"; fi

# c. A scale: stops for approval (input-required), nothing runs; with --yes it is approved and runs, audited.
rc=0
kai_ops --engine kagent "scale the backend to $kwant" >"$work/kagent2.out" 2>&1 || rc=$?
if [ $rc -eq 6 ] && grep -q "k8s_scale {.*\"replicas\":$kwant" "$work/kagent2.out" && [ "$(backend_replicas)" = "$kreplicas_before" ]; then
  pass "kagent: the scale stopped for approval (A2A input-required): the call shown, exit 6, nothing ran"
else cat "$work/kagent2.out" >&2; fail "kagent without --yes: exit $rc, replicas $(backend_replicas)"; fi
rc=0
kai_ops --engine kagent --yes "scale the backend to $kwant" >"$work/kagent3.out" 2>&1 || rc=$?
if [ $rc -eq 0 ] && grep -q "Scaled the backend to $kwant" "$work/kagent3.out" && [ "$(backend_replicas)" = "$kwant" ]; then
  pass "kagent with --yes: ai-ops approved the call, the release's tool server scaled the backend to $kwant"
else cat "$work/kagent3.out" >&2; fail "kagent with --yes: exit $rc, replicas $(backend_replicas)"; fi
kaudit="$work/kagent-audit/taskora/ai-ops-audit.jsonl"
klast="$(grep '"engine":"kagent"' "$kaudit" 2>/dev/null | tail -n 2)"
if head -n 1 <<<"$klast" | grep -q "\"outcome\":\"started with --yes (approving kagent's tool call)\"" \
   && head -n 1 <<<"$klast" | grep -q 'k8s_scale' && tail -n 1 <<<"$klast" | grep -q '"outcome":"ran with --yes"'; then
  pass "the approved kagent run is audited: a started line naming the call, then its outcome"
else printf '%s\n' "$klast" >&2; fail "audit log of the kagent run ($kaudit)"; fi

# d. Secrets, and another namespace: the API server refuses the tool server's ServiceAccount.
for q in "what secrets does the release use?|refused to list Secrets (forbidden)" "which pods run in kube-system?|refused to list kube-system's pods (forbidden)"; do
  rc=0
  kai_ops --engine kagent "${q%%|*}" >"$work/kagent4.out" 2>&1 || rc=$?
  if grep -qF "${q#*|}" "$work/kagent4.out"; then pass "kagent: '${q%%|*}' was refused: the tool failed (kagent-tools hands the model only 'exit status 1'; the 403 is in its log, below)"
  else cat "$work/kagent4.out" >&2; fail "kagent: '${q%%|*}' (exit $rc)"; fi
done
# What the API server answered the tool server's ServiceAccount, as kagent-tools logged kubectl's output:
kubectl logs -n "$NS" deploy/"$tool_srv" >"$work/kagent-tools.log" 2>&1 || true
python3 -c 'import re, sys
text = open(sys.argv[1]).read().replace("\\n", "\n").replace("\\\"", "\"")
for m in sorted(set(re.findall(r"Error from server \(Forbidden\)[^\n]*", text))): print("  403: " + m[:240])' "$work/kagent-tools.log" >"$work/kagent-403.txt" || true
cat "$work/kagent-403.txt" >&2
grep -q 'secrets is forbidden: User "system:serviceaccount:'"$NS"':.*cannot list resource "secrets"' "$work/kagent-403.txt" \
  && grep -q 'pods is forbidden: User "system:serviceaccount:'"$NS"':.*in the namespace "kube-system"' "$work/kagent-403.txt" \
  && pass "the API server refused the tool server's ServiceAccount both (403 for the Secrets and for kube-system's pods, above)" \
  || fail "no 403 for the Secrets and kube-system's pods in the tool server's log"
kill "$kmodel_pid" 2>/dev/null || true
kunexpected="$(grep -c '"unexpected"' "$work/kagent-requests.jsonl" || true)"
[ "$kunexpected" = 0 ] && pass "the scripted model server got $(kagent_requests) request(s) from the agent pod, all expected" \
  || { grep '"unexpected"' "$work/kagent-requests.jsonl" | cut -c1-400 >&2; fail "the model server got $kunexpected unexpected request(s)"; }
if grep -rqF "$kagent_key" "$kaudit" "$work"/kagent*.out; then fail "the key is in a log"; else pass "the key is in no log or output"; fi
app_secret_key="$(kubectl get modelconfigs.kagent.dev -n "$NS" "$model_cfg" -o jsonpath='{.spec.apiKeySecret}')"
[ "$app_secret_key" = "$RELEASE-kagent-llm" ] && pass "the ModelConfig's key comes from its own Secret ($app_secret_key), not the app's" \
  || fail "the ModelConfig's key Secret is '$app_secret_key'"

# e. Another kagent CLI version: one line naming both, and the install command. (A stand-in: the
# real v0.9.12 CLI cannot be made to report another version without rebuilding it.)
mkdir -p "$work/kagent-other"
printf '#!/bin/sh\necho '"'"'{"kagent_version":"v1.0.2","git_commit":"x","build_date":"x","backend_version":"unknown"}'"'"'\n' >"$work/kagent-other/kagent"
chmod +x "$work/kagent-other/kagent"
rc=0
env PATH="$work/kagent-other:$PATH" "$JBANG" ai-ops@taskora "${DEPLOY[@]}" --engine kagent "which backend pods are running?" >"$work/kagent5.out" 2>&1 || rc=$?
if [ $rc -eq 2 ] && grep -q 'the kagent CLI on PATH is 1.0.2, not the pinned 0.9.12' "$work/kagent5.out" \
   && grep -q 'releases/download/v0.9.12/kagent-linux-amd64' "$work/kagent5.out"; then
  pass "kagent CLI 1.0.2 on PATH: refused in one line naming both versions and the install command"
else cat "$work/kagent5.out" >&2; fail "another kagent CLI version (exit $rc)"; fi
# Back to where it was.
"$JBANG" ai-ops@taskora "${DEPLOY[@]}" --engine builtin scale backend "$kreplicas_before" --yes >"$work/kagent6.out" 2>&1 \
  || { cat "$work/kagent6.out" >&2; fail "scale the backend back to $kreplicas_before"; }
log "kagent scenario: $((SECONDS - t_kagent)) s"

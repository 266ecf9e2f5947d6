# ai-ops through the real kubectl-ai v0.0.28 on the real release. Sourced by tests/e2e/run once the
# release is up (it uses run's JBANG, DEPLOY, NS, RELEASE, work, pass and fail); not a script of its own.
#
# kubectl-ai is built from its tagged source (tests/lib/upstream.sh, cached) and talks to the
# scripted model server of tests/lib/model_server.py on 127.0.0.1 (no hosted LLM is called): each
# step of the script below is the model's next answer, and the server fails this scenario on a
# request it did not expect. kubectl-ai acts with the token of the release's ai-ops ServiceAccount
# that ai-ops hands it (charts/taskora/templates/ai-ops/rbac.yaml), so the API server itself
# refuses what ai-ops does not allow. In order:
#   a. a read-only question answered from real kubectl output; the model saw the custom tools'
#      commands in their descriptions and the release's Helm facts in the prompt;
#   b. a scale without --yes stops for approval (exit 6, the exact command shown, nothing runs),
#      with a user config that says skipPermissions: true;
#   c. with --yes it runs, and the audit log has a started line first;
#   d. the model running `kubectl get secrets -A`: 403 from the API server, printed;
#   e. the model running `kubectl delete namespace <release namespace>` with --yes: 403, and the
#      namespace and the release are still there.
# Then review-dockerfiles runs hadolint and build-images' checks on the images deploy built.

. "$REPO_ROOT/tests/lib/upstream.sh"
kubectl_ai="$(upstream_tool kubectl-ai)"
log "kubectl-ai $("$kubectl_ai" version | head -n 1)"   # "version: v0.0.28"
ai_bin="$work/ai-bin" ai_home="$work/ai-home"
mkdir -p "$ai_bin" "$work/ai-tmp" "$ai_home/.config/kubectl-ai"
ln -sf "$kubectl_ai" "$ai_bin/kubectl-ai"
# A user config that would turn approval off: ai-ops must not let kubectl-ai read it.
printf 'skipPermissions: true\n' >"$ai_home/.config/kubectl-ai/config.yaml"
ai_key="sk-e2e-scripted-$RANDOM$RANDOM"   # the scripted server checks no key; it must still appear nowhere
BACKEND="app.kubernetes.io/instance=$RELEASE,app.kubernetes.io/component=backend"
backend_replicas() { kubectl get deploy -n "$NS" -l "$BACKEND" -o jsonpath='{.items[0].spec.replicas}'; }
replicas_before="$(backend_replicas)"
want=$((replicas_before + 1))
scale_cmd="kubectl scale deployment -n $NS -l $BACKEND --replicas=$want"

python3 - "$work/model-script.json" <<EOF
import json, sys
ns, rel, backend, scale = "$NS", "$RELEASE", "$BACKEND", "$scale_cmd"
tool = lambda cmd, mod: {"tool_calls": [{"name": "kubectl", "arguments": {"command": cmd, "modifies_resource": mod}}]}
steps = [
  # a. read-only: the tools' commands in their descriptions, the Helm facts in the prompt
  {"expect": ["which backend pods are running", "taskora_scale", "taskora_restart",
              "Run exactly this command, nothing added: kubectl scale deployment -n %s -l app.kubernetes.io/instance=%s,app.kubernetes.io/component=COMPONENT --replicas=N" % (ns, rel),
              "\$ helm history %s" % rel],
   "reply": tool("kubectl get pods -n %s -l %s" % (ns, backend), "no")},
  {"expect": ["%s-backend-" % rel], "reply": {"content": "The backend pods are Running (read from kubectl get pods)."}},
  # b. a change without --yes: kubectl-ai stops for approval
  {"expect": ["scale the backend to"], "reply": tool(scale, "yes")},
  # c. the same with --yes: it runs
  {"expect": ["scale the backend to"], "reply": tool(scale, "yes")},
  {"expect": ["scaled"], "reply": {"content": "Scaled the backend."}},
  # d. the model reads every Secret: the ServiceAccount may not
  {"expect": ["what secrets does the release use"], "reply": tool("kubectl get secrets -A", "no")},
  {"expect": ["forbidden"], "reply": {"content": "The API server refused to list Secrets (forbidden)."}},
  # e. the model deletes the namespace, with --yes: the ServiceAccount may not
  {"expect": ["tidy up the release"], "reply": tool("kubectl delete namespace %s" % ns, "yes")},
  {"expect": ["forbidden"], "reply": {"content": "The API server refused to delete the namespace (forbidden)."}},
]
json.dump(steps, open(sys.argv[1], "w"), indent=1)
EOF
python3 "$REPO_ROOT/tests/lib/model_server.py" --script "$work/model-script.json" --record "$work/model-requests.jsonl" \
  --port-file "$work/model-port" --lifetime 900 >"$work/model-server.log" 2>&1 &
model_pid=$!
for _ in $(seq 1 100); do [ -s "$work/model-port" ] && break; sleep 0.1; done
[ -s "$work/model-port" ] || { cat "$work/model-server.log" >&2; die "the scripted model server did not start"; }
AI_ENV=(env PATH="$ai_bin:$PATH" HOME="$ai_home" OPENAI_API_KEY="$ai_key" OPENAI_ENDPOINT="http://127.0.0.1:$(cat "$work/model-port")/v1"
        XDG_STATE_HOME="$work/ai-audit" TMPDIR="$work/ai-tmp")
ai_ops() { "${AI_ENV[@]}" "$JBANG" ai-ops@taskora "${DEPLOY[@]}" --engine kubectl-ai --set aiOps.model=scripted "$@"; }
model_requests() { grep -c . "$work/model-requests.jsonl" 2>/dev/null || echo 0; }
# The last lines of an output, on the FAIL line itself: CI's excerpt of a failed run keeps FAIL lines.
said() { tail -n 3 "$1" | tr -s ' \n' ' ' | cut -c1-300; }

# a. A read-only question, answered from what kubectl printed with the ServiceAccount's token.
rc=0
ai_ops "which backend pods are running?" >"$work/ai1.out" 2>&1 || rc=$?
if [ $rc -eq 0 ] && grep -q "Running: kubectl get pods -n $NS -l $BACKEND" "$work/ai1.out" \
   && grep -q 'The backend pods are Running' "$work/ai1.out" && [ "$(model_requests)" -eq 2 ]; then
  pass "kubectl-ai v0.0.28: a read-only question answered from real kubectl output; the model saw the tools' commands in their descriptions"
else cat "$work/ai1.out" >&2; fail "kubectl-ai: read-only question (exit $rc, $(model_requests) model request(s)): $(said "$work/ai1.out")"; fi

# b. A scale without --yes, with skipPermissions: true in the user's config: stops for approval, nothing changes.
rc=0
ai_ops "scale the backend to $want" >"$work/ai2.out" 2>&1 || rc=$?
if [ $rc -eq 6 ] && grep -qF "    $scale_cmd" "$work/ai2.out" && [ "$(backend_replicas)" = "$replicas_before" ]; then
  pass "kubectl-ai: without --yes the scale stops for approval (exit 6, the command shown) though the user's config says skipPermissions: true"
else cat "$work/ai2.out" >&2; fail "kubectl-ai without --yes: exit $rc, replicas $(backend_replicas): $(said "$work/ai2.out")"; fi

# c. With --yes it runs (the Role allows deployments/scale) and is audited, the started line first.
rc=0
ai_ops --yes "scale the backend to $want" >"$work/ai3.out" 2>&1 || rc=$?
audit_log="$work/ai-audit/taskora/ai-ops-audit.jsonl"
if [ $rc -eq 0 ] && kubectl wait deploy -n "$NS" -l "$BACKEND" --for=jsonpath='{.status.readyReplicas}'="$want" --timeout=180s >&2 \
   && [ "$(backend_replicas)" = "$want" ]; then
  pass "kubectl-ai with --yes: the backend scaled to $want Ready replicas with the ServiceAccount's token"
else cat "$work/ai3.out" >&2; fail "kubectl-ai with --yes: exit $rc, replicas $(backend_replicas): $(said "$work/ai3.out")"; fi
last2="$(grep '"engine":"kubectl-ai"' "$audit_log" | tail -n 2)"
if head -n 1 <<<"$last2" | grep -q '"outcome":"started with --yes (--skip-permissions)"' \
   && tail -n 1 <<<"$last2" | grep -q '"outcome":"ran with --yes"' && tail -n 1 <<<"$last2" | grep -qF -- "--replicas=$want"; then
  pass "the approved kubectl-ai run is audited: a started line, then what ran"
else printf '%s\n' "$last2" >&2; fail "audit log of the kubectl-ai run ($audit_log)"; fi

# d. The model lists every Secret: the API server refuses the ServiceAccount (403), and ai-ops prints it.
rc=0
ai_ops "what secrets does the release use?" >"$work/ai4.out" 2>&1 || rc=$?
if grep -q "Running: kubectl get secrets -A" "$work/ai4.out" && grep -q 'refused to list Secrets (forbidden)' "$work/ai4.out"; then
  pass "kubectl-ai: 'kubectl get secrets -A' was refused by the API server (403; the model was handed the refusal)"
else cat "$work/ai4.out" >&2; fail "kubectl-ai: get secrets -A (exit $rc): $(said "$work/ai4.out")"; fi

# e. The model deletes the release's namespace, with --yes: refused by the API server; nothing changed.
rc=0
ai_ops --yes "tidy up the release" >"$work/ai5.out" 2>&1 || rc=$?
if grep -q "Running: kubectl delete namespace $NS" "$work/ai5.out" && grep -q 'refused to delete the namespace (forbidden)' "$work/ai5.out" \
   && kubectl get namespace "$NS" -o jsonpath='{.status.phase}' | grep -qx Active && helm status "$RELEASE" -n "$NS" >/dev/null 2>&1; then
  pass "kubectl-ai: 'kubectl delete namespace $NS' was refused by the API server (403); the namespace and the release are there"
else cat "$work/ai5.out" >&2; fail "kubectl-ai: delete namespace (exit $rc): $(said "$work/ai5.out")"; fi
# What the API server answered the ServiceAccount, as kubectl printed it to kubectl-ai (and the model was sent):
python3 -c 'import json, re, sys
def strings(v):  # every string of a JSON value, and of JSON held in a string (a tool result)
    if isinstance(v, dict): v = list(v.values())
    if isinstance(v, list): return [s for x in v for s in strings(x)]
    if isinstance(v, str):
        try: return [v] + strings(json.loads(v))
        except ValueError: return [v]
    return []
seen = set()
for line in open(sys.argv[1]):
    for s in strings(json.loads(line)["request"]):
        for m in re.findall(r"Error from server \(Forbidden\)[^\n]*", s):
            if m not in seen and "\\" not in m: seen.add(m); print("  403: " + m[:200])' "$work/model-requests.jsonl" >&2 || true
kill "$model_pid" 2>/dev/null || true
unexpected="$(grep -c '"unexpected"' "$work/model-requests.jsonl" || true)"
[ "$unexpected" = 0 ] && pass "the scripted model server got $(model_requests) request(s), all expected" \
  || { grep '"unexpected"' "$work/model-requests.jsonl" | cut -c1-300 >&2; fail "the model server got $unexpected unexpected request(s)"; }
if grep -rqF "$ai_key" "$audit_log" "$work"/ai*.out; then fail "the key is in a log"; else pass "the key is in no log or output"; fi
if [ -n "$(ls -A "$work/ai-tmp")" ]; then fail "ai-ops left files in TMPDIR: $(ls -A "$work/ai-tmp")"
else pass "ai-ops removed the token's kubeconfig and kubectl-ai's trace"; fi
# Back to where it was, through ai-ops's own engine.
"${AI_ENV[@]}" "$JBANG" ai-ops@taskora "${DEPLOY[@]}" --engine builtin scale backend "$replicas_before" --yes >"$work/ai6.out" 2>&1 \
  || { cat "$work/ai6.out" >&2; fail "scale the backend back to $replicas_before"; }

# review-dockerfiles: hadolint on the three Dockerfiles, and the image checks on the images deploy built.
rc=0
"${AI_ENV[@]}" "$JBANG" ai-ops@taskora "${DEPLOY[@]}" review-dockerfiles >"$work/review.out" 2>&1 || rc=$?
checked=$(grep -c ': image .* checked$' "$work/review.out" || true)
if [ $rc -eq 0 ] && grep -q 'review: 3 Dockerfile(s), 0 finding(s), 0 error(s)' "$work/review.out" && [ "$checked" -eq 3 ]; then
  pass "review-dockerfiles: hadolint and the image checks pass on the 3 built images"
else cat "$work/review.out" >&2; fail "review-dockerfiles (exit $rc, $checked image(s) checked)"; fi

#!/usr/bin/env bash
# ai-ops on the real test cluster (issue 10), for tests/e2e/run to source once the release is
# installed and healthy (it uses run's pass/fail, $JBANG, $RELEASE, $NS, $work and the current
# kube-context), or to run by hand against such a cluster, under the machine lock:
#   KUBECONFIG=... tests/e2e/ai-ops.sh
#   1. "scale the backend to 2 replicas" without --yes changes nothing and says how to confirm;
#      with --yes the backend has 2 Ready pods;
#   2. a request that logs an error (a chat while the MCP server is scaled to 0) is shown by
#      "show me recent errors";
#   3. an image that does not exist, set on the backend, is named by "why is the backend failing";
#   4. a memory limit too small for the backend (a helm upgrade) makes diagnose say OOMKilled with
#      the limit;
#   5. "ai-ops rollback --yes" puts the previous good revision back and smoke passes;
#   6. every other verb answers; status is clean at the end;
#   7. a benchmark (printed, not asserted): a read-only request end to end and the translation,
#      20 runs each through ./jbang and as direct java, interleaved.
if ! declare -F pass >/dev/null; then # run by hand
  set -euo pipefail
  REPO_ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
  . "$REPO_ROOT/tests/lib/common.sh"
  cd "$REPO_ROOT"
  RELEASE="${RELEASE:-taskora}" NS="${NS:-taskora}" work="$(mktemp -d)" fails=0 AI_OPS_ALONE=1
  pass() { log "PASS: $*"; }
  fail() { log "FAIL: $*"; fails=$((fails + 1)); }
fi
JBANG="${JBANG:-$REPO_ROOT/jbang}"
AI=("$JBANG" ai-ops@taskora --context "$(kubectl config current-context)" --set "aiOps.auditLog=$work/ai-ops-audit.jsonl")
BE="app.kubernetes.io/instance=$RELEASE,app.kubernetes.io/component=backend"

# Running and Ready pods of a component, not being deleted.
ready_pods() {
  kubectl get pods -n "$NS" -l "app.kubernetes.io/instance=$RELEASE,app.kubernetes.io/component=$1" -o json | python3 -c '
import json, sys
pods = json.load(sys.stdin)["items"]
print(sum(1 for p in pods if not p["metadata"].get("deletionTimestamp") and p["status"].get("phase") == "Running"
          and any(c["type"] == "Ready" and c["status"] == "True" for c in p["status"].get("conditions", []))))'
}
# Waits (bounded) until a backend container status matches a Python condition on (waiting reason, last terminated reason).
wait_backend_state() {
  local cond="$1" i
  for i in $(seq 1 60); do
    kubectl get pods -n "$NS" -l "$BE" -o json | python3 -c '
import json, sys
for p in json.load(sys.stdin)["items"]:
    for c in p["status"].get("containerStatuses") or []:
        waiting = c["state"].get("waiting", {}).get("reason", "")
        last = (c.get("lastState", {}).get("terminated") or {}).get("reason", "")
        if '"$cond"':
            sys.exit(0)
sys.exit(1)' && return 0
    sleep 3
  done
  return 1
}
ai() { local out="$1"; shift; local rc=0; "${AI[@]}" "$@" </dev/null >"$work/$out" 2>&1 || rc=$?; echo $rc; }

log "ai-ops on the release"
# --- 1. a change only with --yes ---------------------------------------------------------------
rc=$(ai ai-scale1.out "scale the backend to 2 replicas")
want="$(kubectl get deploy -n "$NS" -l "$BE" -o jsonpath='{.items[0].spec.replicas}' || true)"
if [ "$rc" -eq 6 ] && [ "$want" = 1 ] && grep -q 'understood as: ai-ops scale backend 2' "$work/ai-scale1.out" \
   && grep -q 'To run it: ai-ops scale backend 2 --yes' "$work/ai-scale1.out"; then
  pass "ai-ops: a change without --yes exits 6, changes nothing, says how to confirm"
else cat "$work/ai-scale1.out" >&2; fail "ai-ops: scale without --yes (exit $rc, replicas $want)"; fi
rc=$(ai ai-scale2.out "scale the backend to 2 replicas" --yes)
n="$(ready_pods backend || true)"
[ "$rc" -eq 0 ] && [ "$n" = 2 ] && pass "ai-ops: scale --yes: the backend has 2 Ready pods" \
  || { cat "$work/ai-scale2.out" >&2; fail "ai-ops: scale --yes (exit $rc, $n Ready backend pods)"; }

# --- 2. recent errors ---------------------------------------------------------------------------
# With the MCP server scaled to 0, a chat makes the backend log "tool server unavailable" (ERROR).
rc=$(ai ai-mcp0.out scale mcp-server 0 --yes)
[ "$rc" -eq 0 ] || { cat "$work/ai-mcp0.out" >&2; fail "ai-ops: scale mcp-server 0 (exit $rc)"; }
# The MCP server drains before it stops (it serves for SHUTDOWN_DRAIN_SECONDS after SIGTERM): wait until it is gone.
for i in $(seq 1 60); do
  [ -z "$(kubectl get pods -n "$NS" -l "app.kubernetes.io/instance=$RELEASE,app.kubernetes.io/component=mcp-server" -o name)" ] && break
  sleep 2
done
pod="$(kubectl get pods -n "$NS" -l "$BE" -o jsonpath='{.items[0].metadata.name}' || true)"
kubectl port-forward -n "$NS" --address 127.0.0.1 "pod/$pod" :8000 >"$work/pf.out" 2>&1 &
pf=$!
port=""
for i in $(seq 1 30); do port="$(sed -n 's/^Forwarding from 127.0.0.1:\([0-9]*\).*/\1/p' "$work/pf.out" | head -n 1)"; [ -n "$port" ] && break; sleep 0.5; done
python3 - "$port" <<'PY' >&2 || true
import json, sys, urllib.request, uuid
base = "http://127.0.0.1:%s" % sys.argv[1]
def post(path, body, token=None):
    req = urllib.request.Request(base + path, json.dumps(body).encode(), {"Content-Type": "application/json"})
    if token: req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=30) as r: return r.status, json.load(r)
    except urllib.error.HTTPError as e: return e.code, e.read().decode()
s, u = post("/api/auth/signup", {"email": "ai-ops-%s@example.test" % uuid.uuid4().hex[:8], "password": "Ai-ops-" + uuid.uuid4().hex})
print("signup:", s)
s, r = post("/api/%s/chat" % u["user"]["id"], {"message": "add a task to buy milk"}, u["access_token"])
print("chat with the MCP server at 0 replicas:", s, r)
PY
kill "$pf" 2>/dev/null || true; wait "$pf" 2>/dev/null || true
rc=$(ai ai-errors.out "show me recent errors")
if [ "$rc" -eq 0 ] && grep -q 'ERROR  tool server unavailable' "$work/ai-errors.out"; then
  pass "ai-ops: \"show me recent errors\" shows the backend's error line"
else cat "$work/ai-errors.out" >&2; fail "ai-ops: recent errors (exit $rc)"; fi
rc=$(ai ai-mcp1.out scale mcp-server 1 --yes)
[ "$rc" -eq 0 ] || { cat "$work/ai-mcp1.out" >&2; fail "ai-ops: scale mcp-server 1 (exit $rc)"; }

# --- 3. an image that does not exist ------------------------------------------------------------
kubectl set image deployments -n "$NS" -l "$BE" backend=taskora/backend:does-not-exist >&2 || fail "kubectl set image"
if wait_backend_state 'waiting in ("ErrImagePull", "ImagePullBackOff")'; then
  rc=$(ai ai-image.out "why is the backend failing")
  if [ "$rc" -eq 1 ] && grep -q 'image taskora/backend:does-not-exist is not present on the node and cannot be pulled' "$work/ai-image.out"; then
    pass "ai-ops: \"why is the backend failing\" names the missing image and the pull failure"
  else cat "$work/ai-image.out" >&2; fail "ai-ops: diagnosis of the missing image (exit $rc)"; fi
else fail "ai-ops: the backend never showed ErrImagePull"; fi

# --- 4. a memory limit too small: a new revision -------------------------------------------------
helm upgrade "$RELEASE" "$REPO_ROOT/charts/taskora" -n "$NS" --reuse-values \
  --set backend.resources.limits.memory=24Mi --set backend.resources.requests.memory=24Mi >&2 || fail "helm upgrade with a 24Mi backend"
if wait_backend_state 'last == "OOMKilled" or c["state"].get("terminated", {}).get("reason") == "OOMKilled"'; then
  rc=$(ai ai-oom.out diagnose backend)
  if [ "$rc" -eq 1 ] && grep -q 'was OOMKilled: it needed more than its memory limit of 24Mi' "$work/ai-oom.out"; then
    pass "ai-ops: diagnose says OOMKilled with the 24Mi limit"
  else cat "$work/ai-oom.out" >&2; fail "ai-ops: diagnosis of the OOM kill (exit $rc)"; fi
else fail "ai-ops: the backend was never OOMKilled at 24Mi"; fi

# --- 5. rollback to the previous good revision, then smoke --------------------------------------
before="$(helm status "$RELEASE" -n "$NS" -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["version"])' || echo 0)"
rc=$(ai ai-rollback.out rollback --yes)
after="$(helm history "$RELEASE" -n "$NS" -o json | python3 -c 'import json,sys; h=json.load(sys.stdin); print(h[-1]["revision"], h[-1]["status"], h[-1]["description"])' || true)"
if [ "$rc" -eq 0 ] && [[ "$after" == *"deployed Rollback to $((before - 1))" ]]; then
  pass "ai-ops: rollback --yes put revision $((before - 1)) back ($after)"
else cat "$work/ai-rollback.out" >&2; fail "ai-ops: rollback (exit $rc; now $after, was $before)"; fi
if "$JBANG" smoke@taskora --context "$(kubectl config current-context)" >"$work/ai-smoke.out" 2>&1; then pass "ai-ops: smoke passes after the rollback"
else cat "$work/ai-smoke.out" >&2; fail "ai-ops: smoke after the rollback"; fi

# --- 6. the other verbs, and a clean status -----------------------------------------------------
rc=$(ai ai-restart.out "restart the frontend" --yes)
[ "$rc" -eq 0 ] && [ "$(ready_pods frontend)" = 1 ] && pass "ai-ops: restart --yes rolled the frontend" \
  || { cat "$work/ai-restart.out" >&2; fail "ai-ops: restart the frontend (exit $rc)"; }
for req in "history" "show events" "url" "logs backend" "unhealthy"; do
  rc=$(ai ai-verb.out "$req")
  [ "$rc" -eq 0 ] && pass "ai-ops $req: exit 0" || { cat "$work/ai-verb.out" >&2; fail "ai-ops $req: exit $rc"; }
done
"${AI[@]}" history >"$work/ai-history.out" 2>&1 || true
grep -q 'Rollback to' "$work/ai-history.out" || fail "ai-ops history: no rollback listed"
# metrics-server reports a pod about a minute after it starts
for i in $(seq 1 20); do rc=$(ai ai-usage.out usage); grep -q 'backend' "$work/ai-usage.out" && break; sleep 5; done
[ "$rc" -eq 0 ] && grep -q 'Mi / ' "$work/ai-usage.out" && pass "ai-ops usage: CPU and memory against requests and limits" \
  || { cat "$work/ai-usage.out" >&2; fail "ai-ops usage (exit $rc)"; }
rc=$(ai ai-status.out status)
if [ "$rc" -eq 0 ] && grep -q 'no problems found' "$work/ai-status.out"; then pass "ai-ops status is clean at the end"
else cat "$work/ai-status.out" >&2; fail "ai-ops status at the end (exit $rc)"; fi
lines="$(cat "$work/ai-ops-audit.jsonl" 2>/dev/null | wc -l)"
[ "$lines" -ge 6 ] && pass "ai-ops: $lines audit lines" || fail "ai-ops: $lines audit lines"

# --- 7. benchmark (printed, not asserted) -------------------------------------------------------
# Median and p95 of 20, through ./jbang and as direct java, interleaved (tests/lib/launcher_bench.py).
for bench in "read-only request on the test cluster|show me all pods that are not running" \
             "translation only (--dry-run --json)|--dry-run|--json|scale the API to three pods"; do
  IFS='|' read -r -a b <<<"$bench"
  JBANG="$JBANG" python3 "$REPO_ROOT/tests/lib/launcher_bench.py" --exit-only "ai-ops ${b[0]}" ai-ops@taskora "${AI[@]:2}" "${b[@]:1}" >&2 \
    || fail "ai-ops benchmark: ${b[0]}: ./jbang and direct java did not answer alike"
done
if [ -n "${AI_OPS_ALONE:-}" ]; then [ "$fails" -eq 0 ] || die "$fails ai-ops check(s) failed (outputs in $work)"; log "all ai-ops checks passed"; fi

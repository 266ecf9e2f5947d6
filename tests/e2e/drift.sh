#!/usr/bin/env bash
# Drift on the real test cluster (issue 24): changes made by hand with kubectl are found by
# `ai-ops drift` (object and field, who changed it), shown by `deploy --diff` as what deploy
# would revert, reverted by `deploy`, and no drift is left afterwards; a release with none, even
# after its HPA scaled, reports none. Sourced by tests/prod/run at its end: the release then has
# the production values (an Ingress, NetworkPolicies, the backend's HorizontalPodAutoscaler,
# which has scaled), so every drift below has its object without another upgrade. It uses the
# sourcing suite's pass/fail, $JBANG, $RELEASE, $NS, $work and the deploy options in $1.. ("${PROD[@]}").
# Or by hand against such a release, under the machine lock:
#   KUBECONFIG=... tests/e2e/drift.sh --context taskora --env prod ...
#
# The drifts, each made as a user would (kubectl set/scale/patch/delete):
#    1. the backend's image set by hand          (kubectl set image)
#    2. the frontend's replicas (no HPA)          (kubectl scale)
#    3. an env var added to the MCP server        (kubectl set env)
#    4. the frontend's memory limit changed       (kubectl set resources)
#    5. a ConfigMap key edited                    (kubectl patch configmap)
#    6. a Service's targetPort changed            (kubectl patch service)
#    7. a pod-template label removed              (kubectl patch deployment)
#    8. the Ingress host changed                  (kubectl patch ingress)
#    9. the HPA's maxReplicas edited              (kubectl patch hpa)
#   10. a NetworkPolicy deleted                   (kubectl delete networkpolicy)
#   11. a Secret key changed                      (kubectl patch secret: reported, value redacted)
# Prints `drift: N/11 found, N/11 reverted, F false positives`, and the times of `ai-ops drift`
# and `deploy --diff` (JVM start included); fails on a miss or a false positive.
if ! declare -F pass >/dev/null; then # run by hand
  set -euo pipefail
  REPO_ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
  . "$REPO_ROOT/tests/lib/common.sh"
  cd "$REPO_ROOT"
  RELEASE="${RELEASE:-taskora}" NS="${NS:-taskora}" work="$(mktemp -d)" fails=0
  pass() { log "PASS: $*"; }
  fail() { log "FAIL: $*"; fails=$((fails + 1)); }
  JBANG="$REPO_ROOT/jbang"
fi
DRIFT_DEPLOY=("$@")
# The JVM options and smoke's options of the sourcing suite (prod: its hosts file and trust store; --via ingress).
[ -n "${DRIFT_JAVA+x}" ] || DRIFT_JAVA=()
[ -n "${DRIFT_SMOKE+x}" ] || DRIFT_SMOKE=()
DRIFT_AI=("$JBANG" ai-ops@taskora --context "$(kubectl config current-context)" --release "$RELEASE" --namespace "$NS")

# drift_json FILE: `ai-ops drift --json` into FILE; prints its exit code.
drift_json() {
  local rc=0
  "${DRIFT_AI[@]}" drift --json >"$1" 2>"$1.err" || rc=$?
  echo "$rc"
}
# differences FILE: one "object<TAB>field<TAB>live<TAB>manager" line per difference of a drift --json answer.
differences() {
  python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
for f in ((d.get("result") or {}).get("differences") or []):
    print("\t".join([f["object"], f["field"], str(f["live"]), str(f["manager"] or "")]))' "$1"
}

fullname="$RELEASE"
[ "$RELEASE" = taskora ] || fullname="$RELEASE-taskora"
BE="Deployment/$fullname-backend" FE="Deployment/$fullname-frontend" MCP="Deployment/$fullname-mcp-server"
obj_of() { kubectl get "$1" -n "$NS" -l "app.kubernetes.io/instance=$RELEASE${2:+,app.kubernetes.io/component=$2}" -o name | awk 'NR == 1'; }
ingress="$(obj_of ingress)" hpa="$(obj_of hpa backend)" np="$(obj_of networkpolicy frontend)"
cm="$(obj_of configmap backend)" svc="$(obj_of service backend)"
secret="$(kubectl get secret -n "$NS" "$fullname" -o name)"
for o in ingress hpa np cm svc secret; do
  [ -n "${!o}" ] || { fail "drift: the release has no $o to drift (are the production values and the backend's HPA on?)"; return 0 2>/dev/null || exit 1; }
done
kind_of() { # ingress.networking.k8s.io/x -> Ingress/x, as drift names objects
  local k="${1%%/*}" n="${1#*/}"
  case "${k%%.*}" in
    ingress) echo "Ingress/$n" ;; horizontalpodautoscaler) echo "HorizontalPodAutoscaler/$n" ;;
    networkpolicy) echo "NetworkPolicy/$n" ;; configmap) echo "ConfigMap/$n" ;; service) echo "Service/$n" ;;
    secret) echo "Secret/$n" ;; *) echo "$1" ;;
  esac
}

# --- no drift on the release as deployed, its HPA having scaled ----------------------------
fp=0
rc="$(drift_json "$work/drift0.json")"
n0="$(differences "$work/drift0.json" | wc -l)"
if [ "$rc" = 0 ] && [ "$n0" = 0 ]; then pass "drift: none on the release as deployed (backend HPA at $(kubectl get "$hpa" -n "$NS" -o jsonpath='{.status.currentReplicas}') replica(s))"
else cat "$work/drift0.json" "$work/drift0.json.err" >&2; fp=$((fp + n0)); fail "drift: the release as deployed reports $n0 difference(s) (exit $rc)"; fi

# --- seed the drifts ------------------------------------------------------------------------
be_image="$(kubectl get deploy -n "$NS" "${BE#*/}" -o jsonpath='{.spec.template.spec.containers[0].image}')"
fe_replicas="$(kubectl get deploy -n "$NS" "${FE#*/}" -o jsonpath='{.spec.replicas}')"
kubectl set image -n "$NS" "deployment/${BE#*/}" "backend=${be_image%:*}:drift-by-hand" >&2
kubectl scale -n "$NS" "deployment/${FE#*/}" --replicas=$((fe_replicas + 1)) >&2
kubectl set env -n "$NS" "deployment/${MCP#*/}" -c mcp-server DRIFT_BY_HAND=1 >&2
kubectl set resources -n "$NS" "deployment/${FE#*/}" -c frontend --limits=memory=333Mi >&2
kubectl patch -n "$NS" "$cm" --type merge -p '{"data":{"LOG_LEVEL":"WARNING"}}' >&2
kubectl patch -n "$NS" "$svc" --type json -p '[{"op":"replace","path":"/spec/ports/0/targetPort","value":8111}]' >&2
kubectl patch -n "$NS" "deployment/${BE#*/}" --type json -p '[{"op":"remove","path":"/spec/template/metadata/labels/app.kubernetes.io~1part-of"}]' >&2
kubectl patch -n "$NS" "$ingress" --type json -p '[{"op":"replace","path":"/spec/rules/0/host","value":"drift.example.invalid"}]' >&2
kubectl patch -n "$NS" "$hpa" --type merge -p '{"spec":{"maxReplicas":7}}' >&2
kubectl delete -n "$NS" "$np" --wait=true >&2
kubectl patch -n "$NS" "$secret" --type merge -p '{"data":{"llm-api-key":"ZHJpZnQtYnktaGFuZA=="}}' >&2
# object<TAB>a pattern of the field (grep -E), one per drift, in the order above
expected="$work/drift-expected.tsv"
{
  printf '%s\t%s\n' "$BE" 'containers\[backend\]\.image$'
  printf '%s\t%s\n' "$FE" '^spec\.replicas$'
  printf '%s\t%s\n' "$MCP" 'containers\[mcp-server\]\.env\[DRIFT_BY_HAND\]'
  printf '%s\t%s\n' "$FE" 'containers\[frontend\]\.resources\.limits\.memory$'
  printf '%s\t%s\n' "$(kind_of "$cm")" '^data\.LOG_LEVEL$'
  printf '%s\t%s\n' "$(kind_of "$svc")" '^spec\.ports\[.*\]\.targetPort$'
  printf '%s\t%s\n' "$BE" '^spec\.template\.metadata\.labels\["app\.kubernetes\.io/part-of"\]$'
  printf '%s\t%s\n' "$(kind_of "$ingress")" '^spec\.rules\[0\]\.host$|^spec\.rules$'
  printf '%s\t%s\n' "$(kind_of "$hpa")" '^spec\.maxReplicas$'
  printf '%s\t%s\n' "$(kind_of "$np")" '^\(object\)$'
  printf '%s\t%s\n' "$(kind_of "$secret")" '^data\.llm-api-key$'
} >"$expected"
total="$(wc -l <"$expected")"

# matched FILE-OF-DIFFERENCES: how many expected drifts it names; extras (names no expected drift) on stdout after a line "--"
matched() {
  python3 - "$expected" "$1" <<'EOF'
import re, sys
exp = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
got = [l.rstrip("\n").split("\t") for l in open(sys.argv[2]) if l.strip()]
found = [any(g[0] == o and re.search(p, g[1]) for g in got) for o, p in exp]
extra = [g for g in got if not any(g[0] == o and re.search(p, g[1]) for o, p in exp)]
print(sum(found))
for (o, p), f in zip(exp, found):
    if not f: print("missed: %s %s" % (o, p), file=sys.stderr)
for g in extra: print("extra: " + " ".join(g), file=sys.stderr)
print(len(extra))
EOF
}

# --- ai-ops drift names each one --------------------------------------------------------------
t0=$(date +%s%N)
rc="$(drift_json "$work/drift1.json")"
drift_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
differences "$work/drift1.json" >"$work/drift1.tsv"
cat "$work/drift1.json.err" >&2
read -r found extra1 < <(matched "$work/drift1.tsv" 2>"$work/drift1.why" | paste -sd' ')
cat "$work/drift1.why" >&2
fp=$((fp + extra1))
[ "$rc" = 1 ] && pass "ai-ops drift exited 1 (drift found)" || fail "ai-ops drift exited $rc with the drifts seeded, want 1"
[ "$found" = "$total" ] && pass "ai-ops drift named $found/$total drifts by object and field" || fail "ai-ops drift named $found/$total drifts"
# who: managedFields name kubectl's managers for what was set (a deletion or a removed label is not recorded there)
who="$(awk -F'\t' '$4 ~ /^kubectl/' "$work/drift1.tsv" | wc -l)"
[ "$who" -ge 6 ] && pass "ai-ops drift said who changed $who field(s) (kubectl's managers, from managedFields)" \
  || fail "ai-ops drift named a manager for $who field(s) only, want at least 6"
grep -q 'ZHJpZnQ\|drift-by-hand"' "$work/drift1.tsv" && grep "Secret/" "$work/drift1.tsv" | grep -qv '(redacted)' \
  && fail "ai-ops drift showed a Secret value" || pass "ai-ops drift redacted the Secret's values"
grep -P "^Secret/.*\tdata\.llm-api-key\t\(redacted\)" "$work/drift1.tsv" >/dev/null && pass "ai-ops drift: the Secret key changed, value (redacted)" \
  || fail "ai-ops drift: the Secret key is not reported as changed with its value redacted"

# --- deploy --diff shows each revert, changes nothing ---------------------------------------------
gen_before="$(kubectl get deploy -n "$NS" "${BE#*/}" -o jsonpath='{.metadata.generation}')"
t0=$(date +%s%N)
rc=0
"$JBANG" "${DRIFT_JAVA[@]}" deploy@taskora "${DRIFT_DEPLOY[@]}" --diff >"$work/diff.out" 2>&1 || rc=$?
diff_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
cat "$work/diff.out" >&2
[ $rc -eq 1 ] && pass "deploy --diff exited 1 (changes)" || fail "deploy --diff exited $rc, want 1"
# its lines: an object ("Kind/name", or "Kind/name: missing -> created"), then "  field: live -> after" under it
awk '/^[A-Z][A-Za-z]*\/[^ ]+(: |$)/ { o = $1; sub(/:$/, "", o); if ($0 ~ /: missing -> created/) print o "\t(object)"; next }
     /^  [^ ]/ && o != "" { f = substr($0, 3); sub(/: .*/, "", f); print o "\t" f }' "$work/diff.out" >"$work/diff.tsv"
read -r shown extra3 < <(matched "$work/diff.tsv" 2>"$work/diff.why" | paste -sd' ')
cat "$work/diff.why" >&2
fp=$((fp + extra3))
[ "$shown" = "$total" ] && pass "deploy --diff showed $shown/$total reverts" || fail "deploy --diff showed $shown/$total reverts"
grep -q 'ZHJpZnQ' "$work/diff.out" && fail "deploy --diff showed a Secret value" || true
[ "$(kubectl get deploy -n "$NS" "${BE#*/}" -o jsonpath='{.metadata.generation}')" = "$gen_before" ] \
  && pass "deploy --diff changed nothing (the backend's generation is $gen_before)" || fail "deploy --diff changed the backend"

# --- deploy reverts it: no drift afterwards ---------------------------------------------------
rc=0
"$JBANG" "${DRIFT_JAVA[@]}" deploy@taskora "${DRIFT_DEPLOY[@]}" --skip-smoke >"$work/revert.out" 2>&1 || rc=$?
[ $rc -eq 0 ] && pass "deploy with drift ran helm and succeeded" || { cat "$work/revert.out" >&2; fail "deploy with drift exited $rc"; }
grep -q 'helm not run' "$work/revert.out" && fail "deploy said the drifted release is up to date" || true
grep -Eq 'reverted [0-9]+ drifted' "$work/revert.out" && pass "deploy's summary says what it reverted: $(grep -Eo 'reverted [0-9]+ drifted' "$work/revert.out" | head -n 1) field(s)" \
  || { cat "$work/revert.out" >&2; fail "deploy's summary does not say what it reverted"; }
rc="$(drift_json "$work/drift2.json")"
differences "$work/drift2.json" >"$work/drift2.tsv"
left="$(matched "$work/drift2.tsv" 2>"$work/drift2.why" | paste -sd' ')"
read -r still extra2 <<<"$left"
fp=$((fp + extra2))
reverted=$((total - still))
[ "$rc" = 0 ] && [ ! -s "$work/drift2.tsv" ] && pass "no drift after deploy" || { cat "$work/drift2.tsv" "$work/drift2.why" >&2; fail "drift after deploy (exit $rc)"; }
[ "$(kubectl get deploy -n "$NS" "${BE#*/}" -o jsonpath='{.spec.template.spec.containers[0].image}')" = "$be_image" ] \
  && pass "the backend runs its release image again" || fail "the backend's image was not reverted"
kubectl get -n "$NS" "$np" >/dev/null 2>&1 && pass "the deleted NetworkPolicy is back" || fail "the deleted NetworkPolicy is not back"
rc=0
"$JBANG" "${DRIFT_JAVA[@]}" deploy@taskora "${DRIFT_DEPLOY[@]}" --diff >"$work/diff2.out" 2>&1 || rc=$?
[ $rc -eq 0 ] && pass "deploy --diff exited 0 after the revert ($(tail -n 1 "$work/diff2.out"))" || { cat "$work/diff2.out" >&2; fail "deploy --diff exited $rc after the revert, want 0"; }
if "$JBANG" "${DRIFT_JAVA[@]}" smoke@taskora "${DRIFT_DEPLOY[@]}" "${DRIFT_SMOKE[@]}" >"$work/drift-smoke.out" 2>&1; then pass "smoke after the revert"
else cat "$work/drift-smoke.out" >&2; fail "smoke after the revert"; fi

log "drift: $found/$total found, $reverted/$total reverted, $fp false positives"
log "drift: ai-ops drift took ${drift_ms} ms, deploy --diff ${diff_ms} ms (JVM start included; target under 3000 ms each)"
[ "$found" = "$total" ] && [ "$reverted" = "$total" ] && [ "$fp" = 0 ] && pass "drift: $found/$total found, $reverted/$total reverted, 0 false positives" \
  || fail "drift: $found/$total found, $reverted/$total reverted, $fp false positives"
if [ -n "${AI_OPS_ALONE:-}" ] || ! declare -F testcluster_down >/dev/null; then [ "$fails" -eq 0 ] || exit 1; fi

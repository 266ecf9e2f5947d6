# ai-ops with the AI tools on the real release. Sourced by tests/e2e/run once the release is up
# (it uses run's JBANG, DEPLOY, NS, RELEASE, work, pass and fail); not a script of its own.
#
# kubectl-ai cannot run here (no LLM may be called), so its fake (tests/fakes/kubectl-ai,
# imitating v0.0.28) stands in, and the kubectl commands its plan names run for real against this
# cluster, through the minimal kubeconfig ai-ops hands it: a read-only request answers at once; a
# scale stops for approval without --yes and changes nothing; with --yes the backend really scales.
# Then review-dockerfiles runs hadolint and build-images' checks on the images deploy built.

ai_fakes="$work/ai-fakes"
mkdir -p "$ai_fakes" "$work/ai-tmp"
ln -sf "$REPO_ROOT/tests/fakes/kubectl-ai" "$ai_fakes/kubectl-ai"
ai_key="sk-e2e-fake-key-$RANDOM$RANDOM"   # a dummy: the fake contacts no LLM
AI_ENV=(env PATH="$ai_fakes:$PATH" OPENAI_API_KEY="$ai_key" TASKORA_FAKE_STATE="$work/ai-state" XDG_STATE_HOME="$work/ai-audit" TMPDIR="$work/ai-tmp")
ai_ops() { "${AI_ENV[@]}" "$JBANG" ai-ops@taskora "${DEPLOY[@]}" "$@"; }
BACKEND="app.kubernetes.io/instance=$RELEASE,app.kubernetes.io/component=backend"
backend_replicas() { kubectl get deploy -n "$NS" -l "$BACKEND" -o jsonpath='{.items[0].spec.replicas}'; }
replicas_before="$(backend_replicas)"

# A read-only request goes to kubectl-ai (named: auto keeps what the built-in engine understands), which runs kubectl get against the release.
rc=0
ai_ops --engine kubectl-ai "show me all pods that are not running" >"$work/ai1.out" 2>&1 || rc=$?
if [ $rc -eq 0 ] && grep -q '^engine: kubectl-ai' "$work/ai1.out" \
   && grep -q "Running: kubectl get pods -n $NS -l app.kubernetes.io/instance=$RELEASE" "$work/ai1.out"; then
  pass "ai-ops through kubectl-ai: a read-only request ran kubectl get on the release"
else cat "$work/ai1.out" >&2; fail "ai-ops through kubectl-ai: read-only request (exit $rc)"; fi

# A scale without --yes: kubectl-ai stops for approval, ai-ops says how to approve, nothing changes.
want=$((replicas_before + 1))
rc=0
ai_ops --engine kubectl-ai "scale the backend to $want" >"$work/ai2.out" 2>&1 || rc=$?
if [ $rc -eq 6 ] && grep -q -- "--yes 'scale the backend to $want'" "$work/ai2.out" && [ "$(backend_replicas)" = "$replicas_before" ]; then
  pass "ai-ops through kubectl-ai: without --yes the scale waits for approval (exit 6) and the backend keeps $replicas_before replica(s)"
else cat "$work/ai2.out" >&2; fail "ai-ops through kubectl-ai without --yes: exit $rc, replicas $(backend_replicas)"; fi

# With --yes kubectl-ai runs its kubectl scale (--skip-permissions): the backend really scales.
rc=0
ai_ops --engine kubectl-ai --yes "scale the backend to $want" >"$work/ai3.out" 2>&1 || rc=$?
if [ $rc -eq 0 ] && kubectl wait deploy -n "$NS" -l "$BACKEND" --for=jsonpath='{.status.readyReplicas}'="$want" --timeout=180s >&2 \
   && [ "$(backend_replicas)" = "$want" ]; then
  pass "ai-ops through kubectl-ai with --yes: the backend scaled to $want Ready replicas"
else cat "$work/ai3.out" >&2; fail "ai-ops through kubectl-ai with --yes: exit $rc, replicas $(backend_replicas)"; fi
audit_log="$work/ai-audit/taskora/ai-ops-audit.jsonl"
if grep -q '"outcome":"ran with --yes"' "$audit_log" && grep -q -- "--replicas=$want" "$audit_log" && ! grep -rq "$ai_key" "$audit_log" "$work"/ai*.out; then
  pass "the approved kubectl-ai run is in the audit log, and the key is in no log"
else fail "audit log of the kubectl-ai run ($audit_log)"; fi
if [ -n "$(ls -A "$work/ai-tmp")" ]; then fail "ai-ops left files in TMPDIR: $(ls -A "$work/ai-tmp")"
else pass "ai-ops removed the minimal kubeconfig and kubectl-ai's trace"; fi
# Back to where it was, through ai-ops's own engine.
ai_ops --engine builtin scale backend "$replicas_before" --yes >"$work/ai4.out" 2>&1 || { cat "$work/ai4.out" >&2; fail "scale the backend back to $replicas_before"; }

# review-dockerfiles: hadolint on the three Dockerfiles, and the image checks on the images deploy built.
rc=0
ai_ops review-dockerfiles >"$work/review.out" 2>&1 || rc=$?
checked=$(grep -c ': image .* checked$' "$work/review.out" || true)
if [ $rc -eq 0 ] && grep -q 'review: 3 Dockerfile(s), 0 finding(s), 0 error(s)' "$work/review.out" && [ "$checked" -eq 3 ]; then
  pass "review-dockerfiles: hadolint and the image checks pass on the 3 built images"
else cat "$work/review.out" >&2; fail "review-dockerfiles (exit $rc, $checked image(s) checked)"; fi

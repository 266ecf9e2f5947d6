# Part of suite `e2e`, sourced by tests/e2e/run after the deploys (it uses run's DEPLOY, JBANG, NS,
# RELEASE, work, pass, fail and count_tasks): `deploy --uninstall` removes the release but keeps
# the PostgreSQL volume and the Secret, and a reinstall finds the data still there.
before="$(count_tasks)"
if "$JBANG" deploy@taskora "${DEPLOY[@]}" --uninstall >"$work/uninstall.out" 2>&1; then pass "deploy --uninstall"
else cat "$work/uninstall.out" >&2; fail "deploy --uninstall"; fi
helm status "$RELEASE" -n "$NS" >/dev/null 2>&1 && fail "the release is still installed" || pass "the release is gone"
grep -q '^kept: .*persistentvolumeclaim/.*secret/' "$work/uninstall.out" \
  && pass "uninstall said what it kept: $(sed -n 's/^kept: \([^(]*\).*/\1/p' "$work/uninstall.out")" || fail "uninstall did not say what it kept"
pvcs="$(kubectl get pvc -n "$NS" -l "app.kubernetes.io/instance=$RELEASE" -o name)"  # no grep -q in a pipe under pipefail
[ -n "$pvcs" ] && pass "the PostgreSQL volume is kept: $pvcs" || fail "the PostgreSQL volume is gone"
t0=$SECONDS
if "$JBANG" deploy@taskora "${DEPLOY[@]}" --skip-smoke >"$work/reinstall.out" 2>&1; then pass "reinstall in $((SECONDS - t0))s"
else cat "$work/reinstall.out" >&2; fail "reinstall after --uninstall"; fi
after="$(count_tasks)"
if [ "$before" != none ] && [ "$before" -gt 0 ] && [ "$before" = "$after" ]; then
  pass "after uninstall and reinstall the data is still there ($after tasks)"
else
  fail "tasks across uninstall and reinstall: $before before, $after after"
fi

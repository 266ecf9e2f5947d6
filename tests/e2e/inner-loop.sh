# Part of suite `e2e` (issue 25), sourced by tests/e2e/run while the release is installed and
# healthy (it uses run's DEPLOY, JBANG, NS, RELEASE, work, pass and fail): the day-to-day loop,
# timed and printed (a benchmark: the times are not judged, what happened is):
#   a one-line change in the backend's source to a smoke-tested release; the same in the
#   frontend's; then a deploy with nothing changed.
# The change is made in a copy of the service's source (git's files only, so no virtualenv or
# node_modules), given to deploy with --set services.<name>.context=<copy>; the checkout is never
# touched. Each deploy's own summary (its steps and their times) is on its line, with what its
# docker build, build.loadCommand and helm upgrade took (TASKORA_TIMINGS=1: each command's time).
# E2E_INNER_FRONTEND=0 leaves out the frontend change (its `next build` is the longest part).
# Also checked: the backend change leaves the migration Job out (no migration changed), the
# unchanged redeploy loads no image again, and a changed migration runs the Job (not timed).
inner_copy() {  # inner_copy SERVICE: a copy of app/SERVICE with git's files, printed path
  local dest="$work/inner/$1"
  rm -rf "$dest"; mkdir -p "$dest"
  git -C "$REPO_ROOT/app/$1" ls-files -z | (cd "$REPO_ROOT/app/$1" && tar --null -T - -cf -) | tar -xf - -C "$dest"
  echo "$dest"
}
inner_summary() {  # the rows of deploy's summary table, on one line: "step 1.2s, step 3.4s, ..."
  sed -n '/^==> summary/,$p' "$1" | awk 'NR > 2 && NF >= 3 && $0 !~ /^Taskora is up/ && $0 !~ /^\[time\] / { line = line sep $0; sep = " | " } END { print line }' | tr -s ' '
}
inner_times() {  # what the commands that bound a deploy took (TASKORA_TIMINGS lines): "docker build 3.1 s, ..."
  awk '/^\[time\] / { t = $2; cmd = $0; sub(/^\[time\] [0-9.]+ s \(ended at [0-9.]+ s\) /, "", cmd)
         k = cmd ~ /^docker build / ? "docker build" : cmd ~ /cluster load/ ? "build.loadCommand" : cmd ~ /^helm upgrade --install/ ? "helm upgrade" : ""
         if (k != "") { sum[k] += t; if (!(k in seen)) { seen[k] = 1; order[++n] = k } } }
       END { for (i = 1; i <= n; i++) printf "%s%s %.1f s", (i > 1 ? ", " : ""), order[i], sum[order[i]] }' "$1"
}
inner_deploy() {  # inner_deploy LABEL OUT BUILT_WANT [--set ...]: one timed deploy, checked and printed
  local label="$1" out="$2" want="$3" rev_before rev_after t0 secs
  shift 3
  rev_before="$(helm_json "$RELEASE" "$NS" 'd["version"]')"
  t0=$(date +%s%N)
  if TASKORA_TIMINGS=1 "$JBANG" deploy@taskora "${DEPLOY[@]}" "$@" >"$out" 2>&1; then
    secs="$(( ($(date +%s%N) - t0) / 1000000 ))"
    secs="$((secs / 1000)).$(printf '%03d' $((secs % 1000)) | cut -c1)"
    rev_after="$(helm_json "$RELEASE" "$NS" 'd["version"]')"
    log "inner loop: $label: ${secs} s (helm revision $rev_before -> $rev_after; commands: $(inner_times "$out"); $(inner_summary "$out"))"
    grep -q "$want" "$out" && pass "inner loop: $label: $want" || { cat "$out" >&2; fail "inner loop: $label: no '$want' in deploy's output"; }
  else
    cat "$out" >&2; fail "inner loop: $label: deploy failed"
  fi
}

be_src="$(inner_copy backend)"
echo "# inner loop $(date +%s%N)" >>"$be_src/app/main.py"
inner_deploy "backend one-line change to a smoke-tested release" "$work/inner-backend.out" "1 built, 2 unchanged" \
  --set "services.backend.context=$be_src"
grep -q 'smoke' "$work/inner-backend.out" || fail "inner loop: the backend change was not smoke-tested"
grep -q 'the migration Job is left out' "$work/inner-backend.out" \
  && pass "inner loop: the backend change left the migration Job out (its migrations did not change)" \
  || fail "inner loop: the backend change ran the migration Job, though no migration changed"

if [ "${E2E_INNER_FRONTEND:-1}" = 1 ]; then
  fe_src="$(inner_copy frontend)"
  echo "// inner loop $(date +%s%N)" >>"$fe_src/src/app/layout.tsx"
  inner_deploy "frontend one-line change to a smoke-tested release" "$work/inner-frontend.out" "1 built, 2 unchanged" \
    --set "services.backend.context=$be_src" --set "services.frontend.context=$fe_src"
  unchanged=(--set "services.backend.context=$be_src" --set "services.frontend.context=$fe_src")
else
  log "inner loop: the frontend change not run (E2E_INNER_FRONTEND=$E2E_INNER_FRONTEND)"
  unchanged=(--set "services.backend.context=$be_src")
fi
inner_deploy "unchanged redeploy" "$work/inner-unchanged.out" "0 built, 3 unchanged" "${unchanged[@]}"
grep -q 'up to date' "$work/inner-unchanged.out" && pass "inner loop: unchanged redeploy left the release alone" \
  || fail "inner loop: unchanged redeploy ran helm"
grep -q 'not run for it' "$work/inner-unchanged.out" && ! grep -q '\$ .*cluster load' "$work/inner-unchanged.out" \
  && pass "inner loop: unchanged redeploy loaded no image again (the release's pods run them)" \
  || fail "inner loop: unchanged redeploy ran build.loadCommand again"
# A change in the migrations (a comment in alembic/env.py) runs the migration Job again.
migration_runs() { kubectl get events -n "$NS" --field-selector involvedObject.kind=Job,involvedObject.name="$RELEASE-migrations",reason=Completed -o name | wc -l; }
echo "# inner loop $(date +%s%N)" >>"$be_src/alembic/env.py"
runs_before="$(migration_runs)"
if "$JBANG" deploy@taskora "${DEPLOY[@]}" "${unchanged[@]}" --skip-smoke >"$work/inner-migrations.out" 2>&1; then
  runs_after="$(migration_runs)"
  if [ "$runs_after" -gt "$runs_before" ] && ! grep -q 'the migration Job is left out' "$work/inner-migrations.out"; then
    pass "inner loop: a changed migration ran the migration Job (completed Jobs: $runs_before -> $runs_after)"
  else fail "inner loop: a changed migration did not run the migration Job (completed Jobs: $runs_before -> $runs_after)"; fi
else
  cat "$work/inner-migrations.out" >&2; fail "inner loop: the deploy of a changed migration failed"
fi
# The changed images carry a new tag on every run: out of the local engine again (the release's
# pods keep the copies in the cluster's runtime), so runs do not pile them up.
inner_images="$( { grep -ho 'taskora/backend:sha-[0-9a-f]*' "$work/inner-backend.out"
  grep -ho 'taskora/frontend:sha-[0-9a-f]*' "$work/inner-frontend.out" 2>/dev/null
  grep -ho 'taskora/backend:sha-[0-9a-f]*' "$work/inner-migrations.out" 2>/dev/null; } | sort -u \
  | grep -vxF -f <(grep -ho 'taskora/[a-z-]*:sha-[0-9a-f]*' "$work/deploy1.out" | sort -u) || true)"
[ -z "$inner_images" ] || docker rmi $inner_images >/dev/null 2>&1 || true

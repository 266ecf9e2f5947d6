#!/usr/bin/env bash
# tests/e2e/chart-upgrade.sh RELEASE NAMESPACE: a chart-version-only upgrade keeps every pod.
#
# Called by tests/e2e/run on the test cluster with the release installed (KUBECONFIG and the
# cluster's kubectl set). Upgrades the release to a copy of charts/taskora whose Chart.yaml
# `version` alone is bumped, with the release's own values (--reuse-values), then checks that
# the upgrade was applied (new revision, objects labelled with the new chart version) and that
# no pod was replaced: the PostgreSQL pod and the app pods keep their UIDs (pod templates carry
# no chart-version label, so a chart-only release restarts nothing). Exits 1 on a failed check.
set -euo pipefail
SUITE="${SUITE:-e2e}"
. "$(dirname "$0")/../lib/common.sh"
[ $# -eq 2 ] || die "usage: tests/e2e/chart-upgrade.sh RELEASE NAMESPACE"
release="$1" ns="$2"
ensure_helm
fails=0
pass() { log "PASS: $*"; }
fail() { log "FAIL: $*"; fails=$((fails + 1)); }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -r "$REPO_ROOT/charts/taskora" "$work/taskora"
old="$(sed -n 's/^version: *//p' "$work/taskora/Chart.yaml")"
new="$old-chartonly.1"
sed -i "s/^version: .*/version: $new/" "$work/taskora/Chart.yaml"

# name=uid of the release's long-running pods (not the helm test or migration pods)
pod_uids() {
  kubectl get pods -n "$ns" -l "app.kubernetes.io/instance=$release,app.kubernetes.io/component in (frontend,backend,mcp-server,postgresql)" \
    -o jsonpath='{range .items[*]}{.metadata.labels.app\.kubernetes\.io/component}/{.metadata.name}={.metadata.uid}{"\n"}{end}' | sort
}
rev() { helm status "$release" -n "$ns" -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["version"])'; }

before="$(pod_uids)"
rev_before="$(rev)"
grep -q '^postgresql/' <<<"$before" || die "no PostgreSQL pod of release $release in namespace $ns"
log "upgrading $release from chart $old to $new (only Chart.yaml's version differs), values reused"
helm upgrade "$release" "$work/taskora" -n "$ns" --reuse-values --wait --timeout 5m >"$work/upgrade.out" 2>&1 \
  || { cat "$work/upgrade.out" >&2; die "the chart-version-only upgrade failed (output above)"; }
after="$(pod_uids)"

rev_after="$(rev)"
[ "$rev_after" -gt "$rev_before" ] && pass "chart-only upgrade applied: revision $rev_before -> $rev_after" \
  || fail "chart-only upgrade: revision still $rev_after"
label="$(kubectl get statefulset -n "$ns" -l "app.kubernetes.io/instance=$release,app.kubernetes.io/component=postgresql" \
  -o jsonpath='{.items[0].metadata.labels.helm\.sh/chart}')"
[ "$label" = "taskora-$new" ] && pass "the StatefulSet is labelled helm.sh/chart=$label" \
  || fail "the StatefulSet is labelled helm.sh/chart=$label, want taskora-$new"
pg_before="$(grep '^postgresql/' <<<"$before")" pg_after="$(grep '^postgresql/' <<<"$after" || true)"
[ "$pg_before" = "$pg_after" ] && pass "the PostgreSQL pod was kept (same UID: ${pg_before#*=})" \
  || fail "the PostgreSQL pod was replaced: before $pg_before, after ${pg_after:-none}"
[ "$before" = "$after" ] && pass "no app pod was replaced ($(wc -l <<<"$before") pods, same UIDs)" \
  || { fail "pods were replaced by a chart-only upgrade"; diff <(echo "$before") <(echo "$after") >&2 || true; }
[ $fails -eq 0 ]

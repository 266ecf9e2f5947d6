# Shell helpers for the suites that run the app on the test cluster (tests/cluster/cluster):
# e2e, resilience, and any other. Source it after common.sh; do not run it.
#
#   . "$(dirname "$0")/../lib/common.sh"
#   . "$(dirname "$0")/../lib/testcluster.sh"
#
# Gives:
#   CLUSTER, JBANG                      the cluster script and the JBang launcher
#   testcluster_up WORKDIR [UP-OPTION...] refuses when a test cluster already runs (it is someone
#                                       else's), builds the stand-in base images, starts the
#                                       cluster, exports KUBECONFIG and PATH
#   testcluster_down                    stops the cluster, only if testcluster_up started it and
#                                       TESTCLUSTER_KEEP is empty (then it says how to reach it)
#   testcluster_diagnostics NS          pods, Services, PVCs and the last events of NS, on stderr
#   testcluster_deploy_args             fills the array DEPLOY with the options every deploy on
#                                       this cluster needs (context, stand-in bases, image loading,
#                                       the proxy's CA bundle), and loads the stand-in PostgreSQL
#   psql_in NS RELEASE SQL              runs SQL in the release's PostgreSQL pod (psql -tA), prints rows
#   helm_json RELEASE NS EXPR           a field of `helm status -o json`, e.g. 'd["version"]'

CLUSTER="$REPO_ROOT/tests/cluster/cluster"
JBANG="$REPO_ROOT/jbang"
TESTCLUSTER_STARTED=""
TESTCLUSTER_KEEP="${TESTCLUSTER_KEEP:-}"

testcluster_up() {
  local work="$1" t0
  shift
  if "$CLUSTER" status >/dev/null 2>&1; then
    die "a test cluster is already running (tests/cluster/cluster status): stop it with 'tests/cluster/cluster down' first"
  fi
  log "stand-in base images (no registry can be reached here)"
  "$REPO_ROOT/dockerfiles/stand-in/make-stand-ins" >&2
  t0=$SECONDS
  TESTCLUSTER_STARTED=1
  "$CLUSTER" up "$@" >"$work/up.out"
  KUBECONFIG="$(sed -n 's/^KUBECONFIG=//p' "$work/up.out")"
  PATH="$(sed -n 's/^PATH_ADD=//p' "$work/up.out"):$PATH"
  export KUBECONFIG PATH
  log "cluster up in $((SECONDS - t0))s"
}

testcluster_down() {
  [ -n "$TESTCLUSTER_STARTED" ] || return 0
  if [ -n "$TESTCLUSTER_KEEP" ]; then
    log "the cluster stays up, as asked (KUBECONFIG=${KUBECONFIG:-}); stop it with 'tests/cluster/cluster down'"
  else
    "$CLUSTER" down >&2 || true
  fi
}

testcluster_diagnostics() {
  local ns="$1"
  log "diagnostics follow"
  kubectl get pods,svc,pvc -n "$ns" -o wide >&2 2>/dev/null || true
  kubectl get events -n "$ns" --sort-by=.lastTimestamp 2>/dev/null | tail -n 25 >&2 || true
}

testcluster_deploy_args() {
  # This cluster's context, the stand-in bases, and the stand-in PostgreSQL (from
  # build-args.yaml). Images are loaded into the cluster's runtime after each build, as
  # `kind load` or a registry push would on another cluster.
  DEPLOY=(--context "$(kubectl config current-context)"
          --set build.buildArgsFile=dockerfiles/stand-in/build-args.yaml
          --set "build.loadCommand=$CLUSTER load {image}")
  # This machine's TLS-intercepting proxy: pip and npm inside the builds need its CA bundle.
  if [ -s /etc/ssl/certs/ca-certificates.crt ]; then
    DEPLOY+=(--set build.secrets.ca-bundle=/etc/ssl/certs/ca-certificates.crt)
  fi
  # The database image is not built by deploy: the stand-in PostgreSQL goes into the cluster here.
  local pg_image
  pg_image="$(sed -n '/^postgresql:/,$p' "$REPO_ROOT/dockerfiles/stand-in/build-args.yaml" \
    | awk '/repository:/ {r=$2} /tag:/ {t=$2} END {print r ":" t}')"
  "$CLUSTER" load "$pg_image" >&2
}

psql_in() {
  local ns="$1" release="$2" sql="$3" pod
  pod="$(kubectl get pod -n "$ns" -l "app.kubernetes.io/instance=$release,app.kubernetes.io/component=postgresql" \
    -o name | head -n 1)"
  [ -n "$pod" ] || { log "no PostgreSQL pod of release $release in $ns"; return 1; }
  kubectl exec -n "$ns" "$pod" -- sh -c 'psql -U "$POSTGRES_USER" -d "$POSTGRES_DB" -v ON_ERROR_STOP=1 -tAc "$1"' sh "$sql"
}

helm_json() {
  helm status "$1" -n "$2" -o json | python3 -c "import json,sys; d=json.load(sys.stdin); print($3)"
}

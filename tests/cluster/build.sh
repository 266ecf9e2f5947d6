# Builds the cluster's binaries from the Go module proxy into $CLUSTER_HOME/bin.
# Sourced by tests/cluster/cluster; not run on its own.
#
# Kubernetes: a wrapper module requires k8s.io/kubernetes $K8S_VERSION and replaces every
# staging module (./staging/src/k8s.io/X in that release's go.mod) with its published
# v0.<minor>.<patch>, so `go build` works from the proxy alone. All commands build in one
# `go build` so shared packages compile once.

K8S_VERSION="${K8S_VERSION:-v1.33.13}"
ETCD_VERSION="${ETCD_VERSION:-v3.5.35}"
COREDNS_VERSION="${COREDNS_VERSION:-v1.12.3}"
LOCAL_PATH_VERSION="${LOCAL_PATH_VERSION:-v0.0.30}"
METRICS_SERVER_VERSION="${METRICS_SERVER_VERSION:-v0.7.2}"
TRAEFIK_VERSION="${TRAEFIK_VERSION:-v3.6.12}"          # v3.7.x needs modules the proxy does not serve
KUBE_ROUTER_VERSION="${KUBE_ROUTER_VERSION:-v2.1.0}"   # the only v2 the proxy serves (see README: known flaws)
GOPROXY_URL="${GOPROXY_URL:-https://proxy.golang.org}"

K8S_CMDS=(kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl)

# build_stamp: what the binaries in bin/ were built from; a change rebuilds.
build_stamp() {
  echo "k8s=$K8S_VERSION etcd=$ETCD_VERSION coredns=$COREDNS_VERSION local-path=$LOCAL_PATH_VERSION metrics-server=$METRICS_SERVER_VERSION traefik=$TRAEFIK_VERSION kube-router=$KUBE_ROUTER_VERSION go=$(go env GOVERSION) v3"
}

build_all() {
  local stamp="$CLUSTER_HOME/bin/.built"
  if [ "$(cat "$stamp" 2>/dev/null)" = "$(build_stamp)" ]; then return 0; fi
  command -v go >/dev/null || die "go is not on PATH: install Go 1.26 or newer (https://go.dev/dl) and retry"
  local gv gmin; gv="$(go env GOVERSION)"; gmin="${gv#go1.}"; gmin="${gmin%%.*}"
  [[ "$gmin" =~ ^[0-9]+$ ]] && [ "$gmin" -ge 26 ] \
    || die "Go $gv is too old to build etcd $ETCD_VERSION (its go.mod asks for 1.26): install Go 1.26 or newer"
  local t0=$SECONDS
  mkdir -p "$CLUSTER_HOME/bin" "$CLUSTER_HOME/src"
  # The small builds run beside Kubernetes' (whose link steps leave a core idle); log apart.
  local small_log="$CLUSTER_HOME/src/small-builds.log" small_pid
  mkdir -p "$CLUSTER_HOME/src"
  ( build_etcd; build_coredns; build_local_path; build_metrics_server; build_kube_router; build_traefik ) >"$small_log" 2>&1 &
  small_pid=$!
  build_kubernetes
  if ! wait "$small_pid"; then
    tail -n 20 "$small_log" >&2
    die "building etcd/CoreDNS/local-path-provisioner/metrics-server/kube-router/Traefik failed; full log: $small_log"
  fi
  build_stamp >"$stamp"
  log "build done in $((SECONDS - t0)) s ($(du -sh "$CLUSTER_HOME/bin" | cut -f1) of binaries)"
}

_gobuild() { # _gobuild DIR ARGS...: a nice'd, trimmed, stripped go build in module DIR
  local dir="$1"; shift
  (cd "$dir" && GOFLAGS=-trimpath GOTOOLCHAIN=local CGO_ENABLED=0 nice -n 10 go build "$@")
}

build_kubernetes() {
  local have=1 c v
  for c in "${K8S_CMDS[@]}"; do
    if [ "$c" = kubectl ]; then v="$("$CLUSTER_HOME/bin/$c" version --client 2>/dev/null || true)"
    else v="$("$CLUSTER_HOME/bin/$c" --version 2>/dev/null || true)"; fi
    [[ "$v" == *"$K8S_VERSION"* ]] || have=0
  done
  [ $have -eq 1 ] && return 0
  local src="$CLUSTER_HOME/src/kubernetes-$K8S_VERSION" minor staging=() m
  minor="v0.${K8S_VERSION#v1.}"   # v1.33.13 -> v0.33.13
  mkdir -p "$src"
  log "building Kubernetes $K8S_VERSION (${K8S_CMDS[*]}) from the Go module proxy (once; 10-25 min on 2 cores)"
  local upstream
  upstream="$(curl -fsSL "$GOPROXY_URL/k8s.io/kubernetes/@v/$K8S_VERSION.mod")" \
    || die "cannot fetch k8s.io/kubernetes@$K8S_VERSION's go.mod from $GOPROXY_URL: check the network or GOPROXY_URL"
  mapfile -t staging < <(printf '%s\n' "$upstream" | sed -n 's#^[[:space:]]*\(k8s.io/[^ ]*\) => ./staging/src/.*#\1#p')
  [ ${#staging[@]} -gt 10 ] || die "found no staging replace directives in k8s.io/kubernetes@$K8S_VERSION's go.mod"
  local build_date
  build_date="$(curl -fsSL "$GOPROXY_URL/k8s.io/kubernetes/@v/$K8S_VERSION.info" | sed -n 's/.*"Time": *"\([^"]*\)".*/\1/p')"
  # The upstream go.mod with its module line renamed, k8s.io/kubernetes itself required and the
  # staging replaces pointed at the published modules: same pins, same godebug defaults.
  {
    printf '%s\n' "$upstream" | sed -e 's#^module k8s.io/kubernetes$#module taskora.local/cluster-build#' \
      -e "s#^\([[:space:]]*\)\(k8s.io/[^ ]*\) => ./staging/src/.*#\1\2 => \2 $minor#"
    echo
    echo "require k8s.io/kubernetes $K8S_VERSION"
  } >"$src/go.mod"
  echo "package build" >"$src/doc.go"
  local pkgs=() major=${K8S_VERSION#v}; major=${major%%.*}
  local min=${K8S_VERSION#v*.}; min=${min%%.*}
  for c in "${K8S_CMDS[@]}"; do pkgs+=("k8s.io/kubernetes/cmd/$c"); done
  local ld="-s -w" p
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld+=" -X $p.gitVersion=$K8S_VERSION -X $p.gitMajor=$major -X $p.gitMinor=$min"
    ld+=" -X $p.gitTreeState=clean -X $p.buildDate=$build_date"
  done
  (cd "$src" && GOFLAGS="-mod=mod -trimpath" GOTOOLCHAIN=local CGO_ENABLED=0 \
    nice -n 10 go build -o "$CLUSTER_HOME/bin/" -ldflags "$ld" "${pkgs[@]}") \
    || die "building Kubernetes failed (see above); the wrapper module is $src/go.mod"
}

# A module of our own that requires MODULE@VERSION and builds PKGS into bin/: for upstream
# modules whose go.mod carries replace directives (etcd), where `go install m@v` refuses.
_wrapper_build() { # _wrapper_build NAME "MODULE VERSION..." LDFLAGS PKG...
  local name="$1" reqs="$2" ld="$3"; shift 3
  local src="$CLUSTER_HOME/src/$name" m v
  mkdir -p "$src"
  { echo "module taskora.local/$name-build"; echo; echo "go 1.24.0"; echo
    printf '%s\n' "$reqs" | while read -r m v; do [ -n "$m" ] && echo "require $m $v"; done
  } >"$src/go.mod"
  ls "$src"/*.go >/dev/null 2>&1 || echo "package build" >"$src/doc.go"
  (cd "$src" && GOFLAGS="-mod=mod -trimpath" GOTOOLCHAIN=local CGO_ENABLED=0 \
    nice -n 10 go build -o "$CLUSTER_HOME/bin/" -ldflags "$ld" "$@") \
    || die "building $name failed (see above); the wrapper module is $src/go.mod"
}

build_etcd() {
  [ -x "$CLUSTER_HOME/bin/etcd" ] && "$CLUSTER_HOME/bin/etcd" --version 2>/dev/null | grep -q "${ETCD_VERSION#v}" && return 0
  log "building etcd $ETCD_VERSION from the Go module proxy (once)"
  _wrapper_build etcd "go.etcd.io/etcd/server/v3 $ETCD_VERSION
go.etcd.io/etcd/etcdctl/v3 $ETCD_VERSION" "-s -w" go.etcd.io/etcd/server/v3 go.etcd.io/etcd/etcdctl/v3
  mv -f "$CLUSTER_HOME/bin/server" "$CLUSTER_HOME/bin/etcd" 2>/dev/null || true
  [ -x "$CLUSTER_HOME/bin/etcd" ] || die "etcd binary missing after the build"
}

# CoreDNS with only the plugins a cluster DNS needs (no forward: it answers cluster.local and
# nothing else), the documented way to pick plugins: our own main setting dnsserver.Directives.
build_coredns() {
  [ -x "$CLUSTER_HOME/bin/coredns" ] && "$CLUSTER_HOME/bin/coredns" -version 2>/dev/null | grep -q "${COREDNS_VERSION#v}" && return 0
  log "building CoreDNS $COREDNS_VERSION from the Go module proxy (once)"
  local src="$CLUSTER_HOME/src/coredns"
  mkdir -p "$src"
  cp "$CLUSTER_DIR/images/coredns/main.go" "$src/main.go"
  rm -f "$src/doc.go"
  _wrapper_build coredns "github.com/coredns/coredns $COREDNS_VERSION" "-s -w" .
  mv -f "$CLUSTER_HOME/bin/coredns-build" "$CLUSTER_HOME/bin/coredns"
}

build_local_path() {
  [ -x "$CLUSTER_HOME/bin/local-path-provisioner" ] && [ "$(cat "$CLUSTER_HOME/bin/.local-path" 2>/dev/null)" = "$LOCAL_PATH_VERSION" ] && return 0
  log "building local-path-provisioner $LOCAL_PATH_VERSION from the Go module proxy (once)"
  (GOBIN="$CLUSTER_HOME/bin" GOFLAGS=-trimpath GOTOOLCHAIN=local CGO_ENABLED=0 nice -n 10 \
    go install -ldflags "-s -w -X main.VERSION=$LOCAL_PATH_VERSION" "github.com/rancher/local-path-provisioner@$LOCAL_PATH_VERSION") \
    || die "building local-path-provisioner failed (see above)"
  echo "$LOCAL_PATH_VERSION" >"$CLUSTER_HOME/bin/.local-path"
}

build_metrics_server() {
  [ -x "$CLUSTER_HOME/bin/metrics-server" ] && [ "$(cat "$CLUSTER_HOME/bin/.metrics-server" 2>/dev/null)" = "$METRICS_SERVER_VERSION" ] && return 0
  log "building metrics-server $METRICS_SERVER_VERSION from the Go module proxy (once)"
  (GOBIN="$CLUSTER_HOME/bin" GOFLAGS=-trimpath GOTOOLCHAIN=local CGO_ENABLED=0 nice -n 10 \
    go install -ldflags "-s -w -X k8s.io/client-go/pkg/version.gitVersion=$METRICS_SERVER_VERSION -X k8s.io/component-base/version.gitVersion=$METRICS_SERVER_VERSION" \
    "sigs.k8s.io/metrics-server/cmd/metrics-server@$METRICS_SERVER_VERSION") \
    || die "building metrics-server failed (see above)"
  echo "$METRICS_SERVER_VERSION" >"$CLUSTER_HOME/bin/.metrics-server"
}

# Traefik, the ingress controller (run on the host, outside the cluster). Its go.mod has replace
# and exclude directives, so `go install m@v` refuses: a wrapper module made from that go.mod
# (module line renamed, Traefik itself required), the same pins, as for Kubernetes.
build_traefik() {
  [ -x "$CLUSTER_HOME/bin/traefik" ] && "$CLUSTER_HOME/bin/traefik" version 2>/dev/null | grep -q "${TRAEFIK_VERSION}$" && return 0
  log "building Traefik $TRAEFIK_VERSION from the Go module proxy (once; ~5 min on 2 cores)"
  local src="$CLUSTER_HOME/src/traefik-$TRAEFIK_VERSION" upstream t0=$SECONDS
  mkdir -p "$src"
  upstream="$(curl -fsSL "$GOPROXY_URL/github.com/traefik/traefik/v3/@v/$TRAEFIK_VERSION.mod")" \
    || die "cannot fetch Traefik $TRAEFIK_VERSION's go.mod from $GOPROXY_URL: check the network or GOPROXY_URL"
  { printf '%s\n' "$upstream" | sed -e 's#^module github.com/traefik/traefik/v3$#module taskora.local/traefik-build#'
    echo; echo "require github.com/traefik/traefik/v3 $TRAEFIK_VERSION"
  } >"$src/go.mod"
  echo "package build" >"$src/doc.go"
  local date v=github.com/traefik/traefik/v3/pkg/version
  date="$(curl -fsSL "$GOPROXY_URL/github.com/traefik/traefik/v3/@v/$TRAEFIK_VERSION.info" | sed -n 's/.*"Time": *"\([^"]*\)".*/\1/p')"
  (cd "$src" && GOFLAGS="-mod=mod -trimpath" GOTOOLCHAIN=local CGO_ENABLED=0 nice -n 10 go build -o "$CLUSTER_HOME/bin/" \
    -ldflags "-s -w -X $v.Version=$TRAEFIK_VERSION -X $v.BuildDate=$date" github.com/traefik/traefik/v3/cmd/traefik) \
    || die "building Traefik failed (see above); the wrapper module is $src/go.mod"
  log "Traefik built in $((SECONDS - t0)) s ($(du -h "$CLUSTER_HOME/bin/traefik" | cut -f1))"
}

# kube-router, only its NetworkPolicy controller (up --network-policies): no replace directives.
build_kube_router() {
  # (--version prints on stderr)
  [ -x "$CLUSTER_HOME/bin/kube-router" ] && "$CLUSTER_HOME/bin/kube-router" --version 2>&1 | grep -q "version $KUBE_ROUTER_VERSION," && return 0
  log "building kube-router $KUBE_ROUTER_VERSION from the Go module proxy (once; ~2 min on 2 cores)"
  local t0=$SECONDS v=github.com/cloudnativelabs/kube-router/v2/pkg/version
  (GOBIN="$CLUSTER_HOME/bin" GOFLAGS=-trimpath GOTOOLCHAIN=local CGO_ENABLED=0 nice -n 10 \
    go install -ldflags "-s -w -X $v.Version=$KUBE_ROUTER_VERSION -X $v.BuildDate=module-proxy" \
    "github.com/cloudnativelabs/kube-router/v2/cmd/kube-router@$KUBE_ROUTER_VERSION") \
    || die "building kube-router failed (see above)"
  log "kube-router built in $((SECONDS - t0)) s ($(du -h "$CLUSTER_HOME/bin/kube-router" | cut -f1))"
}

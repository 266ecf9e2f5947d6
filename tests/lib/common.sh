# Shared shell helpers for the test suites. Source it; do not run it.
#
#   . "$(dirname "$0")/../lib/common.sh"
#
# Gives: REPO_ROOT, TASKORA_CACHE, log/die (and an ERR trap naming the command that stopped a suite), is_optional, need_packages, ensure_dockerd, go_tool.

set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# Everything the tests build or download once lives here, outside the repo, and is reused.
TASKORA_CACHE="${TASKORA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/taskora}"
mkdir -p "$TASKORA_CACHE/bin"
export REPO_ROOT TASKORA_CACHE
export PATH="$TASKORA_CACHE/bin:$PATH"

log() { printf '%s [%s] %s\n' "$(date +%H:%M:%S)" "${SUITE:-tests}" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
# A command that stops a suite through `set -e` names itself, so a red run says where it broke.
on_err() { [[ $- == *e* ]] && log "ERROR: exit $1 from line $2 of ${BASH_SOURCE[1]#"$REPO_ROOT"/}: $3"; return 0; }
trap 'on_err $? $LINENO "$BASH_COMMAND"' ERR

# is_optional ID: the caller declared the check ID optional (TASKORA_OPTIONAL=ID[,ID...]). A check
# that cannot run fails its suite, unless it is optional; then the suite's summary reports it as
# skipped (never as passed).
is_optional() { case ",${TASKORA_OPTIONAL:-}," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }

# need_packages PKG...: installs the Debian packages that are not installed yet.
need_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || die "missing Debian packages ${missing[*]}: run as root or install them with apt-get"
  log "installing Debian packages: ${missing[*]}"
  # The package lists may be stale or absent on a fresh machine; refresh once per run.
  if [ -z "${_APT_UPDATED:-}" ]; then
    apt-get update -qq >/dev/null
    _APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# ensure_dockerd: makes sure a Docker engine answers, starting Debian's dockerd when none runs.
# Puts a `docker` that is Debian's 20.10 client (BuildKit built in) first on PATH: the newer
# client in /usr/local/bin has no buildx, and without BuildKit the per-Dockerfile
# .dockerignore files are ignored.
ensure_dockerd() {
  need_packages docker.io
  mkdir -p "$TASKORA_CACHE/docker-client"
  ln -sf /usr/bin/docker "$TASKORA_CACHE/docker-client/docker"
  case ":$PATH:" in *":$TASKORA_CACHE/docker-client:"*) ;; *) export PATH="$TASKORA_CACHE/docker-client:$PATH" ;; esac
  export DOCKER_BUILDKIT=1
  if docker info >/dev/null 2>&1; then return 0; fi
  log "no Docker engine answers: starting dockerd (log: $TASKORA_CACHE/dockerd.log)"
  # Started without the descriptors this shell holds above 2: dockerd outlives the suite, and one
  # of them may be the test cluster's lock (`flock /tmp/taskora-testcluster.lock tests/run e2e`
  # hands it to its command), which dockerd and its containerd would then hold for ever.
  (
    for fd in /proc/self/fd/*; do fd="${fd##*/}"; [ "$fd" -gt 2 ] 2>/dev/null && eval "exec $fd>&-"; done
    exec nohup dockerd >"$TASKORA_CACHE/dockerd.log" 2>&1
  ) &
  local i
  for i in $(seq 1 60); do
    docker info >/dev/null 2>&1 && return 0
    sleep 1
  done
  die "dockerd did not answer within 60 s; see $TASKORA_CACHE/dockerd.log"
}

# go_tool NAME MODULE@VERSION [LDFLAGS]: builds a Go tool once into $TASKORA_CACHE/bin (pinned
# version; extra -ldflags such as -X version stamps). Prints the path of the binary.
go_tool() {
  local name="$1" spec="$2" ldflags="-s -w ${3:-}" stamp
  stamp="$TASKORA_CACHE/bin/.$name.version"
  if [ -x "$TASKORA_CACHE/bin/$name" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$spec" ]; then
    echo "$TASKORA_CACHE/bin/$name"; return 0
  fi
  log "building $spec (once; cached in $TASKORA_CACHE/bin)"
  GOBIN="$TASKORA_CACHE/bin" GOFLAGS=-trimpath go install -ldflags="$ldflags" "$spec" >&2
  echo "$spec" >"$stamp"
  echo "$TASKORA_CACHE/bin/$name"
}

# The helm every suite uses: pinned, built from the Go module proxy, reporting its real version.
HELM_VERSION="${HELM_VERSION:-v3.22.0}"
ensure_helm() {
  go_tool helm "helm.sh/helm/v3/cmd/helm@$HELM_VERSION" "-X helm.sh/helm/v3/internal/version.version=$HELM_VERSION" >/dev/null
}

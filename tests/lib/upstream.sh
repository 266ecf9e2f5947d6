# The tools Taskora drives that no registry here serves, built from their tagged source and cached.
# Source it after common.sh.
#
#   upstream_tool kubectl-ai    prints the path of kubectl-ai v0.0.28, building it once
#   upstream_tool minikube      prints the path of minikube v1.38.1, building it once
#   upstream_tool kagent        the kagent CLI v0.9.12 (kagent's Go module go/, ./core/cli/cmd/kagent)
#   upstream_tool kagent-controller   kagent's controller v0.9.12 (./core/cmd/controller)
#   upstream_tool kagent-adk    kagent's Go agent runtime v0.9.12 (./adk/cmd; runtime: go)
#   upstream_tool kagent-tools  kagent's tool server v0.2.1 (github.com/kagent-dev/tools, ./cmd)
#   upstream_tool mockllm       kagent's scripted model server v0.0.2 (a library; not used by the suites)
#
# The source: ../shared/upstream/<name>-<tag>.tar.gz beside the checkout (a copy of the public
# repository at that tag, README there), else a clone of the tag from its public repository. The
# dependencies come from the Go module proxy. Nothing of the tools' code is kept in this project;
# the binary lives in $TASKORA_CACHE/upstream/<name>-<tag>/ and is rebuilt only when absent.
#
# minikube: built with its own Makefile's tag libvirt_dlopen (else the build needs libvirt's
# headers). The archive lacks deploy/addons/kubeflow/kubeflow.yaml (absent from the snapshot it
# was made from); an empty embedded asset makes the binary panic at start, so a one-document empty
# `kind: List` is written there first when it is missing (a clone of the tag has the real file).

# Go build tags per tool (the tools not listed build without).
_upstream_tags() { case "$1" in minikube) echo libvirt_dlopen ;; esac; }

# Environment of a tool's go build: kagent's images are built static (its Dockerfiles' CGO_ENABLED=0),
# so the binaries run on any base image.
_upstream_env() { case "$1" in kagent*) echo CGO_ENABLED=0 ;; *) echo GOFLAGS="$(go env GOFLAGS)" ;; esac; }

# What a tool's source needs before it builds, run in the unpacked source.
_upstream_prepare() {
  case "$1" in
    minikube)
      if [ ! -s deploy/addons/kubeflow/kubeflow.yaml ]; then
        mkdir -p deploy/addons/kubeflow
        printf 'apiVersion: v1\nkind: List\nitems: []\n' >deploy/addons/kubeflow/kubeflow.yaml
      fi ;;
  esac
}

# name | archive (../shared/upstream/<archive>-<tag>.tar.gz) | tag | public repository | Go module folder in it |
# go package to build | -ldflags -X stamps (as its release build sets them). The kagent binaries are
# built CGO_ENABLED=0 (as kagent's Dockerfiles do) so they run on any base image.
_UPSTREAM_TOOLS="
kubectl-ai|kubectl-ai|v0.0.28|https://github.com/GoogleCloudPlatform/kubectl-ai|.|./cmd|-X main.version=v0.0.28 -X main.commit=678007ec2bb899651893ad28a3f818ee50bc9bb5
minikube|minikube|v1.38.1|https://github.com/kubernetes/minikube|.|./cmd/minikube|-X k8s.io/minikube/pkg/version.version=v1.38.1 -X k8s.io/minikube/pkg/version.gitCommitID=c93a4cb9311efc66b90d33ea03f75f2c4120e9b0 -X k8s.io/minikube/pkg/version.isoVersion=v1.38.0 -X k8s.io/minikube/pkg/version.storageProvisionerVersion=v5
kagent|kagent|v0.9.12|https://github.com/kagent-dev/kagent|go|./core/cli/cmd/kagent|-X github.com/kagent-dev/kagent/go/core/internal/version.Version=v0.9.12 -X github.com/kagent-dev/kagent/go/core/internal/version.GitCommit=b459905
kagent-controller|kagent|v0.9.12|https://github.com/kagent-dev/kagent|go|./core/cmd/controller|-X github.com/kagent-dev/kagent/go/core/internal/version.Version=v0.9.12 -X github.com/kagent-dev/kagent/go/core/internal/version.GitCommit=b459905
kagent-adk|kagent|v0.9.12|https://github.com/kagent-dev/kagent|go|./adk/cmd|-X github.com/kagent-dev/kagent/go/core/internal/version.Version=v0.9.12 -X github.com/kagent-dev/kagent/go/core/internal/version.GitCommit=b459905
kagent-tools|kagent-tools|v0.2.1|https://github.com/kagent-dev/tools|.|./cmd|-X github.com/kagent-dev/tools/internal/version.Version=v0.2.1 -X github.com/kagent-dev/tools/internal/version.GitCommit=9d18d83
"

upstream_tool() {
  local name="$1" line archive tag repo mod pkg stamps
  line="$(grep "^$name|" <<<"$_UPSTREAM_TOOLS")" || die "upstream_tool: unknown tool $name"
  IFS='|' read -r _ archive tag repo mod pkg stamps <<<"$line"
  local dir="$TASKORA_CACHE/upstream/$name-$tag"
  local bin="$dir/bin/$name"
  if [ -x "$bin" ]; then echo "$bin"; return 0; fi
  command -v go >/dev/null || die "upstream_tool $name: go is not on PATH: install Go 1.24 or newer (https://go.dev/dl) and retry"
  local src="$dir/src" archive="$REPO_ROOT/../shared/upstream/$archive-$tag.tar.gz"
  rm -rf "$src" && mkdir -p "$src" "$dir/bin"
  if [ -f "$archive" ]; then
    log "building $name $tag from $(cd "$(dirname "$archive")" && pwd)/$(basename "$archive") (once; cached in $dir)"
    tar -xzf "$archive" -C "$src" --strip-components=1
  else
    log "building $name $tag from a clone of $repo (once; cached in $dir)"
    git clone -q --depth 1 --branch "$tag" "$repo" "$src" || die "upstream_tool $name: cannot clone $repo at $tag"
  fi
  local start=$SECONDS
  (cd "$src" && _upstream_prepare "$name" && cd "$mod" \
    && env $(_upstream_env "$name") go build -trimpath -tags "$(_upstream_tags "$name")" -ldflags "-s -w $stamps" -o "$bin.tmp" "$pkg") >"$dir/build.log" 2>&1 \
    || { tail -n 20 "$dir/build.log" >&2; die "upstream_tool $name: go build failed (log: $dir/build.log)"; }
  mv "$bin.tmp" "$bin"
  rm -rf "$src"
  log "built $name $tag in $((SECONDS - start)) s: $bin"
  echo "$bin"
}

# ensure_compose: makes `docker compose` (Compose v2, pinned) work with Debian's docker.io 20.10,
# which has no compose plugin. Builds it once from the Go module proxy into
# $TASKORA_CACHE/docker-config/cli-plugins and points DOCKER_CONFIG there (the user's
# ~/.docker is left alone). Source after tests/lib/common.sh.

COMPOSE_VERSION="${COMPOSE_VERSION:-v2.40.3}"

ensure_compose() {
  local cfg="$TASKORA_CACHE/docker-config" bin stamp dir src
  bin="$cfg/cli-plugins/docker-compose"
  stamp="$cfg/cli-plugins/.docker-compose.version"
  export DOCKER_CONFIG="$cfg"
  if [ -x "$bin" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$COMPOSE_VERSION" ]; then return 0; fi
  log "building docker compose $COMPOSE_VERSION from the Go module proxy (once; cached in $cfg)"
  # `go install module@version` refuses compose's go.mod (it has exclude directives): build in a
  # copy of the module instead.
  dir="$(go mod download -json "github.com/docker/compose/v2@$COMPOSE_VERSION" \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["Dir"])')" \
    || die "could not download github.com/docker/compose/v2@$COMPOSE_VERSION from the Go module proxy"
  src="$TASKORA_CACHE/compose-src"
  rm -rf "$src"; cp -r "$dir" "$src"; chmod -R u+w "$src"
  mkdir -p "$cfg/cli-plugins"
  (cd "$src" && nice -n 10 env CGO_ENABLED=0 GOFLAGS=-trimpath go build \
      -ldflags="-s -w -X github.com/docker/compose/v2/internal.Version=$COMPOSE_VERSION" \
      -o "$bin.part" ./cmd) >&2 || die "building docker compose $COMPOSE_VERSION failed"
  mv "$bin.part" "$bin"
  rm -rf "$src"
  echo "$COMPOSE_VERSION" >"$stamp"
  docker compose version >/dev/null || die "docker compose $COMPOSE_VERSION does not run"
}

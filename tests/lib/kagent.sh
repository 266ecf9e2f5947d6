# kagent v0.9.12 for the test cluster, from its tagged source: images and charts. Source it after
# common.sh and upstream.sh.
#
#   kagent_images REGISTRY     builds (once; an image whose binary did not change is kept) and
#                              prints the images kagent's chart and the Taskora chart name with
#                              `registry: REGISTRY`:
#                                REGISTRY/kagent-dev/kagent/controller:0.9.12   kagent's controller
#                                REGISTRY/kagent-dev/kagent/golang-adk:0.9.12   the Go agent runtime
#                                REGISTRY/kagent-dev/kagent/tools:0.2.1         the tool server (kagent-tools)
#                                REGISTRY/library/postgres:15-bookworm          kagent's bundled PostgreSQL:
#                                                                               the stand-in PostgreSQL, renamed
#   kagent_charts DIR          writes DIR/kagent-crds and DIR/kagent: kagent's own charts from the
#                              source (helm/), as its Makefile's helm-version stamps them (Chart.yaml
#                              from Chart-template.yaml, version 0.9.12), without their dependencies:
#                              the OCI ones (kmcp, substrate, kagent-tools, oauth2-proxy) cannot be
#                              fetched here and the bundled agents are not needed; kagent-setup
#                              turns each of them off (Kagent.java).
#
# The images are FROM scratch, like kagent's own on distroless/static: the static binary, the CA
# bundle, /tmp, and kagent's user 65532 (the tool server also gets the cluster's kubectl v1.33,
# which kagent-tools runs for every Kubernetes tool; kagent's image downloads its own).

KAGENT_TAG=0.9.12
KAGENT_TOOLS_TAG=0.2.1

_kagent_image() { # _kagent_image NAME CONTEXT DOCKERFILE-BODY: built unless an image of that name has this context's fingerprint
  local name="$1" ctx="$2" fp
  printf 'FROM scratch\n%s\n' "$3" >"$ctx/Dockerfile"
  fp="$(cd "$ctx" && find . -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)"
  if [ "$(docker image inspect -f '{{index .Config.Labels "org.taskora.kagent.fingerprint"}}' "$name" 2>/dev/null)" = "$fp" ]; then
    return 0
  fi
  printf 'LABEL org.taskora.kagent.fingerprint=%s\n' "$fp" >>"$ctx/Dockerfile"
  docker build -q -t "$name" "$ctx" >/dev/null 2>"$ctx.err" || { cat "$ctx.err" >&2; die "docker build of $name failed"; }
  rm -f "$ctx.err"
}

kagent_images() {
  local reg="$1" ctx t0=$SECONDS bin
  ctx="$(mktemp -d)"
  mkdir -p "$ctx/root/tmp" "$ctx/root/etc/ssl/certs"
  chmod 1777 "$ctx/root/tmp"
  cp /etc/ssl/certs/ca-certificates.crt "$ctx/root/etc/ssl/certs/ca-certificates.crt"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >"$ctx/root/etc/passwd"
  local base='COPY root/ /
ENV PATH=/usr/local/bin:/usr/bin:/bin SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
USER 65532:65532'
  for bin in kagent-controller kagent-adk kagent-tools; do
    mkdir -p "$ctx/$bin"
    cp "$(upstream_tool "$bin")" "$ctx/$bin/"
  done
  local kubectl; kubectl="$(command -v kubectl)" || die "kagent_images: kubectl is not on PATH (the test cluster's)"
  cp "$kubectl" "$ctx/kagent-tools/kubectl"
  (
    mkdir -p "$ctx/c1" "$ctx/c2" "$ctx/c3"
    cp -r "$ctx/root" "$ctx/c1/"; cp "$ctx/kagent-controller/kagent-controller" "$ctx/c1/app"
    _kagent_image "$reg/kagent-dev/kagent/controller:$KAGENT_TAG" "$ctx/c1" "$base
COPY app /app
ENTRYPOINT [\"/app\"]"
    cp -r "$ctx/root" "$ctx/c2/"; cp "$ctx/kagent-adk/kagent-adk" "$ctx/c2/app"
    _kagent_image "$reg/kagent-dev/kagent/golang-adk:$KAGENT_TAG" "$ctx/c2" "$base
COPY app /app
ENTRYPOINT [\"/app\"]"
    cp -r "$ctx/root" "$ctx/c3/"; cp "$ctx/kagent-tools/kagent-tools" "$ctx/c3/tool-server"; cp "$ctx/kagent-tools/kubectl" "$ctx/c3/kubectl"
    _kagent_image "$reg/kagent-dev/kagent/tools:$KAGENT_TOOLS_TAG" "$ctx/c3" "$base
COPY tool-server /tool-server
COPY kubectl /usr/local/bin/kubectl
ENTRYPOINT [\"/tool-server\"]"
  ) || { rm -rf "$ctx"; return 1; }
  rm -rf "$ctx"
  local pg
  pg="$(sed -n '/^postgresql:/,$p' "$REPO_ROOT/dockerfiles/stand-in/build-args.yaml" | awk '/repository:/ {r=$2} /tag:/ {t=$2} END {print r ":" t}')"
  docker tag "$pg" "$reg/library/postgres:${pg##*:}" || die "kagent_images: no stand-in PostgreSQL image $pg (dockerfiles/stand-in/make-stand-ins postgres)"
  log "kagent images ready in $((SECONDS - t0)) s"
  printf '%s\n' "$reg/kagent-dev/kagent/controller:$KAGENT_TAG" "$reg/kagent-dev/kagent/golang-adk:$KAGENT_TAG" \
    "$reg/kagent-dev/kagent/tools:$KAGENT_TOOLS_TAG" "$reg/library/postgres:${pg##*:}"
}

kagent_charts() {
  local dir="$1" archive="$REPO_ROOT/../shared/upstream/kagent-v$KAGENT_TAG.tar.gz" src
  src="$(mktemp -d)"
  if [ -f "$archive" ]; then
    tar -xzf "$archive" -C "$src" --strip-components=1 --wildcards '*/helm/*'
  else
    git clone -q --depth 1 --branch "v$KAGENT_TAG" https://github.com/kagent-dev/kagent "$src" \
      || die "kagent_charts: cannot clone kagent v$KAGENT_TAG"
  fi
  rm -rf "$dir/kagent-crds" "$dir/kagent"
  mkdir -p "$dir"
  local c
  for c in kagent-crds kagent; do
    cp -r "$src/helm/$c" "$dir/$c"
    # Chart-template.yaml without its dependencies, stamped as kagent's release stamps it.
    # (awk, not a YAML library: the template is flat, and `dependencies:` is its one block key)
    awk -v v="$KAGENT_TAG" '/^dependencies:/ { skip = 1; next }
      skip && /^[^ -]/ { skip = 0 }
      skip { next }
      /^version:/ { print "version: " v; next }
      { gsub(/\$\{VERSION\}/, v); print }' "$dir/$c/Chart-template.yaml" >"$dir/$c/Chart.yaml"
    rm -f "$dir/$c/Chart-template.yaml"
  done
  rm -rf "$src"
}

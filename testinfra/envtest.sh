#!/usr/bin/env bash
# Builds the real Kubernetes control-plane binaries the tests run against, from their Go
# modules at pinned versions, into the layout io.fabric8 kube-api-test expects:
#   $KUBE_API_TEST_DIR/k8s/<version>-linux-amd64/{etcd,kube-apiserver,kubectl,kube-controller-manager}
# plus helm, kstatus (testinfra/kstatus, built from sigs.k8s.io/cli-utils), the registry
# (testinfra/registry, from github.com/distribution/distribution/v3) and crane beside them.
# Idempotent: a binary already built at its pinned version is kept.
set -euo pipefail

K8S_VERSION="${K8S_VERSION:-1.37.2}"
STAGING_VERSION="${STAGING_VERSION:-0.37.2}"
ETCD_VERSION="${ETCD_VERSION:-3.6.16}"
HELM_VERSION="${HELM_VERSION:-3.22.0}"
CLI_UTILS_VERSION="${CLI_UTILS_VERSION:-0.37.2}"
KUEUE_VERSION="${KUEUE_VERSION:-0.17.0}"
DISTRIBUTION_VERSION="${DISTRIBUTION_VERSION:-3.1.2}"
CRANE_VERSION="${CRANE_VERSION:-0.22.1}"

DIR="${KUBE_API_TEST_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/rela-operator/envtest}"
BIN="$DIR/k8s/${K8S_VERSION}-linux-amd64"
WORK="$DIR/build"
mkdir -p "$BIN" "$WORK"
export GOFLAGS="-buildvcs=false -trimpath"
export CGO_ENABLED=0
LDFLAGS=""

log() { printf 'envtest: %s\n' "$*" >&2; }

# go build of a dependency's main package from a throw-away module that pins it.
# $1 module dir name, $2 go.mod body, $3 package, $4 output file
build_in_module() {
  local mod="$WORK/$1" body="$2" pkg="$3" out="$4"
  mkdir -p "$mod"
  if [ ! -f "$mod/go.mod" ] || [ "$(cat "$mod/go.mod")" != "$body" ]; then
    printf '%s' "$body" > "$mod/go.mod"
    rm -f "$mod/go.sum"
  fi
  (cd "$mod" && go get "$pkg" >/dev/null 2>&1 || true
   cd "$mod" && go build -mod=mod -ldflags "-s -w $LDFLAGS" -o "$out.tmp" "$pkg" && mv "$out.tmp" "$out")
}

stamp_ok() { [ -x "$1" ] && [ -f "$1.version" ] && [ "$(cat "$1.version")" = "$2" ]; }
stamp() { printf '%s' "$2" > "$1.version"; }

# --- Kubernetes: k8s.io/kubernetes replaces its staging modules with local paths, so a
# wrapper module points each of them at the published v0.x release instead.
k8s_gomod() {
  local gomod
  gomod=$(go mod download -json "k8s.io/kubernetes@v${K8S_VERSION}" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
  local goline
  goline=$(grep -m1 '^go ' "$gomod")
  printf 'module rela.io/envtest/k8s\n\n%s\n\nrequire k8s.io/kubernetes v%s\n\n' "$goline" "$K8S_VERSION"
  grep -E '^\s*k8s.io/[a-z0-9-]+ => \./staging' "$gomod" | awk -v v="$STAGING_VERSION" '{print "replace " $1 " => " $1 " v" v}'
}

# Builds the named k8s.io/kubernetes commands not yet built at the pinned version.
build_k8s_commands() {
  local need=()
  for b in "$@"; do
    stamp_ok "$BIN/$b" "$K8S_VERSION" || need+=("$b")
  done
  [ ${#need[@]} -eq 0 ] && { log "$* v$K8S_VERSION cached"; return; }
  log "building ${need[*]} v$K8S_VERSION (first time: several minutes)"
  local body
  body=$(k8s_gomod)
  local v="k8s.io/component-base/version"
  LDFLAGS="-X $v.gitVersion=v$K8S_VERSION -X $v.gitMajor=${K8S_VERSION%%.*} -X $v.gitMinor=$(echo "$K8S_VERSION" | cut -d. -f2) -X $v.gitTreeState=clean"
  LDFLAGS="$LDFLAGS -X k8s.io/client-go/pkg/version.gitVersion=v$K8S_VERSION"
  for b in "${need[@]}"; do
    build_in_module k8s "$body" "k8s.io/kubernetes/cmd/$b" "$BIN/$b"
    stamp "$BIN/$b" "$K8S_VERSION"
    log "built $b"
  done
}

build_k8s() { build_k8s_commands kube-apiserver kube-controller-manager kubectl; }

build_etcd() {
  stamp_ok "$BIN/etcd" "$ETCD_VERSION" && { log "etcd v$ETCD_VERSION cached"; return; }
  log "building etcd v$ETCD_VERSION"
  local mod="$WORK/etcd"
  mkdir -p "$mod"
  cat > "$mod/main.go" <<'EOF'
// Command etcd runs the etcd server's own entry point.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
EOF
  printf 'module rela.io/envtest/etcd\n\ngo 1.24\n\nrequire go.etcd.io/etcd/server/v3 v%s\n' "$ETCD_VERSION" > "$mod/go.mod"
  (cd "$mod" && go mod tidy >/dev/null && go build -ldflags "-s -w" -o "$BIN/etcd.tmp" . && mv "$BIN/etcd.tmp" "$BIN/etcd")
  stamp "$BIN/etcd" "$ETCD_VERSION"
}

# The node's Kubernetes parts: same module set and version as the API server.
build_node_k8s() { build_k8s_commands kubelet kube-scheduler kube-proxy; }

build_helm() {
  stamp_ok "$DIR/bin/helm" "$HELM_VERSION" && { log "helm v$HELM_VERSION cached"; return; }
  log "building helm v$HELM_VERSION"
  mkdir -p "$DIR/bin"
  LDFLAGS="-X helm.sh/helm/v3/internal/version.version=v$HELM_VERSION"
  build_in_module helm "$(printf 'module rela.io/envtest/helm\n\ngo 1.24\n\nrequire helm.sh/helm/v3 v%s\n' "$HELM_VERSION")" \
    helm.sh/helm/v3/cmd/helm "$DIR/bin/helm"
  stamp "$DIR/bin/helm" "$HELM_VERSION"
}

# A testinfra/<name>/main.go built in a throw-away module that requires one dependency at a
# pinned version; rebuilt when the source or the version changes.
#   $1 name, $2 the module's go line, $3 the dependency, $4 its version
build_own_tool() {
  local name="$1" go="$2" dep="$3" version="$4"
  local src
  src="$(cd "$(dirname "$0")" && pwd)/$name/main.go"
  local stamped="$version-$(sha256sum "$src" | cut -c1-12)"
  stamp_ok "$DIR/bin/$name" "$stamped" && { log "$name ($dep v$version) cached"; return; }
  log "building $name from $dep v$version"
  local mod="$WORK/$name"
  mkdir -p "$mod" "$DIR/bin"
  cp "$src" "$mod/main.go"
  printf 'module rela.io/envtest/%s\n\ngo %s\n\nrequire %s v%s\n' "$name" "$go" "$dep" "$version" > "$mod/go.mod"
  (cd "$mod" && go mod tidy >/dev/null && go build -ldflags "-s -w" -o "$DIR/bin/$name.tmp" . && mv "$DIR/bin/$name.tmp" "$DIR/bin/$name")
  stamp "$DIR/bin/$name" "$stamped"
}

# testinfra/kstatus: kstatus (sigs.k8s.io/cli-utils) on objects read from standard input
build_kstatus() { build_own_tool kstatus 1.24 sigs.k8s.io/cli-utils "$CLI_UTILS_VERSION"; }

# testinfra/registry: the CNCF distribution registry (and an htpasswd helper), and crane
# (go-containerregistry) to pull what the trainer pushes, each from its module
build_registry() {
  build_own_tool registry 1.26.0 github.com/distribution/distribution/v3 "$DISTRIBUTION_VERSION"
  if stamp_ok "$DIR/bin/crane" "$CRANE_VERSION"; then
    log "crane v$CRANE_VERSION cached"
  else
    log "building crane v$CRANE_VERSION"
    LDFLAGS=""
    build_in_module crane "$(printf 'module rela.io/envtest/crane\n\ngo 1.24\n\nrequire github.com/google/go-containerregistry v%s\n' "$CRANE_VERSION")" \
      github.com/google/go-containerregistry/cmd/crane "$DIR/bin/crane"
    stamp "$DIR/bin/crane" "$CRANE_VERSION"
  fi
}

# Kueue's controller manager, its CRDs and its webhook configurations, from one module version:
#   $DIR/node/kueue/{kueue, crds/*.yaml, webhooks.yaml}
# The webhooks are rewritten for a manager run as a process next to the API server (see
# testinfra/node/cluster.sh): called at https://127.0.0.1:9443 with the test CA, and only those
# of the integrations it runs (batch Jobs) and of Kueue's own kinds.
build_kueue() {
  local out="$DIR/node/kueue"
  stamp_ok "$out/kueue" "$KUEUE_VERSION" && [ -f "$out/webhooks.yaml" ] && { log "kueue v$KUEUE_VERSION cached"; return; }
  log "building kueue v$KUEUE_VERSION (first time: about 5 minutes)"
  mkdir -p "$out/crds"
  LDFLAGS="-X sigs.k8s.io/kueue/pkg/version.GitVersion=v$KUEUE_VERSION"
  build_in_module kueue "$(printf 'module rela.io/envtest/kueue\n\ngo 1.25.0\n\nrequire sigs.k8s.io/kueue v%s\n' "$KUEUE_VERSION")" \
    sigs.k8s.io/kueue/cmd/kueue "$out/kueue"
  local src
  src=$(cd "$WORK/kueue" && go list -m -f '{{.Dir}}' "sigs.k8s.io/kueue")
  rm -f "$out"/crds/*.yaml
  cp "$src"/config/components/crd/bases/*.yaml "$out/crds/"
  python3 - "$src/config/components/webhook/manifests.yaml" "$out/webhooks.yaml" <<'PY'
import re, sys
src, out = sys.argv[1], sys.argv[2]
keep = re.compile(r"path: /(mutate|validate)-(batch-v1-job|kueue-x-k8s-io-)")
docs = []
for doc in open(src).read().split("\n---\n"):
    head, _, body = doc.partition("webhooks:\n")
    entries = ["- admissionReviewVersions:" + e for e in body.split("- admissionReviewVersions:")[1:]]
    kept = [e for e in entries if keep.search(e)]
    head = re.sub(r"name: (\S+-webhook-configuration)", r"name: kueue-\1", head)
    kept = [re.sub(r"    service:\n      name: webhook-service\n      namespace: system\n      path: (\S+)",
                   r"    url: https://127.0.0.1:9443\1\n    caBundle: __CA_BUNDLE__", e) for e in kept]
    if any("service:" in e for e in kept) or not kept:
        sys.exit("unexpected webhook layout in " + src)
    docs.append(head + "webhooks:\n" + "\n".join(k.rstrip("\n") for k in kept) + "\n")
open(out + ".tmp", "w").write("---\n".join(docs))
PY
  mv "$out/webhooks.yaml.tmp" "$out/webhooks.yaml"
  stamp "$out/kueue" "$KUEUE_VERSION"
}

case "${1:-all}" in
  all) build_etcd; build_k8s; build_helm; build_kstatus; build_registry ;;
  etcd) build_etcd ;; k8s) build_k8s ;; helm) build_helm ;; kstatus) build_kstatus ;; registry) build_registry ;;
  node-k8s) build_node_k8s ;; kueue) build_kueue ;;
  dir) echo "$DIR" ;;
  *) echo "usage: $0 [all|etcd|k8s|helm|kstatus|registry|node-k8s|kueue|dir]" >&2; exit 2 ;;
esac
[ "${1:-all}" = dir ] || log "binaries in $BIN, helm in $DIR/bin"

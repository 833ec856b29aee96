#!/usr/bin/env bash
# Builds (once, cached) everything a real single-node test cluster needs beside what
# envtest.sh builds: kubelet, kube-scheduler and kube-proxy from k8s.io/kubernetes (the API
# server's version), containerd + runc + the CNI plugins + iptables from Debian's packages,
# and a locally built pod-sandbox ("pause") image, since no registry is reachable.
# Layout, in the same cache as envtest:
#   $DIR/k8s/<version>-linux-amd64/{kubelet,kube-scheduler,kube-proxy}
#   $DIR/node/relanode            pause + Unix-socket forwarder (testinfra/node/tools)
#   $DIR/node/pause.tar           the sandbox image, docker-archive, rela.local/pause:1
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
DIR="$("$HERE/envtest.sh" dir)"
NODE="$DIR/node"
mkdir -p "$NODE"
log() { printf 'node: %s\n' "$*" >&2; }

"$HERE/envtest.sh" all
"$HERE/envtest.sh" node-k8s
"$HERE/envtest.sh" kueue

# Debian: containerd 1.6 and runc 1.1 (the CRI plugin is built in), the reference CNI
# plugins in /usr/lib/cni, iptables for kube-proxy, iproute2 for the node's network.
pkgs=()
command -v containerd >/dev/null || pkgs+=(containerd)
command -v runc >/dev/null || pkgs+=(runc)
[ -x /usr/lib/cni/bridge ] || pkgs+=(containernetworking-plugins)
command -v iptables >/dev/null || pkgs+=(iptables)
command -v ip >/dev/null || pkgs+=(iproute2)
command -v openssl >/dev/null || pkgs+=(openssl)
if [ ${#pkgs[@]} -gt 0 ]; then
  log "installing ${pkgs[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get install -y -q "${pkgs[@]}" || ($SUDO apt-get update -q && $SUDO apt-get install -y -q "${pkgs[@]}")
fi

# relanode: rebuilt when its source changes
src_sum=$(cat "$HERE/node/tools/main.go" "$HERE/node/tools/go.mod" | sha256sum | cut -c1-16)
if [ ! -x "$NODE/relanode" ] || [ "$(cat "$NODE/relanode.version" 2>/dev/null)" != "$src_sum" ]; then
  log "building relanode"
  (cd "$HERE/node/tools" && CGO_ENABLED=0 go build -buildvcs=false -trimpath -ldflags "-s -w" -o "$NODE/relanode.tmp" .)
  mv "$NODE/relanode.tmp" "$NODE/relanode"
  printf '%s' "$src_sum" > "$NODE/relanode.version"
  rm -f "$NODE/pause.tar"
fi

# the sandbox image: one layer holding /pause, as `docker save` would write it
if [ ! -f "$NODE/pause.tar" ]; then
  log "building the pause image"
  python3 - "$NODE/relanode" "$NODE/pause.tar" <<'PY'
import hashlib, io, json, sys, tarfile
binary, out = sys.argv[1], sys.argv[2]
layer = io.BytesIO()
with tarfile.open(fileobj=layer, mode="w", format=tarfile.PAX_FORMAT) as t:
    info = t.gettarinfo(binary, arcname="pause")
    info.uid = info.gid = 0; info.uname = info.gname = ""; info.mtime = 0; info.mode = 0o755
    with open(binary, "rb") as f:
        t.addfile(info, f)
layer_bytes = layer.getvalue()
diff_id = "sha256:" + hashlib.sha256(layer_bytes).hexdigest()
config = json.dumps({
    "architecture": "amd64", "os": "linux",
    "config": {"Entrypoint": ["/pause", "pause"], "User": "65535:65535"},
    "rootfs": {"type": "layers", "diff_ids": [diff_id]},
}, sort_keys=True).encode()
config_name = hashlib.sha256(config).hexdigest() + ".json"
manifest = json.dumps([{"Config": config_name, "RepoTags": ["rela.local/pause:1"], "Layers": ["layer.tar"]}]).encode()
tmp = out + ".tmp"
with tarfile.open(tmp, mode="w") as t:
    for name, data in ((config_name, config), ("layer.tar", layer_bytes), ("manifest.json", manifest)):
        ti = tarfile.TarInfo(name); ti.size = len(data); ti.mtime = 0
        t.addfile(ti, io.BytesIO(data))
import os; os.replace(tmp, out)
PY
fi
log "node parts ready: $(containerd --version | awk '{print $3}'), runc $(runc --version | awk 'NR==1{print $3}'), kubelet v$(cat "$DIR/k8s/"*/kubelet.version)"

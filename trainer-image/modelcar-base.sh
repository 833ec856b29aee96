#!/usr/bin/env bash
# Builds the model image's base: Debian's statically linked busybox as /bin/busybox with the few
# applets KServe's modelcar sidecar runs (sh, ln, sleep) and ls, cat, and an empty /models, as a
# `docker save` tarball. The trainer image carries it at /opt/rela/modelcar-base.tar and pushes
# every model image (spec.export.image) on top of it. Cached and idempotent.
#
# Usage: trainer-image/modelcar-base.sh [output-dir]
#   default output: $RELA_CACHE/images/modelcar/modelcar-base.tar (RELA_CACHE: ~/.cache/rela-operator)
set -euo pipefail
dir=${1:-${RELA_CACHE:-$HOME/.cache/rela-operator}/images/modelcar}
out="$dir/modelcar-base.tar"
if [ -s "$out" ]; then
  echo "modelcar base cached: $out"
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$dir"
(cd "$work" && (apt-get download busybox-static >/dev/null 2>&1 || (apt-get update -q >/dev/null && apt-get download busybox-static)))
dpkg-deb -x "$work"/busybox-static_*.deb "$work/root"
python3 - "$work/root/bin/busybox" "$out.tmp" "$(dpkg-deb -f "$work"/busybox-static_*.deb Version)" <<'PY'
import hashlib, io, json, sys, tarfile
busybox, out, version = sys.argv[1], sys.argv[2], sys.argv[3]
layer = io.BytesIO()
with tarfile.open(fileobj=layer, mode="w", format=tarfile.PAX_FORMAT) as t:
    def add_dir(name, mode):
        d = tarfile.TarInfo(name); d.type = tarfile.DIRTYPE; d.mode = mode; d.mtime = 0
        t.addfile(d)
    add_dir("bin", 0o755)
    info = t.gettarinfo(busybox, arcname="bin/busybox")
    info.uid = info.gid = 0; info.uname = info.gname = ""; info.mtime = 0; info.mode = 0o755
    with open(busybox, "rb") as f:
        t.addfile(info, f)
    for applet in ("sh", "ln", "sleep", "ls", "cat"):
        l = tarfile.TarInfo("bin/" + applet); l.type = tarfile.SYMTYPE; l.linkname = "busybox"; l.mtime = 0; l.mode = 0o777
        t.addfile(l)
    add_dir("models", 0o775)
    add_dir("tmp", 0o1777)
layer_bytes = layer.getvalue()
diff_id = "sha256:" + hashlib.sha256(layer_bytes).hexdigest()
config = json.dumps({
    "architecture": "amd64", "os": "linux",
    "config": {"Env": ["PATH=/bin"], "Cmd": ["sh"],
               "Labels": {"org.opencontainers.image.description": "busybox-static " + version + " (Debian) and /models"}},
    "rootfs": {"type": "layers", "diff_ids": [diff_id]},
}, sort_keys=True).encode()
config_name = hashlib.sha256(config).hexdigest() + ".json"
manifest = json.dumps([{"Config": config_name, "RepoTags": ["rela/modelcar-base:latest"], "Layers": ["layer.tar"]}]).encode()
with tarfile.open(out, mode="w") as t:
    for name, data in ((config_name, config), ("layer.tar", layer_bytes), ("manifest.json", manifest)):
        ti = tarfile.TarInfo(name); ti.size = len(data); ti.mtime = 0
        t.addfile(ti, io.BytesIO(data))
PY
mv "$out.tmp" "$out"
echo "modelcar base: $out"

#!/usr/bin/env bash
# Prepares the CUDA build of libtorch 2.7.1 that the trainer's GPU image carries, from PyPI
# alone: the `torch` 2.7.1 wheel (CUDA 12.6 build, the release DJL 0.36's PyTorch JNI is built
# for) and the NVIDIA runtime wheels it requires, at the exact versions its metadata pins.
#
# Output ($OUT, default $RELA_CACHE/libtorch-2.7.1-cuda): the image's /opt/libtorch, laid out
# as the wheels lay out site-packages, so torch/lib finds nvidia/*/lib through its own RPATH:
#   torch/lib/            what DJL loads (PYTORCH_LIBRARY_PATH): libtorch*, libc10*, libgomp
#   torch/lib-lazy/       libcaffe2_nvrtc.so: PyTorch opens it only when it compiles a CUDA
#                         kernel at run time; it links the driver's libcuda.so.1, which exists
#                         only on a GPU node, and DJL loads every library of torch/lib eagerly.
#                         The image puts this folder on LD_LIBRARY_PATH so dlopen finds it.
#   nvidia/<lib>/lib/     the CUDA runtime, cuBLAS, cuDNN, ... shared libraries only
#   cusparselt/lib/       cuSPARSELt (its wheel's own top-level folder)
#   MANIFEST              every file with its size, and the wheels it came from
# Left out as never loaded by the trainer: Python code and bindings (libtorch_python.so),
# headers, static libraries, CMake files, binaries, Triton (a Python JIT).
#
# It then writes the GPU image's base ($BASE_OUT): the images' base ($BASE_IN, testinfra/base-image.sh)
# plus one layer holding that folder at /opt/libtorch, as a `docker save` tarball Jib reads with
# a tar:// reference. Jib compresses a base layer once per machine (its base-layer cache), so
# rebuilding the GPU image, in any clone, does not compress 4 GB again.
# Idempotent and cached: the wheels are kept in $RELA_CACHE/wheels-cu126.
set -euo pipefail
CACHE=${RELA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rela-operator}
OUT=${1:-$CACHE/libtorch-2.7.1-cuda}
BASE_IN=${2:-$CACHE/images/debian-bookworm-jre17-turbojpeg.tar}
BASE_OUT=${3:-$CACHE/images/debian-bookworm-jre17-libtorch-2.7.1-cuda.tar}
WHEELS=$CACHE/wheels-cu126
PIP=${PIP:-pip}
TORCH=2.7.1
log() { printf 'libtorch-cuda: %s\n' "$*" >&2; }

# the base image: $BASE_IN's layers and config, plus a layer of $OUT at /opt/libtorch
write_base() {
  if [ -s "$BASE_OUT" ] && [ "$BASE_OUT" -nt "$OUT/MANIFEST" ] && [ "$BASE_OUT" -nt "$BASE_IN" ]; then
    log "cached: $BASE_OUT"
    return
  fi
  [ -s "$BASE_IN" ] || { log "$BASE_IN is missing: build it with make base-image"; exit 1; }
  local work
  work=$(mktemp -d "${BASE_OUT%/*}/.cuda-base.XXXXXX")
  trap 'rm -rf "$work"' RETURN
  log "writing the GPU image's base $BASE_OUT"
  tar -C "$work" -xf "$BASE_IN"
  tar -C "$OUT" --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 --transform 's,^\./,opt/libtorch/,' \
    -cf "$work/libtorch.tar" .
  python3 - "$work" <<'PY'
import hashlib, json, os, sys
work = sys.argv[1]
manifest = json.load(open(os.path.join(work, "manifest.json")))
config_name = manifest[0]["Config"]
config = json.load(open(os.path.join(work, config_name)))
h = hashlib.sha256()
with open(os.path.join(work, "libtorch.tar"), "rb") as f:
    for block in iter(lambda: f.read(1 << 20), b""):
        h.update(block)
config["rootfs"]["diff_ids"].append("sha256:" + h.hexdigest())
config.setdefault("history", []).append({"created_by": "trainer-image/cuda/libtorch.sh: PyPI torch 2.7.1 (CUDA 12.6) at /opt/libtorch"})
json.dump(config, open(os.path.join(work, config_name), "w"))
manifest[0]["Layers"].append("libtorch.tar")
manifest[0]["RepoTags"] = ["rela/base:bookworm-jre17-libtorch-2.7.1-cuda"]
json.dump(manifest, open(os.path.join(work, "manifest.json"), "w"))
PY
  # members by name: a "./" entry is refused by Jib's reader
  (cd "$work" && tar -cf "$BASE_OUT.partial" -- *)
  mv "$BASE_OUT.partial" "$BASE_OUT"
  log "GPU image base: $BASE_OUT ($(du -h "$BASE_OUT" | cut -f1))"
}

if [ -f "$OUT/MANIFEST" ]; then
  log "cached: $OUT"
  write_base
  exit 0
fi
mkdir -p "$WHEELS"
fetch() { # $1 name==version
  local name=${1%%==*} version=${1##*==}
  if ! ls "$WHEELS/${name//-/_}-$version-"*.whl >/dev/null 2>&1; then
    log "downloading $1 from PyPI"
    "$PIP" download -q --no-deps --only-binary=:all: --python-version 3.11 \
      --platform manylinux_2_28_x86_64 --platform manylinux2014_x86_64 --platform manylinux_2_17_x86_64 \
      --platform manylinux_2_27_x86_64 --platform manylinux1_x86_64 "$1" -d "$WHEELS"
  fi
}
fetch "torch==$TORCH"
torch_wheel=$(ls "$WHEELS"/torch-$TORCH-*.whl)
# the NVIDIA wheels torch pins for Linux x86_64, read from its own metadata
mapfile -t nvidia < <(unzip -p "$torch_wheel" "torch-$TORCH.dist-info/METADATA" \
  | sed -n 's/^Requires-Dist: \(nvidia-[a-z0-9-]*==[0-9.]*\); platform_system == "Linux".*/\1/p')
[ "${#nvidia[@]}" -gt 0 ] || { log "no nvidia-* requirement found in $torch_wheel"; exit 1; }
for req in "${nvidia[@]}"; do fetch "$req"; done

tmp="$OUT.partial"
rm -rf "$tmp" && mkdir -p "$tmp"
log "unpacking torch/lib and ${#nvidia[@]} NVIDIA wheels"
unzip -q "$torch_wheel" 'torch/lib/*' -d "$tmp"
rm -f "$tmp/torch/lib/libtorch_python.so"
mkdir -p "$tmp/torch/lib-lazy"
mv "$tmp/torch/lib/libcaffe2_nvrtc.so" "$tmp/torch/lib-lazy/"
for req in "${nvidia[@]}"; do
  name=${req%%==*} version=${req##*==}
  # most unpack to nvidia/<lib>/lib, cuSPARSELt to cusparselt/lib: the paths torch's RPATH names
  unzip -q -o "$WHEELS/${name//-/_}-$version-"*.whl '*/lib/*' -d "$tmp"
done
# static archives and the like: only shared objects are loaded
find "$tmp" -type f ! -name '*.so*' -delete
{
  echo "# libtorch $TORCH (CUDA build) from PyPI, for DJL's PyTorch JNI"
  basename "$torch_wheel"
  for req in "${nvidia[@]}"; do echo "$req"; done
  echo "# files"
  (cd "$tmp" && find . -type f -printf '%s %P\n' | sort -k2)
} > "$tmp/MANIFEST"
rm -rf "$OUT" && mv "$tmp" "$OUT"
log "ready: $OUT ($(du -sh "$OUT" | cut -f1))"
write_base

#!/usr/bin/env bash
# Prepares PyTorch 2.11.0 for the trainer, the release the GPU machine runs (2.11.0+cu130),
# from PyPI (no other download site is needed):
#   $CACHE/wheel/torch/{include,lib,share}   the torch 2.11.0 wheel (CUDA 13 build), unpacked
#   $CACHE/nv/nvidia/cu13/lib                libcudart and libcupti, the two CUDA runtime
#                                            libraries libtorch_cpu links (PyPI nvidia-* wheels)
#   $CACHE/jni/0.36.0-libdjl_torch.so        DJL 0.36's JNI built against it (bench/gpu/build-djl-jni.sh;
#                                            needs DJL_SRC, a DJL v0.36.0 checkout)
#   $CACHE/cpu-runtime/                      a CPU-only libtorch folder for PYTORCH_LIBRARY_PATH: the
#                                            wheel's CPU libraries, the two CUDA runtime libraries, the
#                                            JNI, and a libtorch.so that links only libtorch_cpu (the
#                                            wheel's own also links libtorch_cuda, which needs cuBLAS,
#                                            cuDNN and the rest; a CPU machine has no use for them)
# Idempotent: what is there already is kept.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
CACHE=${TORCH211_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rela-operator/torch-2.11}
PIP=${PIP:-pip}
mkdir -p "$CACHE/wheels"
cd "$CACHE"
log() { printf 'libtorch-2.11: %s\n' "$*" >&2; }

fetch() { # $1 requirement, $2 platform tag
  local name=${1%%==*}
  if ! ls wheels/"${name//-/_}"-*.whl >/dev/null 2>&1; then
    log "downloading $1 from PyPI"
    "$PIP" download -q --no-deps --only-binary=:all: --python-version 3.12 --platform "$2" "$1" -d wheels
  fi
}
fetch torch==2.11.0 manylinux_2_28_x86_64
fetch nvidia-cuda-runtime==13.0.96 manylinux_2_17_x86_64
fetch nvidia-cuda-cupti==13.0.85 manylinux_2_25_x86_64

if [ ! -f wheel/torch/lib/libtorch_cpu.so ]; then
  log "unpacking the torch wheel"
  rm -rf wheel.tmp && unzip -q wheels/torch-2.11.0-*.whl 'torch/lib/*' 'torch/include/*' 'torch/share/*' -d wheel.tmp
  rm -rf wheel && mv wheel.tmp wheel
fi
if [ ! -f nv/nvidia/cu13/lib/libcupti.so.13 ]; then
  rm -rf nv && for w in wheels/nvidia_*.whl; do unzip -q -o "$w" -d nv; done
fi

if [ ! -f jni/0.36.0-libdjl_torch.so ] || [ "$ROOT/bench/gpu/build-djl-jni.sh" -nt jni/0.36.0-libdjl_torch.so ]; then
  if [ -z "${DJL_SRC:-}" ]; then
    log "DJL_SRC is not set: give the folder of a DJL v0.36.0 checkout"
    log "  (git clone -b v0.36.0 --depth 1 https://github.com/deepjavalibrary/djl), e.g. make libtorch-2.11 DJL_SRC=<folder>"
    exit 2
  fi
  "$ROOT/bench/gpu/build-djl-jni.sh" "$DJL_SRC" wheel/torch jni
fi

rt=cpu-runtime
mkdir -p "$rt"
for f in libc10.so libtorch_cpu.so libgomp.so.1; do ln -sfn "$CACHE/wheel/torch/lib/$f" "$rt/$f"; done
for f in libcudart.so.13 libcupti.so.13; do ln -sfn "$CACHE/nv/nvidia/cu13/lib/$f" "$rt/$f"; done
cp -f jni/0.36.0-libdjl_torch.so "$rt/"
if [ ! -f "$rt/libtorch.so" ]; then
  echo 'void rela_cpu_only_libtorch(void) {}' > "$rt/stub.c"
  gcc -shared -fPIC -o "$rt/libtorch.so" "$rt/stub.c" -Wl,--no-as-needed -L"$rt" -l:libtorch_cpu.so -l:libc10.so \
    -Wl,-rpath,'$ORIGIN' -Wl,--allow-shlib-undefined
  rm "$rt/stub.c"
fi
log "ready: PYTORCH_LIBRARY_PATH=$CACHE/$rt PYTORCH_VERSION=2.11.0 PYTORCH_FLAVOR=cpu"

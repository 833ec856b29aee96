#!/usr/bin/env bash
# What bench/gpu/run.sh needs on a GPU machine that has PyTorch but maybe no Java, small enough
# to travel (target/gpu-bundle):
#   jre/                      a jlink runtime with only the modules the trainer uses
#   rela-trainer-slim.jar     the trainer jar without DJL's bundled libtorch 2.7.1 and JNI builds
#   jni/0.36.0-libdjl_torch.so  DJL's JNI built against PyTorch 2.11 (make libtorch-2.11)
#   byol_rela_step_gpu.py     the PyTorch reference benchmark (GPU_REFERENCE=<its path>)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
CACHE=${TORCH211_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rela-operator/torch-2.11}
OUT="$ROOT/target/gpu-bundle"
JAR="$ROOT/trainer-image/target/rela-trainer.jar"
[ -f "$JAR" ] || { echo "bundle: build the trainer first (make trainer)" >&2; exit 2; }
[ -f "$CACHE/jni/0.36.0-libdjl_torch.so" ] || { echo "bundle: build the JNI first (make libtorch-2.11)" >&2; exit 2; }
if [ -z "${GPU_REFERENCE:-}" ] || [ ! -f "$GPU_REFERENCE" ]; then
  echo "bundle: set GPU_REFERENCE to the PyTorch reference benchmark byol_rela_step_gpu.py" >&2
  exit 2
fi
rm -rf "$OUT"
mkdir -p "$OUT/jni"
cp "$JAR" "$OUT/rela-trainer-slim.jar"
# DJL's libtorch and JNI builds for other platforms are most of the jar; the run loads the machine's libtorch
zip -q -d "$OUT/rela-trainer-slim.jar" 'pytorch/*' 'jnilib/*' 'com/sun/jna/*/*' 'darwin*' 'win32*' >/dev/null || true
MODULES=$(jdeps -q --ignore-missing-deps --multi-release 17 --print-module-deps "$OUT/rela-trainer-slim.jar")
# jdk.unsupported: sun.misc.Unsafe for netty and friends; jdk.crypto.ec: TLS to an API server (progress ConfigMap)
jlink --add-modules "$MODULES,jdk.unsupported,jdk.crypto.ec,jdk.zipfs" --strip-debug --no-header-files --no-man-pages \
  --compress=2 --output "$OUT/jre"
cp "$CACHE/jni/0.36.0-libdjl_torch.so" "$OUT/jni/"
strip --strip-unneeded "$OUT/jni/0.36.0-libdjl_torch.so"
cp "$GPU_REFERENCE" "$OUT/byol_rela_step_gpu.py"
echo "modules: $MODULES" > "$OUT/MANIFEST"
(cd "$ROOT" && du -sh target/gpu-bundle/* && du -sh target/gpu-bundle) | tee -a "$OUT/MANIFEST"

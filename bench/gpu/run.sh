#!/usr/bin/env bash
# The GPU comparison, in one run: the Java trainer's BYOL step, ReLA step and prior embedding
# pass (`rela-trainer bench-gpu`) against the PyTorch reference (byol_rela_step_gpu.py, fp32
# eager and channels-last bf16 autocast) on the same device, alternated A B A B, then the
# table of ratios. Run from the repository root:
#
#   bench/gpu/run.sh                    # on a GPU machine, with the bundle `make gpu-bundle` built
#   bench/gpu/run.sh --quick --cpu      # dry run anywhere: tiny batches, on the CPU
#
# The Java side runs on the PyTorch that the machine's python3 imports (its libtorch), through
# the DJL JNI library built for that release (bench/gpu/build-djl-jni.sh), with the bundle's
# jlink runtime when the machine has no java. Results: $OUT (default
# bench/results/gpu-<UTC time>/): machine.txt, java-<round>.json, pytorch-<round>.json, table.md.
# Environment: BUNDLE (default target/gpu-bundle), PYTHON (default python3), TORCH_LIB (the
# libtorch folder the Java side loads; default: the python's torch/lib), ROUNDS (default 2).
set -euo pipefail
cd "$(dirname "$0")/../.."
QUICK=()
DEVICE=cuda
for a in "$@"; do
  case "$a" in
    --quick) QUICK=(--quick) ;;
    --cpu) DEVICE=cpu ;;
    *) echo "usage: bench/gpu/run.sh [--quick] [--cpu]" >&2; exit 2 ;;
  esac
done
BUNDLE=${BUNDLE:-target/gpu-bundle}
PYTHON=${PYTHON:-python3}
ROUNDS=${ROUNDS:-2}
OUT=${OUT:-bench/results/gpu-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$OUT"

JAVA=java
if [ -x "$BUNDLE/jre/bin/java" ]; then JAVA="$BUNDLE/jre/bin/java"; fi
command -v "$JAVA" >/dev/null || { echo "run.sh: no java on PATH and no $BUNDLE/jre" >&2; exit 2; }
JAR="$BUNDLE/rela-trainer-slim.jar"
REFERENCE="$BUNDLE/byol_rela_step_gpu.py"
for f in "$JAR" "$REFERENCE" "$BUNDLE/jni/0.36.0-libdjl_torch.so"; do
  [ -f "$f" ] || { echo "run.sh: missing $f (make gpu-bundle)" >&2; exit 2; }
done

TORCH_LIB=${TORCH_LIB:-$("$PYTHON" -c 'import os, torch; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')}
TORCH_VERSION=${TORCH_VERSION:-$("$PYTHON" -c 'import torch; print(torch.__version__.split("+")[0])')}
if [ "$DEVICE" = cuda ]; then
  FLAVOR=cu$("$PYTHON" -c 'import torch; print((torch.version.cuda or "").replace(".", ""))')
else
  FLAVOR=cpu
fi
# DJL looks for its JNI library beside libtorch or in its cache folder under this name
export DJL_CACHE_DIR="$PWD/$BUNDLE/djl-cache"
mkdir -p "$DJL_CACHE_DIR/pytorch/$TORCH_VERSION-$FLAVOR-linux-x86_64"
cp "$BUNDLE/jni/0.36.0-libdjl_torch.so" "$DJL_CACHE_DIR/pytorch/$TORCH_VERSION-$FLAVOR-linux-x86_64/"
export PYTORCH_LIBRARY_PATH="$TORCH_LIB" PYTORCH_VERSION="$TORCH_VERSION" PYTORCH_FLAVOR="$FLAVOR"

{
  echo "date: $(date -u +%FT%TZ)"
  echo "host: $(uname -srm), $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB"
  echo "load: $(cat /proc/loadavg)"
  echo "java: $("$JAVA" -version 2>&1 | head -1)"
  echo "python: $("$PYTHON" -c 'import sys, torch, torchvision; print(sys.version.split()[0], "torch", torch.__version__, "torchvision", torchvision.__version__)')"
  echo "libtorch for java: ${TORCH_LIB/#$HOME/\~} ($TORCH_VERSION, $FLAVOR)"
  if command -v nvidia-smi >/dev/null; then
    nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv,noheader
  fi
  echo "command: bench/gpu/run.sh $*"
} | tee "$OUT/machine.txt"

JAVA_OPTS=(-Xmx16g -Dai.djl.offline=true -Dai.djl.default_engine=PyTorch)
[ "$DEVICE" = cpu ] && JAVA_OPTS+=(-Dai.djl.engine.default_device=cpu)
for r in $(seq 1 "$ROUNDS"); do
  echo "== round $r: java"
  "$JAVA" "${JAVA_OPTS[@]}" -jar "$JAR" bench-gpu "${QUICK[@]}" --json "$OUT/java-$r.json" 2>&1 | grep -v '^\[main\] INFO' | tee "$OUT/java-$r.log"
  echo "== round $r: pytorch"
  "$PYTHON" "$REFERENCE" --device "$DEVICE" "${QUICK[@]}" --json "$OUT/pytorch-$r.json" | tee "$OUT/pytorch-$r.log"
done
"$PYTHON" bench/gpu/compare.py "$OUT" | tee "$OUT/table.md"

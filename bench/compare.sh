#!/usr/bin/env bash
# Java (DJL) trainer against the PyTorch reference benchmark (Debian python3-torch), same
# model, batch, threads and data, alternating A B A B in one invocation, per backbone; then the
# Java/PyTorch ratio per measurement (bench/ratios.py).
# Usage: bench/compare.sh REFERENCE_DIR    (the folder of the PyTorch reference benchmark,
#        byol_rela_step.py; make bench-compare passes BENCH_REFERENCE)
#        env: BACKBONES="convnet4 resnet18" ROUNDS=2
#        TORCH_LD_LIBRARY_PATH=<OpenBLAS lib dir> TAG=compare-openblas (PyTorch on OpenBLAS, see the reference README)
set -euo pipefail
cd "$(dirname "$0")/.."
ref=${1:?usage: bench/compare.sh REFERENCE_DIR (the folder holding byol_rela_step.py; make bench-compare BENCH_REFERENCE=...)}
rounds=${ROUNDS:-2}
backbones=${BACKBONES:-convnet4 resnet18}
tag=${TAG:-compare}
out=bench/results
mkdir -p "$out"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
jar=trainer-image/target/rela-trainer.jar
py_env=()
if [ -n "${TORCH_LD_LIBRARY_PATH:-}" ]; then py_env=(env LD_LIBRARY_PATH="$TORCH_LD_LIBRARY_PATH" OPENBLAS_NUM_THREADS=2); fi
{
  echo "date: $stamp; machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  echo "java: $(java -version 2>&1 | head -1); torch: $(/usr/bin/python3 -c 'import torch; print(torch.__version__)')"
  if [ -n "${TORCH_LD_LIBRARY_PATH:-}" ]; then
    echo "pytorch BLAS: OpenBLAS (LD_LIBRARY_PATH to an extracted libopenblas0-pthread, system unchanged)"
  else echo "pytorch BLAS: default"; fi
  for b in $backbones; do
    torch_b=$b; java_opts=()
    # ResNet-18 steps take seconds on 2 cores: fewer timed steps, as the reference caps its own
    if [ "$b" = resnet18 ]; then torch_b=resnet18_modified; java_opts=(--steps 2 --rounds 2); fi
    for r in $(seq 1 "$rounds"); do
      echo "## $b round $r, load $(cut -d' ' -f1-3 /proc/loadavg)"
      echo "A: OMP_NUM_THREADS=2 java -Dai.djl.offline=true -jar $jar bench --backbone $b --batch 128 ${java_opts[*]}"
      OMP_NUM_THREADS=2 java -Dai.djl.offline=true -jar "$jar" bench --backbone "$b" --batch 128 "${java_opts[@]}" \
        --json "$out/$tag-$stamp-$b-java-$r.json" 2>/dev/null | grep samples/s
      echo "B: (cd bench-reference && python3 byol_rela_step.py --backbones $torch_b --batch 128 --threads 2)"
      (cd "$ref" && "${py_env[@]}" /usr/bin/python3 byol_rela_step.py --backbones "$torch_b" --batch 128 --threads 2 \
        --json "$OLDPWD/$out/$tag-$stamp-$b-torch-$r.json") 2>/dev/null | grep -E "^\((a|b|c|d)\)"
    done
  done
  echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  python3 bench/ratios.py "$out" "$tag-$stamp"
} | tee "$out/$tag-$stamp.txt"

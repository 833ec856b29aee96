#!/usr/bin/env bash
# Java (DJL) trainer steps against the PyTorch reference (../shared/bench-reference, Debian
# python3-torch), same model, batch, threads and data, alternating A B A B in one run.
# Usage: bench/compare.sh [reference-dir]   (needs python3-torch; results in bench/results/)
set -euo pipefail
cd "$(dirname "$0")/.."
ref=${1:-../shared/bench-reference}
rounds=${ROUNDS:-2}
backbone=${BACKBONE:-convnet4}
out=bench/results
mkdir -p "$out"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
jar=trainer-image/target/rela-trainer.jar
{
  echo "date: $stamp; machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  echo "java: $(java -version 2>&1 | head -1); torch: $(/usr/bin/python3 -c 'import torch; print(torch.__version__)')"
  for r in $(seq 1 "$rounds"); do
    echo "## round $r, load $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "A: OMP_NUM_THREADS=2 java -Dai.djl.offline=true -jar $jar bench --backbone $backbone --batch 128"
    OMP_NUM_THREADS=2 java -Dai.djl.offline=true -jar "$jar" bench --backbone "$backbone" --batch 128 \
      --json "$out/compare-$stamp-java-$r.json" 2>/dev/null | grep samples/s
    echo "B: (cd $ref && /usr/bin/python3 byol_rela_step.py --backbones $backbone --batch 128 --threads 2)"
    (cd "$ref" && /usr/bin/python3 byol_rela_step.py --backbones "$backbone" --batch 128 --threads 2 \
      --json "$OLDPWD/$out/compare-$stamp-torch-$r.json") 2>/dev/null | grep -E "^\(a\)|^\(b\)|^\(d\)"
  done
  echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out/compare-$stamp.txt"

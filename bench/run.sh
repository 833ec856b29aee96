#!/usr/bin/env bash
# Trainer step throughput (Java/DJL) for the demo model and ResNet-18 at batch 128 on
# Fashion-MNIST, with the machine's load recorded. Results go to bench/results/.
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/results
mkdir -p "$out"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
jar=trainer-image/target/rela-trainer.jar
backbones=${BACKBONES:-convnet4}
{
  echo "date: $stamp"
  echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  echo "java: $(java -version 2>&1 | head -1)"
  echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  for b in $backbones; do
    echo "command: OMP_NUM_THREADS=2 java -Dai.djl.offline=true -jar $jar bench --backbone $b --batch 128 --json $out/steps-$b-$stamp.json"
    OMP_NUM_THREADS=2 java -Dai.djl.offline=true -jar "$jar" bench --backbone "$b" --batch 128 --json "$out/steps-$b-$stamp.json" 2>/dev/null | grep samples/s
  done
  echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out/steps-$stamp.txt"

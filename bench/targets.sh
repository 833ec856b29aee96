#!/usr/bin/env bash
# The prior cache and target path beyond 32-bit sizes: rela-trainer bench-targets with
# N x d > 2^31 floats (8.4 M x 256, 8 GiB of embeddings in cache shards), results with the
# machine, load and versions in bench/results/targets-<UTC time>/.
# Environment: ROWS, DIM, K, SHARDS (defaults 8400000, 256, 64, 8), SCRATCH (default target/bench-targets).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=bench/results/targets-$(date -u +%Y%m%dT%H%M%SZ)
SCRATCH=${SCRATCH:-target/bench-targets}
rm -rf "$SCRATCH"
mkdir -p "$OUT" "$SCRATCH"
# a copy of the jar, so a rebuild during the run cannot pull classes from under it
cp trainer-image/target/rela-trainer.jar "$SCRATCH/rela-trainer.jar"
CMD=(java -Xmx4g -Dai.djl.offline=true -jar "$SCRATCH/rela-trainer.jar" bench-targets
  --rows "${ROWS:-8400000}" --dim "${DIM:-256}" --k "${K:-64}" --shards "${SHARDS:-8}" --dir "$SCRATCH" --json "$OUT/result.json")
{
  echo "date: $(date -u +%FT%TZ)"
  echo "host: $(uname -srm), $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB"
  echo "load before: $(cat /proc/loadavg)"
  echo "java: $(java -version 2>&1 | head -1)"
  echo "command: ${CMD[*]}"
} > "$OUT/machine.txt"
"${CMD[@]}" 2>&1 | grep -v '^\[main\] INFO' | tee "$OUT/output.txt"
echo "load after: $(cat /proc/loadavg)" >> "$OUT/machine.txt"
rm -rf "$SCRATCH"
echo "results: $OUT"

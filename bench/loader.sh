#!/usr/bin/env bash
# The 224 px input pipeline, Java against torchvision on the same JPEGs and worker counts:
# decode + BYOL views, ReLA views, evaluation Resize + CenterCrop, decode alone; images/s per worker count
# and the Java/torchvision ratio, alternated A B A B. The JPEGs (about 500 x 375, quality 90)
# are generated once into target/bench-loader/images. Results: bench/results/loader-<UTC time>/.
# Environment: IMAGES (default 2000), WORKERS (default 1,<cores>), ROUNDS (default 2).
set -euo pipefail
cd "$(dirname "$0")/.."
IMAGES=${IMAGES:-2000}
WORKERS=${WORKERS:-1,$(nproc)}
ROUNDS=${ROUNDS:-2}
WORK=target/bench-loader
OUT=bench/results/loader-$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$WORK" "$OUT"
cp trainer-image/target/rela-trainer.jar "$WORK/rela-trainer.jar"
JAVA=(java -Xmx4g -Dai.djl.offline=true -jar "$WORK/rela-trainer.jar" bench-loader --dir "$WORK/images")
if [ "$(find "$WORK/images" -name '*.jpg' 2>/dev/null | wc -l)" -ne "$IMAGES" ]; then
  rm -rf "$WORK/images"
  "${JAVA[@]}" --generate "$IMAGES"
fi
{
  echo "date: $(date -u +%FT%TZ)"
  echo "host: $(uname -srm), $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB"
  echo "load before: $(cat /proc/loadavg)"
  echo "java: $(java -version 2>&1 | head -1)"
  echo "python: $(/usr/bin/python3 -c 'import sys, torch, torchvision, PIL; print(sys.version.split()[0], "torch", torch.__version__, "torchvision", torchvision.__version__, "Pillow", PIL.__version__)')"
  echo "images: $IMAGES JPEGs in $WORK/images ($(du -sh "$WORK/images" | cut -f1)), workers $WORKERS, rounds $ROUNDS"
  echo "command: bench/loader.sh"
} | tee "$OUT/machine.txt"
for r in $(seq 1 "$ROUNDS"); do
  "${JAVA[@]}" --workers "$WORKERS" --json "$OUT/java-$r.json" 2>&1 | grep -v '^\[main\] INFO'
  /usr/bin/python3 bench/loader_torchvision.py "$WORK/images" "$WORKERS" --json "$OUT/torchvision-$r.json"
done
echo "load after: $(cat /proc/loadavg)" >> "$OUT/machine.txt"
/usr/bin/python3 - "$OUT" <<'PY' | tee "$OUT/table.md"
import glob, json, os, statistics, sys
out = sys.argv[1]
rows = {}
for path in glob.glob(os.path.join(out, "*-[0-9]*.json")):
    for r in json.load(open(path))["rows"]:
        rows.setdefault((r["pipeline"], r["workers"], r["side"]), []).append(r["images_per_s"])
print("images/s, median over rounds; ratio = Java / torchvision (same images, same workers)\n")
print("| pipeline | workers | java | torchvision | java / torchvision |")
print("|---|---|---|---|---|")
for (p, w) in sorted({(k[0], k[1]) for k in rows}):
    j, t = statistics.median(rows[(p, w, "java")]), statistics.median(rows[(p, w, "torchvision")])
    print(f"| {p} | {w} | {j:.1f} | {t:.1f} | {j / t:.2f} |")
PY

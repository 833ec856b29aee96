"""Merges the rounds of bench/gpu/run.sh into one table: per configuration and measure, the
median over rounds of the Java and PyTorch samples/s, and their ratios.

usage: compare.py RESULTS_DIR   (reads java-*.json and pytorch-*.json, prints Markdown)"""
import glob
import json
import os
import statistics
import sys

out = sys.argv[1]


def rows(pattern):
    found = {}
    for path in sorted(glob.glob(os.path.join(out, pattern))):
        with open(path) as f:
            for r in json.load(f)["rows"]:
                found.setdefault((r["config"], r["mode"], r["measure"]), []).append(r)
    return found


java, torch = rows("java-*.json"), rows("pytorch-*.json")


def median(rs, key="samples_per_s"):
    vals = [r[key] for r in rs if r.get(key) is not None]
    return statistics.median(vals) if vals else None


def fmt(v, spec=".1f"):
    return "-" if v is None else format(v, spec)


configs = sorted({k[0] for k in java} | {k[0] for k in torch})
print(f"Java (DJL, fp32) against PyTorch on the same device; samples/s, median over "
      f"{len(glob.glob(os.path.join(out, 'java-*.json')))} rounds of the per-step median.\n")
print("| config | measure | batch | java fp32 | pytorch fp32 | java / pytorch fp32 | pytorch bf16 channels-last "
      "| java / pytorch bf16 | java GPU memory in use (GiB) | pytorch peak allocated (GiB) |")
print("|---|---|---|---|---|---|---|---|---|---|")
for c in configs:
    for measure in ("byol_step", "rela_step", "prior_embed", "host_to_device_views"):
        j = java.get((c, "java-fp32", measure), [])
        t32 = torch.get((c, "fp32", measure), [])
        tbf = torch.get((c, "bf16cl", measure), [])
        if not (j or t32):
            continue
        jm, tm, bm = median(j), median(t32), median(tbf)
        batch = (j or t32)[0]["batch"]
        print(f"| {c} | {measure} | {batch} | {fmt(jm)} | {fmt(tm)} | {fmt(jm / tm if jm and tm else None, '.2f')} "
              f"| {fmt(bm)} | {fmt(jm / bm if jm and bm else None, '.2f')} | {fmt(median(j, 'gpu_mem_used_gib'), '.2f')} "
              f"| {fmt(median(t32, 'peak_mem_gib'), '.2f')} |")
print("\nhost_to_device_views: the Java step copies both views from host memory each step (as training does);"
      " the PyTorch script's data already sits on the device. Java memory is the device's in-use memory"
      " (cudaMemGetInfo) after the measurement; PyTorch's is its allocator's peak.")

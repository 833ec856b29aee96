#!/usr/bin/env python3
"""Java/PyTorch throughput ratio per measurement from one compare.sh run's JSON files.

Usage: bench/ratios.py <results-dir> <prefix>   (files <prefix>-<backbone>-{java,torch}-<round>.json)
Each round pairs a Java run with the PyTorch run right after it; the table gives the median of
the per-round ratios and their spread (min-max).
"""
import glob
import json
import os
import sys

# measurement: (Java key, PyTorch key, PyTorch field)
MEASUREMENTS = [
    ("(a) BYOL step", "byol_step_samples_per_s_median", "byol_step", "samples_per_s"),
    ("(b) ReLA step", "rela_step_samples_per_s_median", "rela_step", "samples_per_s"),
    ("(c) prior embedding pass", "prior_embed_samples_per_s_median", "prior_embed", "samples_per_s_median_batch"),
    ("(d) ReLA step + augmentation", "rela_step_with_augmentation_samples_per_s_median", "rela_step_with_aug", "samples_per_s"),
]
TORCH_NAME = {"resnet18": "resnet18_modified"}


def median(xs):
    s = sorted(xs)
    n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def main():
    folder, prefix = sys.argv[1], sys.argv[2]
    print("| backbone | measurement | Java samples/s (median of rounds) | PyTorch samples/s | Java/PyTorch median (min-max) |")
    print("|---|---|---|---|---|")
    for java_file in sorted(glob.glob(os.path.join(folder, f"{prefix}-*-java-1.json"))):
        backbone = os.path.basename(java_file)[len(prefix) + 1:-len("-java-1.json")]
        rounds = sorted(glob.glob(os.path.join(folder, f"{prefix}-{backbone}-java-*.json")))
        for label, jkey, tkey, tfield in MEASUREMENTS:
            js, ts, ratios = [], [], []
            for jf in rounds:
                tf = jf.replace("-java-", "-torch-")
                if not os.path.exists(tf):
                    continue
                j = json.load(open(jf))
                t = json.load(open(tf))["results"].get(f"{TORCH_NAME.get(backbone, backbone)}/{tkey}")
                if jkey not in j or t is None:
                    continue
                js.append(j[jkey])
                ts.append(t[tfield])
                ratios.append(j[jkey] / t[tfield])
            if ratios:
                print(f"| {backbone} | {label} | {median(js):.1f} | {median(ts):.1f} | "
                      f"{median(ratios):.2f}x ({min(ratios):.2f}-{max(ratios):.2f}) |")


if __name__ == "__main__":
    main()

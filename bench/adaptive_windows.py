#!/usr/bin/env python3
"""Where does the Adaptive rule switch, with the reference decays and with windows relative to the run?

Runs ReLA with the rand prior at data ratios 1.0, 0.5 and 0.1 for the study's epochs with the
reference decays (which never fire in so short a run, so each run stays in the ReLA phase and
its trace holds the whole phase-A loss curve), writing every step's loss with `--step-trace`.
The rule is then replayed on those curves: before the switch, training does not depend on the
rule's parameters, so the step at which a given parameter set would fire is read off exactly.

Usage: bench/adaptive_windows.py [--epochs 8] [--samples 24000] [--out DIR] [--jar JAR]
                                 [--windows 0.5/0.05,1/0.1,...] [--replay-only]
Output: <out>/traces/*.csv (the loss curves) and <out>/windows.md (the switch points).
Standard library only.
"""
import argparse
import csv
import math
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
JAR = ROOT / "trainer-image" / "target" / "rela-trainer.jar"
DATASET = os.environ.get("FASHION_MNIST", "/usr/share/datasets/fashion-mnist")
RATIOS = [1.0, 0.5, 0.1]
REFERENCE = (0.995, 0.999, 0.99)


def trace(ratio, a, out):
    f = out / "traces" / f"rela-r{ratio}.csv"
    if f.exists():
        return f
    f.parent.mkdir(parents=True, exist_ok=True)
    job = a.work / f"trace-r{ratio}.yaml"
    job.parent.mkdir(parents=True, exist_ok=True)
    # one epoch more than traced, stopped before it: the same run without the evaluation stage
    job.write_text("\n".join([
        "apiVersion: rela.io/v1alpha1", "kind: ReLATrainingJob", f"metadata: {{name: trace-r{ratio}}}", "spec:",
        f"  dataset: {{format: FashionMNIST, path: {DATASET}}}", "  prior: {type: Random}",
        "  model: {backbone: convnet4}",
        f"  training: {{epochs: {a.epochs + 1}, batchSize: 128, maxSamples: {a.samples}, seed: 0}}",
        f"  rela: {{dataRatio: {ratio}, schedule: Adaptive}}", ""]))
    tmp = f.with_suffix(".partial")
    cmd = ["java", "-Dai.djl.offline=true", "-jar", str(a.jar), "run", str(job), "--quiet",
           "--workspace-root", str(a.work / "workspaces"), "--stop-after-epochs", str(a.epochs), "--step-trace", str(tmp),
           "--fresh"]  # a workspace left by other settings (--epochs, --samples) is moved aside, not refused
    print(" ".join(cmd), flush=True)
    t0 = time.time()
    if subprocess.call(cmd) != 0:
        sys.exit(f"trace at r={ratio} failed")
    tmp.rename(f)
    print(f"r={ratio}: traced in {time.time() - t0:.0f} s", flush=True)
    return f


def read_trace(f):
    with open(f) as fh:
        rows = list(csv.DictReader(fh))
    return [float(r["loss"]) for r in rows if r["phase"] == "ReLA"], len(rows)


def replay(losses, threshold, fast_decay, slow_decay):
    """SwitchRule.onReLAStep: the step index at which the rule fires, or None."""
    fast, slow = 1.0, 2.0
    for i, loss in enumerate(losses):
        if math.exp(-max(slow - fast, 0.0)) >= threshold:
            return i
        fast = fast_decay * fast + (1 - fast_decay) * loss
        slow = slow_decay * slow + (1 - slow_decay) * fast
    return None


def decay(window_steps):
    return 0.0 if window_steps <= 1 else 1.0 - 1.0 / window_steps


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--epochs", type=int, default=8)
    p.add_argument("--samples", type=int, default=24000)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--windows", default="0.25/0.025,0.5/0.05,1/0.1,0.5/0.1,1/0.2,2/0.2",
                   help="fast/slow windows in epochs, comma-separated")
    p.add_argument("--out", type=Path, default=None)
    p.add_argument("--work", type=Path, default=ROOT / "target" / "adaptive-windows-work")
    p.add_argument("--jar", type=Path, default=JAR)
    p.add_argument("--replay-only", action="store_true")
    a = p.parse_args()
    out = a.out or ROOT / "bench" / "results" / ("adaptive-windows-" + time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()))
    out.mkdir(parents=True, exist_ok=True)
    traces = {}
    for r in RATIOS:
        f = out / "traces" / f"rela-r{r}.csv"
        traces[r] = f if a.replay_only else trace(r, a, out)
    steps_per_epoch = {r: math.floor(a.samples * r) // a.batch for r in RATIOS}
    lines = ["| averages | " + " | ".join(f"r = {r} ({steps_per_epoch[r]} steps/epoch)" for r in RATIOS) + " |",
             "|---|" + "---|" * len(RATIOS)]

    def row(label, decays):
        cells = []
        for r in RATIOS:
            losses, _ = read_trace(traces[r])
            fast_decay, slow_decay = decays(r)
            s = replay(losses, REFERENCE[0], fast_decay, slow_decay)
            cells.append(f"never in {a.epochs} epochs" if s is None
                         else f"step {s}, epoch {s / steps_per_epoch[r]:.2f}")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")

    row("reference: fastDecay 0.999, slowDecay 0.99 (~1,000 / 100 steps)", lambda r: REFERENCE[1:])
    # the trainer counts the windows in full-data epochs (floor(N / batch) steps), which do not
    # shrink with r; the former unit, epochs of the run, is kept for comparison
    full_data_steps = a.samples // a.batch
    for w in a.windows.split(","):
        fw, sw = (float(x) for x in w.split("/"))
        row(f"fastWindowEpochs {fw:g}, slowWindowEpochs {sw:g} (full-data epochs of {full_data_steps} steps)",
            lambda r, fw=fw, sw=sw: (decay(fw * full_data_steps), decay(sw * full_data_steps)))
    for w in a.windows.split(","):
        fw, sw = (float(x) for x in w.split("/"))
        row(f"former unit, epochs of the run: {fw:g} / {sw:g}",
            lambda r, fw=fw, sw=sw: (decay(fw * steps_per_epoch[r]), decay(sw * steps_per_epoch[r])))
    table = "\n".join(lines) + "\n"
    (out / "windows.md").write_text(table)
    print(table)


if __name__ == "__main__":
    main()

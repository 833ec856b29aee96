#!/usr/bin/env python3
"""The ReLA effect on Fashion-MNIST: BYOL with and without ReLA at several data ratios.

Every run is a ReLATrainingJob file executed with `rela-trainer run` (the same path as
`make demo`), equal epochs for every run, the same seed set for every configuration.
Results are appended to <out>/runs.jsonl as each run ends, so an interrupted study resumes
where it stopped; <out>/table.md and <out>/accuracy-vs-time.svg are rendered from that file.

Usage: bench/study.py [--samples N] [--epochs E] [--seeds 0,1,2] [--out DIR] [--work DIR] [--jar JAR]
                      [--render-only]
Workspaces (checkpoints, prior cache) and logs go to --work, outside the committed results.
Standard library only.
"""
import argparse
import json
import math
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
JAR = ROOT / "trainer-image" / "target" / "rela-trainer.jar"
DATASET = os.environ.get("FASHION_MNIST", "/usr/share/datasets/fashion-mnist")

# name, label, schedule, data ratio, prior, constant fraction
CONFIGS = [
    ("byol-r1.0", "BYOL, r=1.0", "None", 1.0, "Random", None),
    ("byol-r0.5", "BYOL, r=0.5", "None", 0.5, "Random", None),
    ("byol-r0.1", "BYOL, r=0.1", "None", 0.1, "Random", None),
    ("rela-r0.5", "ReLA Adaptive, r=0.5, Random prior", "Adaptive", 0.5, "Random", None),
    ("rela-r0.1", "ReLA Adaptive, r=0.1, Random prior", "Adaptive", 0.1, "Random", None),
    ("rela-r0.1-transport", "ReLA Adaptive, r=0.1, prior = BYOL r=1.0 backbone", "Adaptive", 0.1, "Job", None),
    ("rela-const0.3-r0.5", "ReLA Constant c=0.3, r=0.5, Random prior", "Constant", 0.5, "Random", 0.3),
]
COLOURS = ["#1f77b4", "#6baed6", "#c6dbef", "#d62728", "#ff9896", "#9467bd", "#2ca02c"]


def job_yaml(name, cfg, seed, a):
    _, _, schedule, ratio, prior, constant = cfg
    lines = [
        "apiVersion: rela.io/v1alpha1",
        "kind: ReLATrainingJob",
        f"metadata: {{name: {name}}}",
        "spec:",
        f"  dataset: {{format: FashionMNIST, path: {DATASET}}}",
    ]
    if prior == "Job":
        lines.append(f"  prior: {{type: Job, jobRef: {{name: byol-r1.0-s{seed}}}}}")
    else:
        lines.append("  prior: {type: Random}")
    lines += [
        "  model: {backbone: convnet4}",
        f"  training: {{epochs: {a.epochs}, batchSize: 128, maxSamples: {a.samples}, seed: {seed}}}",
    ]
    rela = [f"dataRatio: {ratio}", f"schedule: {schedule}"]
    if schedule == "Adaptive":
        rela += [f"fastDecay: {a.fast_decay}", f"slowDecay: {a.slow_decay}"]
    if constant is not None:
        rela.append(f"constantFraction: {constant}")
    lines.append("  rela: {" + ", ".join(rela) + "}")
    baseline = "true" if cfg[0] == "byol-r1.0" else "false"
    lines.append(f"  evaluation: {{linearProbeEpochs: {a.probe_epochs}, maxSamples: {a.eval_samples}, randomBaseline: {baseline}}}")
    return "\n".join(lines) + "\n"


def loadavg():
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def run_one(cfg, seed, a, out, done):
    work = a.work
    name = f"{cfg[0]}-s{seed}"
    if name in done:
        return
    jobs = out / "jobs"
    jobs.mkdir(parents=True, exist_ok=True)
    job = jobs / f"{name}.yaml"
    job.write_text(job_yaml(name, cfg, seed, a))
    report = out / "reports" / name
    cmd = ["java", "-Dai.djl.offline=true", "-jar", str(a.jar), "run", str(job), "--quiet",
           "--workspace-root", str(work / "workspaces"), "--report-dir", str(report)]
    load_before = loadavg()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.time()
    with open(work / "logs" / f"{name}.log", "w") as log:
        rc = subprocess.call(cmd, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "OMP_NUM_THREADS": str(a.threads)})
    wall = time.time() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if rc != 0:
        sys.exit(f"{name}: rela-trainer exited {rc}; see {work / 'logs' / (name + '.log')}")
    for f in report.glob("*.json"):
        # results are committed: paths relative to the repository
        f.write_text(f.read_text().replace(str(ROOT) + "/", ""))
    summary = json.loads((report / "summary.json").read_text())
    timings = json.loads((report / "timings.json").read_text())
    row = {
        "run": name, "config": cfg[0], "seed": seed,
        "linearProbeAccuracy": summary["linearProbeAccuracy"],
        "randomBaselineAccuracy": summary.get("randomBaselineAccuracy"),
        "samplesProcessed": summary["samplesProcessed"],
        "switchedAtEpoch": summary.get("switchedAtEpoch"),
        "switchedAtStep": summary.get("switchedAtStep"),
        "steps": summary.get("step"),
        "priorReused": summary.get("priorReused"),
        "embeddingSeconds": timings["embedding"], "trainingSeconds": timings["training"],
        "evaluationSeconds": timings["evaluation"], "processSeconds": wall,
        "cpuSeconds": (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime),
        "loadBefore": load_before, "loadAfter": loadavg(),
    }
    with open(out / "runs.jsonl", "a") as f:
        f.write(json.dumps(row) + "\n")
    done.add(name)
    print(f"{name:28s} acc {100 * row['linearProbeAccuracy']:.2f}%  samples {row['samplesProcessed']:7d}  "
          f"train {row['trainingSeconds']:6.1f} s  switch {row['switchedAtEpoch']}  load {load_before}", flush=True)


def read_runs(out):
    f = out / "runs.jsonl"
    return [json.loads(l) for l in f.read_text().splitlines() if l.strip()] if f.exists() else []


def mean_sd(xs):
    m = sum(xs) / len(xs)
    sd = math.sqrt(sum((x - m) ** 2 for x in xs) / (len(xs) - 1)) if len(xs) > 1 else 0.0
    return m, sd


CONFIG = {c[0]: c for c in CONFIGS}
def cost_seconds(runs):
    """Wall seconds each run paid for its representation, by run name: training, plus the
    prior pass when it uses targets. `rela-trainer run` embedded whatever the schedule, and the
    first run of a seed paid the pass while later ones hit the cache, so each pass is charged
    to the runs that use targets."""
    prior_pass = {}
    for r in runs:
        key = (r["seed"], CONFIG[r["config"]][4])
        prior_pass[key] = max(prior_pass.get(key, 0.0), r["embeddingSeconds"])
    out = {}
    for r in runs:
        cfg = CONFIG[r["config"]]
        out[r["run"]] = r["trainingSeconds"] + (prior_pass[(r["seed"], cfg[4])] if cfg[2] != "None" else 0.0)
    return out


def render_table(runs, cost):
    lines = ["| configuration | seeds | linear probe % (mean ± sd) | samples processed | cost vs BYOL r=1.0 | "
             "wall s: training + prior pass (mean) | switch epoch (1-based, per seed) |",
             "|---|---|---|---|---|---|---|"]
    full = [r["samplesProcessed"] for r in runs if r["config"] == "byol-r1.0"]
    full_samples = sum(full) / len(full) if full else None
    for cfg in CONFIGS:
        rs = sorted((r for r in runs if r["config"] == cfg[0]), key=lambda r: r["seed"])
        if not rs:
            continue
        m, sd = mean_sd([100 * r["linearProbeAccuracy"] for r in rs])
        samples = sum(r["samplesProcessed"] for r in rs) / len(rs)
        wall = sum(cost[r["run"]] for r in rs) / len(rs)
        if cfg[2] == "None":
            switch = "- (BYOL only)"
        else:
            switch = ", ".join("never" if r["switchedAtEpoch"] is None else str(r["switchedAtEpoch"] + 1) for r in rs)
        rel = f"{samples / full_samples:.2f}x" if full_samples else "-"
        lines.append(f"| {cfg[1]} | {len(rs)} | {m:.2f} ± {sd:.2f} | {samples:,.0f} | {rel} | {wall:.0f} | {switch} |")
    base = [100 * r["randomBaselineAccuracy"] for r in runs if r.get("randomBaselineAccuracy") is not None]
    if base:
        m, sd = mean_sd(base)
        lines.append(f"| randomly initialised backbone (no training) | {len(base)} | {m:.2f} ± {sd:.2f} | 0 | 0 | 0 | - |")
    return "\n".join(lines) + "\n"


def render_svg(runs, cost):
    w, h, left, right, top, bottom = 760, 460, 70, 270, 30, 60
    pw, ph = w - left - right, h - top - bottom
    xs = [cost[r["run"]] for r in runs]
    ys = [100 * r["linearProbeAccuracy"] for r in runs]
    base = [100 * r["randomBaselineAccuracy"] for r in runs if r.get("randomBaselineAccuracy") is not None]
    x_max = max(xs) * 1.05
    y_lo = math.floor(min(ys + base) - 0.5)
    y_hi = math.ceil(max(ys) + 0.5)

    def px(x):
        return left + pw * x / x_max

    def py(y):
        return top + ph * (1 - (y - y_lo) / (y_hi - y_lo))

    s = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="12">',
         f'<rect width="{w}" height="{h}" fill="white"/>',
         f'<text x="{left}" y="18" font-size="14">Linear-probe accuracy vs wall time (training + prior pass), one point per run</text>',
         f'<line x1="{left}" y1="{top + ph}" x2="{left + pw}" y2="{top + ph}" stroke="black"/>',
         f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + ph}" stroke="black"/>']
    for i in range(6):
        x = x_max * i / 5
        s.append(f'<text x="{px(x):.1f}" y="{top + ph + 16}" text-anchor="middle">{x:.0f}</text>')
    for y in range(y_lo, y_hi + 1):
        s.append(f'<line x1="{left}" y1="{py(y):.1f}" x2="{left + pw}" y2="{py(y):.1f}" stroke="#eee"/>')
        s.append(f'<text x="{left - 6}" y="{py(y) + 4:.1f}" text-anchor="end">{y}</text>')
    s.append(f'<text x="{left + pw / 2}" y="{h - 20}" text-anchor="middle">seconds on 2 CPU cores</text>')
    s.append(f'<text x="16" y="{top + ph / 2}" transform="rotate(-90 16 {top + ph / 2})" text-anchor="middle">linear-probe accuracy %</text>')
    if base:
        yb = py(sum(base) / len(base))
        s.append(f'<line x1="{left}" y1="{yb:.1f}" x2="{left + pw}" y2="{yb:.1f}" stroke="#999" stroke-dasharray="4 3"/>')
        s.append(f'<text x="{left + pw - 4}" y="{yb - 4:.1f}" text-anchor="end" fill="#666">random backbone</text>')
    for i, cfg in enumerate(CONFIGS):
        colour = COLOURS[i]
        marker = "rect" if cfg[2] == "None" else "circle"
        for r in (r for r in runs if r["config"] == cfg[0]):
            x, y = px(cost[r["run"]]), py(100 * r["linearProbeAccuracy"])
            if marker == "circle":
                s.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{colour}" stroke="black" stroke-width="0.5"/>')
            else:
                s.append(f'<rect x="{x - 4.5:.1f}" y="{y - 4.5:.1f}" width="9" height="9" fill="{colour}" stroke="black" stroke-width="0.5"/>')
        ly = top + 10 + 20 * i
        if marker == "circle":
            s.append(f'<circle cx="{left + pw + 20}" cy="{ly}" r="5" fill="{colour}" stroke="black" stroke-width="0.5"/>')
        else:
            s.append(f'<rect x="{left + pw + 15.5}" y="{ly - 4.5}" width="9" height="9" fill="{colour}" stroke="black" stroke-width="0.5"/>')
        s.append(f'<text x="{left + pw + 32}" y="{ly + 4}" font-size="11">{cfg[1].replace("prior = ", "")}</text>')
    s.append("</svg>")
    return "\n".join(s) + "\n"


def render(out):
    runs = read_runs(out)
    if not runs:
        return
    cost = cost_seconds(runs)
    (out / "table.md").write_text(render_table(runs, cost))
    (out / "accuracy-vs-time.svg").write_text(render_svg(runs, cost))
    print((out / "table.md").read_text())
    print(f"chart: {out / 'accuracy-vs-time.svg'}")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--samples", type=int, default=20000, help="training samples N (first N of the split)")
    p.add_argument("--epochs", type=int, default=4)
    p.add_argument("--seeds", default="0,1,2")
    p.add_argument("--fast-decay", default="0.99", help="Adaptive rule: decay of L_fast (reference 0.999)")
    p.add_argument("--slow-decay", default="0.9", help="Adaptive rule: decay of L_slow (reference 0.99)")
    p.add_argument("--probe-epochs", type=int, default=10)
    p.add_argument("--eval-samples", type=int, default=10000)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--out", type=Path, default=None)
    p.add_argument("--work", type=Path, default=ROOT / "target" / "study-work", help="workspaces and logs")
    p.add_argument("--jar", type=Path, default=JAR, help="the trainer jar (copy it first to rebuild during a study)")
    p.add_argument("--render-only", action="store_true")
    a = p.parse_args()
    out = a.out or ROOT / "bench" / "results" / ("study-" + time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()))
    out.mkdir(parents=True, exist_ok=True)
    if not a.render_only:
        (a.work / "logs").mkdir(parents=True, exist_ok=True)
        if not a.jar.exists():
            sys.exit(f"{a.jar} is missing: run `make trainer` first")
        meta = out / "study.txt"
        if not meta.exists():
            java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
            meta.write_text(
                f"date: {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}\n"
                f"machine: {os.cpu_count()} cores, {platform.processor() or platform.machine()}, load {loadavg()}\n"
                f"java: {java}; trainer: DJL 0.36.0, PyTorch 2.7.1 CPU, {a.threads} threads\n"
                f"command: bench/study.py {' '.join(sys.argv[1:])}\n"
                f"settings: Fashion-MNIST first {a.samples} training images, {a.epochs} epochs for every run, "
                f"convnet4, batch 128, seeds {a.seeds}; Adaptive rule fastDecay {a.fast_decay} slowDecay {a.slow_decay} "
                f"rhoThreshold 0.995; linear probe {a.probe_epochs} epochs on {a.eval_samples} train / the test split\n")
        done = {r["run"] for r in read_runs(out)}
        # seed-major order: an interrupted study still has every configuration at the same seeds
        for seed in [int(x) for x in a.seeds.split(",")]:
            for cfg in CONFIGS:
                run_one(cfg, seed, a, out, done)
    render(out)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""The ReLA effect on Fashion-MNIST: BYOL with and without ReLA at several data ratios.

Every run is a ReLATrainingJob file executed with `rela-trainer run` (the same path as
`make demo`): equal epochs for every run, the same seeds for every configuration, evaluation
by the reference protocol (linear probe on raw frozen features, Adam 3e-4, 100 epochs, mean of
the last 3; kNN k = 20, T = 0.07). The transported prior is the backbone of the same seed's
BYOL r = 1.0 run, used through the `Job` prior type as a user would.

Results are appended to <out>/runs.jsonl as each run ends, so an interrupted study resumes
where it stopped; <out>/table.md and <out>/accuracy.svg (+ .png) are rendered from that file.

Usage: bench/study.py [--samples N] [--epochs E] [--seeds 0,1,2] [--out DIR] [--work DIR] [--jar JAR]
                      [--fast-window EPOCHS --slow-window EPOCHS] [--configs a,b] [--render-only]
                      [--experiments] [--supervised-prior DIR]

--experiments runs the three paired experiments (seeds 0-4 by default), each with its bar fixed
before running: a claim holds when the mean paired gain over seeds is at least 1 point and its
95 % t-interval lies above zero.
  E1 "ReLA r=0.1 clearly above BYOL r=0.1": BYOL r=0.1 vs ReLA (rand prior) under the reference
     decays, Constant c=0.5, and the windows in full-data epochs.
  E2 "a stronger prior helps more": r=0.1, Constant c=0.5 (the same ReLA phase for every prior):
     rand vs the BYOL r=1.0 backbone (8 epochs) vs the supervised prior (bench/supervised_prior.py).
  E3 "does the switch give back the gain?": ReLA that never switches (Constant c=1.0) vs the
     Adaptive rule, at r=0.5 and r=0.1, same epochs.
<out>/paired.md holds the paired differences and verdicts.
Workspaces (checkpoints, prior cache) and logs go to --work, outside the committed results.
The chart needs matplotlib (Debian: python3-matplotlib; `make bench-study` installs it).
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

# name, label, schedule, data ratio, prior, constant fraction[, Adaptive windows: "reference" decays]
CONFIGS = [
    ("byol-r1.0", "BYOL r=1.0", "None", 1.0, "Random", None),
    ("byol-r0.5", "BYOL r=0.5", "None", 0.5, "Random", None),
    ("byol-r0.1", "BYOL r=0.1", "None", 0.1, "Random", None),
    ("rela-r0.5", "ReLA Adaptive r=0.5, rand prior", "Adaptive", 0.5, "Random", None),
    ("rela-r0.1", "ReLA Adaptive r=0.1, rand prior", "Adaptive", 0.1, "Random", None),
    ("rela-r0.1-transport", "ReLA Adaptive r=0.1, transported prior (BYOL r=1.0 backbone)", "Adaptive", 0.1, "Job", None),
    ("rela-const0.3-r0.5", "ReLA Constant c=0.3 r=0.5, rand prior", "Constant", 0.5, "Random", 0.3),
    # the paired experiments (--experiments)
    ("rela-r0.1-refdecay", "ReLA Adaptive r=0.1 (reference decays), rand prior", "Adaptive", 0.1, "Random", None, "reference"),
    ("rela-const0.5-r0.1", "ReLA Constant c=0.5 r=0.1, rand prior", "Constant", 0.1, "Random", 0.5),
    ("rela-const0.5-r0.1-byol8", "ReLA Constant c=0.5 r=0.1, BYOL-8 prior", "Constant", 0.1, "Job", 0.5),
    ("rela-const0.5-r0.1-sup", "ReLA Constant c=0.5 r=0.1, supervised prior", "Constant", 0.1, "TorchScript", 0.5),
    ("rela-never-r0.5", "ReLA never switching (c=1.0) r=0.5, rand prior", "Constant", 0.5, "Random", 1.0),
    ("rela-never-r0.1", "ReLA never switching (c=1.0) r=0.1, rand prior", "Constant", 0.1, "Random", 1.0),
]
# experiment, claim, (A, B) pairs: the claim is that A is above B by the bar
EXPERIMENTS = [
    ("E1", "ReLA r=0.1 clearly above BYOL r=0.1",
     [("rela-r0.1-refdecay", "byol-r0.1"), ("rela-const0.5-r0.1", "byol-r0.1"), ("rela-r0.1", "byol-r0.1")]),
    ("E2", "a stronger prior helps more (r=0.1, Constant c=0.5)",
     [("rela-const0.5-r0.1-byol8", "rela-const0.5-r0.1"), ("rela-const0.5-r0.1-sup", "rela-const0.5-r0.1"),
      ("rela-const0.5-r0.1-sup", "rela-const0.5-r0.1-byol8")]),
    ("E3", "the switch to BYOL gives back the gain (never-switching ReLA above the Adaptive rule)",
     [("rela-never-r0.5", "rela-r0.5"), ("rela-never-r0.1", "rela-r0.1")]),
]
EXPERIMENT_CONFIGS = ["byol-r1.0", "byol-r0.1", "rela-r0.5", "rela-r0.1", "rela-r0.1-refdecay", "rela-const0.5-r0.1",
                      "rela-const0.5-r0.1-byol8", "rela-const0.5-r0.1-sup", "rela-never-r0.5", "rela-never-r0.1"]
# two-sided 95 % t quantiles by degrees of freedom
T95 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262}
CONFIG = {c[0]: c for c in CONFIGS}
STYLE = {  # colour, marker
    "byol-r1.0": ("#08306b", "s"), "byol-r0.5": ("#4292c6", "s"), "byol-r0.1": ("#9ecae1", "s"),
    "rela-r0.5": ("#a50f15", "o"), "rela-r0.1": ("#fb6a4a", "o"), "rela-r0.1-transport": ("#6a3d9a", "D"),
    "rela-const0.3-r0.5": ("#238b45", "^"),
    "rela-r0.1-refdecay": ("#fdae6b", "v"), "rela-const0.5-r0.1": ("#74c476", "^"),
    "rela-const0.5-r0.1-byol8": ("#807dba", "D"), "rela-const0.5-r0.1-sup": ("#54278f", "P"),
    "rela-never-r0.5": ("#67000d", "X"), "rela-never-r0.1": ("#ef3b2c", "X"),
}


def job_yaml(name, cfg, seed, a):
    _, _, schedule, ratio, prior, constant = cfg[:6]
    windows = cfg[6] if len(cfg) > 6 else "epochs"
    lines = [
        "apiVersion: rela.io/v1alpha1",
        "kind: ReLATrainingJob",
        f"metadata: {{name: {name}}}",
        "spec:",
        f"  dataset: {{format: FashionMNIST, path: {DATASET}}}",
    ]
    if prior == "Job":
        lines.append(f"  prior: {{type: Job, jobRef: {{name: byol-r1.0-s{seed}}}}}")
    elif prior == "TorchScript":
        meta = json.loads((a.supervised_prior / "prior.json").read_text())
        pt = (a.supervised_prior / meta["file"]).resolve()
        # relative to the repository (the runs start there): the committed job files name no machine path
        uri = pt.relative_to(ROOT) if pt.is_relative_to(ROOT) else pt
        lines.append(f"  prior: {{type: TorchScript, uri: {uri}, inputSize: 28, sha256: {meta['sha256']}}}")
    else:
        lines.append("  prior: {type: Random}")
    lines += [
        "  model: {backbone: convnet4}",
        f"  training: {{epochs: {a.epochs}, batchSize: 128, maxSamples: {a.samples}, seed: {seed}}}",
    ]
    rela = [f"dataRatio: {ratio}", f"schedule: {schedule}"]
    if schedule == "Adaptive" and a.fast_window and windows != "reference":
        rela += [f"fastWindowEpochs: {a.fast_window}", f"slowWindowEpochs: {a.slow_window}"]
    if constant is not None:
        rela.append(f"constantFraction: {constant}")
    lines.append("  rela: {" + ", ".join(rela) + "}")
    baseline = "true" if cfg[0] == "byol-r1.0" else "false"
    lines.append(f"  evaluation: {{maxSamples: {a.eval_samples}, randomBaseline: {baseline}}}")
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
    cmd = ["java", "-Dai.djl.offline=true", "-jar", str(a.jar.resolve()), "run", str(job.resolve()), "--quiet",
           "--workspace-root", str(work / "workspaces"), "--report-dir", str(report)]
    load_before = loadavg()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.time()
    with open(work / "logs" / f"{name}.log", "w") as log:
        rc = subprocess.call(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
                             env={**os.environ, "OMP_NUM_THREADS": str(a.threads)})
    wall = time.time() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if rc != 0:
        sys.exit(f"{name}: rela-trainer exited {rc}; see {work / 'logs' / (name + '.log')}")
    for f in report.glob("*.json"):
        # results are committed: no paths of this machine in them
        f.write_text(f.read_text().replace(str(work) + "/", "").replace(str(ROOT) + "/", ""))
    summary = json.loads((report / "summary.json").read_text())
    timings = json.loads((report / "timings.json").read_text())
    row = {
        "run": name, "config": cfg[0], "seed": seed,
        "linearProbeAccuracy": summary["linearProbeAccuracy"],
        "knnAccuracy": summary.get("knnAccuracy"),
        "randomBaselineAccuracy": summary.get("randomBaselineAccuracy"),
        "randomBaselineKnnAccuracy": summary.get("randomBaselineKnnAccuracy"),
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
    print(f"{name:28s} probe {100 * row['linearProbeAccuracy']:.2f}%  kNN {100 * (row['knnAccuracy'] or 0):.2f}%  "
          f"samples {row['samplesProcessed']:7d}  train {row['trainingSeconds']:6.1f} s  prior {row['embeddingSeconds']:5.1f} s  "
          f"switch {row['switchedAtEpoch']}  load {load_before}", flush=True)


def read_runs(out):
    f = out / "runs.jsonl"
    return [json.loads(l) for l in f.read_text().splitlines() if l.strip()] if f.exists() else []


def mean_sd(xs):
    m = sum(xs) / len(xs)
    sd = math.sqrt(sum((x - m) ** 2 for x in xs) / (len(xs) - 1)) if len(xs) > 1 else 0.0
    return m, sd


def uses_targets(cfg):
    return cfg[2] != "None"


def cost_seconds(runs):
    """Wall seconds each run paid for its representation, by run name: training, plus the prior
    pass when it uses targets. `rela-trainer run` embeds whatever the schedule, and the first run
    of a seed and prior pays the pass while later ones hit the cache, so each pass is charged in
    full to every run that uses its targets."""
    prior_pass = {}
    for r in runs:
        key = (r["seed"], CONFIG[r["config"]][4])
        prior_pass[key] = max(prior_pass.get(key, 0.0), r["embeddingSeconds"])
    out = {}
    for r in runs:
        cfg = CONFIG[r["config"]]
        out[r["run"]] = r["trainingSeconds"] + (prior_pass[(r["seed"], cfg[4])] if uses_targets(cfg) else 0.0)
    return out


def switch_text(cfg, rs, epochs):
    if cfg[2] == "None":
        return "- (BYOL only)"
    parts = []
    for r in rs:
        if r["switchedAtEpoch"] is None:
            parts.append("never")
        else:
            # the step of the switch as a fraction of training: where in the run it fell
            parts.append(f"{r['switchedAtEpoch'] + 1} (step {r['switchedAtStep']} of {r['steps']})")
    return ", ".join(parts)


def baseline(runs, key):
    xs = [100 * r[key] for r in runs if r.get(key) is not None]
    return mean_sd(xs) + (len(xs),) if xs else None


def render_table(runs, cost, epochs):
    lines = ["| configuration | seeds | linear probe % (mean ± sd) | kNN % (mean ± sd) | samples processed | "
             "samples vs BYOL r=1.0 | wall s, training + prior pass (mean) | wall vs BYOL r=1.0 | switch epoch, 1-based (per seed) |",
             "|---|---|---|---|---|---|---|---|---|"]
    ref = [r for r in runs if r["config"] == "byol-r1.0"]
    ref_samples = sum(r["samplesProcessed"] for r in ref) / len(ref) if ref else None
    ref_wall = sum(cost[r["run"]] for r in ref) / len(ref) if ref else None
    for cfg in CONFIGS:
        rs = sorted((r for r in runs if r["config"] == cfg[0]), key=lambda r: r["seed"])
        if not rs:
            continue
        m, sd = mean_sd([100 * r["linearProbeAccuracy"] for r in rs])
        km, ksd = mean_sd([100 * r["knnAccuracy"] for r in rs])
        samples = sum(r["samplesProcessed"] for r in rs) / len(rs)
        wall = sum(cost[r["run"]] for r in rs) / len(rs)
        rel = f"{samples / ref_samples:.2f}x" if ref_samples else "-"
        relw = f"{wall / ref_wall:.2f}x" if ref_wall else "-"
        lines.append(f"| {cfg[1]} | {len(rs)} | {m:.2f} ± {sd:.2f} | {km:.2f} ± {ksd:.2f} | {samples:,.0f} | {rel} | "
                     f"{wall:.0f} | {relw} | {switch_text(cfg, rs, epochs)} |")
    b = baseline(runs, "randomBaselineAccuracy")
    k = baseline(runs, "randomBaselineKnnAccuracy")
    if b:
        lines.append(f"| randomly initialised backbone (no training) | {b[2]} | {b[0]:.2f} ± {b[1]:.2f} | "
                     f"{k[0]:.2f} ± {k[1]:.2f} | 0 | 0 | 0 | 0 | - |")
    return "\n".join(lines) + "\n"


def render_chart(runs, cost, out, title):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(12, 5.2), sharey=True)
    b = baseline(runs, "randomBaselineAccuracy")
    ref = [100 * r["linearProbeAccuracy"] for r in runs if r["config"] == "byol-r1.0"]
    for ax, xkey, xlabel in ((axes[0], "wall", "wall time: training + prior pass (s, 2 CPU cores)"),
                             (axes[1], "samples", "samples processed (images through the student)")):
        if ref:
            m, sd = mean_sd(ref)
            ax.axhspan(m - sd, m + sd, color="#08306b", alpha=0.12, lw=0)
            ax.axhline(m, color="#08306b", lw=0.8, ls=":")
        if b:
            ax.axhline(b[0], color="#555555", lw=1.2, ls="--")
        for cfg in CONFIGS:
            rs = [r for r in runs if r["config"] == cfg[0]]
            if not rs:
                continue
            colour, marker = STYLE[cfg[0]]
            xs = [cost[r["run"]] if xkey == "wall" else r["samplesProcessed"] for r in rs]
            ys = [100 * r["linearProbeAccuracy"] for r in rs]
            ax.scatter(xs, ys, c=colour, marker=marker, s=46, edgecolors="black", linewidths=0.5, label=cfg[1], zorder=3)
        ax.set_xlabel(xlabel)
        ax.set_xlim(left=0)
        ax.grid(True, color="#e5e5e5", lw=0.6)
        if xkey == "samples":
            ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v / 1000:.0f}k"))
    axes[0].set_ylabel("linear-probe accuracy on the test split (%)")
    handles, labels = axes[0].get_legend_handles_labels()
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    if b:
        handles.append(Line2D([], [], color="#555555", ls="--"))
        labels.append(f"randomly initialised backbone ({b[0]:.2f} %)")
    if ref:
        handles.append(Patch(color="#08306b", alpha=0.12))
        labels.append("BYOL r=1.0: mean ± sd band")
    fig.legend(handles, labels, loc="lower center", ncol=3, fontsize=9, frameon=False)
    fig.suptitle(title, fontsize=11)
    fig.tight_layout(rect=(0, 0.14, 1, 0.95))
    fig.savefig(out / "accuracy.svg")
    fig.savefig(out / "accuracy.png", dpi=110)
    plt.close(fig)


def paired(runs):
    """For each experiment's (A, B) pair: the per-seed differences A - B in probe points, their
    mean, the 95 % t-interval, and whether the bar (mean >= 1 point, interval above 0) holds."""
    acc = {(r["config"], r["seed"]): 100 * r["linearProbeAccuracy"] for r in runs}
    lines = ["| experiment | A vs B | seeds | paired A - B, points (per seed) | mean | 95 % interval | verdict |",
             "|---|---|---|---|---|---|---|"]
    for exp, claim, pairs in EXPERIMENTS:
        for a_name, b_name in pairs:
            seeds = sorted(s for (c, s) in acc if c == a_name and (b_name, s) in acc)
            if len(seeds) < 2:
                continue
            d = [acc[(a_name, s)] - acc[(b_name, s)] for s in seeds]
            m, sd = mean_sd(d)
            half = T95[len(d) - 1] * sd / math.sqrt(len(d))
            holds = m >= 1.0 and m - half > 0
            lines.append(f"| {exp}: {claim} | {CONFIG[a_name][1]} vs {CONFIG[b_name][1]} | {len(d)} | "
                         f"{', '.join(f'{x:+.2f}' for x in d)} | {m:+.2f} | [{m - half:+.2f}, {m + half:+.2f}] | "
                         f"{'holds' if holds else 'not shown'} |")
    return "\n".join(lines) + "\n"


def render(out, epochs, title):
    runs = read_runs(out)
    if not runs:
        return
    cost = cost_seconds(runs)
    (out / "table.md").write_text(render_table(runs, cost, epochs))
    (out / "paired.md").write_text(paired(runs))
    render_chart(runs, cost, out, title)
    print((out / "table.md").read_text())
    print(f"chart: {out / 'accuracy.svg'}")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--samples", type=int, default=24000, help="training samples N (first N of the split)")
    p.add_argument("--epochs", type=int, default=8)
    p.add_argument("--seeds", default="0,1,2")
    p.add_argument("--configs", default=",".join(c[0] for c in CONFIGS), help="which configurations to run")
    p.add_argument("--fast-window", default="1", help="Adaptive rule: fastWindowEpochs, in full-data epochs ('' for the reference decays)")
    p.add_argument("--slow-window", default="0.1", help="Adaptive rule: slowWindowEpochs, in full-data epochs (the reference's 10:1)")
    p.add_argument("--eval-samples", type=int, default=10000)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--out", type=Path, default=None)
    p.add_argument("--work", type=Path, default=ROOT / "target" / "study-work", help="workspaces and logs")
    p.add_argument("--jar", type=Path, default=JAR, help="the trainer jar (copy it first to rebuild during a study)")
    p.add_argument("--render-only", action="store_true")
    p.add_argument("--experiments", action="store_true", help="the paired experiments E1-E3 (seeds 0-4 unless --seeds)")
    p.add_argument("--supervised-prior", type=Path, default=ROOT / "bench" / "results" / "supervised-prior",
                   help="folder of bench/supervised_prior.py's prior.json and .pt")
    a = p.parse_args()
    if a.experiments:
        if a.configs == ",".join(c[0] for c in CONFIGS):
            a.configs = ",".join(EXPERIMENT_CONFIGS)
        if a.seeds == "0,1,2":
            a.seeds = "0,1,2,3,4"
    out = (a.out or ROOT / "bench" / "results" / ("study-" + time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()))).resolve()
    a.work = a.work.resolve()
    out.mkdir(parents=True, exist_ok=True)
    title = (f"ReLA vs BYOL on Fashion-MNIST: convnet4, {a.samples:,} images, {a.epochs} epochs every run, "
             "one point per run (seed); reference linear probe")
    if not a.render_only:
        (a.work / "logs").mkdir(parents=True, exist_ok=True)
        if not a.jar.exists():
            sys.exit(f"{a.jar} is missing: run `make trainer` first")
        meta = out / "study.txt"
        if not meta.exists():
            java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
            windows = (f"fastWindowEpochs {a.fast_window}, slowWindowEpochs {a.slow_window}" if a.fast_window
                       else "reference decays 0.999 / 0.99")
            meta.write_text(
                f"date: {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}\n"
                f"machine: {os.cpu_count()} cores, {platform.processor() or platform.machine()}, load {loadavg()}\n"
                f"java: {java}; trainer: DJL 0.36.0, PyTorch 2.7.1 CPU, {a.threads} threads\n"
                f"command: bench/study.py {' '.join(sys.argv[1:])}\n"
                f"settings: Fashion-MNIST first {a.samples} training images, {a.epochs} epochs for every run, "
                f"convnet4, batch 128, seeds {a.seeds}; Adaptive rule rhoThreshold 0.995, {windows}; "
                f"reference linear probe and kNN on {a.eval_samples} train / {a.eval_samples} test images\n")
        done = {r["run"] for r in read_runs(out)}
        wanted = a.configs.split(",")
        # seed-major order: an interrupted study still has every configuration at the same seeds,
        # and each seed's BYOL r=1.0 run exists before the run that takes it as its prior
        for seed in [int(x) for x in a.seeds.split(",")]:
            for cfg in CONFIGS:
                if cfg[0] in wanted:
                    run_one(cfg, seed, a, out, done)
    render(out, a.epochs, title)


if __name__ == "__main__":
    main()

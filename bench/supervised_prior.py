#!/usr/bin/env python3
"""A strong prior of measured strength for the ReLA study: the project's convnet4 trained
*supervised* (with labels) on Fashion-MNIST training images 24,000-59,999, which the study's
self-supervised runs never see (they use the first 24,000), exported as TorchScript for
`prior.type: TorchScript` the way a user would bring one.

This prior used labels. So did the paper's CLIP prior (text-image pairs); a prior is free to
the student because someone else paid for it, not because it was unsupervised.

The TorchScript module takes what the trainer gives a TorchScript prior: N x 3 x 28 x 28,
grey repeated to three channels, ImageNet-normalised (prior.inputSize: 28), and returns the
N x 256 pooled features (the classifier head is dropped). Its strength is reported two ways:
the supervised head's test accuracy, and the study's own linear probe on its frozen features
(raw features, Adam 3e-4, batch 128, 100 epochs, mean test accuracy of the last 3; first 10,000
training images, 10,000 test images), so it compares with the probe numbers of the study's runs.

Usage: bench/supervised_prior.py [--epochs 6] [--seed 0] [--out DIR]
Writes DIR/supervised-convnet4.pt (not committed: this script remakes it) and DIR/prior.json
(recipe, accuracies, SHA-256 of the .pt, timings, machine). Debian's PyTorch (python3-torch).
"""
import argparse
import gzip
import hashlib
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "trainer-image/src/main/resources/io/rela/trainer/export"))
import rela_backbone  # noqa: E402  (the exported convnet4, the same network the trainer builds)

DATASET = Path(os.environ.get("FASHION_MNIST", "/usr/share/datasets/fashion-mnist"))
MEAN = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
STD = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)


def idx(name):
    for f in (DATASET / (name + ".gz"), DATASET / name):
        if f.exists():
            data = gzip.open(f).read() if f.suffix == ".gz" else f.read_bytes()
            dims = data[3]
            shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
            return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)
    sys.exit(f"{name} not found under {DATASET} (make dataset)")


def prior_input(images):
    """uint8 N x 28 x 28 -> what the trainer feeds a TorchScript prior."""
    x = torch.from_numpy(images.astype(np.float32) / 255.0).unsqueeze(1).repeat(1, 3, 1, 1)
    return (x - MEAN) / STD


def features(backbone, images, batch=1000):
    out = []
    with torch.no_grad():
        for i in range(0, len(images), batch):
            out.append(backbone(prior_input(images[i:i + batch])))
    return torch.cat(out)


def probe(train_x, train_y, test_x, test_y, seed, epochs=100):
    """The study's reference probe: a linear layer on raw frozen features, Adam 3e-4, batch 128."""
    g = torch.Generator().manual_seed(seed)
    head = nn.Linear(train_x.shape[1], 10)
    opt = torch.optim.Adam(head.parameters(), lr=3e-4)
    accs = []
    for _ in range(epochs):
        perm = torch.randperm(len(train_x), generator=g)
        for i in range(0, len(perm), 128):
            b = perm[i:i + 128]
            loss = nn.functional.cross_entropy(head(train_x[b]), train_y[b])
            opt.zero_grad()
            loss.backward()
            opt.step()
        with torch.no_grad():
            accs.append((head(test_x).argmax(1) == test_y).float().mean().item())
    return float(np.mean(accs[-3:]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=6)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default=str(ROOT / "bench/results/supervised-prior"))
    a = ap.parse_args()
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(a.seed)
    np.random.seed(a.seed)
    torch.set_num_threads(os.cpu_count() or 1)
    train_x, train_y = idx("train-images-idx3-ubyte"), idx("train-labels-idx1-ubyte")
    test_x, test_y = idx("t10k-images-idx3-ubyte"), idx("t10k-labels-idx1-ubyte")
    sup_x, sup_y = train_x[24000:60000], torch.from_numpy(train_y[24000:60000].astype(np.int64))
    backbone = rela_backbone.convnet4(in_channels=3)
    model = nn.Sequential(backbone, nn.Linear(256, 10))
    steps = a.epochs * ((len(sup_x) + 255) // 256)
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4, nesterov=True)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.05, total_steps=steps)
    t0 = time.time()
    for epoch in range(a.epochs):
        model.train()
        perm = np.random.permutation(len(sup_x))
        seen, correct = 0, 0
        for i in range(0, len(perm), 256):
            b = perm[i:i + 256]
            x = prior_input(sup_x[b])
            # light augmentation: random horizontal flip and a 2-pixel random shift
            flip = torch.rand(len(b)) < 0.5
            x[flip] = x[flip].flip(3)
            dx, dy = np.random.randint(-2, 3, size=2)
            x = torch.roll(x, shifts=(int(dy), int(dx)), dims=(2, 3))
            logits = model(x)
            loss = nn.functional.cross_entropy(logits, sup_y[b])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            seen += len(b)
            correct += (logits.argmax(1) == sup_y[b]).sum().item()
        print(f"epoch {epoch + 1}/{a.epochs}: train accuracy {correct / seen:.4f}, {time.time() - t0:.0f} s", flush=True)
    train_seconds = time.time() - t0
    model.eval()
    test_t = torch.from_numpy(test_y.astype(np.int64))
    with torch.no_grad():
        supervised = float((model(prior_input(test_x)).argmax(1) == test_t).float().mean())
    t1 = time.time()
    probe_acc = probe(features(backbone, train_x[:10000]), torch.from_numpy(train_y[:10000].astype(np.int64)),
                      features(backbone, test_x), test_t, a.seed)
    probe_seconds = time.time() - t1
    pt = out / "supervised-convnet4.pt"
    torch.jit.script(backbone.eval()).save(str(pt))
    sha = hashlib.sha256(pt.read_bytes()).hexdigest()
    report = {
        "prior": "convnet4 trained supervised (labels) on Fashion-MNIST train[24000:60000]",
        "uses_labels": True,
        "input": "N x 3 x 28 x 28, grey repeated, ImageNet-normalised (prior.inputSize: 28)",
        "output": "N x 256 pooled features",
        "recipe": {"epochs": a.epochs, "batch": 256, "optimizer": "SGD nesterov momentum 0.9, wd 5e-4",
                   "schedule": "one-cycle, max lr 0.05", "augmentation": "hflip + 2 px shift", "seed": a.seed},
        "supervised_test_accuracy": round(supervised, 4),
        "linear_probe_accuracy": round(probe_acc, 4),
        "probe": "raw features, Adam 3e-4, batch 128, 100 epochs, mean of last 3; train[0:10000], test 10,000",
        "file": pt.name, "sha256": sha,
        "train_seconds": round(train_seconds, 1), "probe_seconds": round(probe_seconds, 1),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores", "torch": torch.__version__,
        "command": "bench/supervised_prior.py " + " ".join(sys.argv[1:]),
        "loadavg": " ".join(Path("/proc/loadavg").read_text().split()[:3]),
    }
    (out / "prior.json").write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()

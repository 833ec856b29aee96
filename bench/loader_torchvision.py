"""torchvision's PIL input pipelines at 224 px over an ImageFolder, as rela-trainer bench-loader
measures the trainer's: JPEG decode + BYOL's two views, ReLA's two views, and the evaluation's
Resize(256) + CenterCrop(224), and the decode alone; images/s through a DataLoader with the
given workers.

usage: loader_torchvision.py DIR WORKERS[,WORKERS...] [--json OUT]"""
import json
import sys
import time

import torch
import torchvision
import torchvision.transforms as T

NORM = T.Normalize((0.485, 0.456, 0.406), (0.229, 0.224, 0.225))


def byol(view):
    ops = [T.RandomResizedCrop(224, scale=(0.08, 1.0)), T.RandomHorizontalFlip(),
           T.RandomApply([T.ColorJitter(0.4, 0.4, 0.2, 0.1)], p=0.8), T.RandomGrayscale(0.2)]
    ops.append(T.RandomApply([T.GaussianBlur(23, sigma=(0.1, 2.0))], p=1.0 if view == 1 else 0.1))
    if view == 2:
        ops.append(T.RandomSolarize(0.5, p=0.2))
    return T.Compose(ops + [T.ToTensor(), NORM])


RELA = T.Compose([T.RandomResizedCrop(224, scale=(0.5, 1.0)), T.RandomHorizontalFlip(),
                  T.RandomApply([T.ColorJitter(0.8, 0.8, 0.8, 0.2)], p=0.8), T.RandomGrayscale(0.2),
                  T.ToTensor(), NORM])
EVAL = T.Compose([T.Resize(256), T.CenterCrop(224), T.ToTensor(), NORM])


class TwoViews:
    def __init__(self, a, b):
        self.a, self.b = a, b

    def __call__(self, img):
        return self.a(img), self.b(img)


def decoded(img):
    # ImageFolder's loader has already decoded the JPEG to RGB; hand back a token tensor
    return torch.zeros(1)


PIPELINES = {"byol_two_views": TwoViews(byol(1), byol(2)), "rela_two_views": TwoViews(RELA, RELA),
             "eval_resize_centercrop": EVAL, "decode_only": decoded}


def measure(root, transform, workers):
    data = torchvision.datasets.ImageFolder(root, transform=transform)
    loader = torch.utils.data.DataLoader(data, batch_size=32, shuffle=False, num_workers=workers)
    for i, _ in enumerate(loader):  # warm-up: start the workers, fill the page cache
        if i >= 1:
            break
    t0 = time.perf_counter()
    n = 0
    for x, _ in loader:
        n += len(x[0]) if isinstance(x, (list, tuple)) else len(x)
    return n, time.perf_counter() - t0


def main():
    root, workers = sys.argv[1], [int(w) for w in sys.argv[2].split(",")]
    out = sys.argv[sys.argv.index("--json") + 1] if "--json" in sys.argv else None
    torch.set_num_threads(1)
    rows = []
    for w in workers:
        for name, transform in PIPELINES.items():
            n, secs = measure(root, transform, w)
            rows.append({"side": "torchvision", "pipeline": name, "workers": w, "images": n,
                         "seconds": round(secs, 2), "images_per_s": round(n / secs, 1)})
            print(f"torch {name:24s} workers={w} {n / secs:8.1f} images/s ({n} images, {secs:.1f} s)", flush=True)
    if out:
        with open(out, "w") as f:
            json.dump({"rows": rows, "torch": torch.__version__, "torchvision": torchvision.__version__}, f, indent=1)


if __name__ == "__main__":
    main()

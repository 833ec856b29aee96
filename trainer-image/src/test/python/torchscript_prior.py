"""TorchScript priors made with PyTorch, and PyTorch's own output on given inputs.

usage: torchscript_prior.py resnet18 OUT.pt        torchvision resnet18, random weights, fc removed (512-d)
       torchscript_prior.py bad-shape OUT.pt       a model that returns N x 3 x S (not N x d)
       torchscript_prior.py nan OUT.pt             a model whose embeddings are all NaN
       torchscript_prior.py run MODEL.pt IN.npy OUT.npy"""
import sys

import numpy as np
import torch
import torchvision


class BadShape(torch.nn.Module):
    def forward(self, x):
        return x.mean(dim=3)


class NotANumber(torch.nn.Module):
    def forward(self, x):
        return x.mean(dim=(2, 3)) * float("nan")


cmd = sys.argv[1]
torch.manual_seed(0)
if cmd == "resnet18":
    model = torchvision.models.resnet18()
    model.fc = torch.nn.Identity()
    torch.jit.script(model.eval()).save(sys.argv[2])
elif cmd == "bad-shape":
    torch.jit.script(BadShape()).save(sys.argv[2])
elif cmd == "nan":
    torch.jit.script(NotANumber()).save(sys.argv[2])
elif cmd == "run":
    model = torch.jit.load(sys.argv[2]).eval()
    with torch.no_grad():
        out = model(torch.from_numpy(np.load(sys.argv[3])))
    np.save(sys.argv[4], out.numpy().astype(np.float32))
    print(f"pytorch output {tuple(out.shape)}")
else:
    sys.exit("unknown command " + cmd)

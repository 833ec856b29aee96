"""Loads a backbone the trainer exported into PyTorch, the way the README tells users to,
runs it on the inputs the Java test used, and compares with the Java backbone's features.

usage: export_check.py EXPORT_DIR INPUTS.npy JAVA_FEATURES.npy
Exit 0 when every feature matches to 1e-4, 1 otherwise."""
import json
import os
import sys

import numpy as np
import torch
import torchvision

export_dir, inputs, expected = sys.argv[1:4]
sys.path.insert(0, export_dir)
import rela_backbone  # noqa: E402  (shipped in the export folder)

with open(os.path.join(export_dir, "backbone.json")) as f:
    meta = json.load(f)
arch, channels = meta["architecture"], meta["inChannels"]
if arch == "convnet4":
    model = rela_backbone.convnet4(in_channels=channels)
else:
    # the README's lines: a torchvision model, its classifier removed, the stem adapted
    model = getattr(torchvision.models, arch)()
    model.fc = torch.nn.Identity()
    if meta["smallImageStem"]:
        model.conv1 = torch.nn.Conv2d(channels, 64, 3, 1, 1, bias=False)
        model.maxpool = torch.nn.Identity()
    elif channels != 3:
        model.conv1 = torch.nn.Conv2d(channels, 64, 7, 2, 3, bias=False)
state = rela_backbone.read_safetensors(os.path.join(export_dir, "backbone.safetensors"))
model.load_state_dict(state, strict=True)
model.eval()
with torch.no_grad():
    out = model(torch.from_numpy(np.load(inputs))).numpy()
java = np.load(expected).reshape(out.shape)
diff = float(np.abs(out - java).max())
print(f"{arch}: {len(state)} tensors loaded strictly, features {tuple(out.shape)}, "
      f"max |torch - java| = {diff:.3g}, max |feature| = {float(np.abs(out).max()):.3g}")
sys.exit(0 if diff <= 1e-4 else 1)

"""Load a backbone exported by a ReLATrainingJob into PyTorch.

The export folder holds backbone.safetensors (parameter names of torchvision's ResNets, or of
the nn.Sequential below for convnet4), backbone.json (architecture and preprocessing) and this
file. Usage:

    import rela_backbone
    model = rela_backbone.load("path/to/export")   # eval mode; model(x) -> N x featureDim

Only torch is required (torchvision for the ResNets); the safetensors package is used when
installed, otherwise the file is read directly (the format is a JSON header and raw tensors).
"""
import json
import os
import struct

import torch
from torch import nn

_DTYPES = {"F32": torch.float32, "I64": torch.int64}


def read_safetensors(path):
    """Tensors of a safetensors file, by name."""
    try:
        from safetensors.torch import load_file
        return load_file(path)
    except ImportError:
        pass
    with open(path, "rb") as f:
        (size,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(size))
        data = f.read()
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        begin, end = e["data_offsets"]
        t = torch.frombuffer(bytearray(data[begin:end]), dtype=_DTYPES[e["dtype"]])
        out[name] = t.reshape(e["shape"]).clone()
    return out


def convnet4(in_channels=1):
    """The project's 4-block conv net: conv3x3-BN-ReLU of 32, 64, 128, 256 channels, a 2x2 max
    pool after the first three, then global average pooling (output N x 256)."""
    layers, c = [], in_channels
    for i, width in enumerate([32, 64, 128, 256]):
        layers += [nn.Conv2d(c, width, 3, 1, 1, bias=False), nn.BatchNorm2d(width), nn.ReLU(inplace=True)]
        if i < 3:
            layers.append(nn.MaxPool2d(2, 2))
        c = width
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten()]
    return nn.Sequential(*layers)


def build(meta):
    """The PyTorch module backbone.json describes, with random weights."""
    arch, channels = meta["architecture"], meta["inChannels"]
    if arch == "convnet4":
        return convnet4(channels)
    import torchvision
    model = getattr(torchvision.models, arch)()
    model.fc = nn.Identity()
    if meta["smallImageStem"]:
        # the small-image stem: a 3x3 stride-1 first convolution and no max pool
        model.conv1 = nn.Conv2d(channels, 64, 3, 1, 1, bias=False)
        model.maxpool = nn.Identity()
    elif channels != 3:
        model.conv1 = nn.Conv2d(channels, 64, 7, 2, 3, bias=False)
    return model


def load(folder):
    """The exported backbone, weights loaded (strictly), in eval mode."""
    with open(os.path.join(folder, "backbone.json")) as f:
        meta = json.load(f)
    model = build(meta)
    model.load_state_dict(read_safetensors(os.path.join(folder, meta["weights"])))
    return model.eval()

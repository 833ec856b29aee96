"""Loads the backbone pulled from the model image (its /models folder) and the export on the
workspace into PyTorch, as the README tells users to, and compares their features on one
random batch.

usage: pulled_model_check.py PULLED_MODELS_DIR WORKSPACE_EXPORT_DIR
Exit 0 when the features are identical, 1 otherwise."""
import importlib.util
import json
import os
import sys

import torch


def load(folder):
    spec = importlib.util.spec_from_file_location("rela_backbone_" + str(abs(hash(folder))),
                                                  os.path.join(folder, "rela_backbone.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with open(os.path.join(folder, "backbone.json")) as f:
        meta = json.load(f)
    assert meta["architecture"] == "convnet4", meta["architecture"]
    model = module.convnet4(in_channels=meta["inChannels"])
    model.load_state_dict(module.read_safetensors(os.path.join(folder, "backbone.safetensors")), strict=True)
    return model.eval(), meta


pulled, meta = load(sys.argv[1])
claim, _ = load(sys.argv[2])
torch.manual_seed(0)
x = torch.randn(8, meta["inChannels"], 28, 28)
with torch.no_grad():
    a, b = pulled(x), claim(x)
diff = float((a - b).abs().max())
print(f"pulled image vs workspace export: features {tuple(a.shape)}, max |diff| = {diff:.3g}")
sys.exit(0 if diff == 0.0 else 1)

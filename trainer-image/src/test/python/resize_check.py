"""torchvision's resized crop (crop, then antialiased bilinear resize) of a c x h x w image, the
reference for the trainer's resampler.

usage: resize_check.py IMAGE.npy TOP LEFT HEIGHT WIDTH OUT OUT.npy
       resize_check.py IMAGE.npy resize-crop RESIZE SIZE OUT.npy   (Resize(RESIZE) + CenterCrop(SIZE))"""
import sys

import numpy as np
import torch
import torch.nn.functional as F

img = torch.from_numpy(np.load(sys.argv[1]))
if sys.argv[2] == "resize-crop":
    import torchvision.transforms as T
    resize, size = int(sys.argv[3]), int(sys.argv[4])
    res = T.CenterCrop(size)(T.Resize(resize, antialias=True)(img))
    np.save(sys.argv[5], res.numpy().astype(np.float32))
    sys.exit(0)
top, left, height, width, out = (int(a) for a in sys.argv[2:7])
crop = img[:, top:top + height, left:left + width]
res = F.interpolate(crop[None], size=(out, out), mode="bilinear", align_corners=False, antialias=True)[0]
np.save(sys.argv[7], res.numpy().astype(np.float32))

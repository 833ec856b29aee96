"""The reference's linear probe (LINs-lab/ReLA metrics/lineareval.py) in PyTorch, on features
the Java trainer computed, to cross-check the Java probe's accuracy.

usage: probe_crosscheck.py TRAIN_X.npy TRAIN_Y.npy TEST_X.npy TEST_Y.npy [EPOCHS [LR [BATCH [LAST]]]]
Prints one line: "pytorch probe accuracy <mean of the last LAST epochs>"."""
import statistics
import sys

import numpy as np
import torch

args = sys.argv[1:]
xtr, ytr, xte, yte = (np.load(a) for a in args[:4])
epochs = int(args[4]) if len(args) > 4 else 100
lr = float(args[5]) if len(args) > 5 else 3e-4
batch = int(args[6]) if len(args) > 6 else 128
last = int(args[7]) if len(args) > 7 else 3
torch.manual_seed(0)
xtr, xte = torch.from_numpy(xtr), torch.from_numpy(xte)
ytr, yte = torch.from_numpy(ytr).long(), torch.from_numpy(yte).long()
classes = int(max(ytr.max(), yte.max())) + 1
model = torch.nn.Linear(xtr.shape[1], classes)
opt = torch.optim.Adam(model.parameters(), lr=lr)
loss_fn = torch.nn.CrossEntropyLoss()
loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(xtr, ytr), batch_size=batch, shuffle=True)
accs = []
for epoch in range(epochs):
    model.train()
    for x, y in loader:
        opt.zero_grad()
        loss_fn(model(x), y).backward()
        opt.step()
    if epoch >= epochs - last:
        with torch.no_grad():
            accs.append(float((model(xte).argmax(1) == yte).float().mean()))
print(f"pytorch probe accuracy {statistics.mean(accs):.6f}")

#!/usr/bin/env python3
"""Trains the small PyTorch CNN shipped as models/fashion-cnn-onnx (the default model of notebook 05)
and exports it to ONNX with torch.onnx.export, the way a PyTorch user brings a model to filtermine.

Data: Debian's dataset-fashion-mnist (/usr/share/datasets/fashion-mnist). Each 28x28 grey image is
made a 64x64 RGB image the way filtermine reads an image folder (shorter side resized to 73, centre
crop 64, bilinear with half-pixel centres) and given a random per-channel tint in [0.4, 1], so that
colour carries no class information. Inputs are RGB in [0, 1] (filtermine's `unit` preset).

Deterministic: seeded, single-threaded. Rerun:  /usr/bin/python3 scripts/train-onnx-example.py
(8 epochs on all 60,000 training images: about 35 minutes on one core; 92.6% test accuracy.)
Writes models/fashion-cnn-onnx/model.onnx and card.json.
"""
import argparse, gzip, json, os, struct, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
DATA = "/usr/share/datasets/fashion-mnist"


def read_idx(name):
    with gzip.open(os.path.join(DATA, name), "rb") as f:
        raw = f.read()
    magic, n = struct.unpack(">II", raw[:8])
    if magic == 2051:
        rows, cols = struct.unpack(">II", raw[8:16])
        return np.frombuffer(raw, np.uint8, offset=16).reshape(n, rows, cols)
    return np.frombuffer(raw, np.uint8, offset=8)


def to_rgb64(grey, rng):
    """[n, 28, 28] uint8 -> [n, 3, 64, 64] float in [0, 1], tinted per image."""
    x = torch.from_numpy(grey.astype(np.float32) / 255.0).unsqueeze(1)
    x = F.interpolate(x, size=(73, 73), mode="bilinear", align_corners=False)[:, :, 4:68, 4:68]
    tint = torch.from_numpy(rng.uniform(0.4, 1.0, size=(len(grey), 3, 1, 1)).astype(np.float32))
    return (x * tint).clamp(0, 1)


class FashionCnn(nn.Module):
    """Five 3x3 convolution stages with batch norm (three max pools between them, 64 -> 8 pixels), a
    global average pool and a linear classifier: the head Grad-CAM assumes."""

    def __init__(self, classes=10):
        super().__init__()
        def stage(i, o):
            return nn.Sequential(nn.Conv2d(i, o, 3, padding=1, bias=False), nn.BatchNorm2d(o), nn.ReLU())
        self.block1 = stage(3, 16)
        self.pool1 = nn.MaxPool2d(2)
        self.block2 = stage(16, 32)
        self.pool2 = nn.MaxPool2d(2)
        self.block3 = stage(32, 64)
        self.pool3 = nn.MaxPool2d(2)
        self.block4 = stage(64, 128)
        self.block5 = stage(128, 128)
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(128, classes)

    def forward(self, x):
        x = self.pool1(self.block1(x))
        x = self.pool2(self.block2(x))
        x = self.pool3(self.block3(x))
        x = self.block5(self.block4(x))
        return self.fc(torch.flatten(self.gap(x), 1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "models", "fashion-cnn-onnx"))
    ap.add_argument("--train-images", type=int, default=60000)
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    torch.manual_seed(a.seed)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    rng = np.random.default_rng(a.seed)
    xtr, ytr = read_idx("train-images-idx3-ubyte.gz")[: a.train_images], read_idx("train-labels-idx1-ubyte.gz")[: a.train_images]
    xte, yte = read_idx("t10k-images-idx3-ubyte.gz"), read_idx("t10k-labels-idx1-ubyte.gz")
    xtr, xte = to_rgb64(xtr, rng), to_rgb64(xte, rng)
    ytr, yte = torch.from_numpy(ytr.astype(np.int64)), torch.from_numpy(yte.astype(np.int64))
    model = FashionCnn()
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    steps = a.epochs * ((len(xtr) + 63) // 64)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=4e-3, total_steps=steps)
    t0 = time.time()
    for epoch in range(a.epochs):
        model.train()
        perm = torch.randperm(len(xtr))
        total = 0.0
        for i in range(0, len(xtr), 64):
            idx = perm[i:i + 64]
            xb = xtr[idx]
            flip = torch.rand(len(idx)) < 0.5
            xb = torch.where(flip[:, None, None, None], xb.flip(3), xb)
            loss = F.cross_entropy(model(xb), ytr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item() * len(idx)
        print(f"epoch {epoch + 1}/{a.epochs}: loss {total / len(xtr):.4f} ({time.time() - t0:.0f} s)", flush=True)
    model.eval()
    with torch.no_grad():
        pred = torch.cat([model(xte[i:i + 500]).argmax(1) for i in range(0, len(xte), 500)])
    correct = (pred == yte)
    per_class = {c: round(correct[yte == k].float().mean().item(), 4) for k, c in enumerate(CLASSES)}
    acc = round(correct.float().mean().item(), 4)
    print(f"test accuracy {acc}", flush=True)
    os.makedirs(a.out, exist_ok=True)
    onnx_file = os.path.join(a.out, "model.onnx")
    torch.onnx.export(model, torch.zeros(1, 3, 64, 64), onnx_file, opset_version=13, input_names=["input"],
                      output_names=["logits"], dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
    card = {
        "name": "fashion-cnn-onnx",
        "architecture": "PyTorch CNN for 64x64x3 input (5 conv-BN-ReLU stages, 3 max pools, global average pool, linear), exported to ONNX opset 13",
        "format": "onnx",
        "analysisLayer": "block5/block5.2/Relu",  # the tfjs layer name of the ONNX node /block5/block5.2/Relu
        "inputShape": [64, 64, 3],
        "preset": "unit",
        "resize": 73,
        "output": "logits",
        "classNames": CLASSES,
        "testAccuracy": {"overall": acc, "perClass": per_class, "n": int(len(yte))},
        "parameterCount": int(sum(p.numel() for p in model.parameters())),
        "epochs": a.epochs, "batchSize": 64, "seed": a.seed, "trainImages": int(len(xtr)),
        "optimizer": "adam, one-cycle lr (max 0.004)",
        "augmentation": "random per-image RGB tint in [0.4, 1], horizontal flip",
        "trainingSeconds": round(time.time() - t0, 1),
        "framework": f"torch {torch.__version__} (Debian python3-torch)",
        "data": "Fashion-MNIST (Debian dataset-fashion-mnist), 28x28 grey -> resize 73, centre crop 64, RGB",
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    with open(os.path.join(a.out, "card.json"), "w") as f:
        json.dump(card, f, indent=2)
    print(f"wrote {onnx_file} ({os.path.getsize(onnx_file)} bytes)")


if __name__ == "__main__":
    main()

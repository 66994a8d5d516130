#!/usr/bin/python3
"""Grad-CAM throughput of PyTorch on this machine, as an outside reference for bench/cam.

Same protocol as filtermine's benchmark: random weights, batch 8 at 224x224, layer block5_pool of
VGG16 (torchvision: the last max-pool of `features`) and conv5_block3_out of ResNet50 (`layer4`),
the body run without gradient, the gradient of the selected (predicted) logits taken with respect
to the layer's activation, then the Grad-CAM map (channel weights = spatial mean of the gradient,
relu of the weighted sum), upsampled to 224x224. Prints one JSON line per model.

Needs Debian's python3-torch and python3-torchvision (never a dependency of filtermine):
  apt-get install python3-torch python3-torchvision
Usage: /usr/bin/python3 bench/reference/pytorch_gradcam.py [--threads 2] [--reps 3] [--models vgg16,resnet50]
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn.functional as F
import torchvision


def split(name):
    if name == "vgg16":
        m = torchvision.models.vgg16(weights=None).eval()
        body = m.features
        head = torch.nn.Sequential(m.avgpool, torch.nn.Flatten(1), m.classifier)
    else:
        m = torchvision.models.resnet50(weights=None).eval()
        body = torch.nn.Sequential(m.conv1, m.bn1, m.relu, m.maxpool, m.layer1, m.layer2, m.layer3, m.layer4)
        head = torch.nn.Sequential(m.avgpool, torch.nn.Flatten(1), m.fc)
    return m, body, head


def gradcam(body, head, x):
    with torch.no_grad():
        a = body(x)
    a.requires_grad_(True)
    logits = head(a)
    mask = F.one_hot(logits.argmax(1), logits.shape[1]).to(logits.dtype)
    (g,) = torch.autograd.grad((logits * mask).sum(), a)
    with torch.no_grad():
        w = g.mean(dim=(2, 3), keepdim=True)
        cam = F.relu((w * a).sum(1, keepdim=True))
        cam = F.interpolate(cam, size=x.shape[2:], mode="bilinear", align_corners=False)
        return cam.numpy()


def timed(fn, reps):
    fn()
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--models", default="vgg16,resnet50")
    ap.add_argument("--layouts", default="nchw,nhwc", help="memory formats to try (nhwc = channels_last)")
    o = ap.parse_args()
    torch.set_num_threads(o.threads)
    torch.manual_seed(0)
    for name in o.models.split(","):
        for layout in o.layouts.split(","):
            model, body, head = split(name)
            x = torch.rand(o.batch, 3, 224, 224)
            if layout == "nhwc":
                model = model.to(memory_format=torch.channels_last)
                x = x.contiguous(memory_format=torch.channels_last)

            def fwd():
                with torch.no_grad():
                    model(x)

            t_fwd = timed(fwd, o.reps)
            t_cam = timed(lambda: gradcam(body, head, x), o.reps)
            print(json.dumps({
                "model": name, "layout": layout, "batch": o.batch, "threads": torch.get_num_threads(),
                "torch": torch.__version__, "mkldnn": torch.backends.mkldnn.is_available(),
                "fwd_img_s": round(o.batch / t_fwd, 2), "cam_img_s": round(o.batch / t_cam, 2),
            }), flush=True)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Reference outputs of PyTorch models for the ONNX loader test (test/onnx/onnx.test.ts).

For each model: exports it with torch.onnx.export (opset 13) to OUT/<name>.onnx and writes
OUT/<name>.json with seeded inputs (NCHW), PyTorch's logits, and Grad-CAM at an inner layer
(predicted class; weights = spatial mean of d logit / d A; map = relu(sum_c w_c A_c)), all computed
in float64 from the same float32 weights that are in the .onnx file.

Models (seeded random weights; batch-norm scale, shift and running statistics randomised):
- vgg16:    torchvision VGG-16 feature stack (13 convolutions, 5 max pools) at 32x32 input; the
            adaptive pool is set to 1x1 (it exports as GlobalAveragePool) and the classifier keeps
            its Linear-ReLU-Dropout structure with 256 hidden units instead of 4096 (the 25088x4096
            matrix would make a 400 MB file and a slow test);
- resnet18: torchvision ResNet-18, unchanged (10 classes), at 64x64 input;
- handmade: a small network (16x16 input) with a depthwise and a strided convolution, ReLU6, a
            batch norm the exporter cannot fold, a padded average pool, concatenation, a residual
            add, a 4x4 flatten, a MatMul with a bias, dropout and a softmax output.
- squeezenet: torchvision SqueezeNet 1.1, unchanged (10 classes), at 66x66 input, where each of its
            three ceil_mode max pools has one more output row and column than floor would give;
- grouped:  a small ResNeXt-style network (24x24 input) with grouped convolutions (4 and 2 groups, a
            strided one) and a ceil_mode max pool.
- gated:    a small network (20x20 input) with SiLU, Hardswish, a squeeze-and-excitation gate (sigmoid,
            a per-channel product broadcast over space), a one-input torch.cat (as in DenseNet) and a
            mean over space instead of a pooling module (torchvision's EfficientNet-B0 is no test
            here: with its own initialisation its logits are about 1e-13);
- gated_opset17: the same network exported with opset 17 (PyTorch 2's default), where Hardswish
            is one HardSwish node;
- convnext_opset17: a two-stage ConvNeXt (32x32 input) from torchvision's own blocks (CNBlock:
            depthwise 7x7, channels-last LayerNorm, Linear, GELU, Linear, per-channel layer scale,
            residual; LayerNorm2d stem, downsampling and head), opset 17 (LayerNormalization node);
            layer scales and norm parameters randomised, so that every part counts.
(Asymmetric padding, which torch.onnx.export writes as a Pad subgraph, is tested on ONNX files
written by the test itself.)

Usage: torch_reference.py OUT [--images N]
"""
import argparse, json, os, sys
import torch
import torch.nn as nn
import torchvision


def randomise_bn(model, g):
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            c = m.num_features
            m.weight.data = torch.rand(c, generator=g) + 0.5
            m.bias.data = torch.randn(c, generator=g) * 0.1
            m.running_mean = torch.randn(c, generator=g) * 0.1
            m.running_var = torch.rand(c, generator=g) + 0.5


class HandMade(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(8)
        self.pool1 = nn.MaxPool2d(2)
        self.dw = nn.Conv2d(8, 16, 3, padding=1, groups=8)
        self.relu6 = nn.ReLU6()
        self.bn2 = nn.BatchNorm2d(16)  # after a ReLU6, so the exporter cannot fold it into a convolution
        self.branch_a = nn.Conv2d(16, 8, 1)
        self.branch_b = nn.Conv2d(16, 8, 3, padding=1)
        self.down = nn.Conv2d(16, 16, 3, stride=2, padding=1)
        self.avg = nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=True)
        self.relu = nn.ReLU()
        self.w = nn.Parameter(torch.randn(16 * 4 * 4, 12) * 0.05)
        self.b = nn.Parameter(torch.randn(12) * 0.1)
        self.drop = nn.Dropout(0.5)
        self.fc = nn.Linear(12, 5)

    def forward(self, x):                       # 16x16 input
        x = self.pool1(torch.relu(self.bn1(self.conv1(x))))  # 8x8x8
        x = self.bn2(self.relu6(self.dw(x)))                 # 8x8x16

        x = torch.cat([self.branch_a(x), self.branch_b(x)], 1)
        y = self.down(x)
        x = self.relu(y + self.avg(y))
        x = torch.flatten(x, 1)
        x = self.drop(torch.relu(x @ self.w + self.b))
        return torch.softmax(self.fc(x), 1)


class Grouped(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 16, 3, padding=1)
        self.pool = nn.MaxPool2d(3, stride=2, ceil_mode=True)            # 24 -> 12 (floor: 11)
        self.g4 = nn.Conv2d(16, 32, 3, padding=1, groups=4, bias=False)
        self.bn = nn.BatchNorm2d(32)
        self.g2 = nn.Conv2d(32, 24, 3, stride=2, padding=1, groups=2)    # 12 -> 6
        self.fc = nn.Linear(24, 7)

    def forward(self, x):
        x = self.pool(torch.relu(self.stem(x)))
        x = torch.relu(self.bn(self.g4(x)))
        x = torch.relu(self.g2(x))
        return self.fc(torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1))


class SqueezeExcite(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.reduce = nn.Conv2d(c, c // 4, 1)
        self.expand = nn.Conv2d(c // 4, c, 1)

    def forward(self, x):
        gate = torch.sigmoid(self.expand(torch.relu(self.reduce(nn.functional.adaptive_avg_pool2d(x, 1)))))
        return x * gate


class Gated(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 12, 3, padding=1)
        self.act = nn.SiLU()
        self.se = SqueezeExcite(12)
        self.conv2 = nn.Conv2d(12, 16, 3, stride=2, padding=1)
        self.act2 = nn.Hardswish()                # exported as x * HardSigmoid(x; alpha 1/6, beta 1/2)
        self.fc = nn.Linear(16, 6)

    def forward(self, x):
        x = self.se(self.act(self.conv1(x)))
        x = torch.cat([self.act2(self.conv2(x))], 1)
        return self.fc(x.mean((2, 3)))


class TinyConvNeXt(nn.Module):
    def __init__(self):
        super().__init__()
        from torchvision.models.convnext import CNBlock, LayerNorm2d
        self.stem = nn.Sequential(nn.Conv2d(3, 16, 4, stride=4), LayerNorm2d(16, eps=1e-6))          # 32 -> 8
        self.stage1 = nn.Sequential(CNBlock(16, 1.0, 0.0), CNBlock(16, 1.0, 0.0))
        self.down = nn.Sequential(LayerNorm2d(16, eps=1e-6), nn.Conv2d(16, 32, 2, stride=2))          # 8 -> 4
        self.stage2 = CNBlock(32, 1.0, 0.0)
        self.head_norm = LayerNorm2d(32, eps=1e-6)
        self.fc = nn.Linear(32, 5)

    def forward(self, x):
        x = self.stage2(self.down(self.stage1(self.stem(x))))
        x = self.head_norm(nn.functional.adaptive_avg_pool2d(x, 1))
        return self.fc(torch.flatten(x, 1))


def randomise_convnext(model, g):
    for m in model.modules():
        if isinstance(m, nn.LayerNorm):
            m.weight.data = torch.rand(m.weight.shape, generator=g) + 0.5
            m.bias.data = torch.randn(m.bias.shape, generator=g) * 0.1
        if hasattr(m, 'layer_scale'):
            m.layer_scale.data = torch.rand(m.layer_scale.shape, generator=g) + 0.25


def build(name, g):
    torch.manual_seed(0)
    if name == 'vgg16':
        m = torchvision.models.vgg16(num_classes=10)
        m.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        m.classifier = nn.Sequential(nn.Linear(512, 256), nn.ReLU(True), nn.Dropout(), nn.Linear(256, 256), nn.ReLU(True), nn.Dropout(), nn.Linear(256, 10))
        return m, 32, 'features.22'   # the ReLU after conv4_3 (4x4x512 at 32x32 input)
    if name == 'resnet18':
        m = torchvision.models.resnet18(num_classes=10)
        randomise_bn(m, g)
        return m, 64, 'layer3'        # the residual stage 3 output (4x4x256)
    if name == 'squeezenet':
        m = torchvision.models.squeezenet1_1(num_classes=10)
        return m, 66, 'features.12'   # the last Fire module's concatenated output (4x4x512 at 66x66)
    if name == 'grouped':
        m = Grouped()
        randomise_bn(m, g)
        return m, 24, 'bn'            # the 4-group convolution and its batch norm (folded into one ONNX Conv; 12x12x32)
    if name == 'convnext_opset17':
        m = TinyConvNeXt()
        randomise_convnext(m, g)
        return m, 32, 'stage1'        # after the second block's residual add (8x8x16)
    if name in ('gated', 'gated_opset17'):
        return Gated(), 20, 'se'         # the gated map (20x20x12)
    m = HandMade()
    randomise_bn(m, g)
    return m, 16, 'branch_b'


def gradcam(model, module, x):
    acts = {}
    h = module.register_forward_hook(lambda mod, inp, out: acts.__setitem__('a', out))
    logits = model(x)
    h.remove()
    a = acts['a']
    target = logits.argmax(1)
    score = logits.gather(1, target[:, None]).sum()
    grad, = torch.autograd.grad(score, a)
    w = grad.mean((2, 3), keepdim=True)
    cam = torch.relu((w * a).sum(1))
    return logits, target, cam


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('out')
    ap.add_argument('--images', type=int, default=3)
    ap.add_argument('--models', default='handmade,resnet18,vgg16,squeezenet,grouped,gated,gated_opset17,convnext_opset17')
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    torch.set_num_threads(2)
    for name in a.models.split(','):
        g = torch.Generator().manual_seed(1)
        model, size, layer = build(name, g)
        model.eval()
        file = os.path.join(a.out, f'{name}.onnx')
        torch.onnx.export(model, torch.zeros(1, 3, size, size), file, opset_version=17 if name.endswith('_opset17') else 13, input_names=['input'], output_names=['output'],
                          dynamic_axes={'input': {0: 'batch'}, 'output': {0: 'batch'}})
        x32 = torch.rand(a.images, 3, size, size, generator=torch.Generator().manual_seed(2)) * 2 - 0.5
        m64 = model.double()
        module = dict(m64.named_modules())[layer]
        x = x32.double()
        # Logits below a softmax output, as filtermine explains them.
        if name == 'handmade':
            feats = {}
            hk = m64.fc.register_forward_hook(lambda mod, inp, out: feats.__setitem__('z', out))
            with torch.no_grad():
                probs = m64(x)
            hk.remove()
            logits_ref = feats['z']
            def pre(xx):
                fx = {}
                hh = m64.fc.register_forward_hook(lambda mod, inp, out: fx.__setitem__('z', out))
                m64(xx)
                hh.remove()
                return fx['z']
            acts = {}
            hh = module.register_forward_hook(lambda mod, inp, out: acts.__setitem__('a', out))
            z = pre(x)
            hh.remove()
            target = z.argmax(1)
            grad, = torch.autograd.grad(z.gather(1, target[:, None]).sum(), acts['a'])
            cam = torch.relu((grad.mean((2, 3), keepdim=True) * acts['a']).sum(1))
            output = probs
        else:
            logits_ref, target, cam = gradcam(m64, module, x)
            output = logits_ref
        json.dump({
            'name': name, 'size': size, 'torchLayer': layer, 'inputs': x32.flatten().tolist(),
            'output': output.detach().flatten().tolist(), 'logits': logits_ref.detach().flatten().tolist(),
            'classes': int(logits_ref.shape[1]), 'target': target.tolist(),
            'cam': cam.detach().flatten().tolist(), 'camShape': list(cam.shape[1:]),
        }, open(os.path.join(a.out, f'{name}.json'), 'w'))
        print(f'{name}: {file} ({os.path.getsize(file)} bytes)', flush=True)


if __name__ == '__main__':
    main()

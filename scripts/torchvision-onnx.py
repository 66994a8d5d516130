#!/usr/bin/env python3
"""Which torchvision architectures filtermine's ONNX import reads, and whether it computes what PyTorch
computes: exports each model (seeded random weights, eval mode, 10 classes) with torch.onnx.export
(opset 13 unless --opset), then `node scripts/torchvision-onnx.js DIR` loads each file through filtermine and compares
the logits with PyTorch's (float64) on the same two random images.

Usage: /usr/bin/python3 scripts/torchvision-onnx.py DIR [--size 224] [--opset 13] [--models alexnet,resnet50,...]
Needs Debian's python3-torch, python3-torchvision, python3-onnx. Writes DIR/<model>.onnx and .json.
"""
import argparse, json, os
import torch
import torchvision

MODELS = ('alexnet,vgg11_bn,resnet50,resnext50_32x4d,wide_resnet50_2,densenet121,squeezenet1_0,googlenet,'
          'mobilenet_v2,mobilenet_v3_small,shufflenet_v2_x1_0,mnasnet0_5,efficientnet_b0,regnet_x_400mf,'
          'regnet_y_400mf,convnext_tiny')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('out')
    ap.add_argument('--size', type=int, default=224)
    ap.add_argument('--opset', type=int, default=13)
    ap.add_argument('--models', default=MODELS)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    torch.set_num_threads(1)
    for name in a.models.split(','):
        torch.manual_seed(0)
        kw = {'num_classes': 10}
        if name in ('googlenet', 'inception_v3'):
            kw.update(aux_logits=False, init_weights=True)
        try:
            model = getattr(torchvision.models, name)(**kw).eval()
            x = torch.rand(2, 3, a.size, a.size, generator=torch.Generator().manual_seed(2))
            file = os.path.join(a.out, f'{name}.onnx')
            torch.onnx.export(model, x[:1], file, opset_version=a.opset, input_names=['input'], output_names=['logits'],
                              dynamic_axes={'input': {0: 'batch'}, 'logits': {0: 'batch'}})
            with torch.no_grad():
                logits = model.double()(x.double())
            with open(os.path.join(a.out, f'{name}.json'), 'w') as f:
                json.dump({'name': name, 'size': a.size, 'inputs': x.flatten().tolist(), 'logits': logits.flatten().tolist()}, f)
            print(f'{name}: exported', flush=True)
        except Exception as e:  # report and go on: one architecture's failure says nothing of the others
            print(f'{name}: export failed: {str(e).splitlines()[0][:200]}', flush=True)


if __name__ == '__main__':
    main()

#!/usr/bin/python3
"""Peer for bench/run: the ml5 fast-style network as a PyTorch user would
write it (nn.Conv2d, nn.ConvTranspose2d, nn.InstanceNorm2d in eager mode),
loaded from the same ml5 folder that Impasto reads.

  ml5_eager.py MODEL_DIR --size WxH [--repeat N] [--threads T]
      times the forward pass and prints one JSON line per repetition;
  ml5_eager.py MODEL_DIR --export-onnx FILE
      writes the same network as ONNX for ONNX Runtime and OpenCV's dnn."""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
from torch import nn


def tf_same_pad(x, k, s):
    pads = []
    for n in (int(x.shape[3]), int(x.shape[2])):  # int(): constants in a static ONNX export
        out = -(-n // s)
        total = max((out - 1) * s + k - n, 0)
        pads += [total // 2, total - total // 2]
    return nn.functional.pad(x, pads)


class ConvLayer(nn.Module):
    def __init__(self, cin, cout, k, stride, relu=True, transposed=False):
        super().__init__()
        self.k, self.stride, self.relu, self.transposed = k, stride, relu, transposed
        if transposed:
            self.conv = nn.ConvTranspose2d(cin, cout, k, stride=2, bias=False)
        else:
            self.conv = nn.Conv2d(cin, cout, k, stride=stride, bias=False)
        self.norm = nn.InstanceNorm2d(cout, eps=1e-3, affine=True)

    def forward(self, x):
        if self.transposed:
            h, w = int(x.shape[2]), int(x.shape[3])
            y = self.conv(x)[:, :, :2 * h, :2 * w]
        else:
            y = self.conv(tf_same_pad(x, self.k, self.stride))
        y = self.norm(y)
        return torch.relu(y) if self.relu else y


class Ml5Net(nn.Module):
    def __init__(self, widths=(32, 64, 128), blocks=5):
        super().__init__()
        a, b, c = widths
        layers = [ConvLayer(3, a, 9, 1), ConvLayer(a, b, 3, 2), ConvLayer(b, c, 3, 2)]
        for _ in range(blocks):
            layers += [ConvLayer(c, c, 3, 1), ConvLayer(c, c, 3, 1, relu=False)]
        layers += [ConvLayer(c, b, 3, 2, transposed=True), ConvLayer(b, a, 3, 2, transposed=True),
                   ConvLayer(a, 3, 9, 1, relu=False)]
        self.layers = nn.ModuleList(layers)
        self.blocks = blocks

    def forward(self, x):  # 1 x 3 x H x W in [0, 1]
        x = x * 255.0
        for layer in self.layers[:3]:
            x = layer(x)
        for b in range(self.blocks):
            x = x + self.layers[4 + 2 * b](self.layers[3 + 2 * b](x))
        for layer in self.layers[3 + 2 * self.blocks:-1]:
            x = layer(x)
        x = self.layers[-1](x)
        return torch.clamp(150 * torch.tanh(x) + 127.5, 0, 255) / 255.0


def load(folder):
    manifest = json.load(open(os.path.join(folder, "manifest.json")))
    count = sum(1 for key in manifest if key.startswith("Variable"))
    def var(i):
        entry = manifest["Variable" if i == 0 else "Variable_%d" % i]
        data = np.fromfile(os.path.join(folder, entry["filename"]), dtype="<f4").reshape(entry["shape"])
        return torch.from_numpy(data.copy())
    widths = (var(0).shape[3], var(3).shape[3], var(6).shape[3])
    net = Ml5Net(widths, (count - 18) // 6)
    with torch.no_grad():
        for i, layer in enumerate(net.layers):
            # TF conv [kh, kw, in, out] -> Conv2d [out, in, kh, kw]; TF transposed
            # [kh, kw, out, in] -> ConvTranspose2d [in, out, kh, kw]: the same permutation.
            layer.conv.weight.copy_(var(3 * i).permute(3, 2, 0, 1))
            layer.norm.bias.copy_(var(3 * i + 1))
            layer.norm.weight.copy_(var(3 * i + 2))
    return net.eval()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("model")
    p.add_argument("--size", default="1000x1000")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--export-onnx")
    p.add_argument("--static", action="store_true", help="export for --size only (OpenCV's dnn needs fixed shapes)")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    net = load(a.model)
    w, h = (int(v) for v in a.size.split("x"))
    x = torch.rand(1, 3, h, w, generator=torch.Generator().manual_seed(1))
    if a.export_onnx:
        axes = None if a.static else {"image": {2: "height", 3: "width"}, "styled": {2: "height", 3: "width"}}
        # Opset 10 keeps Pad's pads an attribute, which OpenCV 4.6 needs.
        torch.onnx.export(net, x, a.export_onnx, opset_version=10 if a.static else 13, input_names=["image"], output_names=["styled"],
                          dynamic_axes=axes)
        return
    with torch.inference_mode():
        net(x)  # warm-up, as every peer gets
        for _ in range(a.repeat):
            start = time.perf_counter()
            net(x)
            print(json.dumps({"seconds": time.perf_counter() - start}), flush=True)


if __name__ == "__main__":
    sys.exit(main())

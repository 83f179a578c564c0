#!/usr/bin/python3
"""Writes the starting corpus of each fuzz target (tests/fuzz) into
OUT/<target>/: small but well-formed inputs of every format, so that the
fuzzer starts from files that load and mutates them from there. Multi-file
formats are packed as fuzz_support.h describes. Needs python3-torch."""
import collections
import io
import json
import os
import struct
import sys

import torch


def pack(files):
    out = b""
    for name, data in files.items():
        out += name.encode() + b"\n" + struct.pack("<I", len(data)) + data
    return out


def saved(obj, legacy=False):
    buf = io.BytesIO()
    torch.save(obj, buf, _use_new_zipfile_serialization=not legacy)
    return buf.getvalue()


def write(out, target, name, data):
    os.makedirs(os.path.join(out, target), exist_ok=True)
    with open(os.path.join(out, target, name), "wb") as f:
        f.write(data)


def floats(t):
    return t.detach().contiguous().numpy().astype("<f4").tobytes()


def torch_checkpoints(out):
    torch.manual_seed(1)
    plain = collections.OrderedDict([("features.0.weight", torch.randn(2, 3, 1, 1)),
                                     ("features.0.bias", torch.randn(2)),
                                     ("nested", {"a": torch.arange(4, dtype=torch.int64), "b": 3})])
    write(out, "torch_checkpoint", "zip.pth", saved(plain))
    write(out, "torch_checkpoint", "legacy.pth", saved(plain, legacy=True))
    # A strided view and shared storage.
    base = torch.randn(4, 4)
    write(out, "torch_checkpoint", "views.pth", saved({"t": base.t(), "row": base[1], "half": base.half()}))
    # The first keys of the two style-model layouts, with small shapes.
    write(out, "torch_checkpoint", "fns.pth", saved({"conv1.conv2d.weight": torch.randn(2, 3, 3, 3)}, legacy=True))
    write(out, "torch_checkpoint", "cyclegan.pth", saved({"model.1.weight": torch.randn(2, 3, 3, 3)}))


def ml5(out):
    # Widths 2, 2, 2 and no residual block: 18 variables of a few floats.
    torch.manual_seed(2)
    w0 = w1 = w2 = 2
    layers = [(9, 3, w0, False), (3, w0, w1, False), (3, w1, w2, False), (3, w2, w1, True), (3, w1, w0, True),
              (9, w0, 3, False)]
    manifest, files = {}, {}
    index = 0
    for k, cin, cout, transposed in layers:
        shapes = [[k, k, cout, cin] if transposed else [k, k, cin, cout], [cout], [cout]]
        for shape in shapes:
            name = "Variable" if index == 0 else "Variable_%d" % index
            manifest[name] = {"filename": name, "shape": shape}
            files[name] = floats(torch.randn(shape) * 0.3 if index % 3 == 0 else torch.rand(shape))
            index += 1
    write(out, "ml5_manifest", "tiny", pack({"manifest.json": json.dumps(manifest).encode(), **files}))


def tfjs(out):
    torch.manual_seed(3)
    layers = [
        {"class_name": "InputLayer", "config": {"name": "input_1"}},
        {"class_name": "Conv2D", "config": {"name": "conv2d_1", "kernel_size": [3, 3], "strides": [1, 1],
                                            "padding": "same", "use_bias": False}},
        {"class_name": "BatchNormalization", "config": {"name": "batch_normalization_1", "epsilon": 0.001}},
        {"class_name": "LeakyReLU", "config": {"name": "leaky_re_lu_1", "alpha": 0.1}},
        {"class_name": "MaxPooling2D", "config": {"name": "max_pooling2d_1", "pool_size": [2, 2]}},
        {"class_name": "Conv2D", "config": {"name": "conv2d_2", "kernel_size": [1, 1], "strides": [1, 1],
                                            "padding": "same"}},
        {"class_name": "Activation", "config": {"name": "relu_2", "activation": "relu"}},
        {"class_name": "Dense", "config": {"name": "dense"}},
    ]
    weights = [("conv2d_1/kernel", [3, 3, 3, 4]), ("batch_normalization_1/gamma", [4]),
               ("batch_normalization_1/beta", [4]), ("batch_normalization_1/moving_mean", [4]),
               ("batch_normalization_1/moving_variance", [4]), ("conv2d_2/kernel", [1, 1, 4, 2]),
               ("conv2d_2/bias", [2])]
    data = b"".join(floats(torch.rand(s) + 0.1) for _, s in weights)
    model = {"modelTopology": {"model_config": {"class_name": "Sequential", "config": {"layers": layers}}},
             "weightsManifest": [{"paths": ["group1-shard1of1"],
                                  "weights": [{"name": n, "shape": s, "dtype": "float32"} for n, s in weights]}]}
    write(out, "tfjs_layers", "tiny", pack({"model.json": json.dumps(model).encode(), "group1-shard1of1": data}))


def adain(out):
    torch.manual_seed(4)
    enc = {"0.weight": torch.randn(3, 3, 1, 1), "0.bias": torch.randn(3), "2.weight": torch.randn(2, 3, 3, 3)}
    dec = {"1.weight": torch.randn(2, 2, 3, 3), "1.bias": torch.randn(2)}
    write(out, "adain", "tiny", pack({"vgg_normalised.pth": saved(enc), "decoder.pth": saved(dec, legacy=True)}))


def torchscript(out):
    torch.manual_seed(5)
    net = torch.jit.script(torch.nn.Sequential(torch.nn.Conv2d(3, 3, 1), torch.nn.Sigmoid()).eval())
    buf = io.BytesIO()
    torch.jit.save(net, buf)
    sidecar = {"name": "tiny", "input_range": [0, 1], "mean": [0.5, 0.5, 0.5], "std": [0.25, 0.25, 0.25],
               "size_multiple": 4}
    write(out, "torchscript", "tiny", pack({"model.pt": buf.getvalue(), "model.json": json.dumps(sidecar).encode()}))


def parasite(out):
    gatys = ("impasto-settings 1\nimpasto-version=0.1.0\nmethod=gatys\nmodel=starry-night\nstrength=1\nscale=1\n"
             "tile-size=0\nalpha=1\nsource-tattoo=2\nstyle-tattoo=3\nstyle-image=/tmp/a\\tb.xcf\n"
             "style-files=/tmp/s.png:/tmp/t.png\nstyle-weights=1,0.5\ncontent-weight=1\nstyle-weight=2\n"
             "tv-weight=0.02\nstyle-scale=1\niterations=150\nsize=384\npreserve-colors=0\nnetwork=darknet-tiny\n"
             "optimizer=0\nlearning-rate=0.02\ninit=0\nmultiscale=0\npooling=0\ncontent-layers=\n"
             "style-layers=a:1,b:2\nseed=0\nthreads=0\n")
    write(out, "parasite", "gatys", gatys.encode())
    write(out, "parasite", "model", b"impasto-settings 1\nmethod=model\nmodel=wave\nstrength=0.5\nscale=0.5\n"
                                    b"tile-size=512\nalpha=0.3\nsource-tattoo=7\n")


if __name__ == "__main__":
    out = sys.argv[1]
    for make in (torch_checkpoints, ml5, tfjs, adain, torchscript, parasite):
        make(out)
    if len(sys.argv) > 2:  # a stamp file for meson
        open(sys.argv[2], "w").close()

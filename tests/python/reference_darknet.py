"""Tiny Darknet, the default loss network, read from its TensorFlow.js
files with plain json and torch, written independently of Impasto's C++
loader: the reference the core's tests hold it to (make_fixtures.py), and
the network of bench/bf16_trial.py."""
import json
import os

import torch


def load(model_dir, pooling="max"):
    """A function x (1 x 3 x H x W) -> {leaky_re_lu_N: activations}, up to
    the layer named `last` (keyword, default every layer). Max pooling is
    how the network was trained; the core's default is average."""
    with open(os.path.join(model_dir, "model.json")) as f:
        doc = json.load(f)
    weights = {}
    for group in doc["weightsManifest"]:
        data = b"".join(open(os.path.join(model_dir, p), "rb").read() for p in group["paths"])
        offset = 0
        for w in group["weights"]:
            n = 1
            for d in w["shape"]:
                n *= d
            weights[w["name"]] = torch.frombuffer(bytearray(data[offset:offset + 4 * n]), dtype=torch.float32).view(w["shape"])
            offset += 4 * n
    layers = doc["modelTopology"]["model_config"]["config"]["layers"]
    pool = torch.nn.functional.max_pool2d if pooling == "max" else torch.nn.functional.avg_pool2d

    def activations(x, last=None):
        out = {}
        for layer in layers:
            cls, cfg = layer["class_name"], layer["config"]
            if cls == "Conv2D":
                k = weights[cfg["name"] + "/kernel"].permute(3, 2, 0, 1)
                x = torch.nn.functional.conv2d(x, k, padding=k.shape[-1] // 2)
            elif cls == "BatchNormalization":
                n = cfg["name"]
                x = torch.nn.functional.batch_norm(x, weights[n + "/moving_mean"], weights[n + "/moving_variance"],
                                                   weights[n + "/gamma"], weights[n + "/beta"], False, 0.0,
                                                   cfg["epsilon"])
            elif cls == "LeakyReLU":
                x = torch.nn.functional.leaky_relu(x, cfg["alpha"])
                out[cfg["name"]] = x
            elif cls == "MaxPooling2D":
                x = pool(x, 2, 2, ceil_mode=True)
            if cfg["name"] == last:
                break
        return out
    return activations

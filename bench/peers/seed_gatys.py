#!/usr/bin/python3
"""Reference for bench/run: the seed algorithm (Gatys et al. with VGG-19 in
PyTorch eager, tests/python/reference_gatys.py's losses, L-BFGS from the
content image, one function evaluation per step) at a given size.

  seed_gatys.py WORK CONTENT STYLE --size 512 --steps 300 [--threads T]

Writes WORK/vgg19-random.pth (torchvision layout, seeded random weights,
which Impasto loads too), WORK/content.f32 and WORK/style.f32 (the exact
inputs, H x W x 3 float32, sizes in WORK/inputs.json), then prints one JSON
line per step: seconds since the optimisation started and the total loss."""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torchvision
from PIL import Image

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "python"))
import reference_gatys as seed  # noqa: E402

WEIGHTS = {"content": 1.0, "style": 1.0e6, "tv": 0.5}  # the seed's


def load(path, side):
    img = Image.open(path).convert("RGB")
    f = side / max(img.size)
    img = img.resize((max(1, round(img.size[0] * f)), max(1, round(img.size[1] * f))), Image.BICUBIC)
    return torch.from_numpy(np.asarray(img, dtype=np.float32) / 255.0).permute(2, 0, 1).unsqueeze(0).contiguous()


def save(t, path):
    t[0].permute(1, 2, 0).contiguous().numpy().astype("<f4").tofile(path)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("work")
    p.add_argument("content")
    p.add_argument("style")
    p.add_argument("--size", type=int, default=512)
    p.add_argument("--steps", type=int, default=300)
    p.add_argument("--threads", type=int, default=os.cpu_count())
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = torchvision.models.vgg19()
    os.makedirs(os.path.join(a.work, "vgg19"), exist_ok=True)
    torch.save(model.state_dict(), os.path.join(a.work, "vgg19", "vgg19.pth"))
    features = model.features.eval()
    for param in features.parameters():
        param.requires_grad_(False)
    content, style = load(a.content, a.size), load(a.style, a.size)
    save(content, os.path.join(a.work, "content.f32"))
    save(style, os.path.join(a.work, "style.f32"))
    with open(os.path.join(a.work, "inputs.json"), "w") as f:
        json.dump({"content": list(content.shape[2:]), "style": list(style.shape[2:]), "weights": WEIGHTS}, f)

    with torch.no_grad():
        fc = {k: v.clone() for k, v in seed.activations(features, content).items()}
        gs = {k: seed.gram(v) for k, v in seed.activations(features, style).items()}
    image = content.clone().requires_grad_(True)
    optimizer = torch.optim.LBFGS([image], lr=1.0, max_iter=1, history_size=100)

    def closure():
        optimizer.zero_grad()
        fx = seed.activations(features, image)
        c = sum(torch.mean((fx[n] - fc[n]) ** 2) for n in seed.CONTENT.values())
        s = sum(torch.mean((seed.gram(fx[n]) - gs[n]) ** 2) for n in seed.STYLE.values())
        tv = torch.mean((image[:, :, 1:, :] - image[:, :, :-1, :]) ** 2) + \
            torch.mean((image[:, :, :, 1:] - image[:, :, :, :-1]) ** 2)
        loss = WEIGHTS["content"] * c + WEIGHTS["style"] * s + WEIGHTS["tv"] * tv
        loss.backward()
        return loss

    start = time.perf_counter()
    for step in range(a.steps):
        loss = optimizer.step(closure)
        print(json.dumps({"step": step + 1, "t": time.perf_counter() - start, "loss": loss.item()}), flush=True)


if __name__ == "__main__":
    main()

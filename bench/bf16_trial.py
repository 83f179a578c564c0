#!/usr/bin/python3
"""Does this CPU's bfloat16 (AVX512-BF16) make the optimisation faster, and
does it change the picture? Issue 16's trial, on the real Tiny Darknet (the
default loss network, read from its TF.js files with plain torch) and a
real photo and painting: one forward and backward pass of a Gatys loss
(content at the shallow layer, Gram matrices at four layers, as the core),
in float32 and under torch.autocast(cpu, bfloat16), then the same N Adam
steps on the picture in both, compared in 8-bit levels.

  bench/bf16_trial.py SHARED_DIR [--side 384] [--steps 60] [--threads 2] [--save DIR]
Prints one JSON line."""
import argparse, json, os, sys, time
import numpy as np
import torch
from PIL import Image

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests", "python"))
import reference_darknet  # noqa: E402

LAYERS = ("leaky_re_lu_1", "leaky_re_lu_3", "leaky_re_lu_5", "leaky_re_lu_9")  # style
CONTENT = "leaky_re_lu_5"


def gram(f):
    n, c, h, w = f.shape
    f = f.float().reshape(c, h * w)
    return f @ f.t() / (c * h * w)


def picture(path, side):
    im = Image.open(path).convert("RGB")
    s = side / max(im.size)
    im = im.resize((round(im.width * s), round(im.height * s)), Image.LANCZOS)
    return torch.from_numpy(np.asarray(im, np.float32) / 255).permute(2, 0, 1)[None].contiguous()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("shared")
    ap.add_argument("--side", type=int, default=384)
    ap.add_argument("--steps", type=int, default=60)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--save", help="write float32.png and bfloat16.png here")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    # Average pooling, as the core's default.
    darknet = reference_darknet.load(os.path.join(a.shared, "models", "darknet-tiny"), pooling="average")

    def net(x):
        return darknet(x, last=LAYERS[-1])

    content = picture(os.path.join(a.shared, "data", "content", "tubingen.jpg"), a.side)
    style = picture(os.path.join(a.shared, "data", "style", "starry_night.jpg"), a.side)
    with torch.no_grad():
        fs, fc = net(style), net(content)
        targets = {n: gram(fs[n]) for n in LAYERS}
        content_target = fc[CONTENT]

    def loss_of(x, bf16):
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            f = net(x)
            c = torch.mean((f[CONTENT].float() - content_target) ** 2)
            s = sum(torch.mean((gram(f[n]) - targets[n]) ** 2) / torch.mean(targets[n] ** 2) for n in LAYERS)
        return c + 2.0 * s

    def timed_pass(bf16, reps=10):
        x = content.clone().requires_grad_(True)
        for _ in range(3):  # warm-up: oneDNN makes its kernels on first use
            x.grad = None
            loss_of(x, bf16).backward()
        start = time.perf_counter()
        for _ in range(reps):
            x.grad = None
            loss_of(x, bf16).backward()
        return (time.perf_counter() - start) / reps, x.grad.clone()

    t32, g32 = timed_pass(False)
    t16, g16 = timed_pass(True)
    cosine = torch.nn.functional.cosine_similarity(g32.flatten(), g16.flatten(), dim=0).item()

    def optimise(bf16):
        x = content.clone().requires_grad_(True)
        opt = torch.optim.Adam([x], lr=0.02)
        start = time.perf_counter()
        for _ in range(a.steps):
            opt.zero_grad()
            loss = loss_of(x, bf16)
            loss.backward()
            opt.step()
        return x.detach().clamp(0, 1), loss.item(), time.perf_counter() - start

    p32, l32, s32 = optimise(False)
    p16, l16, s16 = optimise(True)
    levels = ((p32 - p16).abs() * 255)
    if a.save:
        os.makedirs(a.save, exist_ok=True)
        for name, p in (("float32", p32), ("bfloat16", p16)):
            Image.fromarray((p[0].permute(1, 2, 0).numpy() * 255 + 0.5).astype(np.uint8)).save(
                os.path.join(a.save, name + ".png"))
    print(json.dumps({
        "side": a.side, "threads": a.threads,
        "pass_seconds_float32": round(t32, 4), "pass_seconds_bfloat16": round(t16, 4),
        "speedup": round(t32 / t16, 3), "gradient_cosine": round(cosine, 5),
        "steps": a.steps, "loss_float32": round(l32, 5), "loss_bfloat16": round(l16, 5),
        "optimise_seconds_float32": round(s32, 2), "optimise_seconds_bfloat16": round(s16, 2),
        "picture_mean_levels": round(levels.mean().item(), 2),
        "picture_p99_levels": round(levels.flatten().kthvalue(int(0.99 * levels.numel())).values.item(), 1),
    }))


if __name__ == "__main__":
    main()

"""Flicker of stylised animation frames (issue 17): `impasto frames`
against `impasto stylize` run on each frame alone, on sequences whose true
motion is known because they are made here from one still photograph:

- pan: a window sliding over the photo by whole pixels (6, 2) a frame;
- zoom: the camera closing in by 3% a frame about the centre;
- object: the pan, with a disc cut from a second photo moving across it
  (-9, +4) a frame on its own; what it uncovers has no previous pixel.

Measured on every pixel whose previous position is known and visible:
- warping error: the root mean square difference (8-bit levels) between a
  stylised frame and the frame before it moved by the true motion, mean
  over the frame pairs (the inputs' own figure is the floor: resampling);
- style loss: Gram-matrix loss of each stylised frame against the painting
  on Tiny Darknet's default style layers (tests/python/reference_darknet.py),
  mean over the frames;
- detail: the standard deviation of the Laplacian of the luminance, frames
  against alone (below 100%: the blending softened the brushwork).

    /usr/bin/python3 bench/frame_consistency.py IMPASTO PHOTO PHOTO2 PAINTING DARKNET_DIR OUT_DIR \\
        (--model NAME | --style PAINTING) [--consistency C] [--frames 8] [--width 384] [--height 256]
        [--sequences pan,zoom,object]
        [-- extra impasto options]

Writes OUT_DIR/<sequence>/{frames,alone,consistent}/ and prints a table;
OUT_DIR/<sequence>-strip.png shows frames 1, 3, 5, 7 of both runs.
"""
import argparse
import os
import subprocess
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image, ImageDraw

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "python"))
import reference_darknet  # noqa: E402

STYLE_LAYERS = ["leaky_re_lu_1", "leaky_re_lu_2", "leaky_re_lu_4", "leaky_re_lu_8", "leaky_re_lu_12"]
PAN = (6, 2)
ZOOM = 1.03
OBJECT_STEP = (-9, 4)


def load(path):
    return np.asarray(Image.open(path).convert("RGB"), dtype=np.float32) / 255.0


def sample(picture, xs, ys):
    """Bilinear samples of picture (H x W x 3) at float coordinates; NaN outside."""
    t = torch.from_numpy(picture).permute(2, 0, 1)[None]
    h, w = picture.shape[:2]
    grid = torch.stack([torch.from_numpy(xs) / (w - 1) * 2 - 1, torch.from_numpy(ys) / (h - 1) * 2 - 1], -1)[None]
    out = F.grid_sample(t, grid.float(), mode="bilinear", align_corners=True)[0].permute(1, 2, 0).numpy()
    inside = (xs >= 0) & (ys >= 0) & (xs <= w - 1) & (ys <= h - 1)
    out[~inside] = np.nan
    return out


def make_sequence(kind, photo, photo2, n, width, height):
    """Frames (H x W x 3 floats) and, per frame t >= 1, where each pixel was
    in frame t - 1 (xs, ys) and whether it was visible there."""
    big = Image.fromarray((photo * 255).astype(np.uint8))
    scale = max((width + PAN[0] * n + 8) / big.width, (height + PAN[1] * n + 8) / big.height, 1.6 * width / big.width)
    big = big.resize((round(big.width * scale), round(big.height * scale)), Image.LANCZOS)
    source = np.asarray(big, dtype=np.float32) / 255.0
    gx, gy = np.meshgrid(np.arange(width, dtype=np.float64), np.arange(height, dtype=np.float64))
    x0 = (source.shape[1] - width - PAN[0] * n) // 2
    y0 = (source.shape[0] - height - PAN[1] * n) // 2
    frames, motion = [], [None]
    disc = None
    if kind == "object":
        r = height // 5
        d = Image.fromarray((photo2 * 255).astype(np.uint8)).resize((2 * r, 2 * r), Image.LANCZOS)
        disc = (np.asarray(d, dtype=np.float32) / 255.0, r)
    for t in range(n):
        if kind == "zoom":
            z = ZOOM ** t
            cx, cy = source.shape[1] / 2, source.shape[0] / 2
            frame = sample(source, cx + (gx - width / 2) / z, cy + (gy - height / 2) / z)
            if t:
                k = ZOOM ** (t - 1) / z
                motion.append((width / 2 + (gx - width / 2) * k, height / 2 + (gy - height / 2) * k,
                               np.ones(gx.shape, bool)))
        else:
            frame = source[y0 + PAN[1] * t:y0 + PAN[1] * t + height, x0 + PAN[0] * t:x0 + PAN[0] * t + width].copy()
            if t:
                motion.append((gx + PAN[0], gy + PAN[1], np.ones(gx.shape, bool)))
        if disc is not None:
            pixels, r = disc
            ox, oy = width * 3 // 4 + OBJECT_STEP[0] * t, height // 3 + OBJECT_STEP[1] * t
            inside = (gx - ox) ** 2 + (gy - oy) ** 2 < r * r
            ys_, xs_ = np.nonzero(inside)
            frame[ys_, xs_] = pixels[ys_ - oy + r, xs_ - ox + r]
            if t:
                xs, ys, visible = motion[-1]
                was_inside = (xs - (ox - OBJECT_STEP[0])) ** 2 + (ys - (oy - OBJECT_STEP[1])) ** 2 < r * r
                xs = np.where(inside, gx - OBJECT_STEP[0], xs)
                ys = np.where(inside, gy - OBJECT_STEP[1], ys)
                # Background that the disc covered in the frame before has no previous pixel.
                motion[-1] = (xs, ys, visible & (inside | ~was_inside))
        frames.append(np.clip(frame, 0, 1))
    return frames, motion


def warping_error(frames, motion):
    errors = []
    for t in range(1, len(frames)):
        xs, ys, visible = motion[t]
        before = sample(frames[t - 1], xs, ys)
        ok = visible & ~np.isnan(before).any(2)
        errors.append(np.sqrt(np.mean((frames[t][ok] - before[ok]) ** 2)) * 255.0)
    return float(np.mean(errors))


def gram(f):
    _, c, h, w = f.shape
    f = f.reshape(c, h * w)
    return f @ f.t() / (c * h * w)


def style_loss(network, painting_grams, picture):
    x = torch.from_numpy(np.ascontiguousarray(picture)).permute(2, 0, 1)[None]
    with torch.no_grad():
        a = network(x, last=STYLE_LAYERS[-1])
        return float(sum(torch.mean((gram(a[n]) - painting_grams[n]) ** 2) for n in STYLE_LAYERS))


def detail(picture):
    lum = picture @ np.array([0.299, 0.587, 0.114], np.float32)
    lap = lum[1:-1, 1:-1] * 4 - lum[:-2, 1:-1] - lum[2:, 1:-1] - lum[1:-1, :-2] - lum[1:-1, 2:]
    return float(lap.std())


def run(cmd):
    start = time.monotonic()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.monotonic() - start


def strip(alone, consistent, path):
    picks = [1, 3, 5, 7][: len(alone)]
    h, w = alone[0].shape[:2]
    sheet = Image.new("RGB", (w * len(picks), 2 * h + 24), "white")
    for i, t in enumerate(picks):
        sheet.paste(Image.fromarray((alone[t] * 255).round().astype(np.uint8)), (i * w, 0))
        sheet.paste(Image.fromarray((consistent[t] * 255).round().astype(np.uint8)), (i * w, h + 24))
    ImageDraw.Draw(sheet).text((4, h + 6), "above: each frame alone;  below: impasto frames", fill="black")
    sheet.save(path)


def main():
    argv = sys.argv[1:]
    extra = []
    if "--" in argv:
        extra = argv[argv.index("--") + 1:]
        argv = argv[:argv.index("--")]
    ap = argparse.ArgumentParser()
    for name in ["impasto", "photo", "photo2", "painting", "darknet", "out"]:
        ap.add_argument(name)
    ap.add_argument("--model")
    ap.add_argument("--style")
    ap.add_argument("--consistency", help="for impasto frames; default: its own")
    ap.add_argument("--frames", type=int, default=8)
    ap.add_argument("--width", type=int, default=384)
    ap.add_argument("--height", type=int, default=256)
    ap.add_argument("--sequences", default="pan,zoom,object")
    a = ap.parse_args(argv)
    method = ["--model", a.model] if a.model else ["--style", a.style]

    network = reference_darknet.load(a.darknet, pooling="average")
    painting = load(a.painting)
    side = max(a.width, a.height)
    ph, pw = painting.shape[:2]
    f = side / max(ph, pw)
    painting = np.asarray(Image.fromarray((painting * 255).astype(np.uint8)).resize((round(pw * f), round(ph * f)),
                                                                                     Image.LANCZOS), np.float32) / 255
    with torch.no_grad():
        act = network(torch.from_numpy(painting).permute(2, 0, 1)[None], last=STYLE_LAYERS[-1])
        painting_grams = {n: gram(act[n]) for n in STYLE_LAYERS}

    print("| sequence | inputs | alone: warping error | frames: warping error | ratio | alone: style loss "
          "| frames: style loss | ratio | detail kept | seconds alone / frames |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for kind in a.sequences.split(","):
        frames, motion = make_sequence(kind, load(a.photo), load(a.photo2), a.frames, a.width, a.height)
        base = os.path.join(a.out, kind)
        for sub in ["frames", "alone", "consistent"]:
            os.makedirs(os.path.join(base, sub), exist_ok=True)
        names = []
        for t, frame in enumerate(frames):
            names.append(os.path.join(base, "frames", "frame-%02d.png" % t))
            Image.fromarray((frame * 255).round().astype(np.uint8)).save(names[-1])
        frames = [load(n) for n in names]
        s_alone = run([a.impasto, "stylize", *method, *extra, *names, "-o", os.path.join(base, "alone")])
        consistency = ["--consistency", a.consistency] if a.consistency else []
        s_frames = run([a.impasto, "frames", *method, *consistency, *extra, *names, "-o", os.path.join(base, "consistent")])
        alone = [load(os.path.join(base, "alone", os.path.basename(n))) for n in names]
        consistent = [load(os.path.join(base, "consistent", os.path.basename(n))) for n in names]
        e_in, e_alone, e_frames = warping_error(frames, motion), warping_error(alone, motion), warping_error(consistent, motion)
        l_alone = np.mean([style_loss(network, painting_grams, p) for p in alone])
        l_frames = np.mean([style_loss(network, painting_grams, p) for p in consistent])
        kept = np.mean([detail(p) for p in consistent]) / np.mean([detail(p) for p in alone])
        print("| %s | %.2f | %.2f | %.2f | %.0f%% | %.4g | %.4g | %+.1f%% | %.0f%% | %.0f / %.0f |" % (
            kind, e_in, e_alone, e_frames, 100 * e_frames / e_alone, l_alone, l_frames,
            100 * (l_frames / l_alone - 1), 100 * kept, s_alone, s_frames))
        sys.stdout.flush()
        strip(alone, consistent, os.path.join(a.out, kind + "-strip.png"))
        Image.fromarray((consistent[0] * 255).round().astype(np.uint8)).save(
            os.path.join(a.out, kind + ".gif"), save_all=True,
            append_images=[Image.fromarray((p * 255).round().astype(np.uint8)) for p in consistent[1:]],
            duration=120, loop=0)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""End to end: `impasto frames` (cli/impasto.c, core/src/temporal/) as a
user runs it on the frames of a camera pan over a real photograph. The
frames come out in the folder under their own names, and they flicker at
most half as much as `impasto stylize` run on each frame alone, for a
pretrained model and for the optimisation: the warping error (root mean
square difference between a result and the one before moved by the true
motion, over the pixels both frames show) is the measure of
bench/frame_consistency.py. Bad frames are refused before any work, or
fail alone. Photos: data/sample/rocket.jpg, and tubingen.jpg when
../shared is there."""
import os
import subprocess
import sys
import tempfile

import numpy as np
from PIL import Image

impasto, source, shared = sys.argv[1], sys.argv[2], sys.argv[3]
painting = os.path.join(source, "data", "sample", "mosaic-style.png")
env = dict(os.environ, LANGUAGE="C", LC_ALL="C")
gatys = []  # every default: frames of 160 x 112 are optimised at their own size
if os.path.exists(os.path.join(shared, "models", "darknet-tiny", "model.json")):
    env["IMPASTO_MODEL_DIR"] = os.path.join(shared, "models")
else:
    print("../shared is absent: using the weights-free network")
    gatys += ["--network", "random", "--style-weight", "50"]
photos = [os.path.join(source, "data", "sample", "rocket.jpg")]
if os.path.exists(os.path.join(shared, "data", "content", "tubingen.jpg")):
    photos.append(os.path.join(shared, "data", "content", "tubingen.jpg"))
PAN = (5, 2)


def run(*args):
    return subprocess.run([impasto] + list(args), capture_output=True, text=True, env=env, timeout=900)


def only_own_messages(r):
    for line in r.stderr.splitlines():
        assert line.startswith("impasto:") or line.startswith("See impasto") or not line.strip(), r.stderr


def pan(photo, folder, n, width, height):
    """n frames of a window panning PAN pixels a frame over the photo."""
    os.makedirs(folder)
    image = Image.open(photo).convert("RGB")
    f = max((width + PAN[0] * n + 8) / image.width, (height + PAN[1] * n + 8) / image.height)
    if f > 1:
        image = image.resize((round(image.width * f), round(image.height * f)), Image.LANCZOS)
    x0, y0 = (image.width - width - PAN[0] * n) // 2, (image.height - height - PAN[1] * n) // 2
    names = []
    for t in range(n):
        names.append(os.path.join(folder, "frame-%02d.png" % t))
        image.crop((x0 + PAN[0] * t, y0 + PAN[1] * t, x0 + PAN[0] * t + width, y0 + PAN[1] * t + height)).save(names[-1])
    return names


def warping_error(folder, names):
    pictures = [np.asarray(Image.open(os.path.join(folder, os.path.basename(n))).convert("RGB"), np.float64)
                for n in names]
    dx, dy = PAN
    errors = [np.sqrt(np.mean((b[:-dy, :-dx] - a[dy:, dx:]) ** 2)) for a, b in zip(pictures, pictures[1:])]
    return float(np.mean(errors))


def compare(tmp, tag, names, method):
    alone, consistent = os.path.join(tmp, tag + "-alone"), os.path.join(tmp, tag + "-frames")
    r = run("stylize", *method, *names, "-o", alone)
    assert r.returncode == 0, r.stderr
    r = run("frames", *method, *names, "-o", consistent)
    assert r.returncode == 0, r.stderr
    only_own_messages(r)
    written = [line.split(": wrote ")[0] for line in r.stdout.splitlines()]
    assert written == names, r.stdout  # every frame, in the order given
    assert sorted(os.listdir(consistent)) == [os.path.basename(n) for n in names]
    e_alone, e_frames = warping_error(alone, names), warping_error(consistent, names)
    print("%s: warping error alone %.2f, frames %.2f (%.0f%%)" % (tag, e_alone, e_frames, 100 * e_frames / e_alone))
    assert e_frames <= 0.5 * e_alone, (tag, e_alone, e_frames)


with tempfile.TemporaryDirectory() as tmp:
    for i, photo in enumerate(photos):
        names = pan(photo, os.path.join(tmp, "pan%d" % i), 6, 256, 176)
        compare(tmp, "model-%s" % os.path.basename(photo), names, ["--model", "starry-night"])
    names = pan(photos[-1], os.path.join(tmp, "short"), 4, 160, 112)
    compare(tmp, "optimisation-%s" % os.path.basename(photos[-1]), names, ["--style", painting] + gatys)

    # Frames of different sizes: refused before any work, nothing written.
    odd = os.path.join(tmp, "odd.png")
    Image.open(names[0]).resize((100, 70)).save(odd)
    out = os.path.join(tmp, "refused")
    r = run("frames", "--model", "starry-night", names[0], odd, "-o", out)
    assert r.returncode == 2 and "same size" in r.stderr, (r.returncode, r.stderr)
    assert not os.path.exists(out) or not os.listdir(out)
    r = run("frames", "--model", "starry-night", "--consistency", "2", names[0], "-o", out)
    assert r.returncode == 2 and "--consistency" in r.stderr, (r.returncode, r.stderr)
    assert not os.path.exists(out) or not os.listdir(out)
    r = run("stylize", "--model", "starry-night", "--consistency", "0.5", names[0], "-o", out)
    assert r.returncode == 2, "--consistency is an option of frames only"

    # A damaged frame fails alone; the frames after it are still made.
    broken = os.path.join(tmp, "short", "frame-01.png")
    with open(broken, "r+b") as f:
        f.truncate(200)
    out = os.path.join(tmp, "damaged")
    r = run("frames", "--model", "starry-night", *names, "-o", out)
    assert r.returncode == 1, (r.returncode, r.stderr)
    assert "frame-01.png" in r.stderr, r.stderr
    assert sorted(os.listdir(out)) == ["frame-00.png", "frame-02.png", "frame-03.png"], os.listdir(out)

    r = run("frames", "--help")
    assert r.returncode == 0 and "--consistency" in r.stdout and "impasto frames" in r.stdout
print("impasto frames: OK")

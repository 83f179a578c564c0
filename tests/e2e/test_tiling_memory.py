#!/usr/bin/python3
"""Tiled inference keeps memory bounded: a 4-megapixel photo through the
built-in style with 384-pixel tiles needs far less memory than in one piece,
and the tiled result matches the untiled one closely (no seams). Each run is
a separate `gegl` process whose peak RSS the kernel reports."""
import os
import subprocess
import sys
import tempfile

from PIL import Image, ImageChops, ImageStat

source = sys.argv[1]
MEASURE = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, stderr=subprocess.DEVNULL); "
           "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")


def peak_kb(photo, out, tile):
    cmd = ["gegl", photo, "-o", out, "--", "impasto:feedforward", "model=starry-night", "tile-size=%d" % tile]
    r = subprocess.run([sys.executable, "-c", MEASURE, *cmd], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    return int(r.stdout.split()[-1])  # gegl itself may print to stdout first


with tempfile.TemporaryDirectory() as tmp:
    photo = os.path.join(tmp, "photo.png")
    rocket = Image.open(os.path.join(source, "data", "sample", "rocket.jpg")).convert("RGB")
    rocket.resize((2400, 1700), Image.BICUBIC).save(photo)
    tiled, whole = os.path.join(tmp, "tiled.png"), os.path.join(tmp, "whole.png")
    tiled_kb = peak_kb(photo, tiled, 384)
    whole_kb = peak_kb(photo, whole, 4096)
    print("4.1 MP: peak RSS %d MB with 384-pixel tiles, %d MB in one piece" % (tiled_kb // 1024, whole_kb // 1024))
    assert tiled_kb < 0.65 * whole_kb, "tiling did not bound the memory"
    a, b = Image.open(tiled).convert("RGB"), Image.open(whole).convert("RGB")
    assert a.size == b.size == (2400, 1700)
    diff = sum(ImageStat.Stat(ImageChops.difference(a, b)).mean) / 3
    print("mean difference tiled vs whole: %.1f / 255" % diff)
    # Tiles are spread evenly at up to 384 pixels (here 356 x 340) and share
    # statistics measured on the picture reduced to 768 pixels; the built-in
    # style's unstable yellow blobs dominate what differs (docs/tiling.md).
    assert diff < 16, "tiles differ too much from the whole-image result"
print("1 passed, 0 failed")

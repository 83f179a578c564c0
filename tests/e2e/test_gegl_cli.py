#!/usr/bin/python3
"""End to end: the `gegl` command line stylises a photo with impasto:gatys
and impasto:feedforward, the way the README shows it, and prints nothing on
stderr (no warning, no "GeglBuffers leaked"). Uses the real Tiny Darknet
from ../shared when present, else the weights-free network."""
import os
import subprocess
import sys
import tempfile

from PIL import Image, ImageChops, ImageStat

source, shared = sys.argv[1], sys.argv[2]
content = os.path.join(source, "data", "sample", "rocket.jpg")
style = os.path.join(source, "data", "sample", "mosaic-style.png")
env = dict(os.environ)
args = ["iterations=12", "size=96", "threads=2"]
if os.path.exists(os.path.join(shared, "models", "darknet-tiny", "model.json")):
    env["IMPASTO_MODEL_DIR"] = os.path.join(shared, "models")
else:
    print("../shared is absent: using the weights-free network, with a stronger style weight")
    args += ["network=random", "style-weight=50", "iterations=20"]

def quiet(r, what):
    """stderr must be empty: a warning or a GEGL leak report is a failure."""
    assert r.returncode == 0, "%s: gegl failed" % what
    lines = [l for l in r.stderr.splitlines() if l.strip()]
    assert not lines, "%s printed on stderr:\n%s" % (what, "\n".join(lines))


def stylised(out):
    a, b = Image.open(content).convert("RGB"), Image.open(out).convert("RGB")
    assert a.size == b.size, (a.size, b.size)
    diff = sum(ImageStat.Stat(ImageChops.difference(a, b)).mean) / 3
    print("mean difference from the photo: %.1f / 255" % diff)
    assert diff > 8, "the output hardly differs from the input"


passed = 0
with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, "out.png")
    r = subprocess.run(["gegl", content, "-o", out, "--", "impasto:gatys", "style-path=" + style, *args],
                       env=env, capture_output=True, text=True, timeout=300)
    print(r.stdout, r.stderr)
    quiet(r, "impasto:gatys")
    stylised(out)
    passed += 1

    # The built-in default style, to JPEG (another saver).
    out = os.path.join(tmp, "out.jpg")
    r = subprocess.run(["gegl", content, "-o", out, "--", "impasto:feedforward", "model=starry-night"],
                       env=env, capture_output=True, text=True, timeout=300)
    print(r.stdout, r.stderr)
    quiet(r, "impasto:feedforward")
    stylised(out)
    passed += 1
print("%d passed, 0 failed" % passed)

#!/usr/bin/python3
"""End to end, the way a user runs it: `gegl PHOTO -o OUT.png -- impasto:gatys
style-path=PAINTING` with the defaults on a real 4 MP photograph gives a
result of the photo's size that is painted at its own pixels — fine detail
at 100% (hf: std of the Laplacian of the luminance over the photo's) far
above the enlarged processing-size result, the photo's shapes kept
(structure: correlation of gradient magnitudes at 1024 px), in bounded
memory, and nothing on stderr. Needs Tiny Darknet from ../shared."""
import os
import resource
import subprocess
import sys
import tempfile

import numpy as np
from PIL import Image

source, shared = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(source, "bench"))
from photo_figures import figures  # noqa: E402

photo = os.path.join(source, "tests", "e2e", "data", "ladybird-2560.jpg")
painting = os.path.join(source, "data", "sample", "starry-night.jpg")
models = os.path.join(shared, "models")
if not os.path.exists(os.path.join(models, "darknet-tiny", "model.json")):
    print("SKIP: ../shared is absent (%s): the real Tiny Darknet is needed to judge a full-resolution painting" % shared)
    sys.exit(77)
env = dict(os.environ, IMPASTO_MODEL_DIR=models, OMP_NUM_THREADS="2")


def run(out, *extra):
    r = subprocess.run(["gegl", photo, "-o", out, "--", "impasto:gatys", "style-path=" + painting, *extra],
                       env=env, capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, "gegl failed:\n" + r.stderr
    lines = [l for l in r.stderr.splitlines() if l.strip()]
    assert not lines, "gegl printed on stderr:\n" + "\n".join(lines)
    return Image.open(out)


original = Image.open(photo)
with tempfile.TemporaryDirectory() as tmp:
    enlarged = run(os.path.join(tmp, "enlarged.png"), "full-resolution=false")
    full = run(os.path.join(tmp, "full.png"))
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    assert full.size == original.size, (full.size, original.size)
    pixels = np.asarray(full.convert("RGB"))
    assert pixels.std() > 10, "the result is nearly flat"
    hf_enlarged, _ = figures(original, enlarged)
    hf, structure = figures(original, full)
    print("4 MP photo: hf %.2f (enlarged processing-size result: %.2f), structure %.3f, peak RSS %.0f MB"
          % (hf, hf_enlarged, structure, peak_mb))
    assert hf >= 0.8, "fine detail at 100%% is missing (hf %.2f)" % hf
    assert hf >= 3 * hf_enlarged, "no finer than the enlarged result (%.2f vs %.2f)" % (hf, hf_enlarged)
    assert structure >= 0.3, "the photo's shapes are lost (structure %.3f)" % structure
    assert peak_mb <= 3000, "peak memory %.0f MB at 4 MP" % peak_mb
print("1 passed, 0 failed")

#!/usr/bin/python3
"""Memory limits: the `gegl` command, run under an address-space limit
(ulimit -v) too small for a large image, must refuse the job with a message
saying what to change, exit normally and write the input unchanged, never be
killed half-way; a small image under the same limit runs."""
import os
import resource
import subprocess
import sys
import tempfile

from PIL import Image, ImageChops

source = sys.argv[1]
env = dict(os.environ, IMPASTO_STYLES_DIR=os.path.join(source, "models", "styles"))
LIMIT = 5 * 1024 ** 3  # address space: LibTorch and GEGL reserve ~2 GB of it


def limited():
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT, LIMIT))


def gegl(src, out, *args):
    r = subprocess.run(["gegl", src, "-o", out, "--", "impasto:feedforward", "model=starry-night", "threads=2", *args],
                       env=env, capture_output=True, text=True, timeout=600, preexec_fn=limited)
    print(r.stderr.strip()[-600:])
    return r


failed = 0
with tempfile.TemporaryDirectory() as tmp:
    big = os.path.join(tmp, "big.png")
    # 9000 x 7000 (63 megapixels): about 4.5 GB for the job.
    Image.new("RGB", (9000, 7000), (40, 90, 160)).save(big, compress_level=1)
    out = os.path.join(tmp, "big-out.png")
    r = gegl(big, out)
    checks = [
        ("exits normally (not killed)", r.returncode == 0),
        ("says how much memory it needs and what to change",
         "9000" in r.stderr and "7000" in r.stderr and "GB" in r.stderr and "Scale the image down" in r.stderr),
        ("writes the input unchanged",
         os.path.exists(out) and ImageChops.difference(Image.open(big).convert("RGB"),
                                                       Image.open(out).convert("RGB")).getbbox() is None),
    ]
    small = os.path.join(source, "data", "sample", "rocket.jpg")
    out_small = os.path.join(tmp, "small-out.png")
    r = gegl(small, out_small)
    checks.append(("a small image runs under the same limit",
                   r.returncode == 0 and "impasto-WARNING" not in r.stderr and
                   ImageChops.difference(Image.open(small).convert("RGB"),
                                         Image.open(out_small).convert("RGB")).getbbox() is not None))
    for name, ok in checks:
        print(("ok     " if ok else "FAILED ") + name)
        failed += not ok
print("%d passed, %d failed" % (len(checks) - failed, failed))
sys.exit(1 if failed else 0)

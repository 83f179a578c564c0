#!/usr/bin/python3
"""End to end: the `impasto` command line (cli/impasto.c) as a script uses
it. Its exit status tells failure from success, a failed run leaves no
output file (not even a partial one), --json describes every input, --help
lists every option with its default, and nothing but its own messages
reaches stderr. Photos: data/sample/rocket.jpg and, when ../shared is
there, tubingen.jpg; the real Tiny Darknet from ../shared when present."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

from PIL import Image, ImageChops, ImageStat

impasto, source, shared = sys.argv[1], sys.argv[2], sys.argv[3]
rocket = os.path.join(source, "data", "sample", "rocket.jpg")
painting = os.path.join(source, "data", "sample", "mosaic-style.png")
env = dict(os.environ, LANGUAGE="C", LC_ALL="C")
gatys = ["--iterations", "12", "--size", "96", "--full-resolution", "no"]
if os.path.exists(os.path.join(shared, "models", "darknet-tiny", "model.json")):
    env["IMPASTO_MODEL_DIR"] = os.path.join(shared, "models")
else:
    print("../shared is absent: using the weights-free network")
    gatys += ["--network", "random", "--style-weight", "50"]
photos = [rocket]
if os.path.exists(os.path.join(shared, "data", "content", "tubingen.jpg")):
    photos.append(os.path.join(shared, "data", "content", "tubingen.jpg"))


def run(*args):
    return subprocess.run([impasto] + list(args), capture_output=True, text=True, env=env, timeout=600)


def only_own_messages(r):
    """stderr holds only lines impasto wrote: no GLib/GEGL warning."""
    for line in r.stderr.splitlines():
        assert line.startswith("impasto:") or line.startswith("See impasto") or not line.strip(), r.stderr


def stylised(photo, out):
    a, b = Image.open(photo).convert("RGB"), Image.open(out).convert("RGB")
    assert a.size == b.size, (a.size, b.size)
    assert sum(ImageStat.Stat(ImageChops.difference(a, b)).mean) / 3 > 8, "the output hardly differs from the photo"


def files_in(folder):
    return sorted(os.listdir(folder))


with tempfile.TemporaryDirectory() as tmp:
    # A pretrained model, several photos into a folder, with --json.
    out_dir = os.path.join(tmp, "out")
    r = run("stylize", "--model", "starry-night", "--json", *photos, "-o", out_dir)
    assert r.returncode == 0, r.stderr
    only_own_messages(r)
    summary = json.loads(r.stdout)
    assert [s["ok"] for s in summary] == [True] * len(photos), summary
    assert files_in(out_dir) == sorted(os.path.basename(p) for p in photos), files_in(out_dir)
    for p in photos:
        stylised(p, os.path.join(out_dir, os.path.basename(p)))
    print("model: %d photos stylised, summary %s" % (len(photos), [round(s["seconds"], 1) for s in summary]))

    # The optimisation, two paintings with weights, into one file.
    out = os.path.join(tmp, "gatys.png")
    r = run("stylize", "--style", painting + ":2", "--style", rocket, *gatys, rocket, "-o", out)
    assert r.returncode == 0, r.stderr
    only_own_messages(r)
    assert "wrote" in r.stdout, r.stdout
    stylised(rocket, out)
    print("optimisation: stylised")

    # A corrupt model: non-zero, the reason, no output, no partial file left.
    bad = os.path.join(tmp, "bad")
    shutil.copytree(os.path.join(source, "models", "styles", "starry-night"), os.path.join(bad, "starry-night"))
    with open(os.path.join(bad, "starry-night", "Variable_3"), "r+b") as f:
        f.truncate(100)
    target = os.path.join(tmp, "failed")
    os.mkdir(target)
    r = run("stylize", "--model", os.path.join(bad, "starry-night"), rocket, "-o", os.path.join(target, "x.png"))
    assert r.returncode == 1, (r.returncode, r.stderr)
    assert "Variable_3" in r.stderr and "truncated or corrupt" in r.stderr, r.stderr
    assert files_in(target) == [], files_in(target)
    only_own_messages(r)
    print("corrupt model: exit 1, %s" % r.stderr.strip())

    # An existing output is left as it was when the run fails.
    keep = os.path.join(target, "keep.png")
    Image.new("RGB", (8, 8), "red").save(keep)
    before = open(keep, "rb").read()
    r = run("stylize", "--model", "no-such-model", rocket, "-o", keep)
    assert r.returncode == 1 and open(keep, "rb").read() == before and files_in(target) == ["keep.png"]

    # Bad inputs among good ones (missing; text named .jpg, which GEGL's own
    # JPEG loader answers with exit()): the others are written, the status says it.
    fake = os.path.join(tmp, "fake.jpg")
    with open(fake, "w") as f:
        f.write("not a picture\n")
    r = run("stylize", "--model", "starry-night", fake, rocket, os.path.join(tmp, "missing.jpg"), "-o", os.path.join(tmp, "mixed"))
    assert r.returncode == 1 and files_in(os.path.join(tmp, "mixed")) == ["rocket.jpg"], (r.returncode, r.stderr)
    assert "missing.jpg" in r.stderr and "fake.jpg" in r.stderr, r.stderr
    only_own_messages(r)

    # Usage errors: exit 2 before any work, nothing written.
    for args in (["--model", "starry-night", "--strength", "3"], ["--model", "starry-night", "--preserve-colors", "no-such"],
                 ["--style", os.path.join(tmp, "none.jpg")], ["--model", "a", "--style", painting], []):
        r = run("stylize", *args, rocket, "-o", os.path.join(tmp, "usage.png"))
        assert r.returncode == 2, (args, r.returncode, r.stderr)
        assert not os.path.exists(os.path.join(tmp, "usage.png"))
        only_own_messages(r)
    for o in (os.path.join(tmp, "no", "such", "folder", "x.png"), os.path.join(tmp, "x.unknown")):
        r = run("stylize", "--model", "starry-night", rocket, "-o", o)
        assert r.returncode == 2 and r.stderr.startswith("impasto:"), (o, r.returncode, r.stderr)
        only_own_messages(r)
    print("usage errors: exit 2, nothing written")

# --help: every option of the parameter rows, with its default.
r = run("stylize", "--help")
assert r.returncode == 0
for option in ("--content-weight VALUE  (1, 0..1000)", "--strength VALUE  (1, 0..1)", "--optimizer VALUE  (lbfgs, lbfgs|adam)",
               "--full-resolution VALUE  (yes, yes|no)", "--seed", "--threads", "--scale", "--json"):
    assert option in r.stdout, option

# models: the built-in styles, as JSON too.
r = run("models", "--json")
assert r.returncode == 0, r.stderr
models = {m["name"]: m for m in json.loads(r.stdout)}
assert models["starry-night"]["state"] == "built-in", models
r = run("models")
assert r.returncode == 0 and "starry-night" in r.stdout
print("help and models: ok")

#!/usr/bin/env python3
"""The bench/ programs run and print what bench/run parses, on tiny inputs
with the built-in style (no ../shared needed). Nothing is timed here."""
import json
import os
import subprocess
import sys

build, source = sys.argv[1], sys.argv[2]
style = os.path.join(source, "models", "styles", "starry-night")
photo = os.path.join(source, "data", "sample", "rocket.jpg")
feedforward = os.path.join(build, "bench", "impasto-bench-feedforward")
preview = os.path.join(build, "bench", "impasto-bench-preview")


def records(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=240)
    assert r.returncode == 0, "%s failed: %s" % (os.path.basename(cmd[0]), r.stderr[-500:])
    return [json.loads(line) for line in r.stdout.splitlines() if line.startswith("{")]


def test_feedforward_network():
    recs = records([feedforward, style, "64x48", "2", "network", "1"])
    assert [r for r in recs if "first" in r] and len([r for r in recs if "seconds" in r]) == 2, recs


def test_feedforward_pipeline_in_tiles():
    recs = records([feedforward, style, "96x64", "1", "pipeline", "1", "64"])
    assert all(v > 0 for r in recs for v in r.values()) and len(recs) == 2, recs


def test_preview():
    if not os.path.exists(preview):
        print("skip: built without GIMP")
        return
    recs = records([preview, photo, photo, "32x24", "1", "starry-night", "1"])
    assert len(recs) == 1 and recs[0]["seconds"] > 0, recs


failed = 0
for name, fn in list(globals().items()):
    if name.startswith("test_"):
        try:
            fn()
            print("ok", name)
        except AssertionError as e:
            failed += 1
            print("FAILED", name, e)
print("%d failed" % failed)
sys.exit(1 if failed else 0)

#!/usr/bin/python3
"""End to end: impasto-train trains a (tiny) style model from a folder of
photos, stops on SIGINT with a checkpoint, resumes, and writes a model the
pretrained-model path runs. Tiny sizes and the weights-free loss network keep
it to seconds; the real training run is in docs/training.md."""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

from PIL import Image

TRAIN, SOURCE = sys.argv[1], sys.argv[2]
TINY = ["--network", "random", "--crop", "32", "--batch", "2", "--style-size", "64", "--width", "4",
        "--blocks", "1", "--learning-rate", "0.01", "--threads", "2"]


class TrainCli(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="impasto-train-cli-")
        self.photos = os.path.join(self.tmp, "photos")
        os.mkdir(self.photos)
        rocket = Image.open(os.path.join(SOURCE, "data", "sample", "rocket.jpg")).convert("RGB")
        for i, size in enumerate([(96, 64), (40, 50), (120, 90)]):
            rocket.resize(size).save(os.path.join(self.photos, "photo%d.jpg" % i))
        with open(os.path.join(self.photos, "notes.txt"), "w") as f:
            f.write("not a photo")
        self.style = os.path.join(SOURCE, "data", "sample", "mosaic-style.png")
        self.out = os.path.join(self.tmp, "my-style")

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def train(self, *extra, check=True):
        r = subprocess.run([TRAIN, "--style", self.style, "--photos", self.photos, "--output", self.out, *TINY, *extra],
                           capture_output=True, text=True, timeout=300)
        if check:
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        return r

    def test_trains_and_writes_a_usable_model(self):
        r = self.train("--steps", "10", "--name", "my-style", "--display-name", "My style", "--licence", "CC0")
        self.assertIn("3 photos", r.stdout)
        self.assertIn("step 10/10", r.stdout)
        for name in ["manifest.json", "training.json", "impasto.json", "style.png", "sample.png"]:
            self.assertTrue(os.path.exists(os.path.join(self.out, name)), name)
        meta = json.load(open(os.path.join(self.out, "impasto.json")))
        self.assertEqual((meta["name"], meta["display_name"], meta["licence"]), ("my-style", "My style", "CC0"))
        self.assertLessEqual(max(Image.open(os.path.join(self.out, "style.png")).size), 128)
        self.assertEqual(Image.open(os.path.join(self.out, "sample.png")).size, (96, 64))
        record = json.load(open(os.path.join(self.out, "training.json")))
        self.assertEqual((record["steps"], record["base_width"], record["photos"]), (10, 4, 3))

    def test_interrupt_then_resume(self):
        p = subprocess.Popen([TRAIN, "--style", self.style, "--photos", self.photos, "--output", self.out, *TINY,
                              "--steps", "100000", "--checkpoint-every", "0"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # Wait for the first progress line, then interrupt like Ctrl+C.
        line = p.stdout.readline()
        while line and not line.startswith("step "):
            line = p.stdout.readline()
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=120)
        self.assertEqual(p.returncode, 130, out + err)
        self.assertIn("--resume", out)
        state = json.load(open(os.path.join(self.out, "checkpoint", "training.json")))
        self.assertGreaterEqual(state["step"], 10)
        self.assertFalse(os.path.exists(os.path.join(self.out, "manifest.json")), "no final model yet")

        r = self.train("--steps", str(state["step"] + 3), "--resume")
        self.assertIn("resuming at step %d" % state["step"], r.stdout)
        self.assertEqual(json.load(open(os.path.join(self.out, "training.json")))["steps"], state["step"] + 3)

    def test_bad_input_is_a_clear_error(self):
        r = self.train("--steps", "abc", check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("--steps needs a number", r.stderr)
        self.style = os.path.join(self.tmp, "missing.png")
        r = self.train("--steps", "2", check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("Cannot read the image", r.stderr)
        r = subprocess.run([TRAIN, "--style", "x"], capture_output=True, text=True)
        self.assertEqual(r.returncode, 2)
        self.assertIn("Usage", r.stderr)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)

#!/usr/bin/python3
"""Impasto in a real GIMP 2.10, headless: a temporary GIMP profile holds the
built plug-in and batch script; GEGL_PATH points at the built module."""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

from PIL import Image, ImageChops, ImageStat

from gimp_session import CLOSE_IMAGES, kill_leftovers, problems

BUILD, SOURCE, SHARED = sys.argv[1], sys.argv[2], sys.argv[3]
del sys.argv[1:4]
HERE = os.path.dirname(os.path.abspath(__file__))
WAVE = os.path.join(SHARED, "models", "fast-style-ml5", "wave")


def run_gimp(profile, *batch, stdout_path=None):
    """Runs GIMP's batch mode in its own session; the result also says
    which processes it left behind (killed) in .left. With stdout_path,
    GIMP's standard output is that file (its text is still in .stdout)."""
    env = dict(os.environ, GIMP2_DIRECTORY=profile)
    env.setdefault("IMPASTO_MODEL_DIR", os.path.join(SHARED, "models"))
    args = ["gimp-console-2.10", "-i", "-d", "-f"]
    for b in batch:
        args += ["-b", b]
    args += ["-b", CLOSE_IMAGES, "-b", "(gimp-quit 0)"]
    out_file = open(stdout_path, "w") if stdout_path else None
    gimp = subprocess.Popen(args, env=env, stdout=out_file or subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        stdout, stderr = gimp.communicate(timeout=600)
    finally:
        left = kill_leftovers(gimp.pid)
        if gimp.poll() is None:
            gimp.kill()
        if out_file:
            out_file.close()
    if stdout_path:
        with open(stdout_path) as f:
            stdout = f.read()
    result = subprocess.CompletedProcess(args, gimp.returncode, stdout, stderr)
    result.left = left
    return result


def make_profile(root, *folders):
    """A GIMP profile under root with the built plug-in and the batch script."""
    profile = os.path.join(root, "profile")
    for d in ("plug-ins/impasto", "scripts", "gradients") + folders:
        os.makedirs(os.path.join(profile, d))
    os.symlink(os.path.join(BUILD, "plugin", "gimp", "impasto"), os.path.join(profile, "plug-ins", "impasto", "impasto"))
    shutil.copy(os.path.join(SOURCE, "plugin", "gimp", "impasto-batch.scm"), os.path.join(profile, "scripts"))
    return profile


class SchemeResults(unittest.TestCase):
    """A class whose setUpClass ran a Scheme driver that wrote "key value"
    lines: read them, look them up, clean up."""

    @classmethod
    def read_results(cls, path):
        cls.results = {}
        if os.path.exists(path):
            for line in open(path):
                key, _, value = line.rstrip("\n").partition(" ")
                cls.results[key] = value

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def r(self, key):
        self.assertIn(key, self.results, "GIMP run did not get that far:\n" + self.gimp.stderr[-3000:])
        return self.results[key]


class CleanGimpRun:
    """Mixed into the classes whose setUpClass ran GIMP as self.gimp."""

    def test_gimp_printed_no_warning_and_left_no_process(self):
        self.assertEqual(problems(self.gimp.stdout + self.gimp.stderr), [])
        self.assertEqual(self.gimp.left, [], "processes GIMP left behind")


def mean_diff(a, b):
    a, b = Image.open(a).convert("RGBA"), Image.open(b).convert("RGBA")
    return sum(ImageStat.Stat(ImageChops.difference(a, b)).mean) / 4


class GimpBatch(SchemeResults, CleanGimpRun):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="impasto-gimp-")
        cls.profile = make_profile(cls.tmp, "brushes", "patterns")
        cls.work = os.path.join(cls.tmp, "work")
        os.makedirs(cls.work)
        content = Image.open(os.path.join(SOURCE, "data", "sample", "rocket.jpg")).convert("RGB").resize((72, 48))
        content.putalpha(Image.linear_gradient("L").resize((72, 48)))
        content.save(os.path.join(cls.work, "content.png"))
        content.convert("L").save(os.path.join(cls.work, "grey.png"))
        Image.open(os.path.join(SOURCE, "data", "sample", "mosaic-style.png")).resize((64, 64)).save(
            os.path.join(cls.work, "style.png"))
        script = os.path.join(HERE, "impasto-tests.scm")
        model = WAVE if os.path.isdir(WAVE) else ""
        cls.gimp = run_gimp(cls.profile, '(begin (load "%s") (impasto-test-run "%s" "%s" "%s"))'
                            % (script, cls.work, os.path.join(cls.work, "style.png"), model))
        print(cls.gimp.stdout, cls.gimp.stderr)
        cls.read_results(os.path.join(cls.work, "results.txt"))

    def test_runs_to_the_end(self):
        self.assertEqual(self.r("done"), "")

    def test_new_layer_above_the_source(self):
        self.assertEqual(self.r("layers"), "2")
        self.assertEqual(self.r("name"), "Background (Impasto: style.png)")
        self.assertEqual(int(self.r("position-result")) + 1, int(self.r("position-source")))
        self.assertEqual(self.r("size"), self.r("source-size"))
        self.assertEqual(self.r("offsets"), "5 7")
        self.assertEqual(self.r("mask-without-selection"), "-1")

    def test_source_untouched_result_differs(self):
        before = os.path.join(self.work, "source-before.png")
        for after in ("source-after.png", "source-after-errors.png"):
            self.assertEqual(list(Image.open(before).getdata()),
                             list(Image.open(os.path.join(self.work, after)).getdata()), after)
        # Without ../shared the weak weights-free network runs: a smaller change.
        self.assertGreater(mean_diff(before, os.path.join(self.work, "result.png")),
                           5 if os.path.isdir(os.path.join(SHARED, "models", "darknet-tiny")) else 1)
        # The source's alpha is kept.
        self.assertEqual(Image.open(before).getchannel("A").tobytes(),
                         Image.open(os.path.join(self.work, "result.png")).getchannel("A").tobytes())

    def test_settings_parasite(self):
        text = open(os.path.join(self.work, "parasite.txt")).read()
        self.assertTrue(text.startswith("impasto-settings 2\n"), text[:40])
        fields = dict(line.split("=", 1) for line in text.splitlines()[1:] if "=" in line)
        self.assertEqual(fields["style-weight"], "2")
        self.assertEqual(fields["iterations"], "6")
        self.assertEqual(fields["seed"], "3")
        self.assertEqual(fields["full-resolution"], "1")
        self.assertEqual(fields["refine-iterations"], "20")
        self.assertEqual(fields["network"], "darknet-tiny")
        self.assertIn("impasto-version", fields)
        self.assertNotEqual(fields["source-tattoo"], "0")

    def test_rerender_replaces_the_layer_in_its_place(self):
        self.assertEqual(self.r("rerender-in-place"), "#t")
        self.assertEqual(self.r("rerender-layers"), "2")
        self.assertGreater(mean_diff(os.path.join(self.work, "result.png"),
                                     os.path.join(self.work, "result-rerendered.png")), 1)
        text = open(os.path.join(self.work, "parasite-rerendered.txt")).read()
        self.assertIn("style-weight=40\n", text)
        self.assertEqual(self.r("rerender-proc-in-place"), "#t")
        self.assertEqual(self.r("rerender-proc-layers"), "2")

    def test_bad_arguments_are_pdb_errors(self):
        for key in ("bad-weight", "bad-style", "no-style", "bad-iterations", "rerender-plain-layer",
                    "closed-style", "indexed"):
            self.assertEqual(self.r(key), "error", key)
        self.assertEqual(self.r("after-errors-layers"), "2")
        self.assertEqual(self.r("indexed-layers"), "1")
        self.assertIn("must be between", self.gimp.stderr)
        self.assertIn("does not exist", self.gimp.stderr)

    def test_selection_becomes_the_mask(self):
        self.assertEqual(self.r("masked-mask"), "yes")
        # A style layer from another image, named after that image's file.
        self.assertTrue(self.r("masked-name").startswith("Background (Impasto: style.png)"))  # GIMP adds " #1"
        mask = Image.open(os.path.join(self.work, "mask.png")).convert("L")
        self.assertEqual(mask.getpixel((20, 20)), 255)  # inside the 30 x 20 selection at (10, 10)...
        self.assertEqual(mask.getpixel((2, 2)), 0)      # ...but the layer sits at offset (5, 7)

    def test_last_values(self):
        text = open(os.path.join(self.work, "parasite-last-values.txt")).read()
        self.assertIn("style-weight=2\n", text)
        self.assertIn("iterations=6\n", text)
        self.assertIn("seed=3\n", text)

    def test_settings_survive_xcf(self):
        self.assertEqual(self.r("xcf-layers"), "2")
        self.assertEqual(self.r("xcf-parasite"), "present")
        self.assertEqual(self.r("xcf-rerender"), "ok")
        self.assertEqual(self.r("xcf-rerender-layers"), "2")

    @unittest.skipUnless(os.path.isdir(WAVE), "../shared is absent: no pretrained model")
    def test_pretrained_model_layer(self):
        self.assertEqual(self.r("model-layers"), "2")
        self.assertEqual(self.r("model-name"), "Background (Impasto: wave)")
        text = open(os.path.join(self.work, "parasite-model.txt")).read()
        self.assertIn("method=model\n", text)
        self.assertIn("model=" + WAVE + "\n", text)
        before = os.path.join(self.work, "source-before.png")
        self.assertEqual(list(Image.open(before).getdata()),
                         list(Image.open(os.path.join(self.work, "model-source-after.png")).getdata()))
        full = mean_diff(before, os.path.join(self.work, "model-result.png"))
        half = mean_diff(before, os.path.join(self.work, "model-result-half.png"))
        self.assertGreater(full, 5)
        self.assertLess(half, full * 0.7)
        self.assertEqual(self.r("model-rerender-layer"), "#t")
        self.assertEqual(self.r("model-rerender-proc"), "#t")
        self.assertEqual(self.r("model-final-layers"), "2")
        self.assertEqual(self.r("model-missing"), "error")
        self.assertEqual(self.r("model-bad-strength"), "error")

    def test_grey_images_are_handled(self):
        self.assertEqual(self.r("grey"), "ok")
        self.assertEqual(self.r("grey-type"), "1")


BAD_STYLE_FILES = ("notes.jpg", "empty.png", "truncated.png", "huge.png")


def write_bad_style_files(folder, real_png):
    """A text file named .jpg, a zero-byte file, a PNG cut short and a PNG
    whose header says 30000 x 30000 pixels."""
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    with open(os.path.join(folder, "notes.jpg"), "w") as f:
        f.write("these are my notes, not a picture\n")
    open(os.path.join(folder, "empty.png"), "wb").close()
    with open(real_png, "rb") as f:
        data = f.read()
    with open(os.path.join(folder, "truncated.png"), "wb") as f:
        f.write(data[:len(data) // 8])
    with open(os.path.join(folder, "huge.png"), "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 30000, 30000, 8, 2, 0, 0, 0)) +
                chunk(b"IDAT", zlib.compress(b"\0" * 1000)) + chunk(b"IEND", b""))


class GimpBadInput(SchemeResults, CleanGimpRun):
    """The bad-input matrix (impasto-bad-input.scm): each refusal is a PDB
    error with a message and changes nothing."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="impasto-bad-input-")
        profile = make_profile(cls.tmp, "brushes", "patterns")
        style = os.path.join(SOURCE, "data", "sample", "mosaic-style.png")
        write_bad_style_files(cls.tmp, style)
        script = os.path.join(HERE, "impasto-bad-input.scm")
        cls.gimp = run_gimp(profile, '(begin (load "%s") (impasto-bad-input-run "%s" "%s"))' % (script, cls.tmp, style))
        print(cls.gimp.stdout, cls.gimp.stderr[-4000:])
        cls.read_results(os.path.join(cls.tmp, "bad-input.txt"))

    def test_one_pixel_layer(self):
        self.assertEqual((self.r("one-pixel"), self.r("one-pixel-layers"), self.r("one-pixel-size")), ("ok", "2", "1"))

    def test_huge_layer_is_refused_before_any_work(self):
        self.assertEqual((self.r("huge-model"), self.r("huge-gatys"), self.r("huge-layers")), ("error", "error", "1"))
        self.assertIn("30000", self.gimp.stderr)
        self.assertIn("Scale the image down", self.gimp.stderr)

    def test_high_bit_depth_with_alpha_and_a_grey_style_of_another_size(self):
        self.assertEqual((self.r("u16"), self.r("u16-layers")), ("ok", "2"))
        self.assertEqual(self.r("u16-precision"), "250")  # PRECISION-U16-GAMMA, kept
        self.assertEqual((self.r("float"), self.r("float-layers"), self.r("float-alpha")), ("ok", "3", "1"))

    def test_style_file_that_is_not_an_image(self):
        self.assertEqual((self.r("unreadable-style"), self.r("unreadable-style-layers")), ("error", "1"))
        self.assertIn("could not be read as an image", self.gimp.stderr)

    def test_style_files_that_decoders_choke_on(self):
        for name in BAD_STYLE_FILES:
            self.assertEqual((self.r("bad-style-file-" + name), self.r("bad-style-file-%s-layers" % name)),
                             ("error", "1"), name)
        self.assertNotIn("crashed", self.gimp.stderr)
        self.assertIn('notes.jpg" could not be read as an image', self.gimp.stderr)
        self.assertIn('empty.png" could not be read as an image', self.gimp.stderr)
        self.assertIn('truncated.png" could not be read as an image', self.gimp.stderr)
        self.assertIn("is 30000 x 30000 pixels", self.gimp.stderr)

    def test_active_mask_works_on_its_layer_and_a_channel_is_refused(self):
        self.assertEqual((self.r("mask-active"), self.r("mask-active-layers")), ("ok", "2"))
        self.assertEqual(self.r("mask-active-owner-position"), "1")  # the result is above it
        self.assertEqual((self.r("channel-active"), self.r("channel-active-layers")), ("error", "2"))
        self.assertIn("a channel is active", self.gimp.stderr)

    def test_selection_outside_the_layer(self):
        self.assertEqual((self.r("selection-outside"), self.r("selection-outside-layers")), ("error", "1"))
        self.assertIn("selection does not touch this layer", self.gimp.stderr)

    def test_every_argument_out_of_range(self):
        self.assertEqual(self.r("bad-args-tried"), "45")
        self.assertEqual(self.r("bad-args-accepted"), "0",
                         [k + " " + v for k, v in self.results.items() if k.startswith("accepted")])
        self.assertEqual(self.r("bad-args-layers"), "1")

    def test_damaged_and_future_settings(self):
        self.assertEqual((self.r("corrupt-parasite"), self.r("future-parasite"), self.r("parasite-layers")),
                         ("error", "error", "1"))
        self.assertIn("damaged", self.gimp.stderr)
        self.assertIn("newer Impasto", self.gimp.stderr)


class GimpBatchScript(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="impasto-batch-")
        self.addCleanup(shutil.rmtree, self.tmp)
        self.profile = make_profile(self.tmp)
        self.inp, self.out = os.path.join(self.tmp, "in"), os.path.join(self.tmp, "out")
        os.makedirs(self.inp)
        os.makedirs(self.out)
        photo = Image.open(os.path.join(SOURCE, "data", "sample", "rocket.jpg"))
        for i, size in enumerate(((64, 48), (40, 60), (56, 56))):
            photo.resize(size).save(os.path.join(self.inp, "photo%d.jpg" % i))
        self.style = os.path.join(SOURCE, "data", "sample", "mosaic-style.png")

    def batch(self, style, out, **kw):
        return run_gimp(self.profile, '(script-fu-impasto-batch "%s/*.jpg" "%s" "%s" 2 5 64 0)' % (self.inp, style, out),
                        **kw)

    def test_one_line_per_file_in_order_on_stdout_even_into_a_file(self):
        log = os.path.join(self.tmp, "batch.log")
        r = self.batch(self.style, self.out, stdout_path=log)
        lines = [l for l in r.stdout.splitlines() if l.startswith("impasto-batch:")]
        self.assertEqual(len(lines), 5, r.stdout)
        self.assertEqual(lines[0], "impasto-batch: 3 file(s) matching %s/*.jpg" % self.inp)
        for i in range(3):
            self.assertTrue(lines[1 + i].startswith("impasto-batch: [%d/3] " % (i + 1)), lines)
        self.assertEqual(lines[4], "impasto-batch: 3 stylised, 0 failed")
        self.assertEqual(problems(r.stdout + r.stderr), [])

    def test_a_missing_style_or_folder_is_said_once_before_any_photo(self):
        r = self.batch(os.path.join(self.tmp, "no-such-painting.jpg"), self.out)
        self.assertEqual(r.stderr.count("does not exist"), 1, r.stderr)
        self.assertIn("cannot start", r.stdout)
        self.assertNotIn("[1/3]", r.stdout)
        self.assertEqual(os.listdir(self.out), [])
        r = self.batch(self.style, os.path.join(self.tmp, "no-such-folder"))
        self.assertEqual(r.stderr.count('no-such-folder" does not exist'), 1, r.stderr)
        self.assertIn("cannot start", r.stdout)
        self.assertNotIn("[1/3]", r.stdout)

    def test_the_wrapper_exits_non_zero_when_a_file_failed(self):
        env = dict(os.environ, GIMP2_DIRECTORY=self.profile)
        env.setdefault("IMPASTO_MODEL_DIR", os.path.join(SHARED, "models"))
        wrapper = os.path.join(SOURCE, "plugin", "gimp", "impasto-batch.sh")
        args = [wrapper, self.inp + "/*.jpg", self.style, self.out, "2", "5", "64", "0"]
        r = subprocess.run(args, env=env, capture_output=True, text=True, timeout=600)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("impasto-batch: 3 stylised, 0 failed", r.stdout)
        with open(os.path.join(self.inp, "photo9-broken.jpg"), "wb") as f:
            f.write(b"\xff\xd8\xff\xe0 truncated")
        r = subprocess.run(args, env=env, capture_output=True, text=True, timeout=600)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("impasto-batch: 3 stylised, 1 failed", r.stdout)
        r = subprocess.run([wrapper, self.inp + "/*.jpg", self.style, os.path.join(self.tmp, "nowhere")],
                           env=env, capture_output=True, text=True, timeout=600)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)

    def test_folder_with_a_corrupt_file(self):
        inp, out, style, profile = self.inp, self.out, self.style, self.profile
        with open(os.path.join(inp, "photo1-broken.jpg"), "wb") as f:
            f.write(b"\xff\xd8\xff\xe0 truncated")
        r = run_gimp(profile, '(script-fu-impasto-batch "%s/*.jpg" "%s" "%s" 2 5 64 0)' % (inp, style, out))
        print(r.stdout, r.stderr)
        self.assertEqual(sorted(os.listdir(out)), ["photo0-impasto.png", "photo1-impasto.png", "photo2-impasto.png"])
        self.assertIn("impasto-batch: 4 file(s)", r.stdout)
        self.assertIn("photo1-broken.jpg: FAILED", r.stdout)
        self.assertIn("impasto-batch: 3 stylised, 1 failed", r.stdout)
        self.assertEqual(Image.open(os.path.join(out, "photo1-impasto.png")).size, (40, 60))
        if os.path.isdir(WAVE):
            for f in os.listdir(out):
                os.remove(os.path.join(out, f))
            r = run_gimp(profile, '(script-fu-impasto-batch-model "%s/*.jpg" "%s" "%s" 1.0 1.0 0)' % (inp, WAVE, out))
            print(r.stdout, r.stderr)
            self.assertIn("impasto-batch: 3 stylised, 1 failed", r.stdout)
            self.assertEqual(len(os.listdir(out)), 3)


if __name__ == "__main__":
    unittest.main(verbosity=2)

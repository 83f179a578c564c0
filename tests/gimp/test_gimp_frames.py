#!/usr/bin/python3
"""Filters ▸ Animation ▸ Stylise Frames (plug-in-impasto-frames) in a real
GIMP 2.10, headless, called from Script-Fu as a script would: a 6-layer
animation of a camera pan over a photo (layers named with GIMP's frame
timing tags) becomes a new image of 6 stylised frames in the same order
and with the same names; the source image is unchanged; its GIF export
plays the 6 frames; the frames match `impasto frames` on the same
pictures (same core, same order). A bad call (the optimisation without a
style) fails with the reason and makes no image. No CRITICAL or WARNING
line from GIMP, GEGL or GLib."""
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
from PIL import Image, ImageSequence

from gimp_session import CLOSE_IMAGES, kill_leftovers, problems

BUILD, SOURCE, SHARED = sys.argv[1], sys.argv[2], sys.argv[3]
PHOTO = os.path.join(SOURCE, "data", "sample", "rocket.jpg")
N, W, H, PAN = 6, 160, 112, (5, 2)

# The frames procedure's arguments after run-mode, image and drawable, for
# the default pretrained model: method, consistency, then the optimisation's
# (ignored here) and the model's.
MODEL_ARGS = ('1 0.7 -1 "" "" 1.0 2.0 0.02 1.0 150 384 0 0 0 0.02 0 0 0 "" "" 0 2 1 20 '
              '"starry-night" 1.0 1.0 0 1.0')
BAD_ARGS = MODEL_ARGS.replace("1 0.7 -1", "0 0.7 -1", 1)  # the optimisation, and no style


def scheme(frames, gif, results):
    loads = "".join(
        '(let ((l (car (gimp-file-load-layer RUN-NONINTERACTIVE image "%s"))))'
        ' (gimp-image-insert-layer image l 0 0) (gimp-item-set-name l "Frame %d (100ms)"))' % (f, i + 1)
        for i, f in enumerate(frames))
    return ('(let* ((image (car (gimp-image-new %d %d RGB))) (out -1) (port (open-output-file "%s")))'
            '  %s'
            '  (set! out (car (plug-in-impasto-frames RUN-NONINTERACTIVE image'
            '     (car (gimp-image-get-active-drawable image)) %s)))'
            '  (display "source-layers " port) (display (car (gimp-image-get-layers image)) port) (newline port)'
            '  (display "source-undo " port) (display (car (gimp-image-undo-is-enabled image)) port) (newline port)'
            '  (display "layers " port) (display (car (gimp-image-get-layers out)) port) (newline port)'
            '  (for-each (lambda (l) (display "name " port) (display (car (gimp-item-get-name l)) port) (newline port))'
            '            (vector->list (cadr (gimp-image-get-layers out))))'
            '  (display "images-before-bad " port) (display (car (gimp-image-list)) port) (newline port)'
            '  (display "bad " port)'
            '  (display (catch "failed" (plug-in-impasto-frames RUN-NONINTERACTIVE image'
            '     (car (gimp-image-get-active-drawable image)) %s)) port) (newline port)'
            '  (display "images-after-bad " port) (display (car (gimp-image-list)) port) (newline port)'
            '  (gimp-image-convert-indexed out CONVERT-DITHER-NONE CONVERT-PALETTE-GENERATE 255 FALSE FALSE "")'
            '  (file-gif-save RUN-NONINTERACTIVE out (car (gimp-image-get-active-drawable out)) "%s" "%s" 0 1 100 0)'
            '  (close-output-port port))' % (W, H, results, loads, MODEL_ARGS, BAD_ARGS, gif, gif))


def main():
    tmp = tempfile.mkdtemp()
    try:
        profile = os.path.join(tmp, "profile")
        for d in ("plug-ins/impasto", "scripts", "gradients"):
            os.makedirs(os.path.join(profile, d))
        os.symlink(os.path.join(BUILD, "plugin", "gimp", "impasto"),
                   os.path.join(profile, "plug-ins", "impasto", "impasto"))
        photo = Image.open(PHOTO).convert("RGB")
        frames = []
        for t in range(N):
            frames.append(os.path.join(tmp, "frame-%d.png" % t))
            photo.crop((40 + PAN[0] * t, 30 + PAN[1] * t, 40 + PAN[0] * t + W, 30 + PAN[1] * t + H)).save(frames[-1])
        gif, results = os.path.join(tmp, "out.gif"), os.path.join(tmp, "results.txt")
        env = dict(os.environ, GIMP2_DIRECTORY=profile)
        if os.path.exists(os.path.join(SHARED, "models")):
            env.setdefault("IMPASTO_MODEL_DIR", os.path.join(SHARED, "models"))
        args = ["gimp-console-2.10", "-i", "-d", "-f", "-b", scheme(frames, gif, results), "-b", CLOSE_IMAGES,
                "-b", "(gimp-quit 0)"]
        gimp = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                start_new_session=True)
        try:
            stdout, stderr = gimp.communicate(timeout=600)
        finally:
            left = kill_leftovers(gimp.pid)
        out = {}
        names = []
        for line in open(results) if os.path.exists(results) else []:
            key, _, value = line.rstrip("\n").partition(" ")
            if key == "name":
                names.append(value)
            else:
                out[key] = value
        assert out.get("layers") == str(N), (out, stderr[-3000:])
        # GIMP lists layers top first: the last frame is on top, as in the source.
        assert names == ["Frame %d (100ms)" % (i + 1) for i in reversed(range(N))], names
        assert out["source-layers"] == str(N) and out["source-undo"] == "1", out
        assert out["bad"] == "failed" and "Choose a style" in stderr, (out["bad"], stderr[-2000:])
        assert out["images-after-bad"] == out["images-before-bad"], out
        assert not problems(stdout + stderr), problems(stdout + stderr)
        assert not left, "GIMP left processes behind: %s" % left

        played = [np.asarray(f.convert("RGB"), np.float64) for f in ImageSequence.Iterator(Image.open(gif))]
        assert len(played) == N, len(played)

        # The same frames through the command line: the GIF's frame i is its frame i (up to the GIF's
        # 255-colour palette), far closer than to any other frame.
        cli_out = os.path.join(tmp, "cli")
        cli_env = dict(env, LANGUAGE="C")
        subprocess.run([os.path.join(BUILD, "cli", "impasto"), "frames", "--model", "starry-night", "--threads", "2",
                        *frames, "-o", cli_out], check=True, env=cli_env, capture_output=True)
        cli = [np.asarray(Image.open(os.path.join(cli_out, os.path.basename(f))).convert("RGB"), np.float64)
               for f in frames]
        for i, p in enumerate(played):
            distances = [np.abs(p - c).mean() for c in cli]
            others = min(d for j, d in enumerate(distances) if j != i)
            assert distances[i] < 10.0 and distances[i] < 0.5 * others, (i, distances)
        print("Stylise Frames: %d frames in order, names kept, GIF plays %d frames; mean difference to impasto "
              "frames %.2f levels" % (N, len(played), np.mean([np.abs(p - c).mean() for p, c in zip(played, cli)])))
    finally:
        shutil.rmtree(tmp)


main()

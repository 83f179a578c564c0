"""Measures the two faults of trained style models that docs/training.md
studies, on the photos of ../shared/data/content run through the
independent reference network (tests/python/reference_ml5.py):

- blobs: the share of the picture that is saturated (two or more channels
  at 0 or 255) with at least 80% of its 9x9 neighbourhood saturated too,
  in per cent, photos at BLOB_SIZE px on the long side;
- colour blobs: the share of the picture painted in a strong colour
  (largest minus smallest channel at least 140) where the photo has little
  (at most 70), with at least 80% of its 9x9 neighbourhood so too, in per
  cent, photos at GRID_SIZE px: blobs of a colour that is not clipped in
  two channels (a deep red, 214/33/39) escape the first figure;
- grid: the mean high-pass luminance (picture minus its 5x5 box blur) of
  each of the 4x4 pixel phases (y mod 4, x mod 4); a picture without a
  periodic texture has them all near 0. Printed: their standard deviation
  in 8-bit levels, photos at GRID_SIZE px;
- chroma: how far the painting's colours reach the photo, the mean of
  largest minus smallest channel over the results at GRID_SIZE px, printed
  beside the painting's own (the model's style.png);
- with --large PHOTO: the colour-blob share on that photo at its own size
  (a 12 MP photo at 100 %: its smooth, out-of-focus stretches are where
  blobs appear that small photos do not show).

    /usr/bin/python3 bench/style_artifacts.py [--large PHOTO] SHARED_DIR BLOB_SIZE GRID_SIZE MODEL_DIR...
"""
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "python"))
import reference_ml5  # noqa: E402

PHOTOS = ["tubingen.jpg", "chelsea.png", "golden_gate.jpg", "astronaut.png", "coffee.png"]


def photo_at(path, size):
    image = Image.open(path).convert("RGB")
    image.thumbnail((size, size))
    return image


def stylised(weights, image):
    x = torch.from_numpy(np.asarray(image).copy()).permute(2, 0, 1)[None].float() / 255.0
    with torch.no_grad():
        out = reference_ml5.stylize_picture(weights, x)[0]
    return (out * 255.0).round().permute(1, 2, 0).numpy()


def blob_share(picture):
    saturated = ((picture >= 255) | (picture <= 0)).sum(2) >= 2
    s = torch.from_numpy(saturated.astype("float32"))[None, None]
    dense = F.avg_pool2d(s, 9, 1, 4) >= 0.8
    return 100.0 * (dense & (s > 0)).float().mean().item()


def colour_blob_share(picture, photo):
    def chroma(x):
        return x.max(2) - x.min(2)
    strong = (chroma(np.clip(picture, 0, 255)) >= 140) & (chroma(np.asarray(photo, np.float32)) <= 70)
    s = torch.from_numpy(strong.astype("float32"))[None, None]
    dense = F.avg_pool2d(s, 9, 1, 4) >= 0.8
    return 100.0 * (dense & (s > 0)).float().mean().item()


def grid_amplitude(picture):
    luma = torch.from_numpy((picture @ np.array([0.299, 0.587, 0.114])).astype("float32"))[None, None]
    high = luma - F.avg_pool2d(F.pad(luma, (2, 2, 2, 2), mode="replicate"), 5, 1)
    h, w = high.shape[2] // 4 * 4, high.shape[3] // 4 * 4
    phases = high[0, 0, :h, :w].reshape(h // 4, 4, w // 4, 4).mean((0, 2))
    return phases.std().item()


def chroma(picture):
    picture = np.clip(np.asarray(picture, np.float32), 0, 255)
    return float((picture.max(2) - picture.min(2)).mean())


def main():
    args = sys.argv[1:]
    large_photo = None
    if args[:1] == ["--large"]:
        large_photo, args = Image.open(args[1]).convert("RGB"), args[2:]
    if len(args) < 4:
        raise SystemExit(__doc__)
    shared, blob_size, grid_size = args[0], int(args[1]), int(args[2])
    torch.set_num_threads(2)
    print("model\tblobs % (mean, max)\tcolour blobs % (mean, max)\tgrid levels (mean)\tchroma (painting)"
          + ("\tcolour blobs % on the large photo" if large_photo else ""))
    paths = [os.path.join(shared, "data", "content", p) for p in PHOTOS]
    small = [photo_at(p, blob_size) for p in paths]
    large = [photo_at(p, grid_size) for p in paths]
    for model in args[3:]:
        weights = reference_ml5.load(model)
        blobs = [blob_share(stylised(weights, photo)) for photo in small]
        pictures = [stylised(weights, photo) for photo in large]
        colour = [colour_blob_share(picture, photo) for picture, photo in zip(pictures, large)]
        grid = [grid_amplitude(picture) for picture in pictures]
        painting = Image.open(os.path.join(model, "style.png")).convert("RGB")
        line = "%s\t%.2f, %.2f\t%.2f, %.2f\t%.2f\t%.1f (%.1f)" % (
            model, np.mean(blobs), np.max(blobs), np.mean(colour), np.max(colour), np.mean(grid),
            np.mean([chroma(p) for p in pictures]), chroma(painting))
        if large_photo:
            line += "\t%.2f" % colour_blob_share(stylised(weights, large_photo), large_photo)
        print(line, flush=True)


if __name__ == "__main__":
    main()

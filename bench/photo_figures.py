"""Issue 16's two figures of a stylised photo, used by bench/full-resolution
and tests/e2e/test_full_resolution.py:
- hf: std of the Laplacian of the result's luminance at native pixels over
  the photo's (fine detail at 100% zoom);
- structure: correlation of the gradient magnitudes of photo and result,
  both seen at 1024 px (the photo's shapes kept)."""
import numpy as np
from PIL import Image

Image.MAX_IMAGE_PIXELS = None


def luminance(image):
    a = np.asarray(image.convert("RGB"), np.float32) / 255
    return 0.2126 * a[..., 0] + 0.7152 * a[..., 1] + 0.0722 * a[..., 2]


def laplacian(l):
    return 4 * l[1:-1, 1:-1] - l[:-2, 1:-1] - l[2:, 1:-1] - l[1:-1, :-2] - l[1:-1, 2:]


def gradient_magnitude(l):
    return np.hypot(l[2:, 1:-1] - l[:-2, 1:-1], l[1:-1, 2:] - l[1:-1, :-2])


def at_1024(image):
    s = 1024 / max(image.size)
    return luminance(image.resize((round(image.width * s), round(image.height * s)), Image.BILINEAR))


def figures(photo, result):
    """(hf, structure) of `result` against `photo`, two PIL images of one size."""
    hf = float(laplacian(luminance(result)).std() / laplacian(luminance(photo)).std())
    structure = float(np.corrcoef(gradient_magnitude(at_1024(photo)).ravel(),
                                  gradient_magnitude(at_1024(result)).ravel())[0, 1])
    return hf, structure

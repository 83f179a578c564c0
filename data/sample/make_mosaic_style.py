#!/usr/bin/python3
"""Draws mosaic-style.png, Impasto's bundled style image: a stained-glass
mosaic of saturated cells with dark leading and brushed texture. Made from
nothing but this script, so it carries the project's own licence."""
import numpy as np
from PIL import Image, ImageFilter

W, H, CELLS = 384, 384, 140
rng = np.random.default_rng(2024)
palette = np.array([[230, 57, 70], [241, 180, 52], [42, 157, 143], [38, 70, 83], [233, 196, 106],
                    [69, 123, 157], [244, 162, 97], [131, 56, 236], [29, 53, 87], [255, 214, 10]], float)
seeds = rng.uniform(0, [W, H], size=(CELLS, 2))
colours = palette[rng.integers(0, len(palette), CELLS)] * rng.uniform(0.8, 1.1, (CELLS, 1))
ys, xs = np.mgrid[0:H, 0:W]
d = (xs[..., None] - seeds[:, 0]) ** 2 + (ys[..., None] - seeds[:, 1]) ** 2
order = np.argsort(d, axis=2)
nearest, second = order[..., 0], order[..., 1]
d1 = np.sqrt(np.take_along_axis(d, nearest[..., None], 2)[..., 0])
d2 = np.sqrt(np.take_along_axis(d, second[..., None], 2)[..., 0])
img = colours[nearest]
# Brushed texture: oriented streaks within each cell.
angle = rng.uniform(0, np.pi, CELLS)[nearest]
streak = np.sin((xs * np.cos(angle) + ys * np.sin(angle)) * 0.9) * 18
img = img + streak[..., None]
# Dark leading where two cells meet.
edge = np.clip((d2 - d1) / 3.0, 0, 1)[..., None]
img = img * edge + np.array([20, 18, 24]) * (1 - edge)
out = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8)).filter(ImageFilter.SMOOTH)
out.save("mosaic-style.png", optimize=True)

"""The ml5 / Engstrom fast-style network written from its description in
../shared/README.md, independently of Impasto's C++: TensorFlow 'same'
padding computed explicitly, transposed convolutions done the textbook way
(insert zeros, pad, correlate with the flipped kernel), instance norm with
biased variance and eps 1e-3."""
import json
import os

import numpy as np
import torch
import torch.nn.functional as F


def load(folder):
    manifest = json.load(open(os.path.join(folder, "manifest.json")))
    out = []
    for i in range(48):
        entry = manifest["Variable" if i == 0 else "Variable_%d" % i]
        data = np.fromfile(os.path.join(folder, entry["filename"]), dtype="<f4").reshape(entry["shape"])
        out.append(torch.from_numpy(data.copy()))
    return out


def same_pad(x, k, s):
    pads = []
    for n in (x.shape[3], x.shape[2]):
        out = -(-n // s)
        total = max((out - 1) * s + k - n, 0)
        pads += [total // 2, total - total // 2]
    return F.pad(x, pads)


def inorm(x, shift, scale):
    mean = x.mean(dim=(2, 3), keepdim=True)
    var = ((x - mean) ** 2).mean(dim=(2, 3), keepdim=True)
    return (x - mean) / torch.sqrt(var + 1e-3) * scale.view(1, -1, 1, 1) + shift.view(1, -1, 1, 1)


def conv(x, w_hwio, s):
    w = w_hwio.permute(3, 2, 0, 1)
    return F.conv2d(same_pad(x, w.shape[-1], s), w, stride=s)


def conv_transpose(x, w_hwoi):
    n, c, h, wd = x.shape
    up = torch.zeros(n, c, 2 * h - 1, 2 * wd - 1)
    up[:, :, ::2, ::2] = x
    k = w_hwoi.shape[0]
    up = F.pad(up, [k - 1] * 4)
    kernel = w_hwoi.permute(2, 3, 0, 1).flip(2, 3)  # [out, in, kh, kw], flipped
    full = F.conv2d(up, kernel)  # (n-1)*2 + k samples
    # TF's 'same' conv2d_transpose is the gradient of a 'same' stride-2 conv
    # from 2h samples to h: that conv pads (h-1)*2 + k - 2h in all, the
    # smaller half before, so the transposed output starts that far in.
    before = max((h - 1) * 2 + k - 2 * h, 0) // 2
    return full[:, :, before:before + 2 * h, before:before + 2 * wd]


def stylize(v, image01):
    """image01: 1 x 3 x H x W in [0, 1] -> same, stylised."""
    with torch.no_grad():
        x = image01 * 255.0
        i = 0

        def layer(x, s=1, relu=True, transposed=False):
            nonlocal i
            y = conv_transpose(x, v[i]) if transposed else conv(x, v[i], s)
            y = inorm(y, v[i + 1], v[i + 2])
            i += 3
            return torch.relu(y) if relu else y

        x = layer(x)
        x = layer(x, 2)
        x = layer(x, 2)
        for _ in range(5):
            x = x + layer(layer(x), relu=False)
        x = layer(x, transposed=True)
        x = layer(x, transposed=True)
        x = layer(x, relu=False)
        return torch.clamp(150 * torch.tanh(x) + 127.5, 0, 255) / 255.0


def mirror_pad(x, left, right, top, bottom):
    """Mirroring, or repeating the edge where the picture is too small to
    mirror that far (Impasto's rule)."""
    mode = "reflect" if max(left, right) < x.shape[3] and max(top, bottom) < x.shape[2] else "replicate"
    return F.pad(x, [left, right, top, bottom], mode=mode)


MIRROR_BORDER = 16


def stylize_picture(v, image01):
    """What Impasto does with a picture (docs/pretrained-styles.md): mirror
    it 16 pixels past every edge (the network's zero padding paints bands
    along the edges otherwise), pad right and bottom by mirroring to
    multiples of 4, run the network, crop back."""
    h, w = image01.shape[2], image01.shape[3]
    b = MIRROR_BORDER
    x = mirror_pad(image01, b, b, b, b)
    x = mirror_pad(x, 0, -x.shape[3] % 4, 0, -x.shape[2] % 4)
    return stylize(v, x)[:, :, b:b + h, b:b + w]

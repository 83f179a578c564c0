"""The seed algorithm, written independently of Impasto's C++ core: VGG-19
features, content loss at conv4_2, style losses at relu1_1..relu5_1 (Gram
matrices normalised by C*H*W, mean squared errors), total variation as the
mean squared neighbour difference, ImageNet normalisation, max pooling."""
import torch

CONTENT = {21: "conv4_2"}
STYLE = {1: "relu1_1", 6: "relu2_1", 11: "relu3_1", 20: "relu4_1", 29: "relu5_1"}
MEAN = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
STD = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)


def activations(features, x):
    out = {}
    x = (x - MEAN) / STD
    for i, layer in enumerate(features):
        x = layer(x)
        if i in CONTENT:
            out[CONTENT[i]] = x.clone()  # the next ReLU is in-place
        if i in STYLE:
            out[STYLE[i]] = x
        if i >= 29:
            break
    return out


def gram(f):
    n, c, h, w = f.shape
    f = f.reshape(n, c, h * w)
    return f @ f.transpose(1, 2) / (c * h * w)


def losses(features, content, style, image, weights):
    with torch.no_grad():
        fc, fs, fx = activations(features, content), activations(features, style), activations(features, image)
        c = sum(torch.mean((fx[n] - fc[n]) ** 2) for n in CONTENT.values())
        s = sum(torch.mean((gram(fx[n]) - gram(fs[n])) ** 2) for n in STYLE.values())
        tv = torch.mean((image[:, :, 1:, :] - image[:, :, :-1, :]) ** 2) + \
            torch.mean((image[:, :, :, 1:] - image[:, :, :, :-1]) ** 2)
        total = weights["content"] * c + weights["style"] * s + weights["tv"] * tv
    return {"content": c.item(), "style": s.item(), "tv": tv.item(), "total": total.item()}

#!/usr/bin/python3
"""Writes the test fixtures that need PyTorch: a torchvision-layout VGG-19
checkpoint with seeded random weights (zip and legacy formats), input
images as raw float32, and the losses of an independent Python
implementation of the seed algorithm (reference_gatys.py) on them."""
import collections
import json
import os
import sys

import torch
import torchvision

import reference_darknet
import reference_gatys


class Payload:
    def __reduce__(self):
        return (os.system, ("echo impasto-test-payload-ran",))


def save_raw(path, tensor):
    tensor.detach().contiguous().numpy().astype("<f4").tofile(path)


def main(out_dir, shared_models):
    os.makedirs(out_dir, exist_ok=True)
    torch.manual_seed(1234)
    model = torchvision.models.vgg19()  # random weights, torchvision's key layout
    state = model.state_dict()  # an OrderedDict with _metadata, exactly as torchvision's files hold
    torch.save(state, os.path.join(out_dir, "vgg19-random.pth"))
    # The legacy (pre-1.6) format of torchvision's own vgg19-dcbb9e9d.pth.
    features_only = collections.OrderedDict((k, v) for k, v in state.items() if k.startswith("features."))
    torch.save(features_only, os.path.join(out_dir, "vgg19-random-legacy.pth"),
               _use_new_zipfile_serialization=False)
    # A checkpoint that would run a command in Python's unpickler.
    torch.save({"features.0.weight": torch.zeros(1), "payload": Payload()}, os.path.join(out_dir, "hostile.pth"))

    # A real photo (the bundled sample, 480 x 320) for the tiling tests.
    from PIL import Image
    import numpy as np
    source_root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    photo = Image.open(os.path.join(source_root, "data", "sample", "rocket.jpg")).convert("RGB")
    save_raw(os.path.join(out_dir, "rocket.f32"),
             torch.from_numpy(np.asarray(photo, dtype=np.float32).transpose(2, 0, 1) / 255.0).unsqueeze(0))

    gen = torch.Generator().manual_seed(99)
    content = torch.rand(1, 3, 64, 80, generator=gen)
    style = torch.rand(1, 3, 72, 56, generator=gen)
    image = torch.rand(1, 3, 64, 80, generator=gen)
    for name, t in (("content", content), ("style", style), ("image", image)):
        save_raw(os.path.join(out_dir, name + ".f32"), t)

    weights = {"content": 1.0, "style": 1.0e6, "tv": 0.5}
    losses = reference_gatys.losses(model.features.eval(), content, style, image, weights)
    with open(os.path.join(out_dir, "reference-losses.json"), "w") as f:
        json.dump({"weights": weights, "shapes": {"content": list(content.shape), "style": list(style.shape),
                                                  "image": list(image.shape)}, "losses": losses}, f, indent=1)
    if os.path.exists(os.path.join(shared_models, "darknet-tiny", "model.json")):
        darknet_reference(shared_models, out_dir)
    if os.path.exists(os.path.join(shared_models, "fast-style-ml5", "wave", "manifest.json")):
        ml5_reference(shared_models, out_dir)
    torch_style_references(out_dir)


def torch_style_references(out_dir):
    """Random-weight checkpoints in the exact key layouts, and their outputs."""
    import reference_torch_styles as ref
    gen = torch.Generator().manual_seed(21)
    torch.manual_seed(21)
    x = torch.rand(1, 3, 64, 80, generator=gen)
    save_raw(os.path.join(out_dir, "torchstyle-input.f32"), x)

    net = ref.TransformerNet().eval()
    ref.randomise_norms(net, gen)
    state = net.state_dict()
    torch.save(state, os.path.join(out_dir, "fns-candy-random.pth"))
    # An old checkpoint: legacy format, with the unused running statistics.
    old = collections.OrderedDict(state)
    for k in [k for k in state if k.endswith(".weight") and ".in" in "." + k and "conv" not in k]:
        prefix = k[: -len(".weight")]
        old[prefix + ".running_mean"] = torch.zeros_like(state[k])
        old[prefix + ".running_var"] = torch.ones_like(state[k])
    torch.save(old, os.path.join(out_dir, "fns-mosaic-old.pth"), _use_new_zipfile_serialization=False)
    with torch.no_grad():
        save_raw(os.path.join(out_dir, "fns-output.f32"), net(x * 255).clamp(0, 255) / 255)

    # A TorchScript model that works in [-1, 1], with its sidecar.
    scripted = torch.jit.script(torch.nn.Sequential(torch.nn.Conv2d(3, 3, 3, padding=1), torch.nn.Tanh()).eval())
    scripted.save(os.path.join(out_dir, "scripted-style.pt"))
    with open(os.path.join(out_dir, "scripted-style.json"), "w") as f:
        json.dump({"name": "Scripted test style", "licence": "CC0", "input_range": [-1, 1]}, f)
    with torch.no_grad():
        save_raw(os.path.join(out_dir, "scripted-output.f32"), ((scripted(x * 2 - 1) + 1) / 2).clamp(0, 1))

    # AdaIN: pytorch-AdaIN's two files in a folder; content 64 x 80, style 48 x 56, alpha 0.7.
    adain_dir = os.path.join(out_dir, "adain-random")
    os.makedirs(adain_dir, exist_ok=True)
    vgg, decoder = ref.adain_vgg().eval(), ref.adain_decoder().eval()
    style = torch.rand(1, 3, 48, 56, generator=gen)
    with torch.no_grad():
        # He initialisation keeps activations alive through the 10 + 9 layers
        # (PyTorch's default shrinks them below AdaIN's epsilon).
        for m in list(vgg.modules()) + list(decoder.modules()):
            if isinstance(m, torch.nn.Conv2d):
                fan_in = m.weight[0].numel()
                m.weight.copy_(torch.randn(m.weight.shape, generator=gen) * (2.0 / fan_in) ** 0.5)
                m.bias.copy_((torch.rand(m.bias.shape, generator=gen) - 0.5) * 0.2)
    with torch.no_grad():
        # Random weights give a nearly flat picture: rescale the last layer
        # (the output is affine in it) so that the reference output spreads
        # over (0, 1) and the comparison means something.
        last = decoder[-1]
        last.bias.zero_()
        pre = decoder(vgg[:31](x))
        k = 0.15 / max(pre.std().item(), 1e-8)
        last.weight.mul_(k)
        last.bias.fill_(0.5 - k * pre.mean().item())
    torch.save(vgg.state_dict(), os.path.join(adain_dir, "vgg_normalised.pth"))
    torch.save(decoder.state_dict(), os.path.join(adain_dir, "decoder.pth"))
    save_raw(os.path.join(out_dir, "adain-style.f32"), style)
    save_raw(os.path.join(out_dir, "adain-output.f32"), ref.adain_stylize(vgg, decoder, x, style, 0.7))

    gan = ref.resnet_generator().eval()
    torch.save(gan.state_dict(), os.path.join(out_dir, "style_monet_random.pth"))
    bad_models(out_dir, state, gan.state_dict(), vgg.state_dict(), decoder.state_dict())
    with torch.no_grad():
        save_raw(os.path.join(out_dir, "cyclegan-output.f32"), (gan.model(x * 2 - 1) + 1) / 2)


def bad_models(out_dir, fns, gan, adain_vgg, adain_decoder):
    """Checkpoints that load as pickles but are not usable models: a wrong
    shape, a missing weight, NaN or infinite values (tests/core/test_bad_models.cpp)."""
    bad = os.path.join(out_dir, "bad-models")
    os.makedirs(bad, exist_ok=True)

    def changed(state, **edits):
        out = collections.OrderedDict(state)
        for key, value in edits.items():
            key = key.replace("__", ".")
            if value is None:
                del out[key]
            else:
                out[key] = value
        return out

    nan = fns["in3.weight"].clone()
    nan[0] = float("nan")
    inf = gan["model.26.bias"].clone()
    inf[0] = float("inf")
    torch.save(changed(fns, conv2__conv2d__weight=torch.randn(64, 32, 5, 5)), os.path.join(bad, "fns-wrong-shape.pth"))
    torch.save(changed(fns, deconv3__conv2d__bias=None), os.path.join(bad, "fns-missing-bias.pth"))
    torch.save(changed(fns, in3__weight=nan), os.path.join(bad, "fns-nan.pth"))
    torch.save(changed(gan, model__4__weight=torch.randn(128, 64, 5, 5)), os.path.join(bad, "cyclegan-wrong-shape.pth"))
    torch.save(changed(gan, model__26__bias=inf), os.path.join(bad, "cyclegan-inf.pth"))
    for name, enc, dec in (("adain-missing-bias", changed(adain_vgg, **{"0__bias": None}), adain_decoder),
                           ("adain-wrong-shape", adain_vgg, changed(adain_decoder, **{"28__weight": torch.randn(3, 64, 1, 1)}))):
        os.makedirs(os.path.join(bad, name), exist_ok=True)
        torch.save(enc, os.path.join(bad, name, "vgg_normalised.pth"))
        torch.save(dec, os.path.join(bad, name, "decoder.pth"))


def ml5_reference(shared_models, out_dir):
    """The real 'wave' model on a fixed input, odd sizes included."""
    import reference_ml5
    weights = reference_ml5.load(os.path.join(shared_models, "fast-style-ml5", "wave"))
    x = torch.rand(1, 3, 68, 92, generator=torch.Generator().manual_seed(11))
    save_raw(os.path.join(out_dir, "ml5-input.f32"), x)
    save_raw(os.path.join(out_dir, "ml5-wave-output.f32"), reference_ml5.stylize_picture(weights, x))




def darknet_reference(shared_models, out_dir):
    """Activations of the real Tiny Darknet (TF.js files read with plain
    json + torch, max pooling as trained) for a fixed input."""
    network = reference_darknet.load(os.path.join(shared_models, "darknet-tiny"))
    x = torch.rand(1, 3, 48, 40, generator=torch.Generator().manual_seed(5))
    save_raw(os.path.join(out_dir, "darknet-input.f32"), x)
    out = network(x, last="leaky_re_lu_12")
    for name in ("leaky_re_lu_1", "leaky_re_lu_9", "leaky_re_lu_12"):
        save_raw(os.path.join(out_dir, "darknet-" + name + ".f32"), out[name])
        with open(os.path.join(out_dir, "darknet-" + name + ".shape"), "w") as f:
            f.write(" ".join(str(d) for d in out[name].shape))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
    if len(sys.argv) > 3:  # stamp file for the build system
        open(sys.argv[3], "w").close()

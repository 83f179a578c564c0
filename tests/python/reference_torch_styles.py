"""The two PyTorch style networks as their original repositories define
them, written here independently of Impasto's C++ (pytorch/examples
fast_neural_style TransformerNet; CycleGAN's ResnetGenerator with 9 blocks),
to write checkpoints of the exact key layout with random weights and the
outputs they should give."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class ConvLayer(nn.Module):
    def __init__(self, cin, cout, k, stride):
        super().__init__()
        self.reflection_pad = nn.ReflectionPad2d(k // 2)
        self.conv2d = nn.Conv2d(cin, cout, k, stride)

    def forward(self, x):
        return self.conv2d(self.reflection_pad(x))


class ResidualBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv1, self.in1 = ConvLayer(c, c, 3, 1), nn.InstanceNorm2d(c, affine=True)
        self.conv2, self.in2 = ConvLayer(c, c, 3, 1), nn.InstanceNorm2d(c, affine=True)

    def forward(self, x):
        return x + self.in2(self.conv2(F.relu(self.in1(self.conv1(x)))))


class UpsampleConvLayer(ConvLayer):
    def forward(self, x):
        return super().forward(F.interpolate(x, mode="nearest", scale_factor=2))


class TransformerNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1, self.in1 = ConvLayer(3, 32, 9, 1), nn.InstanceNorm2d(32, affine=True)
        self.conv2, self.in2 = ConvLayer(32, 64, 3, 2), nn.InstanceNorm2d(64, affine=True)
        self.conv3, self.in3 = ConvLayer(64, 128, 3, 2), nn.InstanceNorm2d(128, affine=True)
        self.res1, self.res2, self.res3, self.res4, self.res5 = (ResidualBlock(128) for _ in range(5))
        self.deconv1, self.in4 = UpsampleConvLayer(128, 64, 3, 1), nn.InstanceNorm2d(64, affine=True)
        self.deconv2, self.in5 = UpsampleConvLayer(64, 32, 3, 1), nn.InstanceNorm2d(32, affine=True)
        self.deconv3 = ConvLayer(32, 3, 9, 1)

    def forward(self, x):  # 0..255 in, 0..255 out
        y = F.relu(self.in1(self.conv1(x)))
        y = F.relu(self.in2(self.conv2(y)))
        y = F.relu(self.in3(self.conv3(y)))
        y = self.res5(self.res4(self.res3(self.res2(self.res1(y)))))
        y = F.relu(self.in4(self.deconv1(y)))
        y = F.relu(self.in5(self.deconv2(y)))
        return self.deconv3(y)


class ResnetBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv_block = nn.Sequential(nn.ReflectionPad2d(1), nn.Conv2d(c, c, 3), nn.InstanceNorm2d(c), nn.ReLU(True),
                                        nn.ReflectionPad2d(1), nn.Conv2d(c, c, 3), nn.InstanceNorm2d(c))

    def forward(self, x):
        return x + self.conv_block(x)


def resnet_generator():
    layers = [nn.ReflectionPad2d(3), nn.Conv2d(3, 64, 7), nn.InstanceNorm2d(64), nn.ReLU(True),
              nn.Conv2d(64, 128, 3, 2, 1), nn.InstanceNorm2d(128), nn.ReLU(True),
              nn.Conv2d(128, 256, 3, 2, 1), nn.InstanceNorm2d(256), nn.ReLU(True)]
    layers += [ResnetBlock(256) for _ in range(9)]
    layers += [nn.ConvTranspose2d(256, 128, 3, 2, 1, output_padding=1), nn.InstanceNorm2d(128), nn.ReLU(True),
               nn.ConvTranspose2d(128, 64, 3, 2, 1, output_padding=1), nn.InstanceNorm2d(64), nn.ReLU(True),
               nn.ReflectionPad2d(3), nn.Conv2d(64, 3, 7), nn.Tanh()]
    g = nn.Module()
    g.model = nn.Sequential(*layers)
    return g


def randomise_norms(module, gen):
    with torch.no_grad():
        for m in module.modules():
            if isinstance(m, nn.InstanceNorm2d) and m.affine:
                m.weight.copy_(1 + 0.3 * torch.randn(m.weight.shape, generator=gen))
                m.bias.copy_(0.3 * torch.randn(m.bias.shape, generator=gen))


def adain_vgg():
    """pytorch-AdaIN's normalised VGG-19 (net.vgg), up to relu5_4."""
    def block(cin, cout):
        return [nn.ReflectionPad2d((1, 1, 1, 1)), nn.Conv2d(cin, cout, (3, 3)), nn.ReLU()]
    pool = lambda: nn.MaxPool2d((2, 2), (2, 2), (0, 0), ceil_mode=True)  # noqa: E731
    layers = [nn.Conv2d(3, 3, (1, 1))] + block(3, 64) + block(64, 64) + [pool()]
    layers += block(64, 128) + block(128, 128) + [pool()]
    layers += block(128, 256) + block(256, 256) + block(256, 256) + block(256, 256) + [pool()]
    layers += block(256, 512) + block(512, 512) + block(512, 512) + block(512, 512) + [pool()]
    layers += block(512, 512) + block(512, 512) + block(512, 512) + block(512, 512)
    return nn.Sequential(*layers)


def adain_decoder():
    """pytorch-AdaIN's decoder (net.decoder)."""
    def block(cin, cout, relu=True):
        return [nn.ReflectionPad2d((1, 1, 1, 1)), nn.Conv2d(cin, cout, (3, 3))] + ([nn.ReLU()] if relu else [])
    up = lambda: nn.Upsample(scale_factor=2, mode="nearest")  # noqa: E731
    layers = block(512, 256) + [up()] + block(256, 256) + block(256, 256) + block(256, 256) + block(256, 128)
    layers += [up()] + block(128, 128) + block(128, 64) + [up()] + block(64, 64) + block(64, 3, relu=False)
    return nn.Sequential(*layers)


def adain_stylize(vgg, decoder, content, style, alpha):
    encoder = vgg[:31]

    def mean_std(f, eps=1e-5):
        n, c = f.shape[:2]
        var = f.view(n, c, -1).var(dim=2) + eps
        return f.view(n, c, -1).mean(dim=2).view(n, c, 1, 1), var.sqrt().view(n, c, 1, 1)

    with torch.no_grad():
        cf, sf = encoder(content), encoder(style)
        (cm, cs), (sm, ss) = mean_std(cf), mean_std(sf)
        t = (cf - cm) / cs * ss + sm
        t = alpha * t + (1 - alpha) * cf
        return decoder(t).clamp(0, 1)

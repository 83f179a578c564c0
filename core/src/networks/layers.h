// The layers every loss network is built from (internal to core).
#pragma once

#include "impasto/feature_network.h"

#include <torch/torch.h>

#include <cstdint>

namespace impasto {

// 2x2 pooling, stride 2. ceil_mode keeps the last odd row and column, as
// TensorFlow's 'same' padding does; torchvision's VGG drops them.
torch::nn::AnyModule make_pool(Pooling pooling, bool ceil_mode);

// A convolution with these weights (O x I x H x W) and bias, `padding`
// zeros on each side. 3x3 'same' convolutions go through WinogradConv2d,
// which runs ATen itself where oneDNN's Winograd kernel is missing
// (kernels/winograd_conv.h); the others through ATen.
torch::nn::AnyModule make_conv(const torch::Tensor& weight, const torch::Tensor& bias, int64_t padding);

}  // namespace impasto

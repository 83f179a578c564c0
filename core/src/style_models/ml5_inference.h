// The ml5 fast-style network rearranged for fast inference (internal to
// core). Same results as Ml5TransformerNetImpl::forward within float
// rounding, about twice as fast on a CPU:
// - channels_last activations, which oneDNN's convolutions prefer;
// - each stride-2 transposed convolution (3 or 4 taps) as a 2x2 convolution
//   to four phases followed by a pixel shuffle (oneDNN's transposed convolutions
//   run at a tenth of its convolution speed);
// - the 3x3 convolutions of the residual blocks through oneDNN's Winograd
//   kernel where the CPU has it (winograd_conv.h);
// - the last 9x9 convolution to 3 channels on the 2x2 pixel-unshuffled
//   input (3 output channels starve the convolution kernel);
// - instance norm and ReLU fused in place (instance_norm.h).
#pragma once

#include "style_models/ml5_network.h"
#include "kernels/winograd_conv.h"

namespace impasto {

class Ml5Inference {
 public:
  // Copies and rearranges the network's weights onto `device`.
  Ml5Inference(const Ml5TransformerNetImpl& net, torch::Device device);

  // N x 3 x H x W RGB in [0, 1], H and W multiples of 4 -> same size.
  torch::Tensor forward(const torch::Tensor& x, NormStatistics& statistics) const;

 private:
  struct Layer {
    torch::Tensor weight, shift, scale;
    std::shared_ptr<WinogradKernel> winograd;  // 3x3 stride-1 layers; null: ATen
  };
  int residual_blocks_;
  int upsampling_kernel_;
  std::vector<Layer> layers_;
};

}  // namespace impasto

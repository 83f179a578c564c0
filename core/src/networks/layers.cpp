#include "networks/layers.h"

#include "kernels/winograd_conv.h"

namespace impasto {

torch::nn::AnyModule make_pool(Pooling pooling, bool ceil_mode) {
  if (pooling == Pooling::Average)
    return torch::nn::AnyModule(torch::nn::AvgPool2d(torch::nn::AvgPool2dOptions(2).stride(2).ceil_mode(ceil_mode)));
  return torch::nn::AnyModule(torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(2).stride(2).ceil_mode(ceil_mode)));
}

torch::nn::AnyModule make_conv(const torch::Tensor& weight, const torch::Tensor& bias, int64_t padding) {
  if (weight.size(2) == 3 && weight.size(3) == 3 && padding == 1)
    return torch::nn::AnyModule(WinogradConv2d(weight.contiguous(), bias.contiguous()));
  auto conv = torch::nn::Conv2d(torch::nn::Conv2dOptions(weight.size(1), weight.size(0), {weight.size(2), weight.size(3)})
                                    .padding(padding)
                                    .bias(true));
  torch::NoGradGuard no_grad;
  conv->weight.set_data(weight.contiguous());
  conv->bias.set_data(bias.contiguous());
  return torch::nn::AnyModule(conv);
}

}  // namespace impasto

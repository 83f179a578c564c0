// 3x3, stride-1, padding-1 convolutions through oneDNN's Winograd
// F(4x4, 3x3) kernel (internal to core). ATen always asks oneDNN for its
// direct kernel; on AVX-512 CPUs the Winograd one computes the same
// convolution several times faster, forward and backward-data alike,
// within about 1e-5 relative (figures in docs/benchmarks.md). Where oneDNN has no Winograd
// kernel for the CPU or the shape, or it would need more than 512 MiB of
// scratch, the layer runs ATen's convolution; IMPASTO_WINOGRAD=off makes
// every layer do so.
#pragma once

#include <torch/torch.h>

#include <memory>

namespace impasto {

class WinogradKernel;

class WinogradConv2dImpl : public torch::nn::Module {
 public:
  // weight [out, in, 3, 3] float, bias [out] or undefined. Weights are
  // constants: no gradient flows to them (the gradient to the input does).
  WinogradConv2dImpl(const torch::Tensor& weight, const torch::Tensor& bias);

  // N x in x H x W, any memory format -> N x out x H x W: channels_last
  // from the Winograd kernel, ATen's choice where ATen runs (other devices
  // and dtypes, and where the kernel is missing).
  torch::Tensor forward(const torch::Tensor& x);

  // Whether this CPU has oneDNN's Winograd kernel for float32.
  static bool supported();

  torch::Tensor weight, bias;

 private:
  std::shared_ptr<WinogradKernel> kernel_;  // null: ATen's convolution
};
TORCH_MODULE(WinogradConv2d);

// Without a module (inference code): the same convolution with `weight`
// prepared once by make_winograd_kernel; null kernel -> ATen.
std::shared_ptr<WinogradKernel> make_winograd_kernel(const torch::Tensor& weight, const torch::Tensor& bias);
torch::Tensor winograd_conv2d(const torch::Tensor& x, const std::shared_ptr<WinogradKernel>& kernel,
                              const torch::Tensor& weight, const torch::Tensor& bias);

// Chains of layers as wide as their input (the ml5 residual blocks), for
// inference: activations stay in the kernel's blocked layout, held as
// N x C/16 x H x W x 16 float tensors, instead of two layout changes per
// layer. A chain is possible when winograd_chain_ready says so for the
// channels_last input x; elementwise work and instance_norm_blocked
// (instance_norm.h) apply to the blocked tensors directly.
bool winograd_chain_ready(const std::shared_ptr<WinogradKernel>& kernel, const torch::Tensor& x);
torch::Tensor winograd_to_blocked(const std::shared_ptr<WinogradKernel>& kernel, const torch::Tensor& x);
torch::Tensor winograd_conv2d_blocked(const std::shared_ptr<WinogradKernel>& kernel, const torch::Tensor& blocked);
torch::Tensor winograd_from_blocked(const std::shared_ptr<WinogradKernel>& kernel, const torch::Tensor& blocked);

}  // namespace impasto

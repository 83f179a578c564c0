#include "style_models/ml5_inference.h"

#include "kernels/nhwc.h"

namespace impasto {
namespace {

namespace F = torch::nn::functional;

// Kernel tap of a stride-2 transposed convolution with `kernel` taps (3 or
// 4, TF 'same' cropping) that reaches output phase `phase` from the input
// at window offset `tap`, or -1 when none does. A phase's window is two
// samples: x[m-1], x[m] for both phases of a 3-tap kernel (output 2m takes
// x[m] w[0] and x[m-1] w[2], output 2m + 1 takes x[m] w[1]); x[m-1+p],
// x[m+p] for phase p of a 4-tap kernel (tap 3 - p - 2 offset).
int transposed_tap(int kernel, int phase, int tap) {
  if (kernel == 4) return 3 - phase - 2 * tap;
  if (phase == 0) return tap == 0 ? 2 : 0;
  return tap == 1 ? 1 : -1;
}

// PyTorch transposed-conv weight [in, out, k, k] -> conv weight
// [4 * out, in, 2, 2] whose output channels are the four output phases
// (depth_to_space_nhwc order: phase-major).
torch::Tensor phase_weight(const torch::Tensor& w) {
  const int64_t in = w.size(0), out = w.size(1);
  const int kernel = static_cast<int>(w.size(2));
  auto phases = torch::zeros({2, 2, out, in, 2, 2}, w.options());
  for (int py = 0; py < 2; ++py)
    for (int px = 0; px < 2; ++px)
      for (int a = 0; a < 2; ++a)
        for (int b = 0; b < 2; ++b) {
          const int ky = transposed_tap(kernel, py, a), kx = transposed_tap(kernel, px, b);
          if (ky < 0 || kx < 0) continue;
          phases.select(0, py).select(0, px).select(2, a).select(2, b).copy_(w.select(2, ky).select(2, kx).t());
        }
  return phases.reshape({4 * out, in, 2, 2});
}

// Conv weight [out, in, k, k] (odd k, 'same' padding) -> the weight of the
// equivalent 'same' convolution on the 2x2 pixel-unshuffled input,
// [4 * out, 4 * in, t, t] with t = (k + 1) / 2; input and output channels
// are phase-major (space_to_depth_nhwc / depth_to_space_nhwc order).
torch::Tensor unshuffled_weight(const torch::Tensor& w) {
  const int64_t out = w.size(0), in = w.size(1), k = w.size(2), taps = (k + 1) / 2, half = k / 2;
  auto u = torch::zeros({2, 2, out, 2, 2, in, taps, taps}, w.options());
  // Output pixel 2m + p reads input 2m + p + j - half for j in [0, k);
  // as unshuffled sample m + a - taps / 2 with phase q: j = 2a + q - p + half - 2 * (taps / 2).
  for (int p = 0; p < 2; ++p)
    for (int px = 0; px < 2; ++px)
      for (int q = 0; q < 2; ++q)
        for (int qx = 0; qx < 2; ++qx)
          for (int64_t a = 0; a < taps; ++a)
            for (int64_t b = 0; b < taps; ++b) {
              const int64_t jy = 2 * a + q - p + half - 2 * (taps / 2);
              const int64_t jx = 2 * b + qx - px + half - 2 * (taps / 2);
              if (jy < 0 || jy >= k || jx < 0 || jx >= k) continue;
              u.select(0, p).select(0, px).select(1, q).select(1, qx).select(2, a).select(2, b).copy_(
                  w.select(2, jy).select(2, jx));
            }
  return u.reshape({4 * out, 4 * in, taps, taps});
}

}  // namespace

Ml5Inference::Ml5Inference(const Ml5TransformerNetImpl& net, torch::Device device)
    : residual_blocks_(net.architecture().residual_blocks), upsampling_kernel_(net.architecture().upsampling_kernel) {
  torch::NoGradGuard no_grad;
  const auto& v = net.variables();
  const std::size_t count = v.size() / 3;
  for (std::size_t l = 0; l < count; ++l) {
    auto w = v[3 * l].detach().to(device, torch::kFloat);
    if (l + 3 == count || l + 2 == count) w = phase_weight(w);
    else if (l + 1 == count) w = unshuffled_weight(w);
    const bool residual = l >= 3 && l < count - 3;
    layers_.push_back({w.contiguous(at::MemoryFormat::ChannelsLast), v[3 * l + 1].detach().to(device, torch::kFloat),
                       v[3 * l + 2].detach().to(device, torch::kFloat),
                       residual ? make_winograd_kernel(w, torch::Tensor()) : nullptr});
  }
}

torch::Tensor Ml5Inference::forward(const torch::Tensor& input, NormStatistics& statistics) const {
  statistics.next = 0;
  std::size_t l = 0;
  auto norm = [&](const torch::Tensor& y, bool relu) {
    const auto& layer = layers_[l++];
    return instance_norm(y, layer.scale, layer.shift, 1e-3, statistics, relu);
  };
  auto conv = [&](const torch::Tensor& x, int64_t stride, bool relu) {
    const auto& w = layers_[l].weight;
    if (layers_[l].winograd) return norm(winograd_conv2d(x, layers_[l].winograd, w, torch::Tensor()), relu);
    if (stride == 1) return norm(F::conv2d(x, w, F::Conv2dFuncOptions().padding(w.size(2) / 2)), relu);
    // TensorFlow 'same' at stride 2 on an even size pads one sample after.
    return norm(F::conv2d(pad_nhwc(x, 0, 1, 0, 1), w, F::Conv2dFuncOptions().stride(2)), relu);
  };
  auto upconv = [&](const torch::Tensor& x) {
    if (upsampling_kernel_ == 3) {
      auto phases = F::conv2d(pad_nhwc(x, 1, 0, 1, 0), layers_[l].weight);
      return norm(depth_to_space_nhwc(phases.contiguous(at::MemoryFormat::ChannelsLast)), true);
    }
    // 4 taps: phase (py, px) reads the window one sample later per axis
    // where its phase is 1, so one convolution over the input padded on
    // every side, then each phase's channels from its own offset.
    const int64_t h = x.size(2), w = x.size(3), out = layers_[l].weight.size(0) / 4;
    auto all = F::conv2d(pad_nhwc(x, 1, 1, 1, 1), layers_[l].weight);
    std::vector<torch::Tensor> phases;
    for (int64_t p = 0; p < 4; ++p)
      phases.push_back(all.narrow(1, p * out, out).narrow(2, p / 2, h).narrow(3, p % 2, w));
    auto joined = torch::cat(phases, 1).contiguous(at::MemoryFormat::ChannelsLast);
    return norm(depth_to_space_nhwc(joined), true);
  };
  auto x = (input * 255.0).contiguous(at::MemoryFormat::ChannelsLast);
  x = conv(x, 1, true);
  x = conv(x, 2, true);
  x = conv(x, 2, true);
  bool chained = residual_blocks_ > 0;
  for (int k = 0; chained && k < 2 * residual_blocks_; ++k) chained = winograd_chain_ready(layers_[l + k].winograd, x);
  if (chained) {
    // The residual blocks in the kernel's blocked layout: two layout
    // changes in all instead of two per convolution.
    auto blocked_conv = [&](const torch::Tensor& xb, bool relu) {
      const auto& layer = layers_[l++];
      return instance_norm_blocked(winograd_conv2d_blocked(layer.winograd, xb), layer.scale, layer.shift, 1e-3,
                                   statistics, relu);
    };
    const auto& kernel = layers_[l].winograd;
    auto xb = winograd_to_blocked(kernel, x);
    for (int block = 0; block < residual_blocks_; ++block) {
      auto r = blocked_conv(xb, true);
      xb.add_(blocked_conv(r, false));
    }
    x = winograd_from_blocked(kernel, xb);
  } else {
    for (int block = 0; block < residual_blocks_; ++block) {
      auto r = conv(x, 1, true);
      x.add_(conv(r, 1, false));
    }
  }
  x = upconv(x);
  x = upconv(x);
  const auto& w = layers_[l].weight;
  auto y = F::conv2d(space_to_depth_nhwc(x), w, F::Conv2dFuncOptions().padding(w.size(2) / 2));
  y = norm(depth_to_space_nhwc(y.contiguous(at::MemoryFormat::ChannelsLast)), false);
  return (150.0 * torch::tanh(y) + 127.5).clamp_(0.0, 255.0).div_(255.0);
}

}  // namespace impasto

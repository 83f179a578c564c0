// Instance normalisation whose statistics can be recorded on a whole picture
// and replayed on its tiles (internal to core; see StyleModel).
#pragma once

#include <torch/torch.h>

#include <vector>

namespace impasto {

struct NormStatistics {
  enum class Mode { Own, Record, Replay } mode = Mode::Own;
  std::vector<std::pair<torch::Tensor, torch::Tensor>> layers;  // (variance, mean) per call
  std::size_t next = 0;
};

// Biased variance over H and W; weight and bias may be undefined (no affine).
inline torch::Tensor instance_norm(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias,
                                   double eps, NormStatistics& stats) {
  std::pair<torch::Tensor, torch::Tensor> var_mean;
  if (stats.mode == NormStatistics::Mode::Replay) {
    var_mean = stats.layers.at(stats.next++);
  } else {
    auto vm = torch::var_mean(x, {2, 3}, /*unbiased=*/false, /*keepdim=*/true);
    var_mean = {std::get<0>(vm), std::get<1>(vm)};
    if (stats.mode == NormStatistics::Mode::Record) stats.layers.push_back(var_mean);
  }
  auto y = (x - var_mean.second) / torch::sqrt(var_mean.first + eps);
  if (weight.defined()) y = y * weight.view({1, -1, 1, 1});
  if (bias.defined()) y = y + bias.view({1, -1, 1, 1});
  return y;
}

}  // namespace impasto

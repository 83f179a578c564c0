// Instance normalisation whose statistics can be recorded on a whole picture
// and replayed on its tiles (internal to core; see StyleModel).
#pragma once

#include <torch/torch.h>

#include <vector>

namespace impasto {

struct NormStatistics {
  enum class Mode { Own, Record, Replay } mode = Mode::Own;
  std::vector<std::pair<torch::Tensor, torch::Tensor>> layers;  // (variance, mean) per call, N x C x 1 x 1
  std::size_t next = 0;
};

// Biased variance over H and W; weight and bias may be undefined (no affine);
// relu applies max(0, .) to the result. Float CPU tensors outside autograd
// (inference) take a fused path: one pass for the statistics, one pass that
// normalises in place — x is then overwritten and returned.
torch::Tensor instance_norm(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias,
                            double eps, NormStatistics& stats, bool relu = false);

// The same, fused and in place, for x in oneDNN's blocked layout held as
// N x C/B x H x W x B (winograd_conv.h); statistics are recorded and
// replayed as N x C x 1 x 1, interchangeable with instance_norm's.
torch::Tensor instance_norm_blocked(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias,
                                    double eps, NormStatistics& stats, bool relu = false);

}  // namespace impasto

#include "kernels/instance_norm.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <limits>
#include <mutex>
#include <tuple>

namespace impasto {
namespace {

// The library is built for baseline x86-64; the per-pixel loops below run
// over every normalised activation of a pass, so they get AVX2 and
// AVX-512 versions picked at load time (GCC function multi-versioning).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define IMPASTO_VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define IMPASTO_VECTOR_CLONES
#endif

// Adds `count` rows of `c` values into sum[k] and squares[k], in double.
IMPASTO_VECTOR_CLONES void accumulate_rows(const float* __restrict rows, int64_t count, int64_t c,
                                           double* __restrict sum, double* __restrict squares) {
  for (int64_t p = 0; p < count; ++p) {
    const float* row = rows + p * c;
    for (int64_t k = 0; k < c; ++k) {
      const double v = row[k];
      sum[k] += v;
      squares[k] += v * v;
    }
  }
}

// Sum and sum of squares of `count` values, in double. (No vector clones:
// the compiler keeps a reduction's order, so they would not vectorise.)
std::pair<double, double> accumulate_plane(const float* __restrict plane, int64_t count) {
  double s = 0.0, q = 0.0;
  for (int64_t p = 0; p < count; ++p) {
    const double v = plane[p];
    s += v;
    q += v * v;
  }
  return {s, q};
}

// plane[p] = max(plane[p] * a + b, floor) for `count` values.
IMPASTO_VECTOR_CLONES void normalise_plane(float* __restrict plane, int64_t count, float a, float b, float floor) {
  for (int64_t p = 0; p < count; ++p) plane[p] = std::max(plane[p] * a + b, floor);
}

// rows[p][k] = max(rows[p][k] * a[k] + b[k], floor) for `count` rows of `c`.
IMPASTO_VECTOR_CLONES void normalise_rows(float* __restrict rows, int64_t count, int64_t c, const float* __restrict a,
                                          const float* __restrict b, float floor) {
  for (int64_t p = 0; p < count; ++p) {
    float* row = rows + p * c;
    for (int64_t k = 0; k < c; ++k) row[k] = std::max(row[k] * a[k] + b[k], floor);
  }
}

// x as N planes of `pixels` rows of `channels` values (channels_last) or of
// `channels` rows of `pixels` values (contiguous): per (n, c) sum and sum of
// squares in double, so a million pixels lose nothing.
std::pair<torch::Tensor, torch::Tensor> fused_var_mean(const torch::Tensor& x, bool channels_last) {
  const int64_t n = x.size(0), c = x.size(1), pixels = x.size(2) * x.size(3);
  std::vector<double> sum(n * c, 0.0), squares(n * c, 0.0);
  const float* data = x.data_ptr<float>();
  std::mutex merge;
  for (int64_t image = 0; image < n; ++image) {
    const float* base = data + image * c * pixels;
    if (channels_last) {
      at::parallel_for(0, pixels, 4096, [&](int64_t begin, int64_t end) {
        std::vector<double> s(c, 0.0), q(c, 0.0);
        accumulate_rows(base + begin * c, end - begin, c, s.data(), q.data());
        std::lock_guard<std::mutex> lock(merge);
        for (int64_t k = 0; k < c; ++k) sum[image * c + k] += s[k], squares[image * c + k] += q[k];
      });
    } else {
      at::parallel_for(0, c, 1, [&](int64_t begin, int64_t end) {
        for (int64_t k = begin; k < end; ++k) {
          std::tie(sum[image * c + k], squares[image * c + k]) = accumulate_plane(base + k * pixels, pixels);
        }
      });
    }
  }
  auto mean = torch::empty({n, c, 1, 1}, torch::kDouble), var = torch::empty({n, c, 1, 1}, torch::kDouble);
  for (int64_t i = 0; i < n * c; ++i) {
    const double m = sum[i] / static_cast<double>(pixels);
    mean.data_ptr<double>()[i] = m;
    var.data_ptr<double>()[i] = std::max(0.0, squares[i] / static_cast<double>(pixels) - m * m);
  }
  return {var.to(torch::kFloat), mean.to(torch::kFloat)};
}

// y = x * scale + shift per (n, c), then relu, in place.
void fused_normalise_(torch::Tensor& x, const torch::Tensor& scale, const torch::Tensor& shift, bool relu,
                      bool channels_last) {
  const int64_t n = x.size(0), c = x.size(1), pixels = x.size(2) * x.size(3);
  float* data = x.data_ptr<float>();
  const float* a = scale.data_ptr<float>();
  const float* b = shift.data_ptr<float>();
  const float floor = relu ? 0.0f : -std::numeric_limits<float>::infinity();
  for (int64_t image = 0; image < n; ++image) {
    float* base = data + image * c * pixels;
    const float* ai = a + image * c;
    const float* bi = b + image * c;
    if (channels_last) {
      at::parallel_for(0, pixels, 4096, [&](int64_t begin, int64_t end) {
        normalise_rows(base + begin * c, end - begin, c, ai, bi, floor);
      });
    } else {
      at::parallel_for(0, c, 1, [&](int64_t begin, int64_t end) {
        for (int64_t k = begin; k < end; ++k) {
          normalise_plane(base + k * pixels, pixels, ai[k], bi[k], floor);
        }
      });
    }
  }
}

// The layer's (variance, mean): replayed, or computed and, when recording,
// kept for the replay.
template <typename Compute>
std::pair<torch::Tensor, torch::Tensor> statistics(NormStatistics& stats, Compute compute) {
  if (stats.mode == NormStatistics::Mode::Replay) return stats.layers.at(stats.next++);
  auto var_mean = compute();
  if (stats.mode == NormStatistics::Mode::Record) stats.layers.push_back(var_mean);
  return var_mean;
}

// scale = weight / sqrt(var + eps), shift = bias - mean * scale, as N x C.
std::pair<torch::Tensor, torch::Tensor> affine(const std::pair<torch::Tensor, torch::Tensor>& var_mean,
                                               const torch::Tensor& weight, const torch::Tensor& bias, double eps,
                                               int64_t n, int64_t c) {
  auto scale = (1.0 / torch::sqrt(var_mean.first.to(torch::kFloat) + eps)).expand({n, c, 1, 1});
  if (weight.defined()) scale = scale * weight.to(torch::kFloat).view({1, -1, 1, 1});
  auto shift = -var_mean.second.to(torch::kFloat).expand({n, c, 1, 1}) * scale;
  if (bias.defined()) shift = shift + bias.to(torch::kFloat).view({1, -1, 1, 1});
  return {scale.contiguous(), shift.contiguous()};
}

}  // namespace

torch::Tensor instance_norm(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias,
                            double eps, NormStatistics& stats, bool relu) {
  const bool channels_last = x.dim() == 4 && x.is_contiguous(at::MemoryFormat::ChannelsLast);
  const bool fused = x.dim() == 4 && x.device().is_cpu() && x.scalar_type() == torch::kFloat &&
                     !(torch::GradMode::is_enabled() && x.requires_grad()) &&
                     (channels_last || x.is_contiguous()) && (!weight.defined() || !weight.requires_grad()) &&
                     (!bias.defined() || !bias.requires_grad());
  const auto var_mean = statistics(stats, [&]() -> std::pair<torch::Tensor, torch::Tensor> {
    if (fused) return fused_var_mean(x, channels_last);
    auto vm = torch::var_mean(x, {2, 3}, /*unbiased=*/false, /*keepdim=*/true);
    return {std::get<0>(vm), std::get<1>(vm)};
  });
  if (!fused) {
    auto y = (x - var_mean.second) / torch::sqrt(var_mean.first + eps);
    if (weight.defined()) y = y * weight.view({1, -1, 1, 1});
    if (bias.defined()) y = y + bias.view({1, -1, 1, 1});
    return relu ? torch::relu(y) : y;
  }
  const auto [scale, shift] = affine(var_mean, weight, bias, eps, x.size(0), x.size(1));
  auto out = x;
  fused_normalise_(out, scale, shift, relu, channels_last);
  return out;
}

torch::Tensor instance_norm_blocked(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias,
                                    double eps, NormStatistics& stats, bool relu) {
  const int64_t n = x.size(0), blocks = x.size(1), h = x.size(2), w = x.size(3), block = x.size(4);
  // N x C/B x H x W x B is, in memory, N * C/B channels_last planes of B
  // channels; the channel order of N x C per plane row is the same.
  auto planes = x.view({n * blocks, h, w, block}).permute({0, 3, 1, 2});
  const auto var_mean = statistics(stats, [&]() -> std::pair<torch::Tensor, torch::Tensor> {
    const auto [var, mean] = fused_var_mean(planes, /*channels_last=*/true);
    return {var.view({n, blocks * block, 1, 1}), mean.view({n, blocks * block, 1, 1})};
  });
  const auto [scale, shift] = affine(var_mean, weight, bias, eps, n, blocks * block);
  fused_normalise_(planes, scale, shift, relu, /*channels_last=*/true);
  return x;
}

}  // namespace impasto

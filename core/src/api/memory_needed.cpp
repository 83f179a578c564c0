// What a job will need, estimated from its options before it starts
// (declared in impasto/memory.h). It knows every method's sizes, so it lives
// with the API, above them all.
#include "impasto/memory.h"

#include "optimisation/tiled_objective.h"

#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace impasto {
namespace {

constexpr std::uint64_t kUnlimited = std::numeric_limits<std::uint64_t>::max();
constexpr double kMB = 1024.0 * 1024.0;

std::uint64_t file_size(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 0;
  return static_cast<std::uint64_t>(st.st_size);
}

double pixels(std::int64_t width, std::int64_t height) { return static_cast<double>(width) * static_cast<double>(height); }

// Scaled so the longer side is `side` (as gatys.cpp's fit()).
double fitted_pixels(std::int64_t width, std::int64_t height, double side) {
  const double f = side / static_cast<double>(std::max(width, height));
  return std::max(1.0, std::round(width * f)) * std::max(1.0, std::round(height * f));
}

std::uint64_t to_bytes(double bytes) {
  return bytes >= 1.8e19 ? kUnlimited : static_cast<std::uint64_t>(bytes);
}

// LibTorch, the allocator's slack and the loaded weights, measured.
constexpr double kBaseBytes = 400.0 * kMB;

}  // namespace

std::uint64_t motion_memory_needed(std::int64_t width, std::int64_t height) {
  // Both frames' RGBA copies (32), two flows and the sampling map (24), the
  // remapped flow and photo (20), Sobel gradients (16), the prior (16) and
  // 8-bit greys; and at a refinement level the prior as tensors (16).
  return to_bytes(130.0 * pixels(width, height));
}

std::uint64_t feedforward_memory_needed(std::int64_t width, std::int64_t height, bool mask,
                                        const FeedForwardOptions& o) {
  const double N = pixels(width, height);
  const auto h = std::max<std::int64_t>(1, std::llround(height * o.scale));
  const auto w = std::max<std::int64_t>(1, std::llround(width * o.scale));
  const double n = pixels(w, h);
  // The input and the result (RGBA float), and the mask.
  double bytes = kBaseBytes + 32.0 * N + (mask ? 4.0 * N : 0.0);
  // Another scale resamples the picture once, and the result back.
  if (h != height || w != width) bytes += 40.0 * N + 24.0 * n;
  // The network's activations (about 600 bytes a pixel, docs/tiling.md,
  // and 100 more for the Winograd kernel's blocked copies and scratch pad)
  // for one tile, and for the reduced picture tiles take statistics from.
  const double tile = o.tile_size > 0 ? o.tile_size : automatic_tile_size(h, w);
  if (h <= tile && w <= tile) {
    bytes += 700.0 * n;
  } else {
    const double stats_side = std::max(tile, std::min(2.0 * tile, 1024.0));
    bytes += 700.0 * (tile * tile + fitted_pixels(w, h, stats_side));
  }
  if (!o.previous.empty()) bytes += static_cast<double>(motion_memory_needed(width, height));
  return to_bytes(bytes);
}

std::uint64_t gatys_memory_needed(std::int64_t width, std::int64_t height, bool mask,
                                  const std::vector<std::pair<std::int64_t, std::int64_t>>& style_sizes,
                                  const GatysOptions& o) {
  const double N = pixels(width, height);
  // Copies of the input, its colour channels, the result resampled to full
  // size, and the mask.
  double bytes = kBaseBytes + 80.0 * N + (mask ? 4.0 * N : 0.0);
  // The network's weights: once as read, once in the network.
  bytes += 2.0 * static_cast<double>(file_size(NetworkLoader(o.network).network_path(o.network.network)));
  const double side = std::min<double>(o.size, std::max<double>(64.0, std::max(width, height)));
  for (const auto& [sw, sh] : style_sizes)
    bytes += 44.0 * pixels(sw, sh) + 12.0 * fitted_pixels(sw, sh, std::max(16.0, side * o.style_scale));
  // At the processing size: L-BFGS keeps 100 pairs of image-sized vectors
  // (Adam two), each as large as the picture pyramid (1 + 1/4 + 1/16 ...
  // of the picture); the network's activations and gradients (measured per
  // network).
  const double n = fitted_pixels(width, height, side);
  double levels = 0.0;
  for (int k = 0; k < o.pyramid_levels; ++k) levels += std::pow(0.25, k);
  const double optimiser = (o.optimizer == Optimizer::Lbfgs ? 2400.0 : 48.0) * levels;
  const double activations = o.network.network == "vgg19" ? 3000.0 : 1500.0;
  bytes += (optimiser + activations) * n;
  // Refinement up to the picture's own pixels (docs/full-resolution.md):
  // at the largest level, beside the input's copy, the picture, Adam's two
  // moments, the gradient, the half-precision content targets and the
  // level's start (110 a pixel, docs/memory.md); the network's activations
  // for one tile with its margins. The result's copies come later, within
  // the 80 a pixel above.
  if (o.full_resolution && std::max(width, height) > side) {
    const TiledObjective::Options tiling;
    const double tile = static_cast<double>(tiling.tile + 2 * tiling.margin);
    bytes += std::max(0.0, (16.0 + 110.0 - 80.0) * N) + activations * tile * tile;
  }
  if (!o.previous.empty()) bytes += static_cast<double>(motion_memory_needed(width, height));
  return to_bytes(bytes);
}

}  // namespace impasto

#include "impasto/memory.h"

#include "impasto/error.h"
#include "kernels/recycling_allocator.h"
#include "optimisation/tiled_objective.h"

#include <sys/resource.h>
#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>

namespace impasto {
namespace {

constexpr std::uint64_t kUnlimited = std::numeric_limits<std::uint64_t>::max();
constexpr double kMB = 1024.0 * 1024.0;

// "MemAvailable:   123 kB" style lines of /proc files.
std::uint64_t proc_field_kb(const char* file, const std::string& key) {
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line))
    if (line.compare(0, key.size(), key) == 0) return std::stoull(line.substr(key.size())) * 1024;
  return kUnlimited;
}

std::uint64_t read_number(const std::string& file) {
  std::ifstream in(file);
  std::string text;
  if (!(in >> text) || text == "max") return kUnlimited;
  try {
    return std::stoull(text);
  } catch (const std::exception&) {
    return kUnlimited;
  }
}

// Room left under the memory limit of this process's cgroup (v2, or v1).
std::uint64_t cgroup_room() {
  std::ifstream in("/proc/self/cgroup");
  std::string line;
  std::uint64_t room = kUnlimited;
  while (std::getline(in, line)) {
    const auto first = line.find(':'), second = line.find(':', first + 1);
    if (first == std::string::npos || second == std::string::npos) continue;
    const std::string controllers = line.substr(first + 1, second - first - 1), path = line.substr(second + 1);
    std::string limit, usage;
    if (controllers.empty()) {
      limit = "/sys/fs/cgroup" + path + "/memory.max";
      usage = "/sys/fs/cgroup" + path + "/memory.current";
    } else if (("," + controllers + ",").find(",memory,") != std::string::npos) {
      limit = "/sys/fs/cgroup/memory" + path + "/memory.limit_in_bytes";
      usage = "/sys/fs/cgroup/memory" + path + "/memory.usage_in_bytes";
    } else {
      continue;
    }
    const auto l = read_number(limit), u = read_number(usage);
    const auto used = u == kUnlimited ? 0 : u;
    if (l != kUnlimited) room = std::min(room, l > used ? l - used : 0);
  }
  return room;
}

std::uint64_t address_space_room() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_AS, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return kUnlimited;
  const auto used = proc_field_kb("/proc/self/status", "VmSize:");
  if (used == kUnlimited) return kUnlimited;
  return limit.rlim_cur > used ? limit.rlim_cur - used : 0;
}

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

std::uint64_t available_memory() {
  const std::uint64_t room = std::min({proc_field_kb("/proc/meminfo", "MemAvailable:"), cgroup_room(), address_space_room()});
  // Buffers the last job left for the next one are the next job's to use.
  const std::uint64_t idle = recycled_bytes_idle();
  return room > std::numeric_limits<std::uint64_t>::max() - idle ? room : room + idle;
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
  return to_bytes(bytes);
}

void require_memory(std::uint64_t needed) {
  const auto available = available_memory();
  if (needed <= available) return;
  std::ostringstream message;
  message.precision(2);
  message << std::fixed << "This job needs about " << needed / kMB / 1024.0 << " GB of memory, but only "
          << available / kMB / 1024.0
          << " GB is available: scale the image down, lower the processing size or scale, or close other programs.";
  throw Error(message.str());
}

void require_memory_beyond(std::uint64_t needed, std::initializer_list<const Image*> held) {
  std::uint64_t bytes = 0;
  for (const Image* image : held) bytes += image->pixels.size() * sizeof(float);
  require_memory(needed - std::min(needed, bytes));
}

}  // namespace impasto

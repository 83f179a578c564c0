#include "impasto/feedforward.h"

#include "compose.h"
#include "recycling_allocator.h"
#include "runtime.h"
#include "impasto/error.h"
#include "impasto/network_loader.h"
#include "tensor_image.h"

#include <algorithm>
#include <cmath>
#include <unistd.h>

namespace impasto {

std::string resolve_style_model_path(const FeedForwardOptions& options) {
  const auto& m = options.model;
  if (m.empty()) throw Error(IMPASTO_N_("Choose a style model."));
  if (m.find('/') != std::string::npos) return m;
  if (m.find("..") != std::string::npos) throw Error("\"" + m + "\" is not a model name.");
  // The user's models first, so an installed model can replace a built-in one.
  const std::string user_dir = options.model_dir.empty() ? default_model_dir() : options.model_dir;
  for (const auto& dir : {user_dir, builtin_styles_dir()}) {
    const std::string path = dir + "/" + m;
    if (::access(path.c_str(), F_OK) == 0) return path;
  }
  throw Error("There is no style model named \"" + m + "\" in \"" + user_dir + "\" or among the built-in styles (\"" +
              builtin_styles_dir() + "\"); models/fetch installs more.");
}

int automatic_tile_size() {
  // Measured order of magnitude for the fast-style network: ~1 KB of
  // activations per pixel in float32; use at most a quarter of free memory.
  const double free_bytes = static_cast<double>(::sysconf(_SC_AVPHYS_PAGES)) * ::sysconf(_SC_PAGESIZE);
  const double pixels = free_bytes / 4.0 / 1024.0;
  return static_cast<int>(std::clamp(std::sqrt(std::max(pixels, 0.0)), 256.0, 2048.0));
}

namespace {

// Weight of each pixel of a tile: 1 inside, rising linearly across the
// overlap on sides that border another tile, never exactly 0.
torch::Tensor ramp(int64_t length, int64_t overlap, bool rise_start, bool rise_end) {
  auto w = torch::ones({length});
  const int64_t n = std::min(overlap, length / 2);
  if (n > 0) {
    auto up = torch::arange(1, n + 1, torch::kFloat) / static_cast<double>(n + 1);
    if (rise_start) w.narrow(0, 0, n).copy_(up);
    if (rise_end) w.narrow(0, length - n, n).copy_(up.flip(0));
  }
  return w;
}

std::vector<int64_t> tile_starts(int64_t size, int64_t tile, int64_t step) {
  std::vector<int64_t> starts{0};
  while (starts.back() + tile < size) starts.push_back(std::min(starts.back() + step, size - tile));
  return starts;
}

}  // namespace

torch::Tensor stylize_tiled(StyleModel& model, const torch::Tensor& image, int tile, int overlap,
                            const std::function<bool(int, int)>& progress) {
  RecyclingScope recycling;
  const int64_t h = image.size(2), w = image.size(3);
  if (h <= tile && w <= tile) {
    auto out = model.stylize(image);
    if (progress && !progress(1, 1)) throw Cancelled();
    return out;
  }
  overlap = std::clamp(overlap, 0, tile / 4);
  // Normalise every tile with the statistics of the whole picture, seen at
  // the largest size that fits in one tile, and at least twice the tile
  // side up to 1024 pixels: a much reduced picture has other statistics
  // (docs/tiling.md), and one pass at that size costs bounded memory.
  const int64_t stats_side = std::max<int64_t>(tile, std::min<int64_t>(2 * tile, 1024));
  const double fit = std::min(1.0, static_cast<double>(stats_side) / static_cast<double>(std::max(h, w)));
  model.capture_statistics(resize(image, std::max<int64_t>(1, std::llround(h * fit)),
                                  std::max<int64_t>(1, std::llround(w * fit))));
  struct Release {
    StyleModel& m;
    ~Release() { m.release_statistics(); }
  } release{model};
  const int64_t th = std::min<int64_t>(tile, h), tw = std::min<int64_t>(tile, w);
  const auto ys = tile_starts(h, th, th - overlap), xs = tile_starts(w, tw, tw - overlap);
  auto sum = torch::zeros({1, 3, h, w}, image.options());
  auto weight = torch::zeros({1, 1, h, w}, image.options());
  const int total = static_cast<int>(ys.size() * xs.size());
  int done = 0;
  for (std::size_t yi = 0; yi < ys.size(); ++yi)
    for (std::size_t xi = 0; xi < xs.size(); ++xi) {
      const int64_t y = ys[yi], x = xs[xi];
      auto out = model.stylize(image.narrow(2, y, th).narrow(3, x, tw));
      auto wy = ramp(th, overlap, yi > 0, yi + 1 < ys.size()).to(image.device());
      auto wx = ramp(tw, overlap, xi > 0, xi + 1 < xs.size()).to(image.device());
      auto wt = (wy.view({th, 1}) * wx.view({1, tw})).view({1, 1, th, tw});
      sum.narrow(2, y, th).narrow(3, x, tw).add_(out * wt);
      weight.narrow(2, y, th).narrow(3, x, tw).add_(wt);
      if (progress && !progress(++done, total)) throw Cancelled();
    }
  return sum / weight;
}

FeedForwardResult stylize_feedforward(const Image& content, const Image& mask, const FeedForwardOptions& o,
                                      const ProgressCallback& progress) {
  if (content.empty()) throw Error(IMPASTO_N_("The content image is empty."));
  if (!(o.strength >= 0.0 && o.strength <= 1.0)) throw Error(IMPASTO_N_("The strength must be between 0 and 1."));
  if (!(o.scale >= 0.05 && o.scale <= 4.0)) throw Error(IMPASTO_N_("The processing scale must be between 0.05 and 4."));
  if (o.tile_size != 0 && (o.tile_size < 64 || o.tile_size > 8192))
    throw Error(IMPASTO_N_("The tile size must be 0 (automatic) or between 64 and 8192 pixels."));
  if (o.tile_overlap < 0 || o.tile_overlap > 1024) throw Error(IMPASTO_N_("The tile overlap must be between 0 and 1024 pixels."));
  if (!mask.empty() && (mask.width != content.width || mask.height != content.height || mask.channels != 1))
    throw Error(IMPASTO_N_("The mask must have one channel and the size of the content image."));
  use_threads(o.threads);
  const torch::Device device = parse_device(o.device);
  RecyclingScope recycling;

  try {
    auto model = load_style_model(resolve_style_model_path(o));
    model->to(device);
    if (model->needs_style()) {
      if (o.style.empty()) throw Error("The model \"" + model->info().name + "\" needs a style image.");
      if (!(o.alpha >= 0.0 && o.alpha <= 1.0)) throw Error(IMPASTO_N_("The style trade-off alpha must be between 0 and 1."));
      if (o.style_size < 16 || o.style_size > 4096) throw Error(IMPASTO_N_("The style size must be between 16 and 4096 pixels."));
      c10::InferenceMode inference;
      auto style = color_channels(image_to_tensor(o.style).to(device));
      const double f = static_cast<double>(o.style_size) / std::max(style.size(2), style.size(3));
      model->set_style(resize(style, std::max<int64_t>(1, std::llround(style.size(2) * f)),
                              std::max<int64_t>(1, std::llround(style.size(3) * f))),
                       o.alpha);
    }
    FeedForwardResult result;
    result.model = model->info().name;

    c10::InferenceMode inference;
    auto input = image_to_tensor(content).to(device);
    auto rgb = color_channels(input);
    const int64_t h = std::max<int64_t>(1, std::llround(input.size(2) * o.scale));
    const int64_t w = std::max<int64_t>(1, std::llround(input.size(3) * o.scale));
    auto work = resize(rgb, h, w);
    const int tile = o.tile_size > 0 ? o.tile_size : automatic_tile_size();
    auto styled = stylize_tiled(*model, work, tile, o.tile_overlap, [&](int done, int total) {
      result.tiles = total;
      if (!progress) return true;
      Progress p;
      p.fraction = static_cast<double>(done) / total;
      p.iteration = done;
      p.iterations = total;
      return progress(p);
    });
    Composition composition;
    composition.preserve_colors = o.preserve_colors;
    composition.strength = o.strength;
    result.image = compose_result(styled, input, mask, composition);
    return result;
  } catch (const c10::Error& e) {
    throw Error(std::string("Style transfer failed inside LibTorch: ") + e.what_without_backtrace());
  } catch (const std::bad_alloc&) {
    throw Error(IMPASTO_N_("Not enough memory for this image; lower the tile size or the processing scale."));
  }
}

}  // namespace impasto

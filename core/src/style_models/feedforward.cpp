#include "impasto/feedforward.h"

#include "images/compose.h"
#include "kernels/recycling_allocator.h"
#include "runtime/runtime.h"
#include "impasto/error.h"
#include "impasto/memory.h"
#include "impasto/network_loader.h"
#include "images/tensor_image.h"

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

int automatic_tile_size(int64_t height, int64_t width) {
  // Measured for the ml5 network (docs/tiling.md): a tile needs about 600
  // bytes of activations per pixel, and its buffers are kept for the next
  // tile. Pictures up to 2.5 megapixels run whole (fastest: no overlaps, no
  // statistics pass); larger ones in tiles of at most 800 pixels, which
  // keeps a 24-megapixel job under 2 GB. Never more than a quarter of the
  // free memory.
  const double free_bytes = static_cast<double>(::sysconf(_SC_AVPHYS_PAGES)) * ::sysconf(_SC_PAGESIZE);
  const double affordable = std::sqrt(std::max(free_bytes / 4.0 / 600.0, 0.0));
  const int64_t longer = std::max(height, width);
  const double wanted = static_cast<double>(height) * width <= 2.5e6 ? static_cast<double>(longer) : 800.0;
  return static_cast<int>(std::clamp(std::min(wanted, affordable), 256.0, 2048.0));
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

// Splits `size` into the fewest tiles of at most `tile` that overlap by at
// least `overlap`, all of one length, spread evenly: a fixed step would
// leave a last tile that almost repeats the one before it.
struct Tiling {
  int64_t length;
  std::vector<int64_t> starts;
};
Tiling tiling(int64_t size, int64_t tile, int64_t overlap) {
  if (size <= tile) return {size, {0}};
  const int64_t n = (size - overlap + (tile - overlap) - 1) / (tile - overlap);
  const int64_t length = std::min(tile, (size + (n - 1) * overlap + n - 1) / n);
  Tiling t{length, {}};
  for (int64_t i = 0; i < n; ++i) t.starts.push_back(i * (size - length) / (n - 1));
  return t;
}

// What the tiles read: a region of the picture as 1 x 3 x h x w, and the
// whole picture reduced to a given longer side (for shared statistics).
struct TileSource {
  int64_t height, width;
  std::function<torch::Tensor(int64_t y, int64_t x, int64_t h, int64_t w)> region;
  std::function<torch::Tensor(int64_t side)> reduced;
};

// Stylises `source` tile by tile into `out` (1 x 3 x H x W, written whole).
// Overlaps are blended by ramps; a tiling is a grid, so the sum of the
// weights at a pixel is (sum of row ramps) x (sum of column ramps) and needs
// no picture-sized buffer.
void stylize_tiles(StyleModel& model, const TileSource& source, int tile, int overlap, torch::Tensor& out,
                   const std::function<bool(int, int)>& progress) {
  const int64_t h = source.height, w = source.width;
  if (h <= tile && w <= tile) {
    out.copy_(model.stylize(source.region(0, 0, h, w)));
    if (progress && !progress(1, 1)) throw Cancelled();
    return;
  }
  overlap = std::clamp(overlap, 0, tile / 4);
  // Normalise every tile with the statistics of the whole picture, seen at
  // the largest size that fits in one tile, and at least twice the tile
  // side up to 1024 pixels: a much reduced picture has other statistics
  // (docs/tiling.md), and one pass at that size costs bounded memory.
  const int64_t stats_side = std::max<int64_t>(tile, std::min<int64_t>(2 * tile, 1024));
  model.capture_statistics(source.reduced(stats_side));
  struct Release {
    StyleModel& m;
    ~Release() { m.release_statistics(); }
  } release{model};
  const auto rows = tiling(h, tile, overlap), columns = tiling(w, tile, overlap);
  const int64_t th = rows.length, tw = columns.length;
  const auto &ys = rows.starts, &xs = columns.starts;
  auto row_weight = torch::zeros({h}), column_weight = torch::zeros({w});
  std::vector<torch::Tensor> wy, wx;
  for (std::size_t i = 0; i < ys.size(); ++i) {
    wy.push_back(ramp(th, overlap, i > 0, i + 1 < ys.size()));
    row_weight.narrow(0, ys[i], th).add_(wy.back());
  }
  for (std::size_t i = 0; i < xs.size(); ++i) {
    wx.push_back(ramp(tw, overlap, i > 0, i + 1 < xs.size()));
    column_weight.narrow(0, xs[i], tw).add_(wx.back());
  }
  out.zero_();
  const int total = static_cast<int>(ys.size() * xs.size());
  int done = 0;
  for (std::size_t yi = 0; yi < ys.size(); ++yi)
    for (std::size_t xi = 0; xi < xs.size(); ++xi) {
      const int64_t y = ys[yi], x = xs[xi];
      auto styled = model.stylize(source.region(y, x, th, tw));
      auto weight = ((wy[yi] / row_weight.narrow(0, y, th)).view({th, 1}) *
                     (wx[xi] / column_weight.narrow(0, x, tw)).view({1, tw}))
                        .view({1, 1, th, tw})
                        .to(out.device());
      out.narrow(2, y, th).narrow(3, x, tw).addcmul_(styled, weight);
      if (progress && !progress(++done, total)) throw Cancelled();
    }
}

}  // namespace

torch::Tensor stylize_tiled(StyleModel& model, const torch::Tensor& image, int tile, int overlap,
                            const std::function<bool(int, int)>& progress) {
  RecyclingScope recycling;
  const int64_t h = image.size(2), w = image.size(3);
  TileSource source{h, w,
                    [&](int64_t y, int64_t x, int64_t th, int64_t tw) { return image.narrow(2, y, th).narrow(3, x, tw); },
                    [&](int64_t side) { return shrink_to_fit(image, side); }};
  auto out = torch::empty({image.size(0), 3, h, w}, image.options());
  stylize_tiles(model, source, tile, overlap, out, progress);
  return out;
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
  check_previous_frame(o.previous, content, o.consistency);
  use_threads(o.threads);
  const torch::Device device = parse_device(o.device);
  require_memory_beyond(feedforward_memory_needed(content.width, content.height, !mask.empty(), o), {&content, &mask});
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
    const int64_t H = content.height, W = content.width;
    const int64_t h = std::max<int64_t>(1, std::llround(H * o.scale));
    const int64_t w = std::max<int64_t>(1, std::llround(W * o.scale));
    // At scale 1 the tiles read the image directly, so memory stays flat
    // with its size (docs/tiling.md); other scales resample it once.
    torch::Tensor resampled;
    if (h != H || w != W) resampled = resize(color_channels(image_to_tensor(content)), h, w).to(device);
    TileSource source{h, w,
                      [&](int64_t y, int64_t x, int64_t th, int64_t tw) {
                        if (resampled.defined()) return resampled.narrow(2, y, th).narrow(3, x, tw);
                        return color_channels(region_to_tensor(content, y, x, th, tw)).to(device);
                      },
                      [&](int64_t side) {
                        return resampled.defined() ? shrink_to_fit(resampled, side)
                                                   : reduced_color(content, side).to(device);
                      }};
    // The result's own pixels hold the stylised colours until they are
    // composed (at scale 1 on the CPU, with colour channels): no second
    // picture-sized buffer.
    result.image = Image(static_cast<int>(W), static_cast<int>(H), content.channels);  // compose keeps the layout
    const bool in_place = !resampled.defined() && device.is_cpu() && content.channels >= 3;
    auto styled = in_place ? torch::from_blob(result.image.pixels.data(), {H, W, content.channels}, torch::kFloat)
                                 .narrow(2, 0, 3)
                                 .permute({2, 0, 1})
                                 .unsqueeze(0)
                           : torch::empty({1, 3, h, w}, torch::TensorOptions().device(device));
    const int tile = o.tile_size > 0 ? o.tile_size : automatic_tile_size(h, w);
    stylize_tiles(*model, source, tile, o.tile_overlap, styled, [&](int done, int total) {
      result.tiles = total;
      if (!progress) return true;
      Progress p;
      p.fraction = static_cast<double>(done) / total;
      p.iteration = done;
      p.iterations = total;
      return progress(p);
    });
    resampled = torch::Tensor();
    if (h != H || w != W) styled = resize(styled, H, W);

    // Composed in bands of rows, with the colour transform measured once on
    // reduced copies of the whole.
    Composition composition;
    composition.preserve_colors = o.preserve_colors;
    composition.strength = o.strength;
    if (o.preserve_colors == ColorPreservation::Histogram)
      composition.histogram =
          color_statistics_transform(shrink_to_fit(styled, 1024), reduced_color(content, 1024).to(device));
    const int64_t band = std::max<int64_t>(1, (8 << 20) / std::max<int64_t>(1, W * 4));
    for (int64_t y = 0; y < H; y += band) {
      const int64_t n = std::min(band, H - y);
      auto input = region_to_tensor(content, y, 0, n, W).to(device);
      auto m = mask.empty() ? torch::Tensor() : region_to_tensor(mask, y, 0, n, W).to(device);
      // compose() returns a new tensor, so writing over the band it read is safe.
      write_region(result.image, compose(styled.narrow(2, y, n), input, m, composition), y, 0);
    }
    if (!o.previous.empty() && o.consistency > 0.0)
      blend_with_prior(result.image, follow_motion(o.previous, content), o.consistency);
    return result;
  } catch (const c10::Error& e) {
    throw Error(std::string("Style transfer failed inside LibTorch: ") + e.what_without_backtrace());
  } catch (const std::bad_alloc&) {
    throw Error(IMPASTO_N_("Not enough memory for this image; lower the tile size or the processing scale."));
  }
}

}  // namespace impasto

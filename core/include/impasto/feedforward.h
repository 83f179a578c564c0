// Stylising with a pretrained feed-forward model: one pass per image, in
// tiles with blended overlaps so that any size runs in bounded memory.
#pragma once

#include "impasto/color.h"
#include "impasto/image.h"
#include "impasto/parameters.h"
#include "impasto/progress.h"
#include "impasto/style_model.h"
#include "impasto/temporal.h"

#include <string>

namespace impasto {

struct FeedForwardOptions {
  // A model folder or file, or the name of one in the model directory.
  std::string model = IMPASTO_PARAMETER_DEFAULT(IMPASTO_PARAMETER_MODEL);
  std::string model_dir;           // empty: default_model_dir()
  double strength = IMPASTO_PARAMETER_DEFAULT(IMPASTO_PARAMETER_STRENGTH);  // 0 keeps the original, 1 is the full style
  ColorPreservation preserve_colors =
      static_cast<ColorPreservation>(IMPASTO_PARAMETER_DEFAULT(IMPASTO_PARAMETER_PRESERVE_COLORS));
  // The image is resized by this factor before the network: below 1 gives
  // larger brush strokes and runs faster, above 1 finer ones.
  double scale = IMPASTO_PARAMETER_DEFAULT(IMPASTO_PARAMETER_SCALE);
  int tile_size = IMPASTO_PARAMETER_DEFAULT(IMPASTO_PARAMETER_TILE_SIZE);  // pixels per tile side; 0: automatic_tile_size()
  int tile_overlap = 64;           // blended margin between tiles
  int threads = IMPASTO_PARAMETER_DEFAULT(IMPASTO_PARAMETER_THREADS);  // 0: every core
  std::string device = IMPASTO_PARAMETER_DEFAULT(IMPASTO_PARAMETER_DEVICE);
  // Arbitrary-style models (AdaIN) only: the style image, resized so its
  // long side is style_size, and the content-style trade-off (0..1).
  Image style;
  int style_size = 512;
  double alpha = IMPASTO_PARAMETER_DEFAULT(IMPASTO_PARAMETER_ALPHA);
  // Animation frames (impasto/temporal.h): the frame before this one and
  // its result; where the motion from it is reliable, the result is
  // blended with it by `consistency` (0: each frame on its own). Empty: a
  // still picture.
  PreviousFrame previous;
  double consistency = IMPASTO_PARAMETER_DEFAULT(IMPASTO_PARAMETER_CONSISTENCY);
};

struct FeedForwardResult {
  Image image;
  std::string model;  // name of the model that ran
  int tiles = 1;
};

// Resolves options.model to a path (absolute or relative paths as given,
// else <model_dir>/<name>).
std::string resolve_style_model_path(const FeedForwardOptions& options);

// Runs model->stylize over `image` (1 x 3 x H x W) in tiles of at most
// `tile` pixels a side with `overlap` pixels blended by linear ramps.
// progress(done, total) is called after each tile; returning false cancels.
torch::Tensor stylize_tiled(StyleModel& model, const torch::Tensor& image, int tile, int overlap,
                            const std::function<bool(int, int)>& progress = {});

// The tile side for a picture of height x width: whole up to 2.5
// megapixels, else 800, within a quarter of the free memory (256..2048).
int automatic_tile_size(int64_t height, int64_t width);

FeedForwardResult stylize_feedforward(const Image& content, const Image& mask, const FeedForwardOptions& options,
                                      const ProgressCallback& progress = {});

}  // namespace impasto

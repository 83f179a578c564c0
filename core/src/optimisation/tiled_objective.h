// The Gatys objective (perceptual_loss.h) of a picture too large for one
// pass of the network, with its exact gradient, in bounded memory.
//
// The picture is cut into tiles whose interiors partition it. Each tile runs
// through the network with a margin wider than half the network's receptive
// field (mirrored at the picture's edges), so the activations in its interior
// are those of the whole picture, and every loss term counts only interior
// feature positions — each position once. Content and smoothness terms are
// sums over positions and split as they are. A style term is a function of a
// Gram matrix, which is also a sum over positions but sits inside a square:
// a first pass sums the Gram matrices over all tiles without gradient, the
// style loss's gradient with respect to each Gram matrix is then a constant,
// and a second pass backpropagates every tile against it (a picture in one
// tile takes one pass). Memory: one tile's activations besides the picture
// and its gradient.
#pragma once

#include "impasto/perceptual_loss.h"

#include <torch/torch.h>

#include <functional>
#include <vector>

namespace impasto {

class TiledObjective {
 public:
  struct Options {
    // Side of a tile's interior in pixels (rounded to the network's largest
    // stride); the margin is added on each side.
    int64_t tile = 512;
    // At least half the receptive field of the deepest loss layer (Tiny
    // Darknet's 12th layer: 51 pixels); rounded up to the largest stride.
    int64_t margin = 64;
  };

  // `options` as for PerceptualLoss (empty layer lists: the network's
  // defaults). The style targets — Gram matrices of `styles` (1 x 3 x H x W
  // each, any size) blended by `style_weights` — and the content targets of
  // `content` (1 x 3 x H x W, the picture's size) are computed here, tile by
  // tile; `tick` (may be empty) runs after each tile, a point where the
  // caller can cancel by throwing. The network's own mirror padding is
  // replaced by the margins while the objective evaluates.
  TiledObjective(SequentialFeatureNetwork network, const PerceptualLossOptions& options,
                 const std::vector<torch::Tensor>& styles, const std::vector<double>& style_weights,
                 const torch::Tensor& content, Options tiling, const std::function<void()>& tick = {});

  // Loss of `picture` (1 x 3 x H x W, the content's size) and its gradient,
  // returned in `gradient` (reused when it already has the picture's size). `after_tile(done, count)` runs after each of the
  // `count` tile passes; returning false abandons the evaluation
  // (impasto::Cancelled is thrown).
  double evaluate(const torch::Tensor& picture, torch::Tensor& gradient, LossBreakdown* breakdown = nullptr,
                  const std::function<bool(int done, int count)>& after_tile = {});

  // Tile passes one evaluate() makes: two per tile, one for a picture that
  // fits in one tile.
  int passes() const { return tiles_.size() == 1 ? 1 : 2 * static_cast<int>(tiles_.size()); }

 private:
  struct Tile {
    int64_t y, x, h, w;  // interior, in picture pixels
  };
  struct Span {
    int64_t y0, y1, x0, x1;  // the part of the image a tile with its margins covers
  };
  std::vector<Tile> cut(int64_t height, int64_t width) const;
  Span span_of(const Tile& tile, int64_t height, int64_t width) const;
  // `part` (the image over `span`) with the margins the image lacks mirrored.
  torch::Tensor with_margins(const torch::Tensor& part, const Tile& tile, const Span& span) const;
  // The tile with its margins, from `image` (any size the tile was cut for);
  // at the image's edges the margin is the image mirrored.
  torch::Tensor tile_input(const torch::Tensor& image, const Tile& tile) const;
  torch::Tensor interior(const torch::Tensor& features, const Tile& tile, int64_t stride) const;
  int64_t stride_of(const std::string& layer) const;
  // Feature positions of the picture at a layer (all tiles' interiors).
  int64_t positions_of(const std::string& layer) const;
  // Gram matrices (gram_matrix) of the whole image at the style layers;
  // `tick` runs after each tile.
  std::vector<torch::Tensor> grams(const torch::Tensor& image, const std::function<void()>& tick);

  SequentialFeatureNetwork network_;
  PerceptualLossOptions options_;
  std::vector<std::string> wanted_, style_names_;
  std::vector<torch::Tensor> style_targets_;
  std::vector<std::pair<std::string, int64_t>> strides_;
  int64_t margin_ = 0, tile_ = 0, height_ = 0, width_ = 0;
  std::vector<Tile> tiles_;
  std::vector<std::vector<torch::Tensor>> content_targets_;  // per tile, per content layer
  std::vector<double> content_normalisers_;                   // per content layer
};

}  // namespace impasto

#include "optimisation/tiled_objective.h"

#include "impasto/error.h"
#include "kernels/padding.h"

#include <algorithm>
#include <set>

namespace impasto {

namespace {

using torch::indexing::Slice;

int64_t round_up(int64_t v, int64_t multiple) { return (v + multiple - 1) / multiple * multiple; }
int64_t ceil_div(int64_t v, int64_t d) { return (v + d - 1) / d; }

// Sets the network's mirror padding for the lifetime of the guard.
class PaddingGuard {
 public:
  PaddingGuard(SequentialFeatureNetwork& network, int pixels) : network_(network), saved_(network->reflect_padding()) {
    network_->set_reflect_padding(pixels);
  }
  ~PaddingGuard() { network_->set_reflect_padding(saved_); }

 private:
  SequentialFeatureNetwork& network_;
  int saved_;
};

// F F^T of N x C x h x w features, summed over positions (C x C).
torch::Tensor gram_sum(const torch::Tensor& features) {
  auto f = features.reshape({features.size(1), -1});
  return torch::mm(f, f.t());
}

}  // namespace

TiledObjective::TiledObjective(SequentialFeatureNetwork network, const PerceptualLossOptions& options,
                               const std::vector<torch::Tensor>& styles, const std::vector<double>& style_weights,
                               const torch::Tensor& content, Options tiling, const std::function<void()>& tick)
    : network_(std::move(network)), options_(with_default_layers(options, network_->description())) {
  std::set<std::string> seen;
  for (const auto& l : options_.content_layers)
    if (seen.insert(l).second) wanted_.push_back(l);
  for (const auto& l : options_.style_layers) {
    style_names_.push_back(l.layer);
    if (seen.insert(l.layer).second) wanted_.push_back(l.layer);
  }

  // Each layer's stride, from the size of its activations on a probe.
  PaddingGuard no_padding(network_, 0);
  const int64_t probe_side = 256;
  {
    torch::NoGradGuard no_grad;
    auto probe = network_->features(torch::zeros({1, 3, probe_side, probe_side}, content.options()), wanted_);
    for (const auto& name : wanted_) strides_.emplace_back(name, probe_side / probe.at(name).size(2));
  }
  int64_t align = 1;
  for (const auto& [name, stride] : strides_) align = std::max(align, stride);
  margin_ = round_up(std::max<int64_t>(tiling.margin, align), align);
  tile_ = round_up(std::max<int64_t>(tiling.tile, align), align);

  if (options_.style_regions != 1)
    throw Error("Internal error: the tiled objective matches the style over the whole picture.");
  // Style targets, blended as PerceptualLoss blends them.
  double total_weight = 0.0;
  for (double w : style_weights) total_weight += w;
  if (styles.empty() || styles.size() != style_weights.size() || !(total_weight > 0.0))
    throw Error(IMPASTO_N_("The style blend weights must add up to more than zero."));
  style_targets_.assign(style_names_.size(), torch::Tensor());
  for (std::size_t s = 0; s < styles.size(); ++s) {
    if (style_weights[s] <= 0.0) continue;
    auto g = grams(styles[s], tick);
    for (std::size_t l = 0; l < g.size(); ++l) {
      auto share = g[l].unsqueeze(0) * (style_weights[s] / total_weight);
      style_targets_[l] = style_targets_[l].defined() ? style_targets_[l] + share : share;
    }
  }

  height_ = content.size(2);
  width_ = content.size(3);
  tiles_ = cut(height_, width_);
  torch::NoGradGuard no_grad;
  content_normalisers_.assign(options_.content_layers.size(), 0.0);
  std::vector<double> counts(options_.content_layers.size(), 0.0);
  for (const auto& t : tiles_) {
    auto f = network_->features(tile_input(content, t), options_.content_layers);
    std::vector<torch::Tensor> targets;
    for (std::size_t i = 0; i < options_.content_layers.size(); ++i) {
      const auto& name = options_.content_layers[i];
      auto target = interior(f.at(name), t, stride_of(name));
      content_normalisers_[i] += target.pow(2).sum().item<double>();
      counts[i] += static_cast<double>(target.numel());
      // Half precision: a shallow content layer is several floats per
      // pixel of the picture (Tiny Darknet's 4th: 8).
      targets.push_back(target.to(torch::kHalf));
    }
    content_targets_.push_back(std::move(targets));
    if (tick) tick();
  }
  for (std::size_t i = 0; i < counts.size(); ++i)
    content_normalisers_[i] = squared_error_normaliser(content_normalisers_[i], counts[i], options_.scale);
}

std::vector<TiledObjective::Tile> TiledObjective::cut(int64_t height, int64_t width) const {
  std::vector<Tile> tiles;
  for (int64_t y = 0; y < height; y += tile_)
    for (int64_t x = 0; x < width; x += tile_)
      tiles.push_back({y, x, std::min(tile_, height - y), std::min(tile_, width - x)});
  return tiles;
}

int64_t TiledObjective::stride_of(const std::string& layer) const {
  for (const auto& [name, stride] : strides_)
    if (name == layer) return stride;
  throw Error("Internal error: no stride for layer \"" + layer + "\".");
}

int64_t TiledObjective::positions_of(const std::string& layer) const {
  const int64_t s = stride_of(layer);
  return ceil_div(height_, s) * ceil_div(width_, s);
}

TiledObjective::Span TiledObjective::span_of(const Tile& t, int64_t height, int64_t width) const {
  return {std::max<int64_t>(0, t.y - margin_), std::min(height, t.y + t.h + margin_), std::max<int64_t>(0, t.x - margin_),
          std::min(width, t.x + t.w + margin_)};
}

torch::Tensor TiledObjective::with_margins(const torch::Tensor& part, const Tile& t, const Span& s) const {
  return mirror_pad(part, margin_ - (t.x - s.x0), margin_ - (s.x1 - t.x - t.w), margin_ - (t.y - s.y0),
                    margin_ - (s.y1 - t.y - t.h));
}

torch::Tensor TiledObjective::tile_input(const torch::Tensor& image, const Tile& t) const {
  const auto s = span_of(t, image.size(2), image.size(3));
  return with_margins(image.index({Slice(), Slice(), Slice(s.y0, s.y1), Slice(s.x0, s.x1)}), t, s);
}

torch::Tensor TiledObjective::interior(const torch::Tensor& features, const Tile& t, int64_t stride) const {
  const int64_t start = margin_ / stride;
  return features.index({Slice(), Slice(), Slice(start, start + ceil_div(t.h, stride)),
                         Slice(start, start + ceil_div(t.w, stride))});
}

std::vector<torch::Tensor> TiledObjective::grams(const torch::Tensor& image, const std::function<void()>& tick) {
  PaddingGuard no_padding(network_, 0);
  torch::NoGradGuard no_grad;
  const std::size_t n = style_names_.size();
  std::vector<torch::Tensor> sums(n);
  std::vector<double> positions(n, 0.0);
  for (const auto& t : cut(image.size(2), image.size(3))) {
    auto f = network_->features(tile_input(image, t), style_names_);
    for (std::size_t l = 0; l < n; ++l) {
      auto inner = interior(f.at(style_names_[l]), t, stride_of(style_names_[l]));
      auto g = gram_sum(inner);
      sums[l] = sums[l].defined() ? sums[l] + g : g;
      positions[l] += static_cast<double>(inner.size(2) * inner.size(3));
    }
    if (tick) tick();
  }
  for (std::size_t l = 0; l < n; ++l) sums[l] = sums[l] / (static_cast<double>(sums[l].size(0)) * positions[l]);
  return sums;
}

double TiledObjective::evaluate(const torch::Tensor& picture, torch::Tensor& gradient, LossBreakdown* breakdown,
                                const std::function<bool(int, int)>& after_tile) {
  if (picture.size(2) != height_ || picture.size(3) != width_)
    throw Error("Internal error: the picture's size differs from the content's.");
  PaddingGuard no_padding(network_, 0);
  torch::AutoGradMode gradients_on(true);  // the caller may hold a NoGradGuard
  const int count = passes();
  int done = 0;
  auto tick = [&]() {
    ++done;
    if (after_tile && !after_tile(done, count)) throw Cancelled();
  };

  // Pass 1: the Gram matrices of the whole picture, then the style loss and
  // its gradient with respect to each of them. A picture in one tile needs
  // no such pass: its Gram matrices come from the same pass as the rest.
  const bool one_tile = tiles_.size() == 1;
  const std::size_t n_style = options_.style_layers.size();
  std::vector<torch::Tensor> gram_gradients(n_style);
  double style_value = 0.0;
  if (!one_tile) {
    auto grams_now = grams(picture, tick);
    auto style = torch::zeros({}, picture.options());
    for (std::size_t l = 0; l < n_style; ++l) {
      grams_now[l] = grams_now[l].unsqueeze(0).detach().set_requires_grad(true);
      style = style + options_.style_layers[l].weight * style_loss(grams_now[l], style_targets_[l], options_.scale);
    }
    style_value = style.item<double>();
    if (n_style > 0) style.backward();
    // gram_sum(interior) / (C x positions) adds up to the Gram matrix.
    for (std::size_t l = 0; l < n_style; ++l)
      gram_gradients[l] = grams_now[l].grad().squeeze(0) / (static_cast<double>(grams_now[l].size(1)) *
                                                            static_cast<double>(positions_of(style_names_[l])));
  }

  // Pass 2: every tile's share of the loss, backpropagated to its pixels.
  if (gradient.defined() && gradient.sizes() == picture.sizes())
    gradient.zero_();
  else
    gradient = torch::zeros_like(picture);
  double content_value = 0.0, tv_value = 0.0;
  // total_variation_loss's means run over channels too.
  const double dy_count = static_cast<double>(picture.size(1) * (height_ - 1) * width_);
  const double dx_count = static_cast<double>(picture.size(1) * height_ * (width_ - 1));
  for (std::size_t ti = 0; ti < tiles_.size(); ++ti) {
    const auto& t = tiles_[ti];
    const auto span = span_of(t, height_, width_);
    const auto region = std::vector<torch::indexing::TensorIndex>{Slice(), Slice(), Slice(span.y0, span.y1),
                                                                   Slice(span.x0, span.x1)};
    auto part = picture.index(region).detach().clone().set_requires_grad(true);
    auto input = with_margins(part, t, span);
    auto f = network_->features(input, wanted_);

    auto content = torch::zeros({}, picture.options());
    for (std::size_t i = 0; i < options_.content_layers.size(); ++i) {
      const auto& name = options_.content_layers[i];
      auto diff = interior(f.at(name), t, stride_of(name)) - content_targets_[ti][i].to(torch::kFloat);
      content = content + diff.pow(2).sum() / content_normalisers_[i];
    }
    auto style = torch::zeros({}, picture.options());
    for (std::size_t l = 0; l < n_style; ++l) {
      const auto& name = style_names_[l];
      auto sum = gram_sum(interior(f.at(name), t, stride_of(name)));
      if (one_tile) {
        auto gram = sum / (static_cast<double>(sum.size(0)) * static_cast<double>(positions_of(name)));
        style = style + options_.style_layers[l].weight * style_loss(gram.unsqueeze(0), style_targets_[l], options_.scale);
      } else {
        style = style + (gram_gradients[l] * sum).sum();
      }
    }
    if (one_tile) style_value = style.item<double>();
    // Neighbour differences whose first pixel lies in the interior.
    auto tv = torch::zeros({}, picture.options());
    const int64_t m = margin_;
    const int64_t rows = t.h - (t.y + t.h == height_ ? 1 : 0), cols = t.w - (t.x + t.w == width_ ? 1 : 0);
    if (rows > 0 && dy_count > 0)
      tv = tv + (input.index({Slice(), Slice(), Slice(m + 1, m + rows + 1), Slice(m, m + t.w)}) -
                 input.index({Slice(), Slice(), Slice(m, m + rows), Slice(m, m + t.w)}))
                        .pow(2)
                        .sum() /
                    dy_count;
    if (cols > 0 && dx_count > 0)
      tv = tv + (input.index({Slice(), Slice(), Slice(m, m + t.h), Slice(m + 1, m + cols + 1)}) -
                 input.index({Slice(), Slice(), Slice(m, m + t.h), Slice(m, m + cols)}))
                        .pow(2)
                        .sum() /
                    dx_count;

    auto share = options_.content_weight * content + options_.style_weight * style +
                 (options_.tv_weight > 0.0 ? options_.tv_weight * tv : torch::zeros({}, picture.options()));
    share.backward();
    gradient.index(region) += part.grad();
    content_value += content.item<double>();
    tv_value += tv.item<double>();
    tick();
  }

  const double total =
      options_.content_weight * content_value + options_.style_weight * style_value + options_.tv_weight * tv_value;
  if (breakdown) {
    breakdown->content = content_value;
    breakdown->style = style_value;
    breakdown->tv = tv_value;
    breakdown->total = total;
  }
  return total;
}

}  // namespace impasto

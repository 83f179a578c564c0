#include "impasto/perceptual_loss.h"

#include "impasto/error.h"

#include <set>

namespace impasto {

PerceptualLossOptions with_default_layers(PerceptualLossOptions options, const NetworkDescription& network) {
  if (options.content_layers.empty()) options.content_layers = network.content_layers;
  if (options.style_layers.empty()) options.style_layers = network.style_layers;
  return options;
}

PerceptualLoss::PerceptualLoss(SequentialFeatureNetwork network, const std::vector<torch::Tensor>& styles,
                               const std::vector<double>& style_weights, PerceptualLossOptions options)
    : network_(std::move(network)), options_(with_default_layers(std::move(options), network_->description())) {
  if (styles.empty() || styles.size() != style_weights.size())
    throw Error(IMPASTO_N_("At least one style image is needed, each with a blend weight."));
  std::set<std::string> seen;
  for (const auto& l : options_.content_layers)
    if (seen.insert(l).second) wanted_.push_back(l);
  for (const auto& l : options_.style_layers)
    if (seen.insert(l.layer).second) wanted_.push_back(l.layer);

  double total_weight = 0.0;
  for (double w : style_weights) total_weight += w;
  if (!(total_weight > 0.0)) throw Error(IMPASTO_N_("The style blend weights must add up to more than zero."));
  torch::NoGradGuard no_grad;
  std::vector<std::string> style_names;
  for (const auto& l : options_.style_layers) style_names.push_back(l.layer);
  style_targets_.assign(options_.style_layers.size(), torch::Tensor());
  for (std::size_t s = 0; s < styles.size(); ++s) {
    if (style_weights[s] <= 0.0) continue;
    auto sf = network_->features(styles[s], style_names);
    for (std::size_t l = 0; l < options_.style_layers.size(); ++l) {
      auto g = gram_matrix(sf.at(options_.style_layers[l].layer)) * (style_weights[s] / total_weight);
      style_targets_[l] = style_targets_[l].defined() ? style_targets_[l] + g : g;
    }
  }
}

std::vector<torch::Tensor> PerceptualLoss::content_targets(const torch::Tensor& content) {
  torch::NoGradGuard no_grad;
  auto cf = network_->features(content, options_.content_layers);
  std::vector<torch::Tensor> targets;
  for (const auto& l : options_.content_layers) targets.push_back(cf.at(l).detach());
  return targets;
}

namespace {
// N x C x H x W -> (N r r) x C x H/r x W/r; a layer too small to split stays whole.
torch::Tensor split_into_regions(const torch::Tensor& f, int64_t r) {
  const int64_t h = f.size(2) / r, w = f.size(3) / r;
  if (r <= 1 || h < 1 || w < 1) return f;
  const int64_t n = f.size(0), c = f.size(1);
  return f.narrow(2, 0, h * r)
      .narrow(3, 0, w * r)
      .reshape({n, c, r, h, r, w})
      .permute({0, 2, 4, 1, 3, 5})
      .reshape({n * r * r, c, h, w});
}
}  // namespace

torch::Tensor PerceptualLoss::loss(const torch::Tensor& image, const std::vector<torch::Tensor>& content_targets,
                                   LossBreakdown* breakdown) {
  if (content_targets.size() != options_.content_layers.size())
    throw Error("Internal error: content targets do not match the content layers.");
  auto f = network_->features(image, wanted_);
  auto zero = torch::zeros({}, image.options());
  auto c = zero, s = zero;
  for (std::size_t i = 0; i < content_targets.size(); ++i)
    c = c + content_loss(f.at(options_.content_layers[i]), content_targets[i], options_.scale);
  for (std::size_t i = 0; i < options_.style_layers.size(); ++i) {
    auto gram = gram_matrix(split_into_regions(f.at(options_.style_layers[i].layer), options_.style_regions));
    // One style target for every picture of the batch.
    s = s + options_.style_layers[i].weight * style_loss(gram, style_targets_[i].expand_as(gram), options_.scale);
  }
  auto tv = options_.tv_weight > 0.0 ? total_variation_loss(image) : zero;
  auto total = options_.content_weight * c + options_.style_weight * s + options_.tv_weight * tv;
  if (breakdown) {
    breakdown->content = c.item<double>();
    breakdown->style = s.item<double>();
    breakdown->tv = tv.item<double>();
    breakdown->total = total.item<double>();
  }
  return total;
}

}  // namespace impasto

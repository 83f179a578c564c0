// Content, style and smoothness losses measured by a feature network: the
// objective Gatys et al. optimise an image for, and the one Johnson et al.
// train a feed-forward network with.
#pragma once

#include "impasto/feature_network.h"
#include "impasto/losses.h"
#include "impasto/parameters.h"

#include <torch/torch.h>

#include <string>
#include <vector>

namespace impasto {

struct PerceptualLossOptions {
  // Empty: the network's own defaults (NetworkDescription).
  std::vector<std::string> content_layers;
  std::vector<LayerWeight> style_layers;
  double content_weight = IMPASTO_PARAMETER_DEFAULT(IMPASTO_PARAMETER_CONTENT_WEIGHT);
  double style_weight = IMPASTO_PARAMETER_DEFAULT(IMPASTO_PARAMETER_STYLE_WEIGHT);
  double tv_weight = IMPASTO_PARAMETER_DEFAULT(IMPASTO_PARAMETER_TV_WEIGHT);
  LossScale scale = LossScale::Normalised;
  // The style statistics are matched in each of regions x regions equal
  // parts of every picture instead of over the whole: a network in training
  // then cannot meet a style by painting one object in one place (a moon in
  // a flat sky) but has to spread it. 1: the whole picture. Read by
  // PerceptualLoss::loss (training); TiledObjective sums whole-picture Gram
  // matrices over its tiles and needs 1.
  int style_regions = 1;
};

struct LossBreakdown {
  double total = 0.0, content = 0.0, style = 0.0, tv = 0.0;
};

// `options` with empty layer lists replaced by the network's defaults.
PerceptualLossOptions with_default_layers(PerceptualLossOptions options, const NetworkDescription& network);

class PerceptualLoss {
 public:
  // styles: 1 x 3 x H x W tensors in [0, 1], blended by `style_weights`
  // (their Gram matrices are averaged with these weights). The style
  // targets are computed once, here.
  PerceptualLoss(SequentialFeatureNetwork network, const std::vector<torch::Tensor>& styles,
                 const std::vector<double>& style_weights, PerceptualLossOptions options);

  // The content targets of a batch of pictures (N x 3 x H x W), no gradient.
  std::vector<torch::Tensor> content_targets(const torch::Tensor& content);
  // Loss of `image` (N x 3 x H x W, the same N as the targets); every term is
  // averaged over the batch.
  torch::Tensor loss(const torch::Tensor& image, const std::vector<torch::Tensor>& content_targets,
                     LossBreakdown* breakdown = nullptr);

  // What the loss was built from, layers resolved to the network's defaults
  // where none were given; the style targets are per style layer.
  const SequentialFeatureNetwork& network() const { return network_; }
  const PerceptualLossOptions& options() const { return options_; }
  const std::vector<torch::Tensor>& style_targets() const { return style_targets_; }

 private:
  SequentialFeatureNetwork network_;
  PerceptualLossOptions options_;
  std::vector<std::string> wanted_;
  std::vector<torch::Tensor> style_targets_;
};

}  // namespace impasto

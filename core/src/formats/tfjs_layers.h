// Reads a TensorFlow.js layers model (model.json and the weight files its
// manifest names) into the layers a feature network is built from (internal
// to core). Only what loss networks use is understood: convolutions, with a
// following batch normalisation folded in, LeakyReLU, ReLU and 2x2 pooling;
// reading stops at the first other layer (the classifier head).
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

namespace impasto {

struct TfjsLayer {
  // Pool2x2 is max or average as the network's Pooling option says, not as
  // the file does.
  enum class Kind { Conv2D, LeakyReLU, ReLU, Pool2x2 };
  Kind kind = Kind::Conv2D;
  std::string name;
  torch::Tensor weight, bias;   // Conv2D: O x I x H x W and O
  int64_t padding = 0;          // Conv2D: pixels on each side
  double negative_slope = 0.3;  // LeakyReLU
};

// Throws impasto::Error naming the file and what is wrong with it.
std::vector<TfjsLayer> read_tfjs_layers(const std::string& model_json);

}  // namespace impasto

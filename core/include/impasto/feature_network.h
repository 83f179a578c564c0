// A pretrained (or random) CNN seen as a stack of named layers whose
// activations feed the content and style losses.
#pragma once

#include <torch/torch.h>

#include <string>
#include <unordered_map>
#include <vector>

namespace impasto {

struct LayerWeight {
  std::string layer;
  double weight = 1.0;
};

enum class Pooling { Average, Max };

// Describes the layers of a sequential network: `names[i]` names the output
// of module i (empty when that output cannot be used as a loss layer).
struct NetworkDescription {
  std::string id;            // "darknet-tiny", "vgg19", "random"
  std::string display_name;  // for messages
  bool is_fallback = false;  // true for the weights-free network
  std::vector<std::string> content_layers;
  std::vector<LayerWeight> style_layers;
  // Content layers above the processing size (GatysOptions::full_resolution):
  // shallower than content_layers, so that at 100% zoom the photo's edges
  // hold and flat areas stay calm (docs/full-resolution.md). Empty: the
  // content_layers.
  std::vector<std::string> refine_content_layers;
  // Input preprocessing: x' = (x * input_scale - mean) / std, x in [0, 1].
  double input_scale = 1.0;
  std::vector<double> mean{0.0, 0.0, 0.0};
  std::vector<double> std{1.0, 1.0, 1.0};
  // Gain of the Gatys picture pyramid (GatysOptions::pyramid_gain) that
  // reached a given loss soonest with this network (docs/benchmarks.md).
  double pyramid_gain = 0.5;
};

class SequentialFeatureNetworkImpl : public torch::nn::Module {
 public:
  SequentialFeatureNetworkImpl(NetworkDescription description,
                               torch::nn::Sequential layers,
                               std::vector<std::string> names);

  const NetworkDescription& description() const { return description_; }
  // Every usable layer name, in forward order.
  std::vector<std::string> layer_names() const;
  bool has_layer(const std::string& name) const;

  // image: N x 3 x H x W, RGB in [0, 1]. Runs only as far as the deepest
  // wanted layer and returns exactly the wanted activations.
  std::unordered_map<std::string, torch::Tensor> features(
      const torch::Tensor& image, const std::vector<std::string>& wanted);

  // Convert weights to channels_last, which oneDNN's CPU convolutions
  // prefer (docs/benchmarks.md).
  void use_channels_last();
  // Mirror the image by this many pixels on each side before the first
  // layer and crop the activations back, so the convolutions' zero padding
  // does not paint a frame at the edges.
  void set_reflect_padding(int pixels) { reflect_padding_ = pixels; }
  int reflect_padding() const { return reflect_padding_; }

 private:
  NetworkDescription description_;
  torch::nn::Sequential layers_;
  std::vector<std::string> names_;
  torch::Tensor mean_, std_;
  bool channels_last_ = false;
  int reflect_padding_ = 0;
};
TORCH_MODULE(SequentialFeatureNetwork);

}  // namespace impasto

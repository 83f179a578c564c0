// VGG-19 (Simonyan & Zisserman 2015), the loss network of Gatys et al.,
// from torchvision's checkpoint.
#include "impasto/network_loader.h"

#include "formats/weight_checks.h"
#include "impasto/error.h"
#include "impasto/torch_checkpoint.h"
#include "networks/layers.h"

namespace impasto {

SequentialFeatureNetwork NetworkLoader::load_torchvision_vgg19(const std::string& checkpoint, Pooling pooling) {
  auto state = read_torch_state_dict(checkpoint);
  for (auto& [key, t] : state) t = t.to(torch::kFloat);
  // torchvision's vgg19().features: 16 convolutions in 5 blocks.
  const int blocks[5] = {2, 2, 4, 4, 4};
  const int64_t widths[5] = {64, 128, 256, 512, 512};
  torch::nn::Sequential seq;
  std::vector<std::string> names;
  int index = 0;
  int64_t in_channels = 3;
  for (int b = 0; b < 5; ++b) {
    for (int c = 0; c < blocks[b]; ++c) {
      const std::string key = "features." + std::to_string(index);
      auto w = state.find(key + ".weight");
      auto bias = state.find(key + ".bias");
      if (w == state.end() || bias == state.end())
        throw Error("The VGG-19 checkpoint \"" + checkpoint + "\" has no \"" + key + ".weight\"; is it a torchvision VGG-19?");
      const std::vector<int64_t> expect{widths[b], in_channels, 3, 3};
      if (w->second.sizes().vec() != expect || bias->second.numel() != widths[b])
        throw Error("The VGG-19 checkpoint \"" + checkpoint + "\" has a wrong shape for \"" + key + "\".");
      require_finite(w->second, key + ".weight", checkpoint);
      require_finite(bias->second, key + ".bias", checkpoint);
      const std::string suffix = std::to_string(b + 1) + "_" + std::to_string(c + 1);
      seq->push_back(make_conv(w->second, bias->second, 1));
      names.push_back("conv" + suffix);
      seq->push_back(torch::nn::ReLU());
      names.push_back("relu" + suffix);
      index += 2;
      in_channels = widths[b];
    }
    seq->push_back(make_pool(pooling, false));
    names.push_back("pool" + std::to_string(b + 1));
    ++index;
  }
  NetworkDescription d;
  d.id = "vgg19";
  d.display_name = "VGG-19";
  d.content_layers = {"conv4_2"};
  d.style_layers = {{"relu1_1", 1.0}, {"relu2_1", 1.0}, {"relu3_1", 1.0}, {"relu4_1", 1.0}, {"relu5_1", 1.0}};
  d.refine_content_layers = {"relu3_1"};  // stride 4, as Tiny Darknet's
  d.mean = {0.485, 0.456, 0.406};
  d.std = {0.229, 0.224, 0.225};
  d.pyramid_gain = 1.0;  // docs/benchmarks.md, "Gatys: time to the seed's loss"
  return SequentialFeatureNetwork(d, seq, names);
}

}  // namespace impasto

// Tiny Darknet, the default loss network, and any other TensorFlow.js
// layers network: built from what formats/tfjs_layers.h reads.
#include "impasto/network_loader.h"

#include "formats/tfjs_layers.h"
#include "impasto/error.h"
#include "networks/layers.h"

#include <algorithm>

namespace impasto {
namespace {

// Tiny Darknet's loss layers, measured with an independent Python probe;
// any other TF.js network gets layers spread over its depth.
NetworkDescription describe_tfjs_network(const std::vector<std::string>& names) {
  auto has = [&](const std::string& n) { return std::find(names.begin(), names.end(), n) != names.end(); };
  NetworkDescription d;
  d.id = "darknet-tiny";
  d.display_name = "Tiny Darknet";
  d.content_layers = {"leaky_re_lu_9"};
  d.style_layers = {{"leaky_re_lu_1", 1.0}, {"leaky_re_lu_2", 1.0}, {"leaky_re_lu_4", 1.0},
                    {"leaky_re_lu_8", 1.0}, {"leaky_re_lu_12", 1.0}};
  d.refine_content_layers = {"leaky_re_lu_4"};
  bool darknet = has(d.content_layers[0]);
  for (const auto& l : d.style_layers) darknet = darknet && has(l.layer);
  if (darknet) return d;
  std::vector<std::string> usable;
  for (const auto& n : names)
    if (!n.empty()) usable.push_back(n);
  d.id = "tfjs";
  d.display_name = "TensorFlow.js network";
  d.content_layers = {usable[usable.size() * 2 / 3]};
  d.refine_content_layers.clear();
  d.style_layers.clear();
  for (std::size_t k = 0; k < usable.size(); k += std::max<std::size_t>(1, usable.size() / 5))
    d.style_layers.push_back({usable[k], 1.0});
  return d;
}

}  // namespace

SequentialFeatureNetwork NetworkLoader::load_tfjs_layers(const std::string& model_json, Pooling pooling) {
  const auto layers = read_tfjs_layers(model_json);
  try {
    std::vector<torch::nn::AnyModule> modules;
    std::vector<std::string> names;  // the activations' names; empty for the other layers
    for (const auto& layer : layers) {
      switch (layer.kind) {
        case TfjsLayer::Kind::Conv2D:
          modules.emplace_back(make_conv(layer.weight, layer.bias, layer.padding));
          names.emplace_back();
          break;
        case TfjsLayer::Kind::LeakyReLU:
          modules.emplace_back(torch::nn::LeakyReLU(torch::nn::LeakyReLUOptions().negative_slope(layer.negative_slope)));
          names.push_back(layer.name);
          break;
        case TfjsLayer::Kind::ReLU:
          modules.emplace_back(torch::nn::ReLU());
          names.push_back(layer.name);
          break;
        case TfjsLayer::Kind::Pool2x2:
          modules.emplace_back(make_pool(pooling, true));
          names.emplace_back();
          break;
      }
    }
    // Drop trailing modules that feed no named layer.
    while (!names.empty() && names.back().empty()) {
      names.pop_back();
      modules.pop_back();
    }
    torch::nn::Sequential seq;
    for (auto& m : modules) seq->push_back(std::move(m));
    if (names.empty()) throw Error("The model \"" + model_json + "\" has no usable layers.");

    return SequentialFeatureNetwork(describe_tfjs_network(names), seq, names);
  } catch (const c10::Error& e) {
    throw Error("Cannot build the network from \"" + model_json + "\": " + e.what_without_backtrace());
  }
}

}  // namespace impasto

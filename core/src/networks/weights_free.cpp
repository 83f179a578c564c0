// The weights-free network: random filters, no file to install; the
// fallback when the chosen network's file is missing.
#include "impasto/network_loader.h"

#include "networks/layers.h"

#include <cmath>

namespace impasto {

SequentialFeatureNetwork NetworkLoader::make_random(Pooling pooling) {
  // A small random VGG-like stack (after Ustyuzhaninov et al. 2017: random
  // filters already capture texture statistics). Fixed generator: the same
  // weights on every run, so results stay deterministic.
  auto gen = at::make_generator<at::CPUGeneratorImpl>(0x1A2B3C4Du);
  const int64_t widths[4] = {64, 128, 256, 256};
  torch::nn::Sequential seq;
  std::vector<std::string> names;
  int64_t in = 3;
  for (int i = 0; i < 4; ++i) {
    auto w = torch::randn({widths[i], in, 3, 3}, gen, torch::kFloat);
    w = w - w.mean({1, 2, 3}, true);  // zero-mean filters respond to structure, not brightness
    w = w * std::sqrt(2.0 / (in * 9.0));
    seq->push_back(make_conv(w, torch::zeros({widths[i]}), 1));
    names.emplace_back();
    seq->push_back(torch::nn::ReLU());
    names.push_back("relu" + std::to_string(i + 1));
    if (i < 3) {
      seq->push_back(make_pool(pooling, true));
      names.emplace_back();
    }
    in = widths[i];
  }
  NetworkDescription d;
  d.id = "random";
  d.display_name = "weights-free fallback";
  d.is_fallback = true;
  d.content_layers = {"relu2"};
  d.style_layers = {{"relu1", 1.0}, {"relu2", 1.0}, {"relu3", 1.0}, {"relu4", 1.0}};
  d.refine_content_layers = {"relu3"};
  d.mean = {0.5, 0.5, 0.5};
  d.std = {0.25, 0.25, 0.25};
  return SequentialFeatureNetwork(d, seq, names);
}

}  // namespace impasto

#include "impasto/feature_network.h"

#include "impasto/error.h"
#include "kernels/padding.h"

#include <algorithm>

namespace impasto {

SequentialFeatureNetworkImpl::SequentialFeatureNetworkImpl(NetworkDescription description,
                                                           torch::nn::Sequential layers,
                                                           std::vector<std::string> names)
    : description_(std::move(description)),
      layers_(register_module("layers", std::move(layers))),
      names_(std::move(names)) {
  if (names_.size() != layers_->size())
    throw Error("Internal error: network layer names (" + std::to_string(names_.size()) + ") do not match its layers (" + std::to_string(layers_->size()) + ").");
  mean_ = register_buffer("mean", torch::tensor(description_.mean, torch::kFloat).view({1, 3, 1, 1}));
  std_ = register_buffer("std", torch::tensor(description_.std, torch::kFloat).view({1, 3, 1, 1}));
  eval();
  for (auto& p : parameters()) p.set_requires_grad(false);
}

std::vector<std::string> SequentialFeatureNetworkImpl::layer_names() const {
  std::vector<std::string> out;
  for (const auto& n : names_)
    if (!n.empty()) out.push_back(n);
  return out;
}

bool SequentialFeatureNetworkImpl::has_layer(const std::string& name) const {
  return !name.empty() && std::find(names_.begin(), names_.end(), name) != names_.end();
}

std::unordered_map<std::string, torch::Tensor> SequentialFeatureNetworkImpl::features(
    const torch::Tensor& image, const std::vector<std::string>& wanted) {
  std::size_t last = 0;
  for (const auto& w : wanted) {
    auto it = std::find(names_.begin(), names_.end(), w);
    if (w.empty() || it == names_.end())
      throw Error("The network \"" + description_.display_name + "\" has no layer named \"" + w + "\".");
    last = std::max(last, static_cast<std::size_t>(it - names_.begin()));
  }
  std::unordered_map<std::string, torch::Tensor> out;
  if (wanted.empty()) return out;
  auto x = (image * description_.input_scale - mean_) / std_;
  // Mirror the borders so the convolutions see image-like context there
  // instead of zeros, then crop every returned activation back to the
  // image: the losses see no padding, so no frame appears at the edges.
  int64_t pad = std::min<int64_t>({reflect_padding_, image.size(2) - 1, image.size(3) - 1});
  x = mirror_pad(x, pad, pad, pad, pad);
  if (channels_last_) x = x.contiguous(torch::MemoryFormat::ChannelsLast);
  // Truncated forward: nothing past the deepest requested layer runs.
  std::size_t i = 0;
  for (auto it = layers_->begin(); i <= last; ++it, ++i) {
    x = it->forward(x);
    if (it->ptr()->as<torch::nn::AvgPool2dImpl>() || it->ptr()->as<torch::nn::MaxPool2dImpl>()) pad /= 2;
    if (!names_[i].empty() && std::find(wanted.begin(), wanted.end(), names_[i]) != wanted.end()) {
      using torch::indexing::Slice;
      out[names_[i]] = pad > 0 ? x.index({Slice(), Slice(), Slice(pad, x.size(2) - pad), Slice(pad, x.size(3) - pad)}) : x;
    }
  }
  return out;
}

void SequentialFeatureNetworkImpl::use_channels_last() {
  for (auto& p : parameters())
    if (p.dim() == 4) p.set_data(p.contiguous(torch::MemoryFormat::ChannelsLast));
  channels_last_ = true;
}

}  // namespace impasto

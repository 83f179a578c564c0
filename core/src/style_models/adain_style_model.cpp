// AdaIN (Huang & Belongie 2017) as published with pytorch-AdaIN: a
// normalised VGG-19 encoder up to relu4_1, adaptive instance normalisation
// of the content features to the style's statistics, and a decoder. Any
// style image in one pass.
#include "impasto/error.h"
#include "impasto/style_model.h"
#include "impasto/torch_checkpoint.h"
#include "runtime/model_name.h"
#include "kernels/padding.h"

namespace impasto {
namespace {

namespace F = torch::nn::functional;
using State = std::map<std::string, torch::Tensor>;

torch::Tensor pad_conv(const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor& b) {
  return F::conv2d(mirror_pad(x, 1, 1, 1, 1), w, F::Conv2dFuncOptions().bias(b));
}

// Mean and standard deviation per channel as pytorch-AdaIN computes them
// (unbiased variance, eps 1e-5).
std::pair<torch::Tensor, torch::Tensor> mean_std(const torch::Tensor& f) {
  auto flat = f.flatten(2);
  auto var = (flat.numel() / (f.size(0) * f.size(1)) > 1 ? flat.var(2, /*unbiased=*/true) : torch::zeros_like(flat.select(2, 0))) + 1e-5;
  return {flat.mean(2).view({f.size(0), f.size(1), 1, 1}), var.sqrt().view({f.size(0), f.size(1), 1, 1})};
}

class AdainWeightsImpl : public torch::nn::Module {
 public:
  AdainWeightsImpl(const State& encoder, const State& decoder) {
    auto add = [&](const State& s, const std::string& prefix) {
      for (const auto& [k, v] : s) {
        std::string name = prefix + k;
        std::replace(name.begin(), name.end(), '.', '_');
        w[prefix + k] = register_buffer(name, v.to(torch::kFloat).contiguous());
      }
    };
    add(encoder, "enc.");
    add(decoder, "dec.");
  }
  std::map<std::string, torch::Tensor> w;
};
TORCH_MODULE(AdainWeights);

class AdainStyleModel : public StyleModel {
 public:
  AdainStyleModel(StyleModelInfo info, AdainWeights weights) : info_(std::move(info)), w_(std::move(weights)) {}
  const StyleModelInfo& info() const override { return info_; }
  void to(torch::Device device) override { w_->to(device); }
  bool needs_style() const override { return true; }
  void set_style(const torch::Tensor& style, double alpha) override {
    style_stats_ = mean_std(encode(style));
    alpha_ = alpha;
  }
  void capture_statistics(const torch::Tensor& whole) override { content_stats_ = mean_std(encode(pad8(whole))); }
  void release_statistics() override { content_stats_ = {}; }

  torch::Tensor stylize(const torch::Tensor& image) override {
    if (!style_stats_.first.defined()) throw Error(IMPASTO_N_("This AdaIN model needs a style image."));
    const int64_t h = image.size(2), w = image.size(3);
    auto content = encode(pad8(image));
    auto cs = content_stats_.first.defined() ? content_stats_ : mean_std(content);
    auto t = (content - cs.first) / cs.second * style_stats_.second + style_stats_.first;
    t = t * alpha_ + content * (1.0 - alpha_);
    return decode(t).narrow(2, 0, h).narrow(3, 0, w).clamp(0.0, 1.0);
  }

 private:
  const torch::Tensor& p(const std::string& k) const { return w_->w.at(k); }

  // The encoder pools three times and the decoder upsamples three times.
  static torch::Tensor pad8(const torch::Tensor& x) { return pad_to_multiple(x, 8); }

  torch::Tensor encode(const torch::Tensor& x) const {
    auto conv = [&](const torch::Tensor& in, int i) {
      return torch::relu(pad_conv(in, p("enc." + std::to_string(i) + ".weight"), p("enc." + std::to_string(i) + ".bias")));
    };
    auto pool = [](const torch::Tensor& in) { return F::max_pool2d(in, F::MaxPool2dFuncOptions(2).stride(2).ceil_mode(true)); };
    auto y = F::conv2d(x, p("enc.0.weight"), F::Conv2dFuncOptions().bias(p("enc.0.bias")));
    y = pool(conv(conv(y, 2), 5));
    y = pool(conv(conv(y, 9), 12));
    y = pool(conv(conv(conv(conv(y, 16), 19), 22), 25));
    return conv(y, 29);  // relu4_1
  }

  torch::Tensor decode(const torch::Tensor& t) const {
    auto conv = [&](const torch::Tensor& in, int i, bool relu) {
      auto y = pad_conv(in, p("dec." + std::to_string(i) + ".weight"), p("dec." + std::to_string(i) + ".bias"));
      return relu ? torch::relu(y) : y;
    };
    auto up = [](const torch::Tensor& in) {
      return F::interpolate(in, F::InterpolateFuncOptions().scale_factor(std::vector<double>{2, 2}).mode(torch::kNearest));
    };
    auto y = up(conv(t, 1, true));
    y = up(conv(conv(conv(conv(y, 5, true), 8, true), 11, true), 14, true));
    y = up(conv(conv(y, 18, true), 21, true));
    return conv(conv(y, 25, true), 28, false);
  }

  StyleModelInfo info_;
  AdainWeights w_;
  std::pair<torch::Tensor, torch::Tensor> style_stats_, content_stats_;
  double alpha_ = 1.0;
};

void check(const State& s, const std::string& key, std::vector<int64_t> shape, const std::string& file) {
  auto it = s.find(key);
  if (it == s.end()) throw Error("The AdaIN file \"" + file + "\" has no \"" + key + "\".");
  if (it->second.sizes().vec() != shape) throw Error("The AdaIN file \"" + file + "\" has a wrong shape for \"" + key + "\".");
  if (!torch::isfinite(it->second).all().item<bool>())
    throw Error("The weight \"" + key + "\" in \"" + file + "\" contains NaN or infinite values.");
}

}  // namespace

std::unique_ptr<StyleModel> load_adain_style_model(const std::string& folder) {
  const std::string enc_file = folder + "/vgg_normalised.pth", dec_file = folder + "/decoder.pth";
  auto encoder = read_torch_state_dict(enc_file);
  auto decoder = read_torch_state_dict(dec_file);
  check(encoder, "0.weight", {3, 3, 1, 1}, enc_file);
  check(encoder, "0.bias", {3}, enc_file);
  const std::vector<std::pair<int, std::pair<int64_t, int64_t>>> enc{
      {2, {64, 3}}, {5, {64, 64}}, {9, {128, 64}}, {12, {128, 128}}, {16, {256, 128}},
      {19, {256, 256}}, {22, {256, 256}}, {25, {256, 256}}, {29, {512, 256}}};
  for (const auto& [i, io] : enc) {
    check(encoder, std::to_string(i) + ".weight", {io.first, io.second, 3, 3}, enc_file);
    check(encoder, std::to_string(i) + ".bias", {io.first}, enc_file);
  }
  const std::vector<std::pair<int, std::pair<int64_t, int64_t>>> dec{
      {1, {256, 512}}, {5, {256, 256}}, {8, {256, 256}}, {11, {256, 256}}, {14, {128, 256}},
      {18, {128, 128}}, {21, {64, 128}}, {25, {64, 64}}, {28, {3, 64}}};
  for (const auto& [i, io] : dec) {
    check(decoder, std::to_string(i) + ".weight", {io.first, io.second, 3, 3}, dec_file);
    check(decoder, std::to_string(i) + ".bias", {io.first}, dec_file);
  }
  return std::make_unique<AdainStyleModel>(StyleModelInfo{"adain", model_name_from_path(folder)},
                                           AdainWeights(encoder, decoder));
}

}  // namespace impasto

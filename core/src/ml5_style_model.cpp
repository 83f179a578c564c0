// The fast-style-transfer network of Engstrom (after Johnson et al. 2016) as
// exported by ml5.js: a manifest.json naming raw float32 TensorFlow
// variables. Layout (variable index order) in ../shared/README.md and below.
#include "impasto/error.h"
#include "impasto/style_model.h"
#include "instance_norm.h"
#include "padding.h"

#include <nlohmann/json.hpp>

#include <cstring>
#include <fstream>
#include <iterator>

namespace impasto {
namespace {

namespace F = torch::nn::functional;

// TensorFlow 'same' padding: the output has ceil(n / stride) samples and the
// extra padding goes after (bottom, right) when the total is odd.
torch::Tensor tf_same_pad(const torch::Tensor& x, int64_t kernel, int64_t stride) {
  auto pads = [&](int64_t n) {
    const int64_t out = (n + stride - 1) / stride;
    const int64_t total = std::max<int64_t>((out - 1) * stride + kernel - n, 0);
    return std::pair<int64_t, int64_t>{total / 2, total - total / 2};
  };
  auto [top, bottom] = pads(x.size(2));
  auto [left, right] = pads(x.size(3));
  if (top == 0 && bottom == 0 && left == 0 && right == 0) return x;
  return F::pad(x, F::PadFuncOptions({left, right, top, bottom}));
}

class Ml5TransformerNetImpl : public torch::nn::Module {
 public:
  explicit Ml5TransformerNetImpl(std::vector<torch::Tensor> vars) {
    for (std::size_t i = 0; i < vars.size(); ++i) v_.push_back(register_buffer("v" + std::to_string(i), vars[i]));
  }

  NormStatistics statistics;

  torch::Tensor forward(torch::Tensor x) {
    statistics.next = 0;
    x = x * 255.0;  // the network was trained on 0..255
    std::size_t i = 0;
    auto conv = [&](const torch::Tensor& in, int64_t stride, bool relu) {
      const auto& w = v_[i];
      auto y = F::conv2d(tf_same_pad(in, w.size(2), stride), w, F::Conv2dFuncOptions().stride(stride));
      y = instance_norm(y, v_[i + 2], v_[i + 1], 1e-3, statistics);
      i += 3;
      return relu ? torch::relu(y) : y;
    };
    auto upconv = [&](const torch::Tensor& in) {
      const auto& w = v_[i];
      // TF conv2d_transpose, 'same', stride 2: the full transposed output
      // cropped to twice the input size (the padding TF adds goes after).
      auto y = F::conv_transpose2d(in, w, F::ConvTranspose2dFuncOptions().stride(2));
      y = y.narrow(2, 0, in.size(2) * 2).narrow(3, 0, in.size(3) * 2);
      y = instance_norm(y, v_[i + 2], v_[i + 1], 1e-3, statistics);
      i += 3;
      return torch::relu(y);
    };
    x = conv(x, 1, true);
    x = conv(x, 2, true);
    x = conv(x, 2, true);
    for (int block = 0; block < 5; ++block) {
      auto r = conv(x, 1, true);
      x = x + conv(r, 1, false);
    }
    x = upconv(x);
    x = upconv(x);
    x = conv(x, 1, false);
    return torch::clamp(150.0 * torch::tanh(x) + 127.5, 0.0, 255.0) / 255.0;
  }

 private:
  std::vector<torch::Tensor> v_;
};
TORCH_MODULE(Ml5TransformerNet);

class Ml5StyleModel : public StyleModel {
 public:
  Ml5StyleModel(StyleModelInfo info, Ml5TransformerNet net) : info_(std::move(info)), net_(std::move(net)) {}
  const StyleModelInfo& info() const override { return info_; }
  // The network halves the size twice and doubles it twice.
  torch::Tensor stylize(const torch::Tensor& image) override {
    return run_at_multiple(image, 4, [&](const torch::Tensor& x) { return net_->forward(x); });
  }
  void to(torch::Device device) override { net_->to(device); }

  void capture_statistics(const torch::Tensor& whole) override {
    auto& stats = net_->statistics;
    stats = NormStatistics{};
    stats.mode = NormStatistics::Mode::Record;
    stylize(whole);
    stats.mode = NormStatistics::Mode::Replay;
  }
  void release_statistics() override { net_->statistics = NormStatistics{}; }

 private:
  StyleModelInfo info_;
  Ml5TransformerNet net_;
};

// Expected shapes, TensorFlow layout: conv [kh, kw, in, out], transposed
// conv [kh, kw, out, in], then instance-norm shift and scale.
struct Ml5Layer {
  int64_t k, in, out;
  bool transposed;
};
std::vector<Ml5Layer> ml5_layers() {
  std::vector<Ml5Layer> l{{9, 3, 32, false}, {3, 32, 64, false}, {3, 64, 128, false}};
  for (int b = 0; b < 10; ++b) l.push_back({3, 128, 128, false});
  l.push_back({3, 128, 64, true});
  l.push_back({3, 64, 32, true});
  l.push_back({9, 32, 3, false});
  return l;
}

std::string folder_name(const std::string& folder) {
  auto trimmed = folder;
  while (trimmed.size() > 1 && trimmed.back() == '/') trimmed.pop_back();
  auto slash = trimmed.find_last_of('/');
  return slash == std::string::npos ? trimmed : trimmed.substr(slash + 1);
}

}  // namespace

std::unique_ptr<StyleModel> load_ml5_style_model(const std::string& folder) {
  const std::string manifest_path = folder + "/manifest.json";
  std::ifstream in(manifest_path);
  if (!in) throw Error("Cannot open the model manifest \"" + manifest_path + "\".");
  nlohmann::json manifest;
  try {
    manifest = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw Error("The model manifest \"" + manifest_path + "\" is not valid JSON: " + e.what());
  }
  const auto layers = ml5_layers();
  std::vector<torch::Tensor> vars;
  try {
    for (std::size_t li = 0; li < layers.size(); ++li) {
      const auto& L = layers[li];
      const std::vector<std::vector<int64_t>> shapes{
          L.transposed ? std::vector<int64_t>{L.k, L.k, L.out, L.in} : std::vector<int64_t>{L.k, L.k, L.in, L.out},
          {L.out}, {L.out}};
      for (int part = 0; part < 3; ++part) {
        const std::size_t index = li * 3 + part;
        const std::string name = index == 0 ? "Variable" : "Variable_" + std::to_string(index);
        const auto& entry = manifest.at(name);
        const std::string file = entry.at("filename").get<std::string>();
        if (file.empty() || file.find('/') != std::string::npos || file.find("..") != std::string::npos)
          throw Error("The model manifest \"" + manifest_path + "\" refers to a file outside its folder: \"" + file + "\".");
        if (entry.at("shape").get<std::vector<int64_t>>() != shapes[part])
          throw Error("The model \"" + folder + "\" is not an ml5 fast-style network (" + name + " has the wrong shape).");
        std::ifstream data(folder + "/" + file, std::ios::binary);
        if (!data) throw Error("Cannot open the weight file \"" + folder + "/" + file + "\".");
        std::vector<char> bytes((std::istreambuf_iterator<char>(data)), std::istreambuf_iterator<char>());
        auto t = torch::empty(shapes[part], torch::kFloat);
        if (bytes.size() != static_cast<std::size_t>(t.numel()) * sizeof(float))
          throw Error("The weight file \"" + folder + "/" + file + "\" has the wrong size (truncated or corrupt?).");
        std::memcpy(t.data_ptr<float>(), bytes.data(), bytes.size());
        if (!torch::isfinite(t).all().item<bool>())
          throw Error("The weight file \"" + folder + "/" + file + "\" contains NaN or infinite values.");
        if (part == 0)  // to PyTorch layout: conv [out, in, kh, kw]; transposed conv [in, out, kh, kw]
          t = t.permute({3, 2, 0, 1}).contiguous();
        vars.push_back(t);
      }
    }
  } catch (const nlohmann::json::exception& e) {
    throw Error("The model manifest \"" + manifest_path + "\" is incomplete: " + e.what());
  }
  return std::make_unique<Ml5StyleModel>(StyleModelInfo{"ml5", folder_name(folder)}, Ml5TransformerNet(vars));
}

}  // namespace impasto

// Feed-forward style models saved as PyTorch state dicts, read with the
// restricted checkpoint reader (no code from the file runs):
//  - pytorch/examples fast_neural_style TransformerNet (candy, mosaic, ...),
//  - CycleGAN ResNet generators with 9 blocks (style_monet, ...).
#include "impasto/error.h"
#include "impasto/style_model.h"
#include "impasto/torch_checkpoint.h"
#include "kernels/instance_norm.h"
#include "runtime/model_name.h"
#include "kernels/padding.h"

#include <regex>

namespace impasto {
namespace {

namespace F = torch::nn::functional;
using State = std::map<std::string, torch::Tensor>;

const torch::Tensor& need(const State& s, const std::string& key, const std::string& file) {
  auto it = s.find(key);
  if (it == s.end()) throw Error("The model \"" + file + "\" has no \"" + key + "\"; it is not a complete checkpoint.");
  return it->second;
}

// Keeps the weights as buffers; forward() reads them by name.
class StateModuleImpl : public torch::nn::Module {
 public:
  StateModuleImpl(const State& state, const std::string& file) {
    for (const auto& [k, v] : state) {
      if (!torch::isfinite(v).all().item<bool>())
        throw Error("The weight \"" + k + "\" in \"" + file + "\" contains NaN or infinite values.");
      std::string name = k;
      std::replace(name.begin(), name.end(), '.', '_');
      w_[k] = register_buffer(name, v.to(torch::kFloat).contiguous());
    }
  }
  const torch::Tensor& operator[](const std::string& k) const { return w_.at(k); }
  NormStatistics statistics;

 private:
  std::map<std::string, torch::Tensor> w_;
};
TORCH_MODULE(StateModule);

torch::Tensor reflect_conv(const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor& b, int64_t stride) {
  const int64_t pad = w.size(2) / 2;
  return F::conv2d(mirror_pad(x, pad, pad, pad, pad), w, F::Conv2dFuncOptions().stride(stride).bias(b));
}

class StateStyleModel : public StyleModel {
 public:
  StateStyleModel(StyleModelInfo info, StateModule weights) : info_(std::move(info)), w_(std::move(weights)) {}
  const StyleModelInfo& info() const override { return info_; }
  // Module::to() moves buffers in place (set_data), so the by-name map stays valid.
  void to(torch::Device device) override { w_->to(device); }
  void capture_statistics(const torch::Tensor& whole) override {
    w_->statistics = NormStatistics{};
    w_->statistics.mode = NormStatistics::Mode::Record;
    stylize(whole);
    w_->statistics.mode = NormStatistics::Mode::Replay;
  }
  void release_statistics() override { w_->statistics = NormStatistics{}; }

 protected:
  torch::Tensor in(const torch::Tensor& x, const std::string& prefix, bool affine, bool relu = false) {
    auto& s = w_->statistics;
    return affine ? instance_norm(x, (*w_)[prefix + ".weight"], (*w_)[prefix + ".bias"], 1e-5, s, relu)
                  : instance_norm(x, {}, {}, 1e-5, s, relu);
  }
  const torch::Tensor& w(const std::string& k) const { return (*w_)[k]; }
  void start() { w_->statistics.next = 0; }

 private:
  StyleModelInfo info_;
  StateModule w_;
};

// pytorch/examples fast_neural_style: input and output in 0..255.
class TransformerNetModel : public StateStyleModel {
 public:
  using StateStyleModel::StateStyleModel;
  torch::Tensor stylize(const torch::Tensor& image) override {
    return run_at_multiple(image, 4, [&](const torch::Tensor& x01) {
      start();
      auto conv = [&](const torch::Tensor& x, const std::string& name, int64_t stride) {
        return reflect_conv(x, w(name + ".conv2d.weight"), w(name + ".conv2d.bias"), stride);
      };
      auto up = [&](const torch::Tensor& x) {
        return F::interpolate(x, F::InterpolateFuncOptions().scale_factor(std::vector<double>{2, 2}).mode(torch::kNearest));
      };
      auto y = in(conv(x01 * 255.0, "conv1", 1), "in1", true, /*relu=*/true);
      y = in(conv(y, "conv2", 2), "in2", true, /*relu=*/true);
      y = in(conv(y, "conv3", 2), "in3", true, /*relu=*/true);
      for (int r = 1; r <= 5; ++r) {
        const std::string p = "res" + std::to_string(r);
        auto h = in(conv(y, p + ".conv1", 1), p + ".in1", true, /*relu=*/true);
        y = y + in(conv(h, p + ".conv2", 1), p + ".in2", true);
      }
      y = in(conv(up(y), "deconv1", 1), "in4", true, /*relu=*/true);
      y = in(conv(up(y), "deconv2", 1), "in5", true, /*relu=*/true);
      y = conv(y, "deconv3", 1);
      return y.clamp(0.0, 255.0) / 255.0;
    });
  }
};

// junyanz/pytorch-CycleGAN-and-pix2pix ResnetGenerator (9 blocks, instance
// norm without affine parameters): input and output in [-1, 1].
class CycleGanModel : public StateStyleModel {
 public:
  using StateStyleModel::StateStyleModel;
  torch::Tensor stylize(const torch::Tensor& image) override {
    return run_at_multiple(image, 4, [&](const torch::Tensor& x01) {
      start();
      auto conv = [&](const torch::Tensor& x, int index, int64_t stride, bool reflect) {
        const std::string k = "model." + std::to_string(index);
        if (reflect) return reflect_conv(x, w(k + ".weight"), w(k + ".bias"), stride);
        return F::conv2d(x, w(k + ".weight"), F::Conv2dFuncOptions().stride(stride).padding(1).bias(w(k + ".bias")));
      };
      auto deconv = [&](const torch::Tensor& x, int index) {
        const std::string k = "model." + std::to_string(index);
        return F::conv_transpose2d(x, w(k + ".weight"),
                                   F::ConvTranspose2dFuncOptions().stride(2).padding(1).output_padding(1).bias(w(k + ".bias")));
      };
      auto y = in(conv(x01 * 2.0 - 1.0, 1, 1, true), "", false, /*relu=*/true);
      y = in(conv(y, 4, 2, false), "", false, /*relu=*/true);
      y = in(conv(y, 7, 2, false), "", false, /*relu=*/true);
      for (int b = 10; b <= 18; ++b) {
        const std::string p = "model." + std::to_string(b) + ".conv_block.";
        auto h = reflect_conv(y, w(p + "1.weight"), w(p + "1.bias"), 1);
        h = in(h, "", false, /*relu=*/true);
        h = reflect_conv(h, w(p + "5.weight"), w(p + "5.bias"), 1);
        y = y + in(h, "", false);
      }
      y = in(deconv(y, 19), "", false, /*relu=*/true);
      y = in(deconv(y, 22), "", false, /*relu=*/true);
      y = torch::tanh(conv(y, 26, 1, true));
      return (y + 1.0) / 2.0;
    });
  }
};

void check_shape(const State& s, const std::string& key, std::vector<int64_t> shape, const std::string& file) {
  if (need(s, key, file).sizes().vec() != shape)
    throw Error("The model \"" + file + "\" has a wrong shape for \"" + key + "\".");
}

}  // namespace

std::unique_ptr<StyleModel> load_torch_style_model(const std::string& file) {
  auto state = read_torch_state_dict(file);
  // Old fast_neural_style checkpoints carry instance-norm running statistics
  // that the network never uses.
  static const std::regex running(R"(.*in\d+\.running_(mean|var)$)");
  for (auto it = state.begin(); it != state.end();)
    it = std::regex_match(it->first, running) ? state.erase(it) : std::next(it);

  // Every weight forward() reads, with its shape: a checkpoint that loads runs.
  const auto conv = [&](const std::string& key, int64_t out, int64_t in, int64_t k) {
    check_shape(state, key + ".weight", {out, in, k, k}, file);
    check_shape(state, key + ".bias", {out}, file);
  };
  if (state.count("conv1.conv2d.weight")) {
    const auto affine = [&](const std::string& key, int64_t n) {
      check_shape(state, key + ".weight", {n}, file);
      check_shape(state, key + ".bias", {n}, file);
    };
    conv("conv1.conv2d", 32, 3, 9), affine("in1", 32);
    conv("conv2.conv2d", 64, 32, 3), affine("in2", 64);
    conv("conv3.conv2d", 128, 64, 3), affine("in3", 128);
    for (int r = 1; r <= 5; ++r) {
      const std::string p = "res" + std::to_string(r);
      conv(p + ".conv1.conv2d", 128, 128, 3), affine(p + ".in1", 128);
      conv(p + ".conv2.conv2d", 128, 128, 3), affine(p + ".in2", 128);
    }
    conv("deconv1.conv2d", 64, 128, 3), affine("in4", 64);
    conv("deconv2.conv2d", 32, 64, 3), affine("in5", 32);
    conv("deconv3.conv2d", 3, 32, 9);
    return std::make_unique<TransformerNetModel>(StyleModelInfo{"fast-neural-style", model_name_from_path(file)},
                                                 StateModule(state, file));
  }
  if (state.count("model.1.weight")) {
    conv("model.1", 64, 3, 7);
    conv("model.4", 128, 64, 3);
    conv("model.7", 256, 128, 3);
    for (int b = 10; b <= 18; ++b) {
      conv("model." + std::to_string(b) + ".conv_block.1", 256, 256, 3);
      conv("model." + std::to_string(b) + ".conv_block.5", 256, 256, 3);
    }
    // Transposed convolutions: [in, out, k, k].
    check_shape(state, "model.19.weight", {256, 128, 3, 3}, file), check_shape(state, "model.19.bias", {128}, file);
    check_shape(state, "model.22.weight", {128, 64, 3, 3}, file), check_shape(state, "model.22.bias", {64}, file);
    conv("model.26", 3, 64, 7);
    return std::make_unique<CycleGanModel>(StyleModelInfo{"cyclegan", model_name_from_path(file)}, StateModule(state, file));
  }
  throw Error("The checkpoint \"" + file + "\" is not a style model Impasto knows (fast_neural_style TransformerNet or a CycleGAN generator).");
}

}  // namespace impasto

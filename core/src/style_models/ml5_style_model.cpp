// ml5.js fast-style models (and those impasto-train writes) as StyleModels;
// the network itself is in ml5_network.h.
#include "impasto/error.h"
#include "impasto/style_model.h"
#include "style_models/ml5_inference.h"
#include "style_models/ml5_network.h"
#include "runtime/model_name.h"
#include "kernels/padding.h"

namespace impasto {
namespace {

// How far the picture is mirrored past its edges before the network: the
// width of the edge bands it paints otherwise (docs/pretrained-styles.md).
constexpr int64_t kMirrorBorder = 16;

class Ml5StyleModel : public StyleModel {
 public:
  Ml5StyleModel(StyleModelInfo info, Ml5TransformerNet net)
      : info_(std::move(info)), net_(std::move(net)), inference_(*net_, torch::kCPU) {}
  const StyleModelInfo& info() const override { return info_; }
  // The network halves the size twice and doubles it twice. Its
  // convolutions pad with zeros, more after than before at stride 2
  // (TensorFlow 'same'), so it paints a band of light or dark along the
  // right and bottom edges; the picture is mirrored past its edges by
  // kMirrorBorder pixels first and cropped back after.
  torch::Tensor stylize(const torch::Tensor& image) override { return run(image, kMirrorBorder); }
  void to(torch::Device device) override {
    net_->to(device);
    inference_ = Ml5Inference(*net_, device);
  }

  void capture_statistics(const torch::Tensor& whole) override {
    auto& stats = net_->statistics;
    stats = NormStatistics{};
    stats.mode = NormStatistics::Mode::Record;
    // Without the border: on the reduced picture it would weigh several
    // times more in the statistics than on the tiles they normalise.
    run(whole, 0);
    stats.mode = NormStatistics::Mode::Replay;
  }
  void release_statistics() override { net_->statistics = NormStatistics{}; }

 private:
  torch::Tensor run(const torch::Tensor& image, int64_t border) {
    const int64_t b = border, h = image.size(2), w = image.size(3);
    return run_at_multiple(mirror_pad(image, b, b, b, b), 4, [&](const torch::Tensor& x) {
             return inference_.forward(x, net_->statistics);
           }).narrow(2, b, h).narrow(3, b, w);
  }

  StyleModelInfo info_;
  Ml5TransformerNet net_;
  Ml5Inference inference_;
};

}  // namespace

std::unique_ptr<StyleModel> load_ml5_style_model(const std::string& folder) {
  return std::make_unique<Ml5StyleModel>(StyleModelInfo{"ml5", model_name_from_path(folder)}, read_ml5_network(folder));
}

}  // namespace impasto

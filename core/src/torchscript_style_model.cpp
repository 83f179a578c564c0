// TorchScript style models with a JSON sidecar describing their input: for
// any network exported with torch.jit.save. Only LibTorch's TorchScript
// loader runs them; the sidecar says how to feed them.
#include "impasto/error.h"
#include "impasto/style_model.h"
#include "model_name.h"
#include "padding.h"

#include <nlohmann/json.hpp>
#include <torch/script.h>

#include <fstream>

namespace impasto {
namespace {

class TorchScriptStyleModel : public StyleModel {
 public:
  TorchScriptStyleModel(StyleModelInfo info, torch::jit::Module module, double low, double high,
                        std::vector<double> mean, std::vector<double> std, int64_t multiple)
      : info_(std::move(info)), module_(std::move(module)), low_(low), high_(high),
        mean_(torch::tensor(mean, torch::kFloat).view({1, 3, 1, 1})),
        std_(torch::tensor(std, torch::kFloat).view({1, 3, 1, 1})), multiple_(multiple) {
    module_.eval();
  }
  const StyleModelInfo& info() const override { return info_; }
  void to(torch::Device device) override {
    module_.to(device);
    mean_ = mean_.to(device);
    std_ = std_.to(device);
  }
  torch::Tensor stylize(const torch::Tensor& image) override {
    const int64_t h = image.size(2), w = image.size(3);
    auto x = ((pad_to_multiple(image, multiple_) * (high_ - low_) + low_) - mean_) / std_;
    auto y = module_.forward({x}).toTensor();
    if (y.dim() != 4 || y.size(1) != 3 || y.size(2) < h || y.size(3) < w)
      throw Error("The TorchScript model \"" + info_.name + "\" did not return an RGB image of the input's size.");
    y = (y * std_ + mean_ - low_) / (high_ - low_);
    return y.narrow(2, 0, h).narrow(3, 0, w).clamp(0.0, 1.0);
  }

 private:
  StyleModelInfo info_;
  torch::jit::Module module_;
  double low_, high_;
  torch::Tensor mean_, std_;
  int64_t multiple_;
};

}  // namespace

std::unique_ptr<StyleModel> load_torchscript_style_model(const std::string& file) {
  auto dot = file.find_last_of('.');
  const std::string sidecar = (dot == std::string::npos ? file : file.substr(0, dot)) + ".json";
  std::ifstream in(sidecar);
  if (!in) throw Error("The TorchScript model \"" + file + "\" needs its description \"" + sidecar + "\".");
  nlohmann::json d;
  try {
    d = nlohmann::json::parse(in);
    auto range = d.value("input_range", std::vector<double>{0.0, 1.0});
    auto mean = d.value("mean", std::vector<double>{0.0, 0.0, 0.0});
    auto std = d.value("std", std::vector<double>{1.0, 1.0, 1.0});
    const int64_t multiple = d.value("size_multiple", 1);
    if (range.size() != 2 || !(range[1] > range[0]) || mean.size() != 3 || std.size() != 3 || multiple < 1 ||
        multiple > 256 || std::any_of(std.begin(), std.end(), [](double v) { return !(v > 0.0); }))
      throw Error("The description \"" + sidecar + "\" has an invalid input_range, mean, std or size_multiple.");
    StyleModelInfo info{"torchscript", d.value("name", std::string())};
    if (info.name.empty()) info.name = model_name_from_path(file);
    torch::jit::Module module;
    try {
      module = torch::jit::load(file, torch::kCPU);
    } catch (const c10::Error& e) {
      throw Error("Cannot load the TorchScript model \"" + file + "\": " + e.what_without_backtrace());
    }
    return std::make_unique<TorchScriptStyleModel>(info, std::move(module), range[0], range[1], mean, std, multiple);
  } catch (const nlohmann::json::exception& e) {
    throw Error("The description \"" + sidecar + "\" is not valid: " + e.what());
  }
}

}  // namespace impasto

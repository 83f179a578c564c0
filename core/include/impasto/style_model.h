// Pretrained feed-forward style models: one network pass stylises an image.
#pragma once

#include <torch/torch.h>

#include <memory>
#include <string>

namespace impasto {

struct StyleModelInfo {
  std::string format;  // "ml5", "fast-neural-style", "cyclegan", "adain", "torchscript"
  std::string name;    // from the folder or file name
};

// Implementations are TORCH_MODULEs; this is what callers see.
class StyleModel {
 public:
  virtual ~StyleModel() = default;
  virtual const StyleModelInfo& info() const = 0;
  // image: N x 3 x H x W RGB in [0, 1] -> the stylised image, same layout and size.
  virtual torch::Tensor stylize(const torch::Tensor& image) = 0;
  virtual void to(torch::Device device) = 0;

  // Tiles of one picture must be normalised alike, or each tile gets its
  // own contrast and colour. Models with instance normalisation record the
  // statistics of `whole` (the picture, scaled to fit in one pass) and use
  // them for every stylize() until release_statistics(). Others ignore it.
  virtual void capture_statistics(const torch::Tensor& whole) { (void)whole; }
  virtual void release_statistics() {}

  // Arbitrary-style models (AdaIN) take the style as an input: set it, and
  // the content-style trade-off alpha (0 content, 1 full style), before
  // stylize(). Others need no style and ignore it.
  virtual bool needs_style() const { return false; }
  virtual void set_style(const torch::Tensor& style, double alpha) { (void)style, (void)alpha; }
};

// Detects the format from the content at `path` (a folder or a file) and
// loads it; impasto::Error names the file and what is wrong.
std::unique_ptr<StyleModel> load_style_model(const std::string& path);

// The individual formats, public for tests.
std::unique_ptr<StyleModel> load_ml5_style_model(const std::string& folder);
// fast_neural_style TransformerNet or CycleGAN ResNet generator state dicts.
std::unique_ptr<StyleModel> load_torch_style_model(const std::string& file);
// AdaIN (Huang & Belongie 2017): a folder with pytorch-AdaIN's
// vgg_normalised.pth and decoder.pth.
std::unique_ptr<StyleModel> load_adain_style_model(const std::string& folder);
// TorchScript (torch.jit.save) with a JSON sidecar of the same name:
// {"name", "licence", "input_range": [lo, hi], "mean": [3], "std": [3],
//  "size_multiple": n}; the model maps (x*(hi-lo)+lo - mean)/std likewise back.
std::unique_ptr<StyleModel> load_torchscript_style_model(const std::string& file);

}  // namespace impasto

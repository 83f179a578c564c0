#include "impasto/network_loader.h"

#include "impasto/error.h"
#include "impasto/torch_checkpoint.h"
#include "kernels/winograd_conv.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <sys/stat.h>

namespace impasto {
namespace {

bool file_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::vector<char> read_file(const std::string& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("Cannot open the " + what + " \"" + path + "\".");
  std::vector<char> data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw Error("Cannot read the " + what + " \"" + path + "\".");
  return data;
}

std::string directory_of(const std::string& path) {
  auto slash = path.find_last_of('/');
  return slash == std::string::npos ? std::string(".") : path.substr(0, slash);
}

void require_finite(const torch::Tensor& t, const std::string& name, const std::string& file) {
  if (!torch::isfinite(t).all().item<bool>())
    throw Error("The weight \"" + name + "\" in \"" + file + "\" contains NaN or infinite values.");
}

// 2x2 pooling, stride 2. ceil_mode keeps the last odd row and column, as
// TensorFlow's 'same' padding does; torchvision's VGG drops them.
torch::nn::AnyModule make_pool(Pooling pooling, bool ceil_mode) {
  if (pooling == Pooling::Average)
    return torch::nn::AnyModule(torch::nn::AvgPool2d(torch::nn::AvgPool2dOptions(2).stride(2).ceil_mode(ceil_mode)));
  return torch::nn::AnyModule(torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(2).stride(2).ceil_mode(ceil_mode)));
}

// 3x3 'same' convolutions go through WinogradConv2d, which runs ATen itself
// where oneDNN's Winograd kernel is missing (winograd_conv.h); the others
// through ATen.
torch::nn::AnyModule make_conv(const torch::Tensor& weight, const torch::Tensor& bias, int64_t padding) {
  if (weight.size(2) == 3 && weight.size(3) == 3 && padding == 1)
    return torch::nn::AnyModule(WinogradConv2d(weight.contiguous(), bias.contiguous()));
  auto conv = torch::nn::Conv2d(torch::nn::Conv2dOptions(weight.size(1), weight.size(0), {weight.size(2), weight.size(3)})
                                    .padding(padding)
                                    .bias(true));
  torch::NoGradGuard no_grad;
  conv->weight.set_data(weight.contiguous());
  conv->bias.set_data(bias.contiguous());
  return torch::nn::AnyModule(conv);
}

// ---- TensorFlow.js layers format -------------------------------------------

struct TfjsWeights {
  std::map<std::string, torch::Tensor> by_name;
  const torch::Tensor& get(const std::string& layer, const std::string& what, const std::string& file) const {
    const std::string suffix = layer + "/" + what;
    for (const auto& [name, t] : by_name)
      if (name == suffix || (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0 &&
                             name[name.size() - suffix.size() - 1] == '/'))
        return t;
    throw Error("The model \"" + file + "\" has no weight \"" + suffix + "\".");
  }
};

TfjsWeights read_tfjs_weights(const nlohmann::json& manifest, const std::string& model_json) {
  const std::string dir = directory_of(model_json);
  TfjsWeights weights;
  if (!manifest.is_array()) throw Error("The model \"" + model_json + "\" has no weightsManifest list.");
  for (const auto& group : manifest) {
    std::vector<char> bytes;
    for (const auto& p : group.at("paths")) {
      const std::string rel = p.get<std::string>();
      if (rel.empty() || rel[0] == '/' || rel.find("..") != std::string::npos)
        throw Error("The model \"" + model_json + "\" refers to a weight file outside its folder: \"" + rel + "\".");
      auto part = read_file(dir + "/" + rel, "weight file");
      bytes.insert(bytes.end(), part.begin(), part.end());
    }
    std::size_t offset = 0;
    for (const auto& w : group.at("weights")) {
      const std::string name = w.at("name").get<std::string>();
      if (w.value("dtype", std::string("float32")) != "float32")
        throw Error("The weight \"" + name + "\" in \"" + model_json + "\" is not float32.");
      std::vector<int64_t> shape;
      int64_t count = 1;
      for (const auto& d : w.at("shape")) {
        const int64_t v = d.get<int64_t>();
        if (v <= 0 || v > (1 << 20)) throw Error("The weight \"" + name + "\" in \"" + model_json + "\" has an invalid shape.");
        shape.push_back(v);
        count *= v;
        if (count > (int64_t(1) << 28)) throw Error("The weight \"" + name + "\" in \"" + model_json + "\" is too large.");
      }
      const std::size_t size = static_cast<std::size_t>(count) * sizeof(float);
      if (offset + size > bytes.size())
        throw Error("The weight files of \"" + model_json + "\" are truncated (\"" + name + "\" is missing data).");
      auto t = torch::empty(shape, torch::kFloat);
      std::memcpy(t.data_ptr<float>(), bytes.data() + offset, size);  // little-endian float32
      offset += size;
      require_finite(t, name, model_json);
      weights.by_name[name] = t;
    }
    if (offset != bytes.size())
      throw Error("The weight files of \"" + model_json + "\" are larger than its manifest describes.");
  }
  return weights;
}

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
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(read_file(model_json, "model description"));
  } catch (const nlohmann::json::exception& e) {
    throw Error("The model description \"" + model_json + "\" is not valid JSON: " + e.what());
  }
  try {
    const auto& config = doc.at("modelTopology").at("model_config").at("config");
    const auto& layers = config.is_array() ? config : config.at("layers");
    auto weights = read_tfjs_weights(doc.at("weightsManifest"), model_json);

    std::vector<torch::nn::AnyModule> modules;
    std::vector<std::string> names;
    for (std::size_t i = 0; i < layers.size(); ++i) {
      const std::string cls = layers[i].at("class_name").get<std::string>();
      const auto& cfg = layers[i].at("config");
      const std::string name = cfg.at("name").get<std::string>();
      if (cls == "InputLayer") continue;
      if (cls == "Conv2D") {
        const auto ks = cfg.at("kernel_size").get<std::vector<int64_t>>();
        const auto strides = cfg.at("strides").get<std::vector<int64_t>>();
        const std::string padding = cfg.at("padding").get<std::string>();
        if (ks.size() != 2 || ks[0] != ks[1] || ks[0] % 2 == 0 || strides != std::vector<int64_t>{1, 1} ||
            cfg.value("activation", std::string("linear")) != "linear")
          throw Error("The model \"" + model_json + "\" uses a convolution Impasto does not support (" + name + ").");
        auto w = weights.get(name, "kernel", model_json).permute({3, 2, 0, 1}).contiguous();  // HWIO -> OIHW
        auto b = cfg.value("use_bias", true) ? weights.get(name, "bias", model_json) : torch::zeros({w.size(0)});
        // Fold a following batch normalisation into the convolution.
        if (i + 1 < layers.size() && layers[i + 1].at("class_name") == "BatchNormalization") {
          const auto& bn = layers[i + 1].at("config");
          const std::string bn_name = bn.at("name").get<std::string>();
          const double eps = bn.value("epsilon", 1e-3);
          auto gamma = bn.value("scale", true) ? weights.get(bn_name, "gamma", model_json) : torch::ones({w.size(0)});
          auto beta = bn.value("center", true) ? weights.get(bn_name, "beta", model_json) : torch::zeros({w.size(0)});
          auto mean = weights.get(bn_name, "moving_mean", model_json);
          auto var = weights.get(bn_name, "moving_variance", model_json);
          if (gamma.numel() != w.size(0) || mean.numel() != w.size(0) || var.numel() != w.size(0) || beta.numel() != w.size(0))
            throw Error("The batch normalisation \"" + bn_name + "\" in \"" + model_json + "\" does not match its convolution.");
          auto inv = gamma / torch::sqrt(var + eps);
          w = w * inv.view({-1, 1, 1, 1});
          b = (b - mean) * inv + beta;
          ++i;
        }
        if (b.numel() != w.size(0)) throw Error("The bias of \"" + name + "\" in \"" + model_json + "\" has the wrong size.");
        modules.emplace_back(make_conv(w, b, padding == "same" ? ks[0] / 2 : 0));
        names.emplace_back();
      } else if (cls == "LeakyReLU") {
        modules.emplace_back(torch::nn::LeakyReLU(torch::nn::LeakyReLUOptions().negative_slope(cfg.value("alpha", 0.3))));
        names.push_back(name);
      } else if (cls == "ReLU" || (cls == "Activation" && cfg.value("activation", std::string()) == "relu")) {
        modules.emplace_back(torch::nn::ReLU());
        names.push_back(name);
      } else if (cls == "MaxPooling2D" || cls == "AveragePooling2D") {
        if (cfg.at("pool_size").get<std::vector<int64_t>>() != std::vector<int64_t>{2, 2})
          throw Error("The model \"" + model_json + "\" uses a pooling size Impasto does not support (" + name + ").");
        modules.emplace_back(make_pool(pooling, true));
        names.emplace_back();
      } else if (cls == "BatchNormalization") {
        throw Error("The model \"" + model_json + "\" has a batch normalisation without a convolution before it (" + name + ").");
      } else {
        break;  // classifier head: not needed for features
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
  } catch (const nlohmann::json::exception& e) {
    throw Error("The model description \"" + model_json + "\" is not a TensorFlow.js layers model: " + e.what());
  } catch (const c10::Error& e) {
    throw Error("Cannot build the network from \"" + model_json + "\": " + e.what_without_backtrace());
  }
}

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
  d.pyramid_gain = 1.0;  // 0.5 reached the seed's 300-step loss no sooner than plain pixels
  return SequentialFeatureNetwork(d, seq, names);
}

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

std::string default_model_dir() {
  if (const char* dir = std::getenv("IMPASTO_MODEL_DIR"); dir && *dir) return dir;
  if (const char* data = std::getenv("XDG_DATA_HOME"); data && *data) return std::string(data) + "/impasto/models";
  if (const char* home = std::getenv("HOME"); home && *home) return std::string(home) + "/.local/share/impasto/models";
  return "impasto-models";
}

std::string builtin_styles_dir() {
  if (const char* dir = std::getenv("IMPASTO_STYLES_DIR"); dir && *dir) return dir;
  return IMPASTO_STYLES_DIR;
}

NetworkLoader::NetworkLoader(NetworkOptions options) : options_(std::move(options)) {
  if (options_.model_dir.empty()) options_.model_dir = default_model_dir();
}

std::string NetworkLoader::network_path(const std::string& network) const {
  if (network == "darknet-tiny") return options_.model_dir + "/darknet-tiny/model.json";
  if (network == "vgg19") return options_.model_dir + "/vgg19/vgg19.pth";
  return {};
}

SequentialFeatureNetwork NetworkLoader::load() const {
  const auto& n = options_.network;
  if (n == "random") return make_random(options_.pooling);
  if (n != "darknet-tiny" && n != "vgg19")
    throw Error("Unknown network \"" + n + "\"; choose darknet-tiny, vgg19 or random.");
  const std::string path = network_path(n);
  if (!file_exists(path)) {
    if (options_.allow_fallback) return make_random(options_.pooling);
    throw Error("The network file \"" + path + "\" is missing. Run models/fetch " + n +
                " to install it, or choose the weights-free network.");
  }
  return n == "vgg19" ? load_torchvision_vgg19(path, options_.pooling) : load_tfjs_layers(path, options_.pooling);
}

}  // namespace impasto

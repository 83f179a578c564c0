#include "formats/tfjs_layers.h"

#include "formats/weight_checks.h"
#include "impasto/error.h"

#include <nlohmann/json.hpp>

#include <cstring>
#include <fstream>
#include <iterator>
#include <map>

namespace impasto {
namespace {

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

// The Conv2D layer at `i`, and the batch normalisation after it if there is
// one, folded into one convolution; `i` then points at the normalisation.
TfjsLayer read_conv(const nlohmann::json& layers, std::size_t& i, const TfjsWeights& weights,
                    const std::string& model_json) {
  const auto& cfg = layers[i].at("config");
  const std::string name = cfg.at("name").get<std::string>();
  const auto ks = cfg.at("kernel_size").get<std::vector<int64_t>>();
  const auto strides = cfg.at("strides").get<std::vector<int64_t>>();
  const std::string padding = cfg.at("padding").get<std::string>();
  if (ks.size() != 2 || ks[0] != ks[1] || ks[0] % 2 == 0 || strides != std::vector<int64_t>{1, 1} ||
      cfg.value("activation", std::string("linear")) != "linear")
    throw Error("The model \"" + model_json + "\" uses a convolution Impasto does not support (" + name + ").");
  auto w = weights.get(name, "kernel", model_json).permute({3, 2, 0, 1}).contiguous();  // HWIO -> OIHW
  auto b = cfg.value("use_bias", true) ? weights.get(name, "bias", model_json) : torch::zeros({w.size(0)});
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
  TfjsLayer layer;
  layer.kind = TfjsLayer::Kind::Conv2D;
  layer.name = name;
  layer.weight = w;
  layer.bias = b;
  layer.padding = padding == "same" ? ks[0] / 2 : 0;
  return layer;
}

}  // namespace

std::vector<TfjsLayer> read_tfjs_layers(const std::string& model_json) {
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

    std::vector<TfjsLayer> out;
    for (std::size_t i = 0; i < layers.size(); ++i) {
      const std::string cls = layers[i].at("class_name").get<std::string>();
      const auto& cfg = layers[i].at("config");
      const std::string name = cfg.at("name").get<std::string>();
      if (cls == "InputLayer") continue;
      TfjsLayer layer;
      layer.name = name;
      if (cls == "Conv2D") {
        layer = read_conv(layers, i, weights, model_json);
      } else if (cls == "LeakyReLU") {
        layer.kind = TfjsLayer::Kind::LeakyReLU;
        layer.negative_slope = cfg.value("alpha", 0.3);
      } else if (cls == "ReLU" || (cls == "Activation" && cfg.value("activation", std::string()) == "relu")) {
        layer.kind = TfjsLayer::Kind::ReLU;
      } else if (cls == "MaxPooling2D" || cls == "AveragePooling2D") {
        if (cfg.at("pool_size").get<std::vector<int64_t>>() != std::vector<int64_t>{2, 2})
          throw Error("The model \"" + model_json + "\" uses a pooling size Impasto does not support (" + name + ").");
        layer.kind = TfjsLayer::Kind::Pool2x2;
      } else if (cls == "BatchNormalization") {
        throw Error("The model \"" + model_json + "\" has a batch normalisation without a convolution before it (" + name + ").");
      } else {
        break;  // classifier head: not needed for features
      }
      out.push_back(std::move(layer));
    }
    return out;
  } catch (const nlohmann::json::exception& e) {
    throw Error("The model description \"" + model_json + "\" is not a TensorFlow.js layers model: " + e.what());
  } catch (const c10::Error& e) {
    throw Error("Cannot build the network from \"" + model_json + "\": " + e.what_without_backtrace());
  }
}

}  // namespace impasto

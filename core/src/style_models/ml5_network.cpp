#include "style_models/ml5_network.h"

#include "impasto/error.h"

#include <nlohmann/json.hpp>

#include <cstdio>
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

std::string variable_name(std::size_t index) {
  return index == 0 ? "Variable" : "Variable_" + std::to_string(index);
}

struct LayerShape {
  int64_t kernel, in, out;
  bool transposed;
};

std::vector<LayerShape> layer_shapes(const Ml5Architecture& a) {
  const auto [w0, w1, w2] = a.widths;
  std::vector<LayerShape> l{{9, 3, w0, false}, {3, w0, w1, false}, {3, w1, w2, false}};
  for (int b = 0; b < 2 * a.residual_blocks; ++b) l.push_back({3, w2, w2, false});
  l.push_back({a.upsampling_kernel, w2, w1, true});
  l.push_back({a.upsampling_kernel, w1, w0, true});
  l.push_back({9, w0, 3, false});
  return l;
}

// TensorFlow layout <-> PyTorch layout of a kernel: conv [kh, kw, in, out]
// <-> [out, in, kh, kw]; transposed conv [kh, kw, out, in] <-> [in, out, kh, kw].
torch::Tensor kernel_from_tf(const torch::Tensor& t) { return t.permute({3, 2, 0, 1}).contiguous(); }
torch::Tensor kernel_to_tf(const torch::Tensor& t) { return t.permute({2, 3, 1, 0}).contiguous(); }

}  // namespace

torch::Tensor resize_conv_kernel(const torch::Tensor& w) {
  // Per axis, output 2m takes x[m-1] W0 + x[m] (W1 + W2) and output 2m + 1
  // takes x[m] (W0 + W1) + x[m+1] W2; a transposed tap t reaches output
  // 2m + t - 1 from x[m] (after the 'same' crop), so K = (W2, W1 + W2, W0 + W1, W0).
  auto m = torch::tensor({{0.f, 0.f, 1.f}, {0.f, 1.f, 1.f}, {1.f, 1.f, 0.f}, {1.f, 0.f, 0.f}}, w.options());
  auto k = torch::matmul(torch::matmul(m, w), m.t());  // [out, in, 4, 4]
  return k.transpose(0, 1).contiguous();
}

std::vector<int64_t> Ml5Architecture::variable_shape(std::size_t index) const {
  const auto layer = layer_shapes(*this).at(index / 3);
  if (index % 3 != 0) return {layer.out};
  if (layer.transposed) return {layer.kernel, layer.kernel, layer.out, layer.in};
  return {layer.kernel, layer.kernel, layer.in, layer.out};
}

Ml5TransformerNetImpl::Ml5TransformerNetImpl(Ml5Architecture architecture, uint64_t seed)
    : architecture_(architecture) {
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  std::vector<torch::Tensor> vars;
  for (std::size_t i = 0; i < architecture_.variable_count(); ++i) {
    const auto shape = architecture_.variable_shape(i);
    const bool transposed = i / 3 + 3 == architecture_.variable_count() / 3 || i / 3 + 2 == architecture_.variable_count() / 3;
    if (i % 3 == 1) {
      vars.push_back(torch::zeros(shape));
    } else if (i % 3 == 2) {
      vars.push_back(torch::ones(shape));
    } else if (transposed && architecture_.upsampling_kernel == 4) {
      const int64_t in = shape[3], out = shape[2];
      const double bound = 1.0 / std::sqrt(static_cast<double>(in * 9));
      vars.push_back(resize_conv_kernel(torch::empty({out, in, 3, 3}).uniform_(-bound, bound, gen)));
    } else {
      // PyTorch's default for convolutions: uniform in +-1/sqrt(fan_in).
      auto w = kernel_from_tf(torch::empty(shape));
      const double fan_in = static_cast<double>(w.size(1) * w.size(2) * w.size(3));
      const double bound = 1.0 / std::sqrt(fan_in);
      vars.push_back(w.uniform_(-bound, bound, gen));
    }
  }
  for (std::size_t i = 0; i < vars.size(); ++i) variables_.push_back(register_parameter("v" + std::to_string(i), vars[i]));
}

Ml5TransformerNetImpl::Ml5TransformerNetImpl(Ml5Architecture architecture, std::vector<torch::Tensor> variables)
    : architecture_(architecture) {
  if (variables.size() != architecture_.variable_count()) throw Error("Wrong number of variables for this network.");
  for (std::size_t i = 0; i < variables.size(); ++i)
    variables_.push_back(register_parameter("v" + std::to_string(i), variables[i], /*requires_grad=*/false));
}

torch::Tensor Ml5TransformerNetImpl::forward(torch::Tensor x) { return torch::clamp(unclipped(x), 0.0, 1.0); }

torch::Tensor Ml5TransformerNetImpl::unclipped(torch::Tensor x) {
  statistics.next = 0;
  const auto& v = variables_;
  x = x * 255.0;  // the published networks were trained on 0..255
  std::size_t i = 0;
  auto norm = [&](const torch::Tensor& y) {
    auto out = instance_norm(y, v[i + 2], v[i + 1], 1e-3, statistics);
    i += 3;
    return out;
  };
  auto conv = [&](const torch::Tensor& in, int64_t stride, bool relu) {
    const auto& w = v[i];
    auto y = norm(F::conv2d(tf_same_pad(in, w.size(2), stride), w, F::Conv2dFuncOptions().stride(stride)));
    return relu ? torch::relu(y) : y;
  };
  auto upconv = [&](const torch::Tensor& in) {
    // TF conv2d_transpose, 'same', stride 2: the full transposed output
    // cropped to twice the input size, from (kernel - 2) / 2 (the larger
    // half of TF's padding goes after).
    auto y = F::conv_transpose2d(in, v[i], F::ConvTranspose2dFuncOptions().stride(2));
    const int64_t offset = (v[i].size(2) - 2) / 2;
    y = y.narrow(2, offset, in.size(2) * 2).narrow(3, offset, in.size(3) * 2);
    return torch::relu(norm(y));
  };
  x = conv(x, 1, true);
  x = conv(x, 2, true);
  x = conv(x, 2, true);
  for (int block = 0; block < architecture_.residual_blocks; ++block) {
    auto r = conv(x, 1, true);
    x = x + conv(r, 1, false);
  }
  x = upconv(x);
  x = upconv(x);
  x = conv(x, 1, false);
  return (150.0 * torch::tanh(x) + 127.5) / 255.0;
}

Ml5TransformerNet read_ml5_network(const std::string& folder) {
  const std::string manifest_path = folder + "/manifest.json";
  std::ifstream in(manifest_path);
  if (!in) throw Error("Cannot open the model manifest \"" + manifest_path + "\".");
  nlohmann::json manifest;
  try {
    manifest = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw Error("The model manifest \"" + manifest_path + "\" is not valid JSON: " + e.what());
  }
  const auto not_ml5 = [&](const std::string& why) {
    return Error("The model \"" + folder + "\" is not an ml5 fast-style network (" + why + ").");
  };
  try {
    if (!manifest.is_object()) throw not_ml5("the manifest is not an object");
    // The architecture follows from the variable count and the first widths;
    // every shape is then checked against it.
    std::size_t count = 0;
    while (count < 1000 && manifest.contains(variable_name(count))) ++count;
    if (count < 18 || (count - 18) % 6 != 0 || count > 18 + 6 * 32)
      throw not_ml5("it has " + std::to_string(count) + " variables");
    Ml5Architecture arch;
    arch.residual_blocks = static_cast<int>((count - 18) / 6);
    const auto width_of = [&](std::size_t index) {
      const auto shape = manifest.at(variable_name(index)).at("shape").get<std::vector<int64_t>>();
      if (shape.size() != 4 || shape[3] < 1 || shape[3] > 1024) throw not_ml5(variable_name(index) + " has the wrong shape");
      return shape[3];
    };
    arch.widths = {width_of(0), width_of(3), width_of(6)};
    const std::size_t upsampling = count - 9;  // the first transposed convolution
    const auto up_shape = manifest.at(variable_name(upsampling)).at("shape").get<std::vector<int64_t>>();
    if (up_shape.size() != 4 || (up_shape[0] != 3 && up_shape[0] != 4))
      throw not_ml5(variable_name(upsampling) + " has the wrong shape");
    arch.upsampling_kernel = static_cast<int>(up_shape[0]);

    std::vector<torch::Tensor> vars;
    for (std::size_t index = 0; index < count; ++index) {
      const std::string name = variable_name(index);
      const auto& entry = manifest.at(name);
      const std::string file = entry.at("filename").get<std::string>();
      if (file.empty() || file.find('/') != std::string::npos || file.find('\\') != std::string::npos ||
          file.find("..") != std::string::npos)
        throw Error("The model manifest \"" + manifest_path + "\" refers to a file outside its folder: \"" + file + "\".");
      const auto shape = arch.variable_shape(index);
      if (entry.at("shape").get<std::vector<int64_t>>() != shape) throw not_ml5(name + " has the wrong shape");
      std::ifstream data(folder + "/" + file, std::ios::binary);
      if (!data) throw Error("Cannot open the weight file \"" + folder + "/" + file + "\".");
      std::vector<char> bytes((std::istreambuf_iterator<char>(data)), std::istreambuf_iterator<char>());
      auto t = torch::empty(shape, torch::kFloat);
      if (bytes.size() != static_cast<std::size_t>(t.numel()) * sizeof(float))
        throw Error("The weight file \"" + folder + "/" + file + "\" has the wrong size (truncated or corrupt?).");
      std::memcpy(t.data_ptr<float>(), bytes.data(), bytes.size());
      if (!torch::isfinite(t).all().item<bool>())
        throw Error("The weight file \"" + folder + "/" + file + "\" contains NaN or infinite values.");
      vars.push_back(index % 3 == 0 ? kernel_from_tf(t) : t);
    }
    return Ml5TransformerNet(arch, std::move(vars));
  } catch (const nlohmann::json::exception& e) {
    throw Error("The model manifest \"" + manifest_path + "\" is incomplete: " + e.what());
  }
}

void write_ml5_network(Ml5TransformerNet& net, const std::string& folder) {
  nlohmann::json manifest = nlohmann::json::object();
  const auto& vars = net->variables();
  for (std::size_t index = 0; index < vars.size(); ++index) {
    const std::string name = variable_name(index);
    auto t = vars[index].detach().to(torch::kCPU, torch::kFloat);
    if (index % 3 == 0) t = kernel_to_tf(t);
    t = t.contiguous();
    const std::string path = folder + "/" + name;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(t.data_ptr<float>()), static_cast<std::streamsize>(t.numel() * sizeof(float)));
    if (!out.flush()) throw Error("Cannot write the weight file \"" + path + "\".");
    manifest[name] = {{"filename", name}, {"shape", t.sizes().vec()}};
  }
  // The manifest last, through a rename: a folder with a manifest is complete.
  const std::string manifest_path = folder + "/manifest.json";
  const std::string partial = manifest_path + ".part";
  {
    std::ofstream out(partial, std::ios::trunc);
    out << manifest.dump(1) << "\n";
    if (!out.flush()) throw Error("Cannot write the model manifest \"" + manifest_path + "\".");
  }
  if (std::rename(partial.c_str(), manifest_path.c_str()) != 0)
    throw Error("Cannot write the model manifest \"" + manifest_path + "\".");
}

}  // namespace impasto

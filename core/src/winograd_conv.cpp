#include "winograd_conv.h"

#include <oneapi/dnnl/dnnl.hpp>

#include <cstdlib>
#include <mutex>
#include <string>

namespace impasto {

using dnnl::memory;

// One layer's weights and the oneDNN formats prepared from them. oneDNN
// picks the transformed weight layout per input shape (its blocking
// depends on the picture size), so each pass keeps the last one it used.
class WinogradKernel {
 public:
  WinogradKernel(torch::Tensor weight, torch::Tensor bias)
      : weight_(weight.detach().contiguous()), bias_(bias.defined() ? bias.detach().contiguous() : bias) {}

  torch::Tensor forward(const torch::Tensor& input);
  torch::Tensor backward_data(const torch::Tensor& grad_output, at::IntArrayRef input_sizes);

  // The forward primitive for this input shape, or an empty one when
  // oneDNN has no Winograd kernel for it on this CPU.
  dnnl::convolution_forward::primitive_desc forward_desc(at::IntArrayRef input_sizes) const;

 private:
  struct Prepared {
    memory::desc desc;
    torch::Tensor bytes;
  };
  memory weights_as(const memory::desc& desc, Prepared& slot);

  dnnl::engine engine_{dnnl::engine::kind::cpu, 0};
  torch::Tensor weight_, bias_;
  std::mutex mutex_;  // a network may serve the preview and a render at once
  Prepared forward_weights_, backward_weights_;
};

namespace {

constexpr std::size_t kMaxScratchpad = std::size_t{512} << 20;

memory::dims dims_of(at::IntArrayRef sizes) { return memory::dims(sizes.begin(), sizes.end()); }

// Scratch for one blocked activation, from LibTorch's allocator so that a
// job's recycling allocator serves it too.
memory scratch(const memory::desc& desc, const dnnl::engine& engine, torch::Tensor& holder) {
  holder = torch::empty({static_cast<int64_t>(desc.get_size())}, torch::kByte);
  return memory(desc, engine, holder.data_ptr());
}

// The kernel's transform buffers come from LibTorch's allocator too: left to
// oneDNN, they are fresh mmaps at every call, and faulting their pages in
// cost more than the convolution saved.
dnnl::primitive_attr user_scratchpad() {
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  return attr;
}

// Reorders between a channels_last LibTorch tensor and oneDNN's layout.
void reorder(memory& from, memory& to, dnnl::stream& stream) { dnnl::reorder(from, to).execute(stream, from, to); }

}  // namespace

dnnl::convolution_forward::primitive_desc WinogradKernel::forward_desc(at::IntArrayRef input_sizes) const {
  const int64_t n = input_sizes[0], h = input_sizes[2], w = input_sizes[3];
  const int64_t out = weight_.size(0), in = weight_.size(1);
  const memory::desc src({n, in, h, w}, memory::data_type::f32, memory::format_tag::any);
  const memory::desc wei({out, in, 3, 3}, memory::data_type::f32, memory::format_tag::any);
  const memory::desc dst({n, out, h, w}, memory::data_type::f32, memory::format_tag::any);
  const memory::dims stride{1, 1}, pad{1, 1};
  auto alg = dnnl::algorithm::convolution_winograd;
  auto prop = dnnl::prop_kind::forward_training;
  auto desc = bias_.defined()
                  ? dnnl::convolution_forward::desc(prop, alg, src, wei, memory::desc({out}, memory::data_type::f32, memory::format_tag::x),
                                                    dst, stride, pad, pad)
                  : dnnl::convolution_forward::desc(prop, alg, src, wei, dst, stride, pad, pad);
  dnnl::convolution_forward::primitive_desc pd(desc, user_scratchpad(), engine_, /*allow_empty=*/true);
  // For wide layers on large pictures the kernel transforms the whole
  // picture at once, with a scratch pad of about 4.5 activations; past
  // kMaxScratchpad the direct kernel, which needs none, runs instead.
  if (pd && pd.scratchpad_desc().get_size() > kMaxScratchpad) return {};
  return pd;
}

memory WinogradKernel::weights_as(const memory::desc& desc, Prepared& slot) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!slot.bytes.defined() || slot.desc != desc) {
    torch::Tensor bytes;
    memory prepared = scratch(desc, engine_, bytes);
    memory plain({dims_of(weight_.sizes()), memory::data_type::f32, memory::format_tag::oihw}, engine_, weight_.data_ptr());
    dnnl::stream stream(engine_);
    reorder(plain, prepared, stream);
    stream.wait();
    slot = {desc, bytes};
  }
  return memory(desc, engine_, slot.bytes.data_ptr());
}

torch::Tensor WinogradKernel::forward(const torch::Tensor& input) {
  auto x = input.contiguous(at::MemoryFormat::ChannelsLast);
  auto pd = forward_desc(x.sizes());
  dnnl::stream stream(engine_);
  memory user_src({dims_of(x.sizes()), memory::data_type::f32, memory::format_tag::nhwc}, engine_, x.data_ptr());
  torch::Tensor src_bytes, dst_bytes;
  memory src = scratch(pd.src_desc(), engine_, src_bytes), dst = scratch(pd.dst_desc(), engine_, dst_bytes);
  memory weights = weights_as(pd.weights_desc(), forward_weights_);
  reorder(user_src, src, stream);
  torch::Tensor scratchpad_bytes;
  std::unordered_map<int, memory> args{{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, weights}, {DNNL_ARG_DST, dst},
                                       {DNNL_ARG_SCRATCHPAD, scratch(pd.scratchpad_desc(), engine_, scratchpad_bytes)}};
  if (bias_.defined())
    args.emplace(DNNL_ARG_BIAS, memory({{weight_.size(0)}, memory::data_type::f32, memory::format_tag::x}, engine_, bias_.data_ptr()));
  dnnl::convolution_forward(pd).execute(stream, args);
  // At most the input, its two blocked copies and the scratch pad at once.
  args.clear();
  src_bytes.reset();
  scratchpad_bytes.reset();
  auto out = torch::empty({x.size(0), weight_.size(0), x.size(2), x.size(3)},
                          x.options().memory_format(at::MemoryFormat::ChannelsLast));
  memory user_dst({dims_of(out.sizes()), memory::data_type::f32, memory::format_tag::nhwc}, engine_, out.data_ptr());
  reorder(dst, user_dst, stream);
  stream.wait();
  return out;
}

torch::Tensor WinogradKernel::backward_data(const torch::Tensor& grad_output, at::IntArrayRef input_sizes) {
  auto g = grad_output.contiguous(at::MemoryFormat::ChannelsLast);
  auto forward_pd = forward_desc(input_sizes);
  const memory::dims stride{1, 1}, pad{1, 1};
  dnnl::convolution_backward_data::desc desc(
      dnnl::algorithm::convolution_winograd, forward_pd.src_desc(), forward_pd.weights_desc(), forward_pd.dst_desc(), stride, pad, pad);
  dnnl::convolution_backward_data::primitive_desc pd(desc, user_scratchpad(), engine_, forward_pd, /*allow_empty=*/true);
  if (!pd || pd.scratchpad_desc().get_size() > kMaxScratchpad) {
    // Same gradient through ATen: a stride-1 convolution's input gradient
    // is the transposed convolution of the output gradient.
    return torch::conv_transpose2d(g, weight_, {}, 1, 1).contiguous(at::MemoryFormat::ChannelsLast);
  }
  dnnl::stream stream(engine_);
  memory user_diff_dst({dims_of(g.sizes()), memory::data_type::f32, memory::format_tag::nhwc}, engine_, g.data_ptr());
  torch::Tensor diff_dst_bytes, diff_src_bytes, scratchpad_bytes;
  memory diff_dst = scratch(pd.diff_dst_desc(), engine_, diff_dst_bytes);
  memory diff_src = scratch(pd.diff_src_desc(), engine_, diff_src_bytes);
  memory weights = weights_as(pd.weights_desc(), backward_weights_);
  reorder(user_diff_dst, diff_dst, stream);
  dnnl::convolution_backward_data(pd).execute(
      stream, {{DNNL_ARG_DIFF_DST, diff_dst}, {DNNL_ARG_WEIGHTS, weights}, {DNNL_ARG_DIFF_SRC, diff_src},
               {DNNL_ARG_SCRATCHPAD, scratch(pd.scratchpad_desc(), engine_, scratchpad_bytes)}});
  diff_dst_bytes.reset();
  scratchpad_bytes.reset();
  auto grad_in = torch::empty(input_sizes, g.options().memory_format(at::MemoryFormat::ChannelsLast));
  memory user_diff_src({dims_of(input_sizes), memory::data_type::f32, memory::format_tag::nhwc}, engine_, grad_in.data_ptr());
  reorder(diff_src, user_diff_src, stream);
  stream.wait();
  return grad_in;
}

namespace {

// Carries a kernel through the autograd context (whose saved data are IValues).
struct KernelCapsule : torch::CustomClassHolder {
  explicit KernelCapsule(std::shared_ptr<WinogradKernel> k) : kernel(std::move(k)) {}
  std::shared_ptr<WinogradKernel> kernel;
};

// The gradient reaches the input only; the weights are constants.
struct WinogradFunction : public torch::autograd::Function<WinogradFunction> {
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x,
                               const std::shared_ptr<WinogradKernel>& kernel) {
    ctx->saved_data["kernel"] = c10::IValue::make_capsule(c10::make_intrusive<KernelCapsule>(kernel));
    ctx->saved_data["sizes"] = x.sizes().vec();
    return kernel->forward(x);
  }
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx, torch::autograd::variable_list grads) {
    auto kernel = c10::static_intrusive_pointer_cast<KernelCapsule>(ctx->saved_data["kernel"].toCapsule())->kernel;
    const auto sizes = ctx->saved_data["sizes"].toIntVector();
    return {kernel->backward_data(grads[0], sizes), torch::Tensor()};
  }
};

bool usable_on(const torch::Tensor& x) {
  return x.device().is_cpu() && x.scalar_type() == torch::kFloat && x.dim() == 4;
}

}  // namespace

std::shared_ptr<WinogradKernel> make_winograd_kernel(const torch::Tensor& weight, const torch::Tensor& bias) {
  // IMPASTO_WINOGRAD=off: ATen's convolution everywhere, to compare
  // (docs/benchmarks.md) or to rule the kernel out.
  const char* setting = std::getenv("IMPASTO_WINOGRAD");
  if (setting && std::string(setting) == "off") return {};
  if (weight.dim() != 4 || weight.size(2) != 3 || weight.size(3) != 3 || !usable_on(weight) || weight.requires_grad() ||
      (bias.defined() && bias.requires_grad()))
    return {};
  auto kernel = std::make_shared<WinogradKernel>(weight, bias);
  // A typical shape: oneDNN's kernel wants channel counts it can block.
  if (!kernel->forward_desc({1, weight.size(1), 64, 64})) return {};
  return kernel;
}

torch::Tensor winograd_conv2d(const torch::Tensor& x, const std::shared_ptr<WinogradKernel>& kernel,
                              const torch::Tensor& weight, const torch::Tensor& bias) {
  if (!kernel || !usable_on(x) || !kernel->forward_desc(x.sizes()))
    return torch::nn::functional::conv2d(x, weight, torch::nn::functional::Conv2dFuncOptions().bias(bias).padding(1));
  if (torch::GradMode::is_enabled() && x.requires_grad()) return WinogradFunction::apply(x, kernel);
  return kernel->forward(x);
}

WinogradConv2dImpl::WinogradConv2dImpl(const torch::Tensor& w, const torch::Tensor& b) {
  weight = register_parameter("weight", w.detach().clone(), /*requires_grad=*/false);
  if (b.defined()) bias = register_parameter("bias", b.detach().clone(), /*requires_grad=*/false);
  kernel_ = make_winograd_kernel(weight, bias);
}

torch::Tensor WinogradConv2dImpl::forward(const torch::Tensor& x) { return winograd_conv2d(x, kernel_, weight, bias); }

bool WinogradConv2dImpl::supported() {
  return static_cast<bool>(make_winograd_kernel(torch::zeros({16, 16, 3, 3}), torch::Tensor()));
}

}  // namespace impasto

#include "kernels/winograd_conv.h"

#include <oneapi/dnnl/dnnl.hpp>

#include <array>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace impasto {

using dnnl::memory;

namespace {

constexpr std::size_t kMaxScratchpad = std::size_t{512} << 20;

memory::dims dims_of(at::IntArrayRef sizes) { return memory::dims(sizes.begin(), sizes.end()); }

memory::desc nhwc(const memory::dims& dims) { return {dims, memory::data_type::f32, memory::format_tag::nhwc}; }

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

dnnl::reorder make_reorder(const dnnl::engine& engine, const memory::desc& from, const memory::desc& to) {
  return dnnl::reorder(dnnl::reorder::primitive_desc(engine, from, engine, to));
}

void run_reorder(const dnnl::reorder& r, dnnl::stream& stream, memory& from, memory& to) {
  r.execute(stream, {{DNNL_ARG_FROM, from}, {DNNL_ARG_TO, to}});
}

}  // namespace

// One layer's weights and what oneDNN prepared for each input shape.
class WinogradKernel {
 public:
  WinogradKernel(torch::Tensor weight, torch::Tensor bias)
      : weight_(weight.detach().contiguous()), bias_(bias.defined() ? bias.detach().contiguous() : bias) {}

  // Whether the Winograd kernel takes this N x C x H x W input.
  bool takes(at::IntArrayRef input_sizes) { return plan(input_sizes)->forward_ready; }

  torch::Tensor forward(const torch::Tensor& input);
  torch::Tensor backward_data(const torch::Tensor& grad_output, at::IntArrayRef input_sizes);

  // The blocked chain (winograd_conv.h): shapes are N x C/16 x H x W x 16.
  bool chains(at::IntArrayRef input_sizes) { return plan(input_sizes)->chain_ready; }
  torch::Tensor to_blocked(const torch::Tensor& input);
  torch::Tensor forward_blocked(const torch::Tensor& blocked);
  torch::Tensor from_blocked(const torch::Tensor& blocked);

 private:
  // Primitives and layout changes for one input shape, made once: creating
  // them costs about as much as running a small layer.
  struct Plan {
    bool forward_ready = false, backward_ready = false;
    bool chain_ready = false;  // input and output in the same 16-channel blocks
    dnnl::convolution_forward::primitive_desc forward_desc;
    dnnl::convolution_forward forward;
    dnnl::reorder to_src, from_dst;
    dnnl::convolution_backward_data::primitive_desc backward_desc;
    dnnl::convolution_backward_data backward;
    dnnl::reorder to_diff_dst, from_diff_src;
  };
  struct Prepared {
    memory::desc desc;
    torch::Tensor bytes;
  };
  std::shared_ptr<const Plan> plan(at::IntArrayRef input_sizes);
  std::shared_ptr<const Plan> make_plan(int64_t n, int64_t h, int64_t w) const;
  memory weights_as(const memory::desc& desc, Prepared& slot);
  // Runs the forward primitive from src to dst, both in its own layouts.
  void run_forward(const Plan& p, dnnl::stream& stream, memory& src, memory& dst);

  dnnl::engine engine_{dnnl::engine::kind::cpu, 0};
  torch::Tensor weight_, bias_;
  std::mutex mutex_;  // a network may serve the preview and a render at once
  std::map<std::array<int64_t, 3>, std::shared_ptr<const Plan>> plans_;
  // oneDNN picks the transformed weight layout per shape; each pass keeps
  // the last one it used.
  Prepared forward_weights_, backward_weights_;
};

std::shared_ptr<const WinogradKernel::Plan> WinogradKernel::plan(at::IntArrayRef sizes) {
  const std::array<int64_t, 3> key{sizes[0], sizes[2], sizes[3]};
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto found = plans_.find(key);
    if (found != plans_.end()) return found->second;
  }
  auto made = make_plan(key[0], key[1], key[2]);
  std::lock_guard<std::mutex> lock(mutex_);
  if (plans_.size() >= 32) plans_.clear();  // a job uses a handful of sizes
  return plans_.emplace(key, made).first->second;
}

std::shared_ptr<const WinogradKernel::Plan> WinogradKernel::make_plan(int64_t n, int64_t h, int64_t w) const {
  auto p = std::make_shared<Plan>();
  const int64_t out = weight_.size(0), in = weight_.size(1);
  const memory::dims src_dims{n, in, h, w}, dst_dims{n, out, h, w};
  const memory::desc src(src_dims, memory::data_type::f32, memory::format_tag::any);
  const memory::desc wei({out, in, 3, 3}, memory::data_type::f32, memory::format_tag::any);
  const memory::desc dst(dst_dims, memory::data_type::f32, memory::format_tag::any);
  const memory::dims stride{1, 1}, pad{1, 1};
  const auto alg = dnnl::algorithm::convolution_winograd;
  const auto prop = dnnl::prop_kind::forward_training;
  auto desc = bias_.defined()
                  ? dnnl::convolution_forward::desc(prop, alg, src, wei, memory::desc({out}, memory::data_type::f32, memory::format_tag::x),
                                                    dst, stride, pad, pad)
                  : dnnl::convolution_forward::desc(prop, alg, src, wei, dst, stride, pad, pad);
  p->forward_desc = dnnl::convolution_forward::primitive_desc(desc, user_scratchpad(), engine_, /*allow_empty=*/true);
  // For wide layers on large pictures the kernel transforms the whole
  // picture at once, with a scratch pad of about 4.5 activations; past
  // kMaxScratchpad the direct kernel, which needs none, runs instead.
  if (!p->forward_desc || p->forward_desc.scratchpad_desc().get_size() > kMaxScratchpad) return p;
  p->forward = dnnl::convolution_forward(p->forward_desc);
  p->to_src = make_reorder(engine_, nhwc(src_dims), p->forward_desc.src_desc());
  p->from_dst = make_reorder(engine_, p->forward_desc.dst_desc(), nhwc(dst_dims));
  p->forward_ready = true;
  p->chain_ready = in == out && in % 16 == 0 &&
                   p->forward_desc.src_desc() == memory::desc(src_dims, memory::data_type::f32, memory::format_tag::nChw16c) &&
                   p->forward_desc.dst_desc() == p->forward_desc.src_desc();

  dnnl::convolution_backward_data::desc backward(alg, p->forward_desc.src_desc(), p->forward_desc.weights_desc(),
                                                 p->forward_desc.dst_desc(), stride, pad, pad);
  p->backward_desc = dnnl::convolution_backward_data::primitive_desc(backward, user_scratchpad(), engine_, p->forward_desc,
                                                                     /*allow_empty=*/true);
  if (!p->backward_desc || p->backward_desc.scratchpad_desc().get_size() > kMaxScratchpad) return p;
  p->backward = dnnl::convolution_backward_data(p->backward_desc);
  p->to_diff_dst = make_reorder(engine_, nhwc(dst_dims), p->backward_desc.diff_dst_desc());
  p->from_diff_src = make_reorder(engine_, p->backward_desc.diff_src_desc(), nhwc(src_dims));
  p->backward_ready = true;
  return p;
}

memory WinogradKernel::weights_as(const memory::desc& desc, Prepared& slot) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!slot.bytes.defined() || slot.desc != desc) {
    torch::Tensor bytes;
    memory prepared = scratch(desc, engine_, bytes);
    memory plain({dims_of(weight_.sizes()), memory::data_type::f32, memory::format_tag::oihw}, engine_, weight_.data_ptr());
    dnnl::stream stream(engine_);
    auto r = make_reorder(engine_, plain.get_desc(), desc);
    run_reorder(r, stream, plain, prepared);
    stream.wait();
    slot = {desc, bytes};
  }
  return memory(desc, engine_, slot.bytes.data_ptr());
}

void WinogradKernel::run_forward(const Plan& p, dnnl::stream& stream, memory& src, memory& dst) {
  const auto& pd = p.forward_desc;
  torch::Tensor scratchpad_bytes;
  std::unordered_map<int, memory> args{{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, weights_as(pd.weights_desc(), forward_weights_)},
                                       {DNNL_ARG_DST, dst},
                                       {DNNL_ARG_SCRATCHPAD, scratch(pd.scratchpad_desc(), engine_, scratchpad_bytes)}};
  if (bias_.defined())
    args.emplace(DNNL_ARG_BIAS, memory({{weight_.size(0)}, memory::data_type::f32, memory::format_tag::x}, engine_, bias_.data_ptr()));
  p.forward.execute(stream, args);
  stream.wait();  // before the scratch pad goes back to the allocator
}

torch::Tensor WinogradKernel::forward(const torch::Tensor& input) {
  auto x = input.contiguous(at::MemoryFormat::ChannelsLast);
  auto p = plan(x.sizes());
  const auto& pd = p->forward_desc;
  dnnl::stream stream(engine_);
  memory user_src(nhwc(dims_of(x.sizes())), engine_, x.data_ptr());
  torch::Tensor src_bytes, dst_bytes;
  memory src = scratch(pd.src_desc(), engine_, src_bytes), dst = scratch(pd.dst_desc(), engine_, dst_bytes);
  run_reorder(p->to_src, stream, user_src, src);
  run_forward(*p, stream, src, dst);
  // At most the input, its two blocked copies and the scratch pad at once.
  src_bytes.reset();
  auto out = torch::empty({x.size(0), weight_.size(0), x.size(2), x.size(3)},
                          x.options().memory_format(at::MemoryFormat::ChannelsLast));
  memory user_dst(nhwc(dims_of(out.sizes())), engine_, out.data_ptr());
  run_reorder(p->from_dst, stream, dst, user_dst);
  stream.wait();
  return out;
}

namespace {

std::vector<int64_t> plain_sizes(const torch::Tensor& blocked) {
  return {blocked.size(0), blocked.size(1) * blocked.size(4), blocked.size(2), blocked.size(3)};
}

}  // namespace

torch::Tensor WinogradKernel::to_blocked(const torch::Tensor& input) {
  auto x = input.contiguous(at::MemoryFormat::ChannelsLast);
  auto p = plan(x.sizes());
  auto blocked = torch::empty({x.size(0), x.size(1) / 16, x.size(2), x.size(3), 16}, x.options());
  dnnl::stream stream(engine_);
  memory from(nhwc(dims_of(x.sizes())), engine_, x.data_ptr()), to(p->forward_desc.src_desc(), engine_, blocked.data_ptr());
  run_reorder(p->to_src, stream, from, to);
  stream.wait();
  return blocked;
}

torch::Tensor WinogradKernel::from_blocked(const torch::Tensor& blocked) {
  const auto sizes = plain_sizes(blocked);
  auto p = plan(sizes);
  auto x = torch::empty(sizes, blocked.options().memory_format(at::MemoryFormat::ChannelsLast));
  auto b = blocked.contiguous();
  dnnl::stream stream(engine_);
  memory from(p->forward_desc.dst_desc(), engine_, b.data_ptr()), to(nhwc(dims_of(x.sizes())), engine_, x.data_ptr());
  run_reorder(p->from_dst, stream, from, to);
  stream.wait();
  return x;
}

torch::Tensor WinogradKernel::forward_blocked(const torch::Tensor& blocked) {
  auto b = blocked.contiguous();
  auto p = plan(plain_sizes(b));
  auto out = torch::empty(b.sizes(), b.options());
  memory src(p->forward_desc.src_desc(), engine_, b.data_ptr()), dst(p->forward_desc.dst_desc(), engine_, out.data_ptr());
  dnnl::stream stream(engine_);
  run_forward(*p, stream, src, dst);
  return out;
}

torch::Tensor WinogradKernel::backward_data(const torch::Tensor& grad_output, at::IntArrayRef input_sizes) {
  auto g = grad_output.contiguous(at::MemoryFormat::ChannelsLast);
  auto p = plan(input_sizes);
  if (!p->backward_ready) {
    // Same gradient through ATen: a stride-1 convolution's input gradient
    // is the transposed convolution of the output gradient.
    return torch::conv_transpose2d(g, weight_, {}, 1, 1).contiguous(at::MemoryFormat::ChannelsLast);
  }
  const auto& pd = p->backward_desc;
  dnnl::stream stream(engine_);
  memory user_diff_dst(nhwc(dims_of(g.sizes())), engine_, g.data_ptr());
  torch::Tensor diff_dst_bytes, diff_src_bytes, scratchpad_bytes;
  memory diff_dst = scratch(pd.diff_dst_desc(), engine_, diff_dst_bytes);
  memory diff_src = scratch(pd.diff_src_desc(), engine_, diff_src_bytes);
  memory weights = weights_as(pd.weights_desc(), backward_weights_);
  run_reorder(p->to_diff_dst, stream, user_diff_dst, diff_dst);
  p->backward.execute(stream, {{DNNL_ARG_DIFF_DST, diff_dst}, {DNNL_ARG_WEIGHTS, weights}, {DNNL_ARG_DIFF_SRC, diff_src},
                                   {DNNL_ARG_SCRATCHPAD, scratch(pd.scratchpad_desc(), engine_, scratchpad_bytes)}});
  diff_dst_bytes.reset();
  scratchpad_bytes.reset();
  auto grad_in = torch::empty(input_sizes, g.options().memory_format(at::MemoryFormat::ChannelsLast));
  memory user_diff_src(nhwc(dims_of(input_sizes)), engine_, grad_in.data_ptr());
  run_reorder(p->from_diff_src, stream, diff_src, user_diff_src);
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
  // Below 16 channels on either side the transforms and layout changes
  // cost more than the multiplications saved (docs/benchmarks.md).
  if (weight.size(0) < 16 || weight.size(1) < 16) return {};
  auto kernel = std::make_shared<WinogradKernel>(weight, bias);
  if (!kernel->takes({1, weight.size(1), 64, 64})) return {};  // no such kernel on this CPU
  return kernel;
}

torch::Tensor winograd_conv2d(const torch::Tensor& x, const std::shared_ptr<WinogradKernel>& kernel,
                              const torch::Tensor& weight, const torch::Tensor& bias) {
  if (!kernel || !usable_on(x) || !kernel->takes(x.sizes()))
    return torch::nn::functional::conv2d(x, weight, torch::nn::functional::Conv2dFuncOptions().bias(bias).padding(1));
  if (torch::GradMode::is_enabled() && x.requires_grad()) return WinogradFunction::apply(x, kernel);
  return kernel->forward(x);
}

bool winograd_chain_ready(const std::shared_ptr<WinogradKernel>& kernel, const torch::Tensor& x) {
  return kernel && usable_on(x) && !(torch::GradMode::is_enabled() && x.requires_grad()) && kernel->chains(x.sizes());
}

torch::Tensor winograd_to_blocked(const std::shared_ptr<WinogradKernel>& kernel, const torch::Tensor& x) {
  return kernel->to_blocked(x);
}

torch::Tensor winograd_conv2d_blocked(const std::shared_ptr<WinogradKernel>& kernel, const torch::Tensor& blocked) {
  return kernel->forward_blocked(blocked);
}

torch::Tensor winograd_from_blocked(const std::shared_ptr<WinogradKernel>& kernel, const torch::Tensor& blocked) {
  return kernel->from_blocked(blocked);
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

#include "impasto/gatys.h"

#include "impasto/error.h"
#include "impasto/memory.h"
#include "images/compose.h"
#include "optimisation/image_pyramid.h"
#include "kernels/recycling_allocator.h"
#include "runtime/runtime.h"
#include "optimisation/tiled_objective.h"
#include "images/tensor_image.h"

#include <algorithm>
#include <cmath>
#include <thread>

namespace impasto {


// ---- stylize_gatys -------------------------------------------------------------

namespace {

void validate(const Image& content, const std::vector<StyleInput>& styles, const Image& mask, const GatysOptions& o) {
  auto check_image = [](const Image& img, const char* what) {
    if (img.empty()) throw Error(std::string("The ") + what + " is empty.");
    if (img.channels < 1 || img.channels > 4 ||
        img.pixels.size() != static_cast<std::size_t>(img.width) * img.height * img.channels)
      throw Error(std::string("The ") + what + " has inconsistent pixel data.");
  };
  check_image(content, "content image");
  if (styles.empty()) throw Error(IMPASTO_N_("Choose at least one style image."));
  for (const auto& s : styles) {
    check_image(s.image, "style image");
    if (!std::isfinite(s.weight) || s.weight < 0.0) throw Error(IMPASTO_N_("A style blend weight must be zero or more."));
  }
  if (!mask.empty() && (mask.width != content.width || mask.height != content.height || mask.channels != 1))
    throw Error(IMPASTO_N_("The mask must have one channel and the size of the content image."));
  auto finite_nonneg = [](double v) { return std::isfinite(v) && v >= 0.0; };
  if (!finite_nonneg(o.loss.content_weight) || !finite_nonneg(o.loss.style_weight) || !finite_nonneg(o.loss.tv_weight))
    throw Error(IMPASTO_N_("The content, style and smoothness weights must be zero or more."));
  if (!(o.style_scale >= 0.05 && o.style_scale <= 8.0)) throw Error(IMPASTO_N_("The style scale must be between 0.05 and 8."));
  if (o.iterations < 1 || o.iterations > 100000) throw Error(IMPASTO_N_("The number of iterations must be between 1 and 100000."));
  if (o.size < 16 || o.size > 8192) throw Error(IMPASTO_N_("The processing size must be between 16 and 8192 pixels."));
  if (!(o.learning_rate > 0.0 && o.learning_rate <= 10.0)) throw Error(IMPASTO_N_("The learning rate must be above 0 and at most 10."));
  if (o.reflect_padding < 0 || o.reflect_padding > 256)
    throw Error(IMPASTO_N_("The mirror padding must be between 0 and 256 pixels."));
  if (o.pyramid_levels < 1 || o.pyramid_levels > 8 || !(o.pyramid_gain >= 0.0 && o.pyramid_gain <= 4.0))
    throw Error(IMPASTO_N_("The picture pyramid needs 1 to 8 levels and a gain between 0 (automatic) and 4."));
  if (o.refine_iterations < 1 || o.refine_iterations > 1000 ||
      !(o.refine_learning_rate > 0.0 && o.refine_learning_rate <= 1.0) || !finite_nonneg(o.refine_content_factor))
    throw Error(IMPASTO_N_("Refinement needs 1 to 1000 steps, a step size above 0 and at most 1, and a content factor of zero or more."));
  if (o.threads < 0 || o.threads > 1024) throw Error(IMPASTO_N_("The thread count must be between 0 (all cores) and 1024."));
  check_previous_frame(o.previous, content, o.consistency);
  if (!finite_nonneg(o.temporal_weight)) throw Error(IMPASTO_N_("The temporal weight must be zero or more."));
}

// The previous animation frame's result moved onto this frame, and where
// to trust it (impasto/temporal.h), at the size of a level. Undefined
// tensors: a still picture.
struct TemporalTarget {
  torch::Tensor warped;  // 1 x 3 x H x W
  torch::Tensor trust;   // 1 x 1 x H x W
  double weight = 0.0;

  bool defined() const { return warped.defined(); }

  TemporalTarget at(int64_t h, int64_t w) const {
    if (!defined() || (warped.size(2) == h && warped.size(3) == w)) return *this;
    return {resize(warped, h, w), resize(trust, h, w), weight};
  }

  // Trusted pixels start from the previous result.
  void start(torch::Tensor& x) const {
    if (defined()) x.add_(trust * (warped - x));
  }

  // The temporal loss: weight x the mean of trust x (x - warped)^2.
  torch::Tensor loss(const torch::Tensor& x) const {
    return (trust * (x - warped).square()).mean() * weight;
  }

  // The same without autograd, its gradient added to `gradient`.
  double add_loss(const torch::Tensor& x, torch::Tensor& gradient) const {
    auto d = x - warped;
    auto trusted = trust * d;
    const double value = (trusted * d).mean().item<double>() * weight;
    gradient.add_(trusted, 2.0 * weight / static_cast<double>(x.numel()));
    return value;
  }
};

TemporalTarget temporal_target(const Image& content, const GatysOptions& o, const torch::Device& device) {
  TemporalTarget t;
  if (o.previous.empty() || !(o.consistency > 0.0)) return t;
  const auto prior = follow_motion(o.previous, content);
  t.warped = image_to_tensor(prior.warped).to(device);
  t.trust = image_to_tensor(prior.trust).to(device);
  const double c = std::min(o.consistency, 0.99);
  t.weight = o.temporal_weight * c / (1.0 - c);
  return t;
}

// Working size: the long side becomes `long_side`, no side below 8 pixels.
std::pair<int64_t, int64_t> fit(int64_t h, int64_t w, int64_t long_side) {
  const double s = static_cast<double>(long_side) / static_cast<double>(std::max(h, w));
  return {std::max<int64_t>(8, std::llround(h * s)), std::max<int64_t>(8, std::llround(w * s))};
}

struct Level {
  int64_t long_side;
  int iterations;
  bool refine;  // above the processing size: tiled, Adam, detail added back
};

// Levels up to the processing size share `iterations`; refinement levels
// double up to the picture's own long side.
std::vector<Level> schedule(const GatysOptions& o, int64_t long_side, int64_t full_side) {
  bool multi = o.multiscale == GatysOptions::MultiScale::On ||
               (o.multiscale == GatysOptions::MultiScale::Auto && long_side > 256);
  std::vector<int64_t> sides{long_side};
  while (multi && sides.size() < 3 && sides.front() / 2 >= 128) sides.insert(sides.begin(), sides.front() / 2);
  if (multi && sides.size() == 1 && long_side >= 32) sides.insert(sides.begin(), long_side / 2);
  std::vector<Level> levels;
  // The finest level gets half the iterations: it is where detail settles.
  const int fine = sides.size() == 1 ? o.iterations : std::max(1, o.iterations / 2);
  const int coarse_total = o.iterations - fine;
  for (std::size_t i = 0; i + 1 < sides.size(); ++i) {
    const int n = coarse_total / static_cast<int>(sides.size() - 1) +
                  (static_cast<int>(i) < coarse_total % static_cast<int>(sides.size() - 1) ? 1 : 0);
    if (n > 0) levels.push_back({sides[i], n, false});
  }
  levels.push_back({sides.back(), fine, false});

  if (!o.full_resolution || full_side <= long_side) return levels;
  std::vector<int64_t> refine{full_side};
  while (refine.front() / 2 > long_side) refine.insert(refine.begin(), refine.front() / 2);
  double steps = o.refine_iterations;
  for (auto side : refine) {
    levels.push_back({side, std::max(2, static_cast<int>(std::lround(steps))), true});
    steps *= 0.7;
  }
  return levels;
}

// Seconds per megapixel and step with Tiny Darknet on 2 cores: the whole
// picture at once, and in tiles (the extra no-gradient pass, the margins).
constexpr double kWholeSecondsPerStep = 0.45, kTiledSecondsPerStep = 0.85;

// Relative cost of one step at a level, for progress.
double step_cost(const Level& l) {
  return static_cast<double>(l.long_side) * l.long_side * (l.refine ? kTiledSecondsPerStep : kWholeSecondsPerStep);
}

// Turns steps done into Progress: the fraction of the whole run by cost.
class ProgressTracker {
 public:
  ProgressTracker(const ProgressCallback& callback, const std::vector<Level>& levels) : callback_(callback) {
    for (const auto& l : levels) total_ += l.iterations * step_cost(l);
  }
  // `part` (0..1) of step `iteration` (1-based) of level `index` is done.
  void report(const std::vector<Level>& levels, std::size_t index, int iteration, double part, double loss,
              std::function<Image()> intermediate) {
    if (!callback_) return;
    const double done = done_levels_ + ((iteration - 1) + part) * step_cost(levels[index]);
    Progress p;
    p.fraction = std::min(1.0, done / total_);
    p.loss = loss;
    p.iteration = iteration;
    p.iterations = levels[index].iterations;
    p.scale = static_cast<int>(index);
    p.scales = static_cast<int>(levels.size());
    p.scale_long_side = static_cast<int>(levels[index].long_side);
    p.refining = levels[index].refine;
    p.intermediate = std::move(intermediate);
    if (!callback_(p)) throw Cancelled();
  }
  void level_done(const Level& l) { done_levels_ += l.iterations * step_cost(l); }

 private:
  const ProgressCallback& callback_;
  double total_ = 0.0, done_levels_ = 0.0;
};

// The style images as the loss sees them at a level: `side` x detail size on
// the long side, but never enlarged beyond their own pixels (an enlarged
// painting has no brush texture left to give), colours treated as asked.
std::vector<torch::Tensor> styles_for_level(const std::vector<torch::Tensor>& style_rgb, int64_t side,
                                            const torch::Tensor& content, const GatysOptions& o) {
  std::vector<torch::Tensor> out;
  const auto [ch, cw] = std::pair<int64_t, int64_t>(content.size(2), content.size(3));
  for (const auto& s : style_rgb) {
    int64_t wanted = std::max<int64_t>(16, std::llround(side * o.style_scale));
    // Above the processing size, no more pixels than the picture has: the
    // strokes keep their size up to a detail size of about 1, and memory
    // stays bounded by the picture's.
    if (side > o.size) {
      const double most = std::sqrt(static_cast<double>(ch * cw) / static_cast<double>(s.size(2) * s.size(3)));
      wanted = std::min<int64_t>(wanted, std::llround(most * std::max(s.size(2), s.size(3))));
    }
    const auto [sh, sw] = fit(s.size(2), s.size(3), wanted);
    auto st = resize(s, sh, sw);
    if (o.preserve_colors == ColorPreservation::Luminance) st = matched_luminance(st, content);
    if (o.preserve_colors == ColorPreservation::Histogram) st = match_color_statistics(st, content);
    out.push_back(st);
  }
  return out;
}

// The photo at a level, as the loss sees it.
torch::Tensor content_for_level(const torch::Tensor& content_rgb, int64_t h, int64_t w, const GatysOptions& o) {
  auto c = (h == content_rgb.size(2) && w == content_rgb.size(3)) ? content_rgb : resize(content_rgb, h, w);
  if (o.preserve_colors == ColorPreservation::Luminance) c = matched_luminance(c, c);
  return c;
}

// A processing level: the whole picture at once, as a picture pyramid,
// with L-BFGS or Adam. Returns the picture and its last loss.
torch::Tensor optimise_whole(SequentialFeatureNetwork& network, const torch::Tensor& start, const torch::Tensor& c,
                             const std::vector<torch::Tensor>& level_styles, const std::vector<double>& style_weights,
                             const GatysOptions& options, const TemporalTarget& temporal,
                             const std::vector<Level>& levels, std::size_t li, ProgressTracker& tracker,
                             double& last_loss) {
  // The levels stay in the default layout: L-BFGS flattens its gradient
  // with view(); the network switches to channels_last internally.
  ImagePyramid pyramid(start.contiguous(), options.pyramid_levels,
                       options.pyramid_gain > 0.0 ? options.pyramid_gain : network->description().pyramid_gain);
  PerceptualLoss problem(network, level_styles, style_weights, options.loss);
  const auto content_targets = problem.content_targets(c);

  // L-BFGS remembers 20 steps, not PyTorch's default 100: each step walks
  // its whole history twice over picture-sized vectors, which cost a quarter
  // of a 192 px step and an eighth of a 384 px one, and the loss after 150
  // steps is the same (docs/full-resolution.md).
  constexpr int kLbfgsHistory = 20;
  std::unique_ptr<torch::optim::Optimizer> optimizer;
  if (options.optimizer == Optimizer::Lbfgs)
    optimizer = std::make_unique<torch::optim::LBFGS>(
        pyramid.levels(),
        torch::optim::LBFGSOptions(1.0).max_iter(1).history_size(kLbfgsHistory).tolerance_grad(0.0).tolerance_change(0.0));
  else
    optimizer = std::make_unique<torch::optim::Adam>(pyramid.levels(), torch::optim::AdamOptions(options.learning_rate));

  for (int it = 0; it < levels[li].iterations; ++it) {
    auto closure = [&]() {
      optimizer->zero_grad();
      auto picture = pyramid.picture();
      auto loss = problem.loss(picture, content_targets);
      if (temporal.defined()) loss = loss + temporal.loss(picture);
      loss.backward();
      last_loss = loss.item<double>();
      return loss;
    };
    optimizer->step(closure);
    if (!std::isfinite(last_loss))
      throw Error(IMPASTO_N_("The optimisation diverged (the loss is not finite); lower the style weight or use Adam."));
    tracker.report(levels, li, it + 1, 1.0, last_loss,
                   [&pyramid]() { return tensor_to_image(pyramid.picture().detach().clamp(0.0, 1.0)); });
  }
  return pyramid.picture().detach();
}

// Adam (Kingma & Ba 2015) on a picture, in place: torch::optim::Adam's step
// allocates a picture-sized temporary, which at 24 MP is 290 MB more at the
// moment memory peaks; here the temporary is one band of rows.
class PictureAdam {
 public:
  PictureAdam(const torch::Tensor& picture, double learning_rate)
      : m_(torch::zeros_like(picture)), v_(torch::zeros_like(picture)), learning_rate_(learning_rate) {}

  void step(torch::Tensor& picture, const torch::Tensor& gradient) {
    const double b1 = 0.9, b2 = 0.999, eps = 1e-8;
    ++t_;
    m_.mul_(b1).add_(gradient, 1.0 - b1);
    v_.mul_(b2).addcmul_(gradient, gradient, 1.0 - b2);
    const double step = learning_rate_ / (1.0 - std::pow(b1, t_));
    const double root_correction = std::sqrt(1.0 - std::pow(b2, t_));
    const int64_t band = 256;
    for (int64_t y = 0; y < picture.size(2); y += band) {
      const int64_t rows = std::min(band, picture.size(2) - y);
      auto denominator = v_.narrow(2, y, rows).sqrt().div_(root_correction).add_(eps);
      picture.narrow(2, y, rows).addcdiv_(m_.narrow(2, y, rows), denominator, -step);
    }
  }

 private:
  torch::Tensor m_, v_;
  double learning_rate_;
  int t_ = 0;
};

// A refinement level: tiles against the whole picture's statistics, Adam on
// the pixels (L-BFGS's history would be many copies of a large picture).
// The styles are released once their statistics are taken.
torch::Tensor refine_tiled(SequentialFeatureNetwork& network, const torch::Tensor& start, const torch::Tensor& c,
                           std::vector<torch::Tensor>&& level_styles, const std::vector<double>& style_weights,
                           const GatysOptions& options, const TemporalTarget& temporal,
                           const std::vector<Level>& levels, std::size_t li, ProgressTracker& tracker,
                           double& last_loss) {
  // The level below's buffers (a quarter of these sizes) are of no use here.
  trim_recycled_buffers();
  auto loss = options.loss;
  loss.content_weight *= options.refine_content_factor;
  if (!network->description().refine_content_layers.empty())
    loss.content_layers = network->description().refine_content_layers;
  // Taking the targets of a large picture and painting takes seconds: a
  // report after each tile keeps Cancel prompt.
  TiledObjective objective(network, loss, level_styles, style_weights, c, TiledObjective::Options(),
                           [&]() { tracker.report(levels, li, 1, 0.0, last_loss, {}); });
  level_styles.clear();
  torch::NoGradGuard no_grad;
  auto x = start.contiguous();
  torch::Tensor gradient;
  PictureAdam adam(x, options.refine_learning_rate);
  for (int it = 0; it < levels[li].iterations; ++it) {
    last_loss = objective.evaluate(x, gradient, nullptr, [&](int done, int count) {
      if (done < count) tracker.report(levels, li, it + 1, static_cast<double>(done) / count, last_loss, {});
      return true;
    });
    if (temporal.defined()) last_loss += temporal.add_loss(x, gradient);
    if (!std::isfinite(last_loss))
      throw Error(IMPASTO_N_("The optimisation diverged (the loss is not finite); lower the style weight or use Adam."));
    adam.step(x, gradient);
    tracker.report(levels, li, it + 1, 1.0, last_loss, [&x]() { return tensor_to_image(x.clamp(0.0, 1.0)); });
  }
  return x;
}

// The loss network, on `device` and checked against the options' layers;
// `result` says which network it is.
SequentialFeatureNetwork prepare_network(const GatysOptions& options, const torch::Device& device, GatysResult& result) {
  auto network = NetworkLoader(options.network).load();
  result.network = network->description().id;
  result.used_fallback = network->description().is_fallback;
  if (result.used_fallback)
    result.notes.push_back(
        "The weights-free fallback network was used: expect a weaker style. Install Tiny Darknet with models/fetch for "
        "much better results.");
  network->to(device);
  if (options.channels_last && device.is_cpu()) network->use_channels_last();
  network->set_reflect_padding(options.reflect_padding);
  // Validate layer names before any work.
  for (const auto& l : options.loss.content_layers)
    if (!network->has_layer(l)) throw Error("The network has no layer named \"" + l + "\".");
  for (const auto& l : options.loss.style_layers)
    if (!network->has_layer(l.layer)) throw Error("The network has no layer named \"" + l.layer + "\".");
  return network;
}

// Where the first level starts, as options.init says; c is the photo at
// that level's size.
torch::Tensor first_picture(const torch::Tensor& c, const torch::Tensor& first_style, const GatysOptions& options,
                            at::Generator& gen, const torch::Device& device) {
  const auto h = c.size(2), w = c.size(3);
  torch::Tensor x;
  switch (options.init) {
    case Init::Content: x = c.clone(); break;
    case Init::Noise: x = torch::rand({1, 3, h, w}, gen, torch::kFloat).to(device); break;
    case Init::Style: x = resize(first_style, h, w).clone(); break;
  }
  return x;
}

// Where a later level starts: the level below's result at this level's
// size. Above the processing size the look is settled below; the photo's
// own finer detail is added back, and the level's steps blend it into the
// style.
torch::Tensor next_picture(const torch::Tensor& below, const torch::Tensor& c, const torch::Tensor& content_below,
                           bool refine) {
  const auto h = c.size(2), w = c.size(3);
  if (!refine) return resize(below.detach(), h, w).clone();
  auto x = resize(below.detach(), h, w);
  x.add_(c).sub_(resize(content_below, h, w));
  return x;
}

// Every level of the schedule in turn, each starting from the one below.
// Returns the picture at the last level's size and sets its last loss.
torch::Tensor optimise_levels(SequentialFeatureNetwork& network, const torch::Tensor& content_rgb,
                              const std::vector<torch::Tensor>& style_rgb, const std::vector<double>& style_weights,
                              const std::vector<Level>& levels, const GatysOptions& options,
                              const TemporalTarget& temporal, const torch::Device& device, ProgressTracker& tracker,
                              double& last_loss) {
  const auto full_h = content_rgb.size(2), full_w = content_rgb.size(3);
  auto gen = at::make_generator<at::CPUGeneratorImpl>(options.seed);
  torch::Tensor x, previous_content;
  last_loss = 0.0;
  for (std::size_t li = 0; li < levels.size(); ++li) {
    const auto [h, w] = fit(full_h, full_w, levels[li].long_side);
    // Resizing photo and painting to a large refinement level takes a
    // second or more: a report after each keeps Cancel prompt (refinement
    // levels report within steps anyway, without a picture).
    auto c = content_for_level(content_rgb, h, w, options);
    if (levels[li].refine) tracker.report(levels, li, 1, 0.0, last_loss, {});
    auto level_styles = styles_for_level(style_rgb, levels[li].long_side, c, options);
    if (levels[li].refine) tracker.report(levels, li, 1, 0.0, last_loss, {});
    x = li == 0 ? first_picture(c, level_styles.front(), options, gen, device)
                : next_picture(x, c, previous_content, levels[li].refine);
    const auto level_temporal = temporal.at(h, w);
    level_temporal.start(x);
    x = levels[li].refine ? refine_tiled(network, x, c, std::move(level_styles), style_weights, options,
                                         level_temporal, levels, li, tracker, last_loss)
                          : optimise_whole(network, x, c, level_styles, style_weights, options, level_temporal,
                                           levels, li, tracker, last_loss);
    tracker.level_done(levels[li]);
    previous_content = c;
  }
  return x;
}

}  // namespace

double gatys_seconds_needed(std::int64_t width, std::int64_t height, const GatysOptions& options) {
  if (width < 1 || height < 1) return 0.0;
  const int64_t full_side = std::max(width, height);
  const int64_t long_side = std::min<int64_t>(options.size, std::max<int64_t>(64, full_side));
  double seconds = 2.0;  // loading the network
  for (const auto& l : schedule(options, long_side, full_side)) {
    const auto [h, w] = fit(height, width, l.long_side);
    seconds += l.iterations * static_cast<double>(h * w) / 1e6 * (l.refine ? kTiledSecondsPerStep : kWholeSecondsPerStep);
  }
  const double cores = std::max(1u, std::thread::hardware_concurrency());
  const double threads = options.threads > 0 ? std::min<double>(options.threads, cores) : cores;
  const double network = options.network.network == "vgg19" ? 9.0 : 1.0;  // VGG-19 steps: ~9x (benchmark-results.md)
  return seconds * network * 2.0 / threads;
}

GatysResult stylize_gatys(const Image& content, const std::vector<StyleInput>& styles, const Image& mask,
                          const GatysOptions& options, const ProgressCallback& progress) {
  validate(content, styles, mask, options);
  use_threads(options.threads);
  const torch::Device device = parse_device(options.device);
  std::vector<std::pair<int64_t, int64_t>> style_sizes;
  for (const auto& s : styles) style_sizes.emplace_back(s.image.width, s.image.height);
  // The caller already holds the content, the mask and the first style.
  require_memory_beyond(gatys_memory_needed(content.width, content.height, !mask.empty(), style_sizes, options),
                        {&content, &mask, &styles.front().image});
  RecyclingScope recycling;

  try {
    GatysResult result;
    auto network = prepare_network(options, device, result);

    // A large photo is not copied: the levels read it in place.
    auto input = device.is_cpu() ? image_view(content) : image_to_tensor(content).to(device);
    const auto full_h = input.size(2), full_w = input.size(3);

    std::vector<torch::Tensor> style_rgb;
    std::vector<double> style_weights;
    for (const auto& s : styles) {
      style_rgb.push_back(color_channels(image_to_tensor(s.image).to(device)));
      style_weights.push_back(s.weight);
    }

    // Processing size: the requested long side, but never blow tiny images up
    // beyond 64 pixels.
    const int64_t long_side = std::min<int64_t>(options.size, std::max<int64_t>(64, std::max(full_h, full_w)));
    const auto levels = schedule(options, long_side, std::max(full_h, full_w));
    ProgressTracker tracker(progress, levels);
    const auto temporal = temporal_target(content, options, device);
    auto x = optimise_levels(network, color_channels(input), style_rgb, style_weights, levels, options, temporal,
                             device, tracker, result.final_loss);
    // The refinement's buffers (Adam's moments, the gradient, the targets)
    // would otherwise wait for reuse beside the result's copies.
    trim_recycled_buffers();

    // Histogram matching already happened on the style images; only the
    // luminance transfer needs the content's chroma back.
    Composition composition;
    if (options.preserve_colors == ColorPreservation::Luminance) composition.preserve_colors = ColorPreservation::Luminance;
    result.image = compose_result(x.detach(), input, mask, composition);
    return result;
  } catch (const c10::Error& e) {
    throw Error(std::string("Style transfer failed inside LibTorch: ") + e.what_without_backtrace());
  } catch (const std::bad_alloc&) {
    throw Error(IMPASTO_N_("Not enough memory for style transfer at this size; lower the processing size."));
  }
}

}  // namespace impasto

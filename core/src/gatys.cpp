#include "impasto/gatys.h"

#include "impasto/error.h"
#include "impasto/memory.h"
#include "compose.h"
#include "image_pyramid.h"
#include "recycling_allocator.h"
#include "runtime.h"
#include "tensor_image.h"

#include <algorithm>
#include <cmath>

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
  if (o.threads < 0 || o.threads > 1024) throw Error(IMPASTO_N_("The thread count must be between 0 (all cores) and 1024."));
}

// Working size: the long side becomes `long_side`, no side below 8 pixels.
std::pair<int64_t, int64_t> fit(int64_t h, int64_t w, int64_t long_side) {
  const double s = static_cast<double>(long_side) / static_cast<double>(std::max(h, w));
  return {std::max<int64_t>(8, std::llround(h * s)), std::max<int64_t>(8, std::llround(w * s))};
}

struct Level {
  int64_t long_side;
  int iterations;
};

std::vector<Level> schedule(const GatysOptions& o, int64_t long_side) {
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
    if (n > 0) levels.push_back({sides[i], n});
  }
  levels.push_back({sides.back(), fine});
  return levels;
}

}  // namespace

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

    auto input = image_to_tensor(content).to(device);
    const auto full_h = input.size(2), full_w = input.size(3);
    auto content_rgb = color_channels(input);

    std::vector<torch::Tensor> style_rgb;
    std::vector<double> style_weights;
    for (const auto& s : styles) {
      style_rgb.push_back(color_channels(image_to_tensor(s.image).to(device)));
      style_weights.push_back(s.weight);
    }

    // Processing size: the requested long side, but never blow tiny images up
    // beyond 64 pixels.
    const int64_t long_side = std::min<int64_t>(options.size, std::max<int64_t>(64, std::max(full_h, full_w)));
    const auto levels = schedule(options, long_side);
    double total_cost = 0.0;
    for (const auto& l : levels) total_cost += static_cast<double>(l.iterations) * l.long_side * l.long_side;

    auto gen = at::make_generator<at::CPUGeneratorImpl>(options.seed);
    torch::Tensor x;
    double done_cost = 0.0;
    double last_loss = 0.0;
    for (std::size_t li = 0; li < levels.size(); ++li) {
      const auto [h, w] = fit(full_h, full_w, levels[li].long_side);
      auto c = resize(content_rgb, h, w);
      std::vector<torch::Tensor> level_styles;
      for (const auto& s : style_rgb) {
        const int64_t side = std::max<int64_t>(16, std::llround(levels[li].long_side * options.style_scale));
        const auto [sh, sw] = fit(s.size(2), s.size(3), side);
        auto st = resize(s, sh, sw);
        if (options.preserve_colors == ColorPreservation::Luminance) st = matched_luminance(st, c);
        if (options.preserve_colors == ColorPreservation::Histogram) st = match_color_statistics(st, c);
        level_styles.push_back(st);
      }
      if (options.preserve_colors == ColorPreservation::Luminance) c = matched_luminance(c, c);

      if (li == 0) {
        switch (options.init) {
          case Init::Content: x = c.clone(); break;
          case Init::Noise: x = torch::rand({1, 3, h, w}, gen, torch::kFloat).to(device); break;
          case Init::Style: x = resize(level_styles.front(), h, w).clone(); break;
        }
      } else {
        x = resize(x.detach(), h, w).clone();
      }
      // The levels stay in the default layout: L-BFGS flattens its gradient
      // with view(); the network switches to channels_last internally.
      ImagePyramid picture(x.contiguous(), options.pyramid_levels,
                           options.pyramid_gain > 0.0 ? options.pyramid_gain : network->description().pyramid_gain);
      PerceptualLoss problem(network, level_styles, style_weights, options.loss);
      const auto content_targets = problem.content_targets(c);

      std::unique_ptr<torch::optim::Optimizer> optimizer;
      if (options.optimizer == Optimizer::Lbfgs)
        optimizer = std::make_unique<torch::optim::LBFGS>(
            picture.levels(),
            torch::optim::LBFGSOptions(1.0).max_iter(1).history_size(100).tolerance_grad(0.0).tolerance_change(0.0));
      else
        optimizer = std::make_unique<torch::optim::Adam>(picture.levels(),
                                                         torch::optim::AdamOptions(options.learning_rate));

      const double level_cost = static_cast<double>(levels[li].long_side) * levels[li].long_side;
      for (int it = 0; it < levels[li].iterations; ++it) {
        auto closure = [&]() {
          optimizer->zero_grad();
          auto current = picture.compose();
          auto loss = problem.loss(current, content_targets);
          loss.backward();
          last_loss = loss.item<double>();
          return loss;
        };
        optimizer->step(closure);
        if (!std::isfinite(last_loss))
          throw Error(IMPASTO_N_("The optimisation diverged (the loss is not finite); lower the style weight or use Adam."));
        done_cost += level_cost;
        if (progress) {
          Progress p;
          p.fraction = std::min(1.0, done_cost / total_cost);
          p.loss = last_loss;
          p.iteration = it + 1;
          p.iterations = levels[li].iterations;
          p.scale = static_cast<int>(li);
          p.scales = static_cast<int>(levels.size());
          p.intermediate = [&picture]() { return tensor_to_image(picture.compose().detach().clamp(0.0, 1.0)); };
          if (!progress(p)) throw Cancelled();
        }
      }
      x = picture.compose().detach();
    }
    result.final_loss = last_loss;

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

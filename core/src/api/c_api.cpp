// The C boundary: converts plain structs to core options and every C++
// exception to a return code and a message.
#include "impasto/impasto.h"

#include "impasto/error.h"
#include "impasto/feedforward.h"
#include "impasto/gatys.h"
#include "impasto/memory.h"

#include <cstdlib>
#include <cstring>
#include <memory>
#include <sstream>

namespace {

// The C API's numbers are the parameter rows' enumerations, cast to the
// core's enum classes: both must list the same values in the same order.
static_assert(static_cast<int>(impasto::Init::Style) == IMPASTO_INIT_STYLE && IMPASTO_N_INITS == 3);
static_assert(static_cast<int>(impasto::Optimizer::Adam) == IMPASTO_OPTIMIZER_ADAM && IMPASTO_N_OPTIMIZERS == 2);
static_assert(static_cast<int>(impasto::GatysOptions::MultiScale::Off) == IMPASTO_MULTISCALE_OFF &&
              IMPASTO_N_MULTISCALES == 3);
static_assert(static_cast<int>(impasto::Pooling::Max) == IMPASTO_POOLING_MAX && IMPASTO_N_POOLINGS == 2);
static_assert(static_cast<int>(impasto::ColorPreservation::Histogram) == IMPASTO_COLORS_HISTOGRAM &&
              IMPASTO_N_COLORS == 3);

char* copy_string(const std::string& s) {
  char* out = static_cast<char*>(std::malloc(s.size() + 1));
  if (out) std::memcpy(out, s.c_str(), s.size() + 1);
  return out;
}

std::vector<std::string> split(const char* text) {
  std::vector<std::string> out;
  if (!text) return out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    auto b = item.find_first_not_of(" \t"), e = item.find_last_not_of(" \t");
    if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
  }
  return out;
}

std::vector<impasto::LayerWeight> parse_style_layers(const char* text) {
  std::vector<impasto::LayerWeight> out;
  for (const auto& item : split(text)) {
    impasto::LayerWeight lw;
    auto colon = item.find(':');
    lw.layer = item.substr(0, colon);
    if (colon != std::string::npos) {
      char* end = nullptr;
      const std::string w = item.substr(colon + 1);
      lw.weight = std::strtod(w.c_str(), &end);
      if (end == w.c_str() || *end != '\0' || !(lw.weight >= 0.0))
        throw impasto::Error("The style layer weight in \"" + item + "\" is not a number of zero or more.");
    }
    out.push_back(lw);
  }
  return out;
}

impasto::GatysOptions to_options(const ImpastoGatysParams& p) {
  if (p.api_version != IMPASTO_C_API_VERSION) throw impasto::Error(IMPASTO_N_("The Impasto core library does not match this front end; reinstall Impasto."));
  impasto::GatysOptions o;
  if (p.network && *p.network) o.network.network = p.network;
  if (p.model_dir) o.network.model_dir = p.model_dir;
  o.network.allow_fallback = p.allow_fallback != 0;
  o.network.pooling = p.average_pooling ? impasto::Pooling::Average : impasto::Pooling::Max;
  o.loss.content_layers = split(p.content_layers);
  o.loss.style_layers = parse_style_layers(p.style_layers);
  o.loss.content_weight = p.content_weight;
  o.loss.style_weight = p.style_weight;
  o.loss.tv_weight = p.tv_weight;
  o.style_scale = p.style_scale;
  if (p.init < 0 || p.init >= IMPASTO_N_INITS || p.optimizer < 0 || p.optimizer >= IMPASTO_N_OPTIMIZERS ||
      p.preserve_colors < 0 || p.preserve_colors >= IMPASTO_N_COLORS || p.multiscale < 0 ||
      p.multiscale >= IMPASTO_N_MULTISCALES)
    throw impasto::Error(IMPASTO_N_("An option has a value outside its list of choices."));
  o.init = static_cast<impasto::Init>(p.init);
  o.optimizer = static_cast<impasto::Optimizer>(p.optimizer);
  o.iterations = p.iterations;
  o.learning_rate = p.learning_rate;
  o.size = p.size;
  o.multiscale = static_cast<impasto::GatysOptions::MultiScale>(p.multiscale);
  o.preserve_colors = static_cast<impasto::ColorPreservation>(p.preserve_colors);
  o.full_resolution = p.full_resolution != 0;
  o.refine_iterations = p.refine_iterations;
  o.seed = p.seed;
  o.threads = p.threads;
  if (p.device && *p.device) o.device = p.device;
  o.consistency = p.consistency;
  return o;
}

impasto::FeedForwardOptions to_options(const ImpastoFeedForwardParams& p) {
  if (p.api_version != IMPASTO_C_API_VERSION)
    throw impasto::Error(IMPASTO_N_("The Impasto core library does not match this front end; reinstall Impasto."));
  if (p.preserve_colors < 0 || p.preserve_colors >= IMPASTO_N_COLORS)
    throw impasto::Error(IMPASTO_N_("An option has a value outside its list of choices."));
  impasto::FeedForwardOptions o;
  o.model = p.model ? p.model : "";
  if (p.model_dir) o.model_dir = p.model_dir;
  o.strength = p.strength;
  o.preserve_colors = static_cast<impasto::ColorPreservation>(p.preserve_colors);
  o.scale = p.scale;
  o.tile_size = p.tile_size;
  o.threads = p.threads;
  if (p.device && *p.device) o.device = p.device;
  o.alpha = p.alpha;
  o.consistency = p.consistency;
  return o;  // the style image and the previous frame are copied by the run, once memory is checked
}

std::vector<std::pair<int64_t, int64_t>> style_sizes(const ImpastoStyleImage* styles, int n_styles) {
  std::vector<std::pair<int64_t, int64_t>> sizes;
  for (int i = 0; styles && i < n_styles; ++i) sizes.emplace_back(styles[i].width, styles[i].height);
  return sizes;
}

impasto::Image rgba_image(const float* rgba, int width, int height) {
  if (!rgba || width <= 0 || height <= 0) throw impasto::Error(IMPASTO_N_("An image passed to Impasto is empty."));
  impasto::Image img(width, height, 4);
  std::memcpy(img.pixels.data(), rgba, img.pixels.size() * sizeof(float));
  return img;
}

impasto::Image mask_image(const float* mask, int width, int height) {
  impasto::Image out;
  if (mask) {
    out = impasto::Image(width, height, 1);
    std::memcpy(out.pixels.data(), mask, out.pixels.size() * sizeof(float));
  }
  return out;
}

// The previous animation frame, copied; empty without one.
impasto::PreviousFrame previous_frame(const float* frame, const float* result, int width, int height) {
  impasto::PreviousFrame previous;
  if (frame && result) {
    previous.original = rgba_image(frame, width, height);
    previous.result = rgba_image(result, width, height);
  }
  return previous;
}

// What following a previous frame adds to a job, when there is one.
double motion_bytes(const float* frame, const float* result, int width, int height) {
  return frame && result ? static_cast<double>(impasto::motion_memory_needed(width, height)) : 0.0;
}

impasto::ProgressCallback progress_callback(ImpastoProgressFunc progress, void* user_data,
                                            ImpastoStageFunc stage = nullptr) {
  if (!progress && !stage) return {};
  auto last_stage = std::make_shared<int>(-1);
  return [=](const impasto::Progress& p) {
    if (stage && p.scale != *last_stage) {
      *last_stage = p.scale;
      stage(p.scale, p.scales, p.scale_long_side, p.refining ? 1 : 0, user_data);
    }
    return !progress || progress(p.fraction, p.loss, user_data) != 0;
  };
}

// Runs `body`, turning every exception into a return code and a message:
// 0 done, 1 cancelled, -1 failed.
template <typename Body>
int guarded(char** error_message, Body&& body) {
  if (error_message) *error_message = nullptr;
  try {
    body();
    return 0;
  } catch (const impasto::Cancelled& e) {
    if (error_message) *error_message = copy_string(e.what());
    return 1;
  } catch (const std::exception& e) {
    if (error_message) *error_message = copy_string(e.what());
    return -1;
  } catch (...) {
    if (error_message) *error_message = copy_string("Style transfer failed with an unknown error.");
    return -1;
  }
}

}  // namespace

extern "C" {

// The defaults are the parameter rows' (impasto/parameters.h), as the
// GEGL ops, the plug-in and the dialog have them.
#define IMPASTO_DEFAULT_(row) IMPASTO_PARAMETER_DEFAULT(IMPASTO_PARAMETER_##row)

void impasto_gatys_params_init(ImpastoGatysParams* params) {
  if (!params) return;
  std::memset(params, 0, sizeof(*params));
  params->api_version = IMPASTO_C_API_VERSION;
  params->network = impasto::network_names[IMPASTO_DEFAULT_(NETWORK)];
  params->allow_fallback = IMPASTO_DEFAULT_(ALLOW_FALLBACK);
  params->average_pooling = IMPASTO_DEFAULT_(POOLING) == IMPASTO_POOLING_AVERAGE;
  params->content_weight = IMPASTO_DEFAULT_(CONTENT_WEIGHT);
  params->style_weight = IMPASTO_DEFAULT_(STYLE_WEIGHT);
  params->tv_weight = IMPASTO_DEFAULT_(TV_WEIGHT);
  params->style_scale = IMPASTO_DEFAULT_(STYLE_SCALE);
  params->init = IMPASTO_DEFAULT_(INIT);
  params->optimizer = IMPASTO_DEFAULT_(OPTIMIZER);
  params->iterations = IMPASTO_DEFAULT_(ITERATIONS);
  params->learning_rate = IMPASTO_DEFAULT_(LEARNING_RATE);
  params->size = IMPASTO_DEFAULT_(SIZE);
  params->multiscale = IMPASTO_DEFAULT_(MULTISCALE);
  params->preserve_colors = IMPASTO_DEFAULT_(PRESERVE_COLORS);
  params->full_resolution = IMPASTO_DEFAULT_(FULL_RESOLUTION);
  params->refine_iterations = IMPASTO_DEFAULT_(REFINE_ITERATIONS);
  params->seed = IMPASTO_DEFAULT_(SEED);
  params->threads = IMPASTO_DEFAULT_(THREADS);
  params->consistency = IMPASTO_DEFAULT_(CONSISTENCY);
}

int impasto_gatys_run(const ImpastoGatysParams* params, const float* content_rgba, int width, int height,
                      const ImpastoStyleImage* styles, int n_styles, const float* mask, float* out_rgba,
                      ImpastoProgressFunc progress, void* user_data, int* used_fallback, char** error_message) {
  return guarded(error_message, [&] {
    if (!params || !out_rgba) throw impasto::Error(IMPASTO_N_("Impasto was called without parameters or an output buffer."));
    auto options = to_options(*params);
    impasto::require_memory(
        impasto::gatys_memory_needed(width, height, mask != nullptr, style_sizes(styles, n_styles), options) +
        motion_bytes(params->previous_frame, params->previous_result, width, height));
    options.previous = previous_frame(params->previous_frame, params->previous_result, width, height);
    std::vector<impasto::StyleInput> style_inputs;
    for (int i = 0; i < n_styles; ++i)
      style_inputs.push_back({rgba_image(styles[i].rgba, styles[i].width, styles[i].height), styles[i].weight});
    auto result = impasto::stylize_gatys(rgba_image(content_rgba, width, height), style_inputs,
                                         mask_image(mask, width, height), options,
                                         progress_callback(progress, user_data, params->stage));
    std::memcpy(out_rgba, result.image.pixels.data(), result.image.pixels.size() * sizeof(float));
    if (used_fallback) *used_fallback = result.used_fallback ? 1 : 0;
  });
}

void impasto_feedforward_params_init(ImpastoFeedForwardParams* params) {
  if (!params) return;
  std::memset(params, 0, sizeof(*params));
  params->api_version = IMPASTO_C_API_VERSION;
  params->model = IMPASTO_DEFAULT_(MODEL);
  params->strength = IMPASTO_DEFAULT_(STRENGTH);
  params->preserve_colors = IMPASTO_DEFAULT_(PRESERVE_COLORS);
  params->scale = IMPASTO_DEFAULT_(SCALE);
  params->tile_size = IMPASTO_DEFAULT_(TILE_SIZE);
  params->threads = IMPASTO_DEFAULT_(THREADS);
  params->alpha = IMPASTO_DEFAULT_(ALPHA);
  params->consistency = IMPASTO_DEFAULT_(CONSISTENCY);
}

int impasto_feedforward_run(const ImpastoFeedForwardParams* params, const float* content_rgba, int width, int height,
                            const float* mask, float* out_rgba, ImpastoProgressFunc progress, void* user_data,
                            char** error_message) {
  return guarded(error_message, [&] {
    if (!params || !out_rgba) throw impasto::Error(IMPASTO_N_("Impasto was called without parameters or an output buffer."));
    auto o = to_options(*params);
    impasto::require_memory(impasto::feedforward_memory_needed(width, height, mask != nullptr, o) +
                            motion_bytes(params->previous_frame, params->previous_result, width, height));
    o.previous = previous_frame(params->previous_frame, params->previous_result, width, height);
    if (params->style) o.style = rgba_image(params->style->rgba, params->style->width, params->style->height);
    auto result = impasto::stylize_feedforward(rgba_image(content_rgba, width, height), mask_image(mask, width, height),
                                               o, progress_callback(progress, user_data));
    std::memcpy(out_rgba, result.image.pixels.data(), result.image.pixels.size() * sizeof(float));
  });
}

double impasto_feedforward_memory(const ImpastoFeedForwardParams* params, int width, int height, int has_mask) {
  try {
    return params ? static_cast<double>(impasto::feedforward_memory_needed(width, height, has_mask != 0, to_options(*params))) +
                        motion_bytes(params->previous_frame, params->previous_result, width, height)
                  : 0.0;
  } catch (const std::exception&) {
    return 0.0;  // invalid parameters: the run itself reports them
  }
}

double impasto_gatys_seconds(const ImpastoGatysParams* params, int width, int height) {
  try {
    return params ? impasto::gatys_seconds_needed(width, height, to_options(*params)) : 0.0;
  } catch (...) {
    return 0.0;
  }
}

double impasto_gatys_memory(const ImpastoGatysParams* params, int width, int height, const ImpastoStyleImage* styles,
                            int n_styles, int has_mask) {
  try {
    return params ? static_cast<double>(impasto::gatys_memory_needed(width, height, has_mask != 0,
                                                                     style_sizes(styles, n_styles), to_options(*params))) +
                        motion_bytes(params->previous_frame, params->previous_result, width, height)
                  : 0.0;
  } catch (const std::exception&) {
    return 0.0;
  }
}

double impasto_available_memory(void) { return static_cast<double>(impasto::available_memory()); }

void impasto_free(void* pointer) { std::free(pointer); }

}  // extern "C"

#include "impasto/training.h"

#include "impasto/error.h"
#include "style_models/ml5_network.h"
#include "kernels/recycling_allocator.h"
#include "runtime/runtime.h"
#include "images/tensor_image.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>

namespace impasto {

namespace fs = std::filesystem;

namespace {

void validate(const TrainingOptions& o) {
  if (o.output.empty()) throw Error("Choose an output folder for the trained model.");
  if (o.style_size < 64 || o.style_size > 4096) throw Error("The style size must be between 64 and 4096 pixels.");
  if (o.crop_size < 16 || o.crop_size > 2048 || o.crop_size % 4 != 0)
    throw Error("The crop size must be a multiple of 4 between 16 and 2048 pixels.");
  if (o.batch_size < 1 || o.batch_size > 256) throw Error("The batch size must be between 1 and 256.");
  if (o.steps < 1 || o.steps > 10000000) throw Error("The number of steps must be between 1 and 10000000.");
  if (!(o.learning_rate > 0.0 && o.learning_rate <= 1.0)) throw Error("The learning rate must be above 0 and at most 1.");
  if (o.base_width < 1 || o.base_width > 256) throw Error("The network width must be between 1 and 256.");
  if (o.residual_blocks < 0 || o.residual_blocks > 32) throw Error("The number of residual blocks must be between 0 and 32.");
  if (o.jitter < 0 || o.jitter > o.crop_size / 2) throw Error("The jitter must be between 0 and half the crop size.");
  if (!(std::isfinite(o.shift_weight) && o.shift_weight >= 0.0)) throw Error("The shift weight must be zero or more.");
  if (!(std::isfinite(o.palette_weight) && o.palette_weight >= 0.0)) throw Error("The palette weight must be zero or more.");
  if (!(std::isfinite(o.max_zoom) && o.max_zoom >= 1.0 && o.max_zoom <= 16.0))
    throw Error("The largest zoom must be between 1 and 16.");
  if (o.shift_weight > 0.0 && o.crop_size < 32) throw Error("The shift-consistency term needs crops of 32 pixels or more.");
  if (o.upsampling_kernel != 3 && o.upsampling_kernel != 4) throw Error("The upsampling kernel must have 3 or 4 taps.");
  if (o.loss.style_regions < 1 || o.loss.style_regions > 16) throw Error("The style regions must be between 1 and 16.");
  if (o.checkpoint_every < 0) throw Error("The checkpoint interval cannot be negative.");
  if (o.threads < 0 || o.threads > 1024) throw Error("The thread count must be between 0 (all cores) and 1024.");
  auto finite_nonneg = [](double v) { return std::isfinite(v) && v >= 0.0; };
  if (!finite_nonneg(o.loss.content_weight) || !finite_nonneg(o.loss.style_weight) || !finite_nonneg(o.loss.tv_weight))
    throw Error("The content, style and smoothness weights must be zero or more.");
}

Ml5Architecture architecture_of(const TrainingOptions& o) {
  Ml5Architecture a;
  a.widths = {o.base_width, 2 * o.base_width, 4 * o.base_width};
  a.residual_blocks = o.residual_blocks;
  a.upsampling_kernel = o.upsampling_kernel;
  return a;
}

// The part of the options a checkpoint must agree with to be resumed.
nlohmann::json architecture_record(const TrainingOptions& o) {
  return {{"base_width", o.base_width}, {"residual_blocks", o.residual_blocks}, {"upsampling_kernel", o.upsampling_kernel}};
}

// How the network was trained: written to training.json and to every
// checkpoint, so that a resumed run continues the same recipe. `loss` is
// the loss's options with the network's default layers filled in.
nlohmann::json recipe_record(const TrainingOptions& o, const PerceptualLossOptions& loss) {
  auto record = architecture_record(o);
  record["crop_size"] = o.crop_size;
  record["batch_size"] = o.batch_size;
  record["style_size"] = o.style_size;
  record["learning_rate"] = o.learning_rate;
  record["clip_output"] = o.clip_output;
  record["jitter"] = o.jitter;
  record["shift_weight"] = o.shift_weight;
  record["max_zoom"] = o.max_zoom;
  record["palette_weight"] = o.palette_weight;
  record["weights"] = {{"content", loss.content_weight}, {"style", loss.style_weight}, {"tv", loss.tv_weight}};
  record["loss_network"] = o.network.network;
  nlohmann::json style_layers = nlohmann::json::object();
  for (const auto& layer : loss.style_layers) style_layers[layer.layer] = layer.weight;
  record["style_layers"] = style_layers;
  record["style_regions"] = loss.style_regions;
  record["seed"] = o.seed;
  return record;
}

nlohmann::json read_json(const fs::path& path) {
  std::ifstream in(path);
  if (!in) throw Error("Cannot read \"" + path.string() + "\".");
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw Error("\"" + path.string() + "\" is not valid JSON: " + e.what());
  }
}

void write_json(const fs::path& path, const nlohmann::json& j) {
  std::ofstream out(path, std::ios::trunc);
  out << j.dump(1) << "\n";
  if (!out.flush()) throw Error("Cannot write \"" + path.string() + "\".");
}

}  // namespace

struct StyleTrainer::State {
  TrainingOptions options;
  torch::Device device{torch::kCPU};
  std::unique_ptr<PerceptualLoss> loss;
  Ml5TransformerNet net{nullptr};
  std::unique_ptr<torch::optim::Adam> optimizer;
  std::vector<torch::Tensor> photos;  // 1 x 3 x H x W uint8, short side about 1.25 crops
  // The palette term's directions in RGB and the painting's colours
  // projected on them (sorted_colour_projections).
  torch::Tensor palette_directions, palette_projections;
  int step = 0;

  fs::path checkpoint_dir() const { return fs::path(options.output) / "checkpoint"; }

  // Writes net, optimiser and step to a fresh folder, then swaps it in: a
  // crash leaves the previous checkpoint whole.
  void write_checkpoint() {
    const fs::path dir = checkpoint_dir();
    const fs::path fresh = dir.string() + ".new", old = dir.string() + ".old";
    std::error_code ec;
    fs::remove_all(fresh, ec);
    fs::create_directories(fresh);
    write_ml5_network(net, fresh.string());
    torch::save(*optimizer, (fresh / "optimizer.pt").string());
    auto record = recipe_record(options, loss->options());
    record["step"] = step;
    write_json(fresh / "training.json", record);
    fs::remove_all(old, ec);
    if (fs::exists(dir)) fs::rename(dir, old);
    fs::rename(fresh, dir);
    fs::remove_all(old, ec);
  }

  void resume_from_checkpoint() {
    const fs::path dir = checkpoint_dir();
    if (!fs::exists(dir / "training.json")) return;
    auto record = read_json(dir / "training.json");
    if (!record.contains("upsampling_kernel")) record["upsampling_kernel"] = 3;  // checkpoints from before the choice
    const auto architecture = architecture_record(options), recipe = recipe_record(options, loss->options());
    for (const auto& [key, value] : architecture.items())
      if (!record.contains(key) || record.at(key) != value)
        throw Error("The checkpoint in \"" + dir.string() + "\" was trained with a different network (" + key +
                    "); use the same options or another output folder.");
    // Checkpoints from before the recipe was recorded hold only the network.
    for (const auto& [key, value] : recipe.items())
      if (record.contains(key) && record.at(key) != value)
        throw Error("The checkpoint in \"" + dir.string() + "\" was trained with other options (" + key + ": " +
                    record.at(key).dump() + "); use the same options or another output folder.");
    auto saved = read_ml5_network(dir.string());
    if (!(saved->architecture() == net->architecture()))
      throw Error("The checkpoint in \"" + dir.string() + "\" does not match its training record.");
    torch::NoGradGuard no_grad;
    for (std::size_t i = 0; i < net->variables().size(); ++i) net->variables()[i].copy_(saved->variables()[i]);
    torch::load(*optimizer, (dir / "optimizer.pt").string());
    step = record.at("step").get<int>();
  }

  // The batch of step `s` depends only on the seed and s, so a resumed run
  // sees the same crops as an uninterrupted one.
  torch::Tensor batch(int s) const {
    auto gen = at::make_generator<at::CPUGeneratorImpl>(options.seed * 1000003ull + static_cast<std::uint64_t>(s));
    const int64_t crop = options.crop_size;
    std::vector<torch::Tensor> items;
    for (int b = 0; b < options.batch_size; ++b) {
      auto pick = [&](int64_t n) { return n <= 1 ? int64_t{0} : torch::randint(n, {1}, gen).item<int64_t>(); };
      const auto& p = photos[static_cast<std::size_t>(pick(static_cast<int64_t>(photos.size())))];
      // No draw when zoom is off: runs without it see the crops they saw before.
      const double zoom = options.max_zoom > 1.0
                              ? std::exp(torch::rand({1}, gen).item<double>() * std::log(options.max_zoom))
                              : 1.0;
      const int64_t side = std::min(crop, std::max<int64_t>(8, std::llround(crop / zoom)));
      const int64_t y = pick(p.size(2) - side + 1), x = pick(p.size(3) - side + 1);
      auto item = p.narrow(2, y, side).narrow(3, x, side).to(torch::kFloat).div_(255.0);
      if (side != crop) item = resize(item, crop, crop);
      if (pick(2) == 1) item = item.flip({3});
      items.push_back(item);
    }
    return torch::cat(items).to(device);
  }

  // Mean squared difference between the output of the crops shifted by
  // (dy, dx), 1-3 pixels each way, and `output` shifted alike, away from
  // the borders where the zero padding differs. The shift is not a multiple
  // of the network's stride 4, so a pattern tied to that grid shows.
  torch::Tensor shift_consistency(const torch::Tensor& input, const torch::Tensor& output, int s) {
    auto gen = at::make_generator<at::CPUGeneratorImpl>(options.seed * 1000037ull + static_cast<std::uint64_t>(s));
    auto offsets = torch::randint(1, 4, {2}, gen);
    const int64_t dy = offsets[0].item<int64_t>(), dx = offsets[1].item<int64_t>();
    const int64_t size = options.crop_size - 4, margin = 8;
    auto shifted = options.clip_output ? net->forward(input.narrow(2, dy, size).narrow(3, dx, size))
                                       : net->unclipped(input.narrow(2, dy, size).narrow(3, dx, size));
    auto inner = [&](const torch::Tensor& t) { return t.narrow(2, margin, size - 2 * margin).narrow(3, margin, size - 2 * margin); };
    return torch::mse_loss(inner(shifted), inner(output.narrow(2, dy, size).narrow(3, dx, size)));
  }

  // Directions depend only on the seed, so a resumed run matches the same
  // projections. 32 of them: the distance over 3 channels settles to within
  // a few per cent of its many-direction value.
  void set_palette(const torch::Tensor& style_rgb) {
    auto gen = at::make_generator<at::CPUGeneratorImpl>(options.seed * 1000039ull);
    auto directions = torch::randn({32, 3}, gen);
    palette_directions = (directions / directions.norm(2, 1, true)).to(device);
    palette_projections = sorted_colour_projections(style_rgb, palette_directions);
  }

  // The offset the losses see step `s` from, as reproducible as its batch.
  std::pair<int64_t, int64_t> jitter(int s) const {
    if (options.jitter == 0) return {0, 0};
    auto gen = at::make_generator<at::CPUGeneratorImpl>(options.seed * 1000033ull + static_cast<std::uint64_t>(s));
    auto offsets = torch::randint(options.jitter + 1, {2}, gen);
    return {offsets[0].item<int64_t>(), offsets[1].item<int64_t>()};
  }
};

StyleTrainer::StyleTrainer(const Image& style, TrainingOptions options, bool resume) : state_(std::make_unique<State>()) {
  validate(options);
  if (style.empty()) throw Error("The style image is empty.");
  use_threads(options.threads);
  auto& s = *state_;
  s.options = std::move(options);
  s.device = parse_device(s.options.device);
  try {
    auto network = NetworkLoader(s.options.network).load();
    network->to(s.device);
    if (s.device.is_cpu()) network->use_channels_last();
    network->set_reflect_padding(16);
    auto style_rgb = color_channels(image_to_tensor(style));
    const double f = static_cast<double>(s.options.style_size) / std::max(style_rgb.size(2), style_rgb.size(3));
    style_rgb = resize(style_rgb, std::max<int64_t>(16, std::llround(style_rgb.size(2) * f)),
                       std::max<int64_t>(16, std::llround(style_rgb.size(3) * f)));
    style_rgb = style_rgb.to(s.device);
    s.loss = std::make_unique<PerceptualLoss>(network, std::vector<torch::Tensor>{style_rgb}, std::vector<double>{1.0},
                                              s.options.loss);
    if (s.options.palette_weight > 0.0) s.set_palette(style_rgb);
    s.net = Ml5TransformerNet(architecture_of(s.options), s.options.seed);
    s.net->to(s.device);
    s.optimizer = std::make_unique<torch::optim::Adam>(s.net->parameters(), torch::optim::AdamOptions(s.options.learning_rate));
    fs::create_directories(s.options.output);
    if (resume) s.resume_from_checkpoint();
  } catch (const c10::Error& e) {
    throw Error(std::string("Training could not start inside LibTorch: ") + e.what_without_backtrace());
  } catch (const fs::filesystem_error& e) {
    throw Error(std::string("Cannot use the output folder: ") + e.what());
  }
}

StyleTrainer::~StyleTrainer() = default;

void StyleTrainer::add_photo(const Image& photo) {
  if (photo.empty()) throw Error("A training photo is empty.");
  torch::NoGradGuard no_grad;
  auto t = color_channels(image_to_tensor(photo));
  // Keep enough around the crop for variety, not the whole photo.
  const double target = 1.25 * state_->options.crop_size;
  const double f = target / static_cast<double>(std::min(t.size(2), t.size(3)));
  if (f < 1.0 || std::min(t.size(2), t.size(3)) < state_->options.crop_size)
    t = resize(t, std::max<int64_t>(state_->options.crop_size, std::llround(t.size(2) * f)),
               std::max<int64_t>(state_->options.crop_size, std::llround(t.size(3) * f)));
  state_->photos.push_back(t.mul(255.0).round_().to(torch::kUInt8).contiguous());
}

std::size_t StyleTrainer::photo_count() const { return state_->photos.size(); }
int StyleTrainer::step() const { return state_->step; }

bool StyleTrainer::train(const TrainingCallback& progress) {
  auto& s = *state_;
  if (s.photos.empty()) throw Error("Add at least one training photo.");
  RecyclingScope recycling;
  const auto start = std::chrono::steady_clock::now();
  try {
    s.net->train();
    while (s.step < s.options.steps) {
      auto input = s.batch(s.step);
      s.optimizer->zero_grad();
      LossBreakdown breakdown;
      auto output = s.options.clip_output ? s.net->forward(input) : s.net->unclipped(input);
      const auto [dy, dx] = s.jitter(s.step);
      const int64_t seen = s.options.crop_size - s.options.jitter;
      auto seen_input = input.narrow(2, dy, seen).narrow(3, dx, seen);
      const auto targets = s.loss->content_targets(seen_input);
      auto seen_output = output.narrow(2, dy, seen).narrow(3, dx, seen);
      auto loss = s.loss->loss(seen_output, targets, &breakdown);
      double palette = 0.0;
      if (s.options.palette_weight > 0.0) {
        auto term = sliced_colour_distance(seen_output, s.palette_directions, s.palette_projections);
        palette = term.item<double>();
        loss = loss + s.options.palette_weight * term;
        breakdown.total += s.options.palette_weight * palette;
      }
      double shift = 0.0;
      if (s.options.shift_weight > 0.0) {
        auto term = s.shift_consistency(input, output, s.step);
        shift = term.item<double>();
        loss = loss + s.options.shift_weight * term;
        breakdown.total += s.options.shift_weight * shift;
      }
      if (!std::isfinite(breakdown.total))
        throw Error("Training diverged (the loss is not finite); lower the learning rate or the style weight.");
      loss.backward();
      s.optimizer->step();
      ++s.step;

      TrainingProgress p;
      p.step = s.step;
      p.steps = s.options.steps;
      p.loss = breakdown;
      p.shift = shift;
      p.palette = palette;
      p.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      p.checkpoint = (s.options.checkpoint_every > 0 && s.step % s.options.checkpoint_every == 0) || s.step == s.options.steps;
      if (p.checkpoint) s.write_checkpoint();
      if (progress && !progress(p)) {
        if (!p.checkpoint) s.write_checkpoint();
        return false;
      }
    }
    s.net->eval();
    write_ml5_network(s.net, s.options.output);
    auto record = recipe_record(s.options, s.loss->options());
    record["steps"] = s.step;
    record["photos"] = s.photos.size();
    write_json(fs::path(s.options.output) / "training.json", record);
    return true;
  } catch (const c10::Error& e) {
    throw Error(std::string("Training failed inside LibTorch: ") + e.what_without_backtrace());
  } catch (const fs::filesystem_error& e) {
    throw Error(std::string("Cannot write to the output folder: ") + e.what());
  }
}

}  // namespace impasto

// impasto::StyleTrainer: trains, checkpoints, resumes exactly, and writes a
// model every loader path reads. Uses the weights-free loss network and tiny
// crops so that it runs in seconds.
#include "impasto/error.h"
#include "impasto/network_loader.h"
#include "impasto/perceptual_loss.h"
#include "impasto/style_model.h"
#include "impasto/training.h"
#include "test_support.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace impasto;

namespace {

fs::path fresh_dir(const std::string& tag) {
  auto dir = fs::temp_directory_path() / ("impasto-train-" + std::to_string(::getpid()) + "-" + tag);
  fs::remove_all(dir);
  return dir;
}

TrainingOptions tiny_options(const fs::path& output, int steps) {
  TrainingOptions o;
  o.network.network = "random";
  o.style_size = 64;
  o.crop_size = 32;
  o.batch_size = 2;
  o.steps = steps;
  o.base_width = 4;
  o.residual_blocks = 1;
  o.checkpoint_every = 2;
  o.learning_rate = 1e-2;
  o.output = output.string();
  o.seed = 7;
  // Every test also covers the offsets, the enlarged crops, the shifted
  // second pass, the palette term and their replay on resuming.
  o.jitter = 4;
  o.max_zoom = 3.0;
  o.shift_weight = 1.0;
  o.palette_weight = 1.0;
  o.loss.style_regions = 2;
  return o;
}

std::string bytes_of(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void add_photos(StyleTrainer& trainer) {
  trainer.add_photo(test::synthetic_photo(48, 40));
  trainer.add_photo(test::synthetic_photo(20, 30));  // smaller than a crop: scaled up
  trainer.add_photo(test::synthetic_photo(70, 50, 4));
}

}  // namespace

TEST(StyleTrainer, WritesAModelTheLoadersRead) {
  const auto out = fresh_dir("model");
  StyleTrainer trainer(test::synthetic_photo(64, 64), tiny_options(out, 3), false);
  add_photos(trainer);
  int calls = 0;
  EXPECT_TRUE(trainer.train([&](const TrainingProgress& p) {
    ++calls;
    EXPECT_EQ(p.steps, 3);
    EXPECT_TRUE(std::isfinite(p.loss.total));
    EXPECT_GT(p.loss.style, 0.0);
    EXPECT_GT(p.palette, 0.0);
    return true;
  }));
  EXPECT_EQ(calls, 3);
  EXPECT_TRUE(fs::exists(out / "manifest.json"));
  EXPECT_TRUE(fs::exists(out / "training.json"));
  EXPECT_TRUE(fs::exists(out / "checkpoint" / "optimizer.pt"));

  auto model = load_style_model(out.string());
  EXPECT_EQ(model->info().format, "ml5");
  torch::InferenceMode guard;
  auto y = model->stylize(torch::rand({1, 3, 37, 29}));
  EXPECT_EQ(y.sizes(), (std::vector<int64_t>{1, 3, 37, 29}));
  EXPECT_GE(y.min().item<float>(), 0.0f);
  EXPECT_LE(y.max().item<float>(), 1.0f);
  fs::remove_all(out);
}

TEST(StyleTrainer, LossFallsWhileTraining) {
  const auto out = fresh_dir("falls");
  auto o = tiny_options(out, 40);
  o.checkpoint_every = 0;
  StyleTrainer trainer(test::synthetic_photo(64, 64), o, false);
  add_photos(trainer);
  std::vector<double> losses;
  trainer.train([&](const TrainingProgress& p) {
    losses.push_back(p.loss.total);
    return true;
  });
  ASSERT_EQ(losses.size(), 40u);
  double first = 0, last = 0;
  for (int i = 0; i < 5; ++i) first += losses[i], last += losses[losses.size() - 1 - i];
  EXPECT_LT(last, 0.8 * first) << "first five " << first / 5 << ", last five " << last / 5;
  fs::remove_all(out);
}

TEST(StyleTrainer, StoppedAndResumedEqualsUninterrupted) {
  const auto straight = fresh_dir("straight"), split = fresh_dir("split");
  {
    StyleTrainer trainer(test::synthetic_photo(64, 64), tiny_options(straight, 4), false);
    add_photos(trainer);
    ASSERT_TRUE(trainer.train());
  }
  {
    StyleTrainer trainer(test::synthetic_photo(64, 64), tiny_options(split, 4), false);
    add_photos(trainer);
    // Stop after the first step: the trainer writes a checkpoint on the way out.
    EXPECT_FALSE(trainer.train([](const TrainingProgress&) { return false; }));
    EXPECT_EQ(trainer.step(), 1);
    EXPECT_FALSE(fs::exists(split / "manifest.json")) << "no final model before the last step";
  }
  {
    StyleTrainer trainer(test::synthetic_photo(64, 64), tiny_options(split, 4), true);
    EXPECT_EQ(trainer.step(), 1);
    add_photos(trainer);
    ASSERT_TRUE(trainer.train());
  }
  for (const auto& entry : fs::directory_iterator(straight)) {
    const auto name = entry.path().filename().string();
    if (name.rfind("Variable", 0) != 0) continue;
    const auto a = bytes_of(entry.path()), b = bytes_of(split / name);
    ASSERT_EQ(a.size(), b.size()) << name;
    const auto* fa = reinterpret_cast<const float*>(a.data());
    const auto* fb = reinterpret_cast<const float*>(b.data());
    for (std::size_t i = 0; i < a.size() / sizeof(float); ++i) ASSERT_NEAR(fa[i], fb[i], 1e-5f) << name << "[" << i << "]";
  }
  fs::remove_all(straight);
  fs::remove_all(split);
}

namespace {
// Trains two steps of the tiny recipe into `out`, then resumes with `o`:
// the error's message, or "" when the checkpoint was resumed.
std::string resume_refusal(const fs::path& out, const TrainingOptions& o) {
  {
    StyleTrainer trainer(test::synthetic_photo(64, 64), tiny_options(out, 2), false);
    add_photos(trainer);
    if (!trainer.train()) return "the first run stopped";
  }
  try {
    StyleTrainer trainer(test::synthetic_photo(64, 64), o, true);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST(StyleTrainer, RefusesToResumeADifferentNetwork) {
  const auto out = fresh_dir("mismatch");
  auto o = tiny_options(out, 4);
  o.base_width = 8;
  const auto message = resume_refusal(out, o);
  EXPECT_NE(message.find("different network"), std::string::npos) << "a checkpoint of another width: " << message;
  fs::remove_all(out);
}

TEST(StyleTrainer, RefusesToResumeWithAnotherRecipe) {
  const auto out = fresh_dir("recipe");
  auto o = tiny_options(out, 4);
  o.max_zoom = 1.0;  // the tiny recipe zooms up to 3
  const auto message = resume_refusal(out, o);
  EXPECT_NE(message.find("other options (max_zoom: 3.0)"), std::string::npos)
      << "a checkpoint trained with zoom 3, resumed without zoom: " << message;
  // The same recipe resumes.
  StyleTrainer trainer(test::synthetic_photo(64, 64), tiny_options(out, 4), true);
  EXPECT_EQ(trainer.step(), 2);
  fs::remove_all(out);
}

TEST(StyleTrainer, BadOptionsAreClearErrors) {
  const auto out = fresh_dir("bad");
  auto expect_error = [&](TrainingOptions o, const std::string& words) {
    try {
      StyleTrainer trainer(test::synthetic_photo(64, 64), o, false);
      ADD_FAILURE() << "accepted: " << words;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
    }
  };
  auto o = tiny_options(out, 2);
  o.crop_size = 30;
  expect_error(o, "crop size");
  o = tiny_options(out, 2);
  o.loss.style_weight = -1;
  expect_error(o, "weights");
  o = tiny_options(out, 2);
  o.output.clear();
  expect_error(o, "output folder");
  o = tiny_options(out, 2);
  o.jitter = 17;
  expect_error(o, "jitter");
  o = tiny_options(out, 2);
  o.upsampling_kernel = 5;
  expect_error(o, "upsampling kernel");
  o = tiny_options(out, 2);
  o.shift_weight = -1;
  expect_error(o, "shift weight");
  o = tiny_options(out, 2);
  o.max_zoom = 0.5;
  expect_error(o, "zoom");
  o = tiny_options(out, 2);
  o.palette_weight = -1;
  expect_error(o, "palette weight");
  o = tiny_options(out, 2);
  o.loss.style_regions = 0;
  expect_error(o, "style regions");
  StyleTrainer trainer(test::synthetic_photo(64, 64), tiny_options(out, 2), false);
  EXPECT_THROW(trainer.train(), Error) << "no photos";
  EXPECT_THROW(trainer.add_photo(Image()), Error);
  fs::remove_all(out);
}

// The blobs of docs/training.md: a network met the style by painting one
// bright object in one place. Style statistics asked of every part of the
// picture must make that expensive, and must not make an evenly spread
// style expensive.
TEST(StyleRegions, OneBrightPatchPaysWhereTheWholePictureDoesNot) {
  NetworkOptions n;
  n.network = "random";
  auto network = NetworkLoader(n).load();
  torch::NoGradGuard no_grad;
  const auto texture = test::image_to_tensor_for_test(test::synthetic_photo(48, 48));
  // Evenly spread: the texture in every quarter. Concentrated: twice as
  // strong in one quarter and black elsewhere, which has about the same
  // statistics over the whole picture (the features scale with the input).
  const auto spread = texture.repeat({1, 1, 2, 2});
  auto concentrated = torch::zeros_like(spread);
  concentrated.narrow(2, 0, 48).narrow(3, 0, 48).copy_(2.0 * texture);
  auto style_loss = [&](const torch::Tensor& picture, int regions) {
    PerceptualLossOptions o;
    o.content_weight = 0.0;
    o.tv_weight = 0.0;
    o.style_regions = regions;
    PerceptualLoss problem(network, {spread}, {1.0}, o);
    LossBreakdown b;
    problem.loss(picture, problem.content_targets(picture), &b);
    return b.style;
  };
  const double whole = style_loss(concentrated, 1), parts = style_loss(concentrated, 2);
  EXPECT_GT(parts, 3.0 * whole) << "one bright patch is cheap when only the whole picture is asked";
  EXPECT_LT(style_loss(spread, 2), 0.1 * parts) << "an evenly spread style costs little";
  EXPECT_NEAR(style_loss(spread, 1), 0.0, 1e-6);
}

#include "impasto/error.h"
#include "impasto/style_model.h"
#include "test_support.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

using namespace impasto;
namespace fs = std::filesystem;

namespace {

std::string wave_folder() { return test::shared_dir() + "/models/fast-style-ml5/wave"; }

fs::path copy_wave(const std::string& tag) {
  auto dir = fs::temp_directory_path() / ("impasto-wave-" + std::to_string(::getpid()) + "-" + tag);
  fs::remove_all(dir);
  fs::create_directories(dir);
  for (const auto& e : fs::directory_iterator(wave_folder())) {
    fs::copy_file(e.path(), dir / e.path().filename());
    fs::permissions(dir / e.path().filename(), fs::perms::owner_write, fs::perm_options::add);
  }
  return dir;
}

std::string load_error(const fs::path& dir) {
  try {
    load_style_model(dir.string());
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(Ml5StyleModel, RealWaveMatchesIndependentPythonWithin1Of255) {
  IMPASTO_REQUIRE_SHARED();
  IMPASTO_REQUIRE_FIXTURES();
  if (!test::exists(test::fixture("ml5-wave-output.f32"))) GTEST_SKIP() << "ml5 fixtures absent";
  auto model = load_style_model(wave_folder());
  EXPECT_EQ(model->info().format, "ml5");
  EXPECT_EQ(model->info().name, "wave");
  auto x = test::read_raw(test::fixture("ml5-input.f32"), {1, 3, 68, 92});
  auto expected = test::read_raw(test::fixture("ml5-wave-output.f32"), {1, 3, 68, 92});
  c10::InferenceMode inference;
  auto y = model->stylize(x);
  ASSERT_EQ(y.sizes(), expected.sizes());
  const double worst = (y - expected).abs().max().item<double>() * 255.0;
  EXPECT_LE(worst, 1.0) << "largest difference in 8-bit levels";
  EXPECT_GT((y - x).abs().mean().item<double>(), 0.05);  // it does stylise
}

TEST(Ml5StyleModel, AnySizeComesOutAsItWentIn) {
  IMPASTO_REQUIRE_SHARED();
  auto model = load_style_model(wave_folder());
  c10::InferenceMode inference;
  for (auto [h, w] : std::vector<std::pair<int64_t, int64_t>>{{67, 90}, {1, 1}, {3, 50}, {64, 64}}) {
    auto y = model->stylize(torch::rand({1, 3, h, w}));
    EXPECT_EQ(y.sizes().vec(), (std::vector<int64_t>{1, 3, h, w}));
    EXPECT_TRUE(torch::isfinite(y).all().item<bool>());
  }
}

TEST(Ml5StyleModel, DamagedModelsAreClearErrors) {
  IMPASTO_REQUIRE_SHARED();
  auto dir = copy_wave("truncated");
  fs::resize_file(dir / "Variable_12", 100);
  EXPECT_NE(load_error(dir).find("wrong size"), std::string::npos) << load_error(dir);
  fs::remove_all(dir);

  dir = copy_wave("nan");
  {
    std::fstream f(dir / "Variable", std::ios::in | std::ios::out | std::ios::binary);
    const float inf = std::numeric_limits<float>::infinity();
    f.write(reinterpret_cast<const char*>(&inf), sizeof inf);
  }
  EXPECT_NE(load_error(dir).find("NaN or infinite"), std::string::npos) << load_error(dir);
  fs::remove_all(dir);

  dir = copy_wave("manifest");
  nlohmann::json manifest;
  std::ifstream(dir / "manifest.json") >> manifest;
  auto write_manifest = [&](const nlohmann::json& m) { std::ofstream(dir / "manifest.json", std::ios::trunc) << m.dump(); };
  auto hostile = manifest;
  hostile["Variable_4"]["filename"] = "../../etc/passwd";
  write_manifest(hostile);
  EXPECT_NE(load_error(dir).find("outside its folder"), std::string::npos) << load_error(dir);
  auto reshaped = manifest;
  reshaped["Variable_9"]["shape"] = {3, 3, 128, 64};
  write_manifest(reshaped);
  EXPECT_NE(load_error(dir).find("wrong shape"), std::string::npos) << load_error(dir);
  auto huge = manifest;
  huge["Variable"]["shape"] = {9, 9, 3, 1000000};
  write_manifest(huge);
  EXPECT_NE(load_error(dir).find("wrong shape"), std::string::npos) << load_error(dir);
  write_manifest({{"Variable", manifest["Variable"]}});
  EXPECT_NE(load_error(dir).find("1 variables"), std::string::npos) << load_error(dir);
  std::ofstream(dir / "manifest.json") << "[1, 2";
  EXPECT_NE(load_error(dir).find("not valid JSON"), std::string::npos) << load_error(dir);
  fs::remove_all(dir);

  EXPECT_NE(load_error("/nonexistent-model").find("not a style model"), std::string::npos);
}

namespace {
void expect_matches(const std::string& checkpoint, const std::string& expected_file, const std::string& format) {
  auto model = load_style_model(test::fixture(checkpoint));
  EXPECT_EQ(model->info().format, format);
  auto x = test::read_raw(test::fixture("torchstyle-input.f32"), {1, 3, 64, 80});
  auto expected = test::read_raw(test::fixture(expected_file), {1, 3, 64, 80});
  c10::InferenceMode inference;
  auto y = model->stylize(x);
  ASSERT_EQ(y.sizes(), expected.sizes());
  EXPECT_LE((y - expected).abs().max().item<double>() * 255.0, 1.0) << checkpoint;
  // Odd sizes come out as they went in.
  EXPECT_EQ(model->stylize(torch::rand({1, 3, 37, 51})).sizes().vec(), (std::vector<int64_t>{1, 3, 37, 51}));
}
}  // namespace

TEST(TorchStyleModels, FetchedSingleFileModelsLoadFromTheirFolder) {
  IMPASTO_REQUIRE_FIXTURES();
  // models/fetch installs a one-file model as <model dir>/<name>/model.pth.
  const auto dir = fs::temp_directory_path() / ("impasto-fetched-" + std::to_string(::getpid())) / "fns-candy";
  fs::create_directories(dir);
  fs::copy_file(test::fixture("fns-candy-random.pth"), dir / "model.pth", fs::copy_options::overwrite_existing);
  auto model = load_style_model(dir.string());
  EXPECT_EQ(model->info().format, "fast-neural-style");
  EXPECT_EQ(model->info().name, "fns-candy");
  fs::remove_all(dir.parent_path());
}

TEST(TorchStyleModels, FastNeuralStyleTransformerNetMatchesPython) {
  IMPASTO_REQUIRE_FIXTURES();
  expect_matches("fns-candy-random.pth", "fns-output.f32", "fast-neural-style");
  EXPECT_EQ(load_style_model(test::fixture("fns-candy-random.pth"))->info().name, "fns-candy-random");
}

TEST(TorchStyleModels, OldCheckpointsWithRunningStatisticsLoad) {
  IMPASTO_REQUIRE_FIXTURES();
  expect_matches("fns-mosaic-old.pth", "fns-output.f32", "fast-neural-style");
}

TEST(TorchStyleModels, CycleGanGeneratorMatchesPython) {
  IMPASTO_REQUIRE_FIXTURES();
  expect_matches("style_monet_random.pth", "cyclegan-output.f32", "cyclegan");
}

TEST(TorchStyleModels, TorchScriptWithSidecar) {
  IMPASTO_REQUIRE_FIXTURES();
  expect_matches("scripted-style.pt", "scripted-output.f32", "torchscript");
  EXPECT_EQ(load_style_model(test::fixture("scripted-style.pt"))->info().name, "Scripted test style");
  auto copy = fs::temp_directory_path() / "impasto-scripted-no-sidecar.pt";
  fs::copy_file(test::fixture("scripted-style.pt"), copy, fs::copy_options::overwrite_existing);
  try {
    load_style_model(copy.string());
    ADD_FAILURE() << "loaded without its description";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("needs its description"), std::string::npos) << e.what();
  }
  fs::remove(copy);
}

TEST(TorchStyleModels, AdainMatchesPython) {
  IMPASTO_REQUIRE_FIXTURES();
  auto model = load_style_model(test::fixture("adain-random"));
  EXPECT_EQ(model->info().format, "adain");
  EXPECT_TRUE(model->needs_style());
  auto x = test::read_raw(test::fixture("torchstyle-input.f32"), {1, 3, 64, 80});
  auto style = test::read_raw(test::fixture("adain-style.f32"), {1, 3, 48, 56});
  auto expected = test::read_raw(test::fixture("adain-output.f32"), {1, 3, 64, 80});
  c10::InferenceMode inference;
  EXPECT_THROW(model->stylize(x), Error);  // no style yet
  model->set_style(style, 0.7);
  auto y = model->stylize(x);
  ASSERT_EQ(y.sizes(), expected.sizes());
  EXPECT_GT(expected.std().item<double>(), 0.01);  // the reference is not a flat image
  EXPECT_LE((y - expected).abs().max().item<double>() * 255.0, 1.0);
  EXPECT_EQ(model->stylize(torch::rand({1, 3, 37, 51})).sizes().vec(), (std::vector<int64_t>{1, 3, 37, 51}));
}

TEST(TorchStyleModels, OtherCheckpointsAreRefused) {
  IMPASTO_REQUIRE_FIXTURES();
  try {
    load_style_model(test::fixture("vgg19-random.pth"));
    FAIL() << "a VGG-19 checkpoint was taken for a style model";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("not a style model Impasto knows"), std::string::npos) << e.what();
  }
  EXPECT_THROW(load_style_model(test::fixture("hostile.pth")), Error);
}

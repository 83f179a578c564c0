#include "impasto/error.h"
#include "impasto/network_loader.h"
#include "impasto/torch_checkpoint.h"
#include "test_support.h"

#include <filesystem>
#include <fstream>

using namespace impasto;
namespace fs = std::filesystem;

namespace {

std::vector<int64_t> read_shape(const std::string& path) {
  std::ifstream in(path);
  std::vector<int64_t> shape;
  int64_t d;
  while (in >> d) shape.push_back(d);
  return shape;
}

// A writable copy of the real Tiny Darknet for corruption tests.
fs::path copy_darknet() {
  auto dir = fs::temp_directory_path() / ("impasto-darknet-" + std::to_string(::getpid()) + "-" +
                                          ::testing::UnitTest::GetInstance()->current_test_info()->name());
  fs::remove_all(dir);
  fs::create_directories(dir);
  for (const auto& e : fs::directory_iterator(fs::path(test::darknet_model_json()).parent_path()))
    fs::copy_file(e.path(), dir / e.path().filename());
  for (const auto& e : fs::directory_iterator(dir))
    fs::permissions(e.path(), fs::perms::owner_write, fs::perm_options::add);
  return dir;
}

std::string load_error(const std::string& model_json) {
  try {
    NetworkLoader::load_tfjs_layers(model_json, Pooling::Average);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

void replace_in_file(const fs::path& path, const std::string& from, const std::string& to) {
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto pos = text.find(from);
  ASSERT_NE(pos, std::string::npos);
  text.replace(pos, from.size(), to);
  std::ofstream(path) << text;
}

}  // namespace

TEST(DarknetLoader, RealModelMatchesIndependentPythonForward) {
  IMPASTO_REQUIRE_SHARED();
  IMPASTO_REQUIRE_FIXTURES();
  if (!test::exists(test::fixture("darknet-leaky_re_lu_12.f32"))) GTEST_SKIP() << "darknet fixtures absent";
  auto net = NetworkLoader::load_tfjs_layers(test::darknet_model_json(), Pooling::Max);
  EXPECT_EQ(net->description().id, "darknet-tiny");
  EXPECT_EQ(net->layer_names().size(), 15u);  // the 15 LeakyReLU outputs; classifier dropped
  auto x = test::read_raw(test::fixture("darknet-input.f32"), {1, 3, 48, 40});
  torch::NoGradGuard no_grad;
  auto f = net->features(x, {"leaky_re_lu_1", "leaky_re_lu_9", "leaky_re_lu_12"});
  for (const char* name : {"leaky_re_lu_1", "leaky_re_lu_9", "leaky_re_lu_12"}) {
    const std::string base = test::fixture(std::string("darknet-") + name);
    auto shape = read_shape(base + ".shape");
    auto expected = test::read_raw(base + ".f32", shape);
    ASSERT_EQ(f.at(name).sizes().vec(), shape) << name;
    const double scale = expected.abs().max().item<double>();
    EXPECT_LT((f.at(name) - expected).abs().max().item<double>(), 1e-4 * scale + 1e-5) << name;
  }
}

TEST(DarknetLoader, ChannelsLastGivesTheSameFeatures) {
  IMPASTO_REQUIRE_SHARED();
  auto net = NetworkLoader::load_tfjs_layers(test::darknet_model_json(), Pooling::Average);
  auto x = torch::rand({1, 3, 37, 29});
  torch::NoGradGuard no_grad;
  auto a = net->features(x, {"leaky_re_lu_8"}).at("leaky_re_lu_8").clone();
  net->use_channels_last();
  auto b = net->features(x, {"leaky_re_lu_8"}).at("leaky_re_lu_8");
  EXPECT_TRUE(torch::allclose(a, b.contiguous(), 1e-4, 1e-5));
}

TEST(DarknetLoader, TruncatedWeightsAreRejected) {
  IMPASTO_REQUIRE_SHARED();
  auto dir = copy_darknet();
  fs::resize_file(dir / "group19-shard1of1", 1000);
  EXPECT_NE(load_error((dir / "model.json").string()).find("truncated"), std::string::npos);
  fs::remove_all(dir);
}

TEST(DarknetLoader, InvalidJsonIsRejected) {
  IMPASTO_REQUIRE_SHARED();
  auto dir = copy_darknet();
  std::ofstream(dir / "model.json") << "{ \"modelTopology\": ";
  EXPECT_NE(load_error((dir / "model.json").string()).find("not valid JSON"), std::string::npos);
  fs::remove_all(dir);
}

TEST(DarknetLoader, NonFiniteWeightsAreRejected) {
  IMPASTO_REQUIRE_SHARED();
  auto dir = copy_darknet();
  {
    std::fstream f(dir / "group1-shard1of1", std::ios::in | std::ios::out | std::ios::binary);
    const float nan = std::numeric_limits<float>::quiet_NaN();
    f.write(reinterpret_cast<const char*>(&nan), sizeof nan);
  }
  EXPECT_NE(load_error((dir / "model.json").string()).find("NaN"), std::string::npos);
  fs::remove_all(dir);
}

TEST(DarknetLoader, WeightPathsOutsideTheFolderAreRejected) {
  IMPASTO_REQUIRE_SHARED();
  auto dir = copy_darknet();
  replace_in_file(dir / "model.json", "\"group1-shard1of1\"", "\"../../etc/passwd\"");
  EXPECT_NE(load_error((dir / "model.json").string()).find("outside its folder"), std::string::npos);
  fs::remove_all(dir);
}

TEST(Vgg19Loader, TorchvisionLayoutCheckpoint) {
  IMPASTO_REQUIRE_FIXTURES();
  auto net = NetworkLoader::load_torchvision_vgg19(test::fixture("vgg19-random.pth"), Pooling::Max);
  EXPECT_EQ(net->description().id, "vgg19");
  for (const char* l : {"conv1_1", "relu1_1", "relu2_1", "relu3_1", "relu4_1", "conv4_2", "relu5_1", "relu5_4"})
    EXPECT_TRUE(net->has_layer(l)) << l;
  torch::NoGradGuard no_grad;
  auto f = net->features(torch::rand({1, 3, 64, 64}), {"relu1_1", "conv4_2"});
  ASSERT_EQ(f.size(), 2u);  // exactly the wanted layers
  EXPECT_EQ(f.at("relu1_1").sizes().vec(), (std::vector<int64_t>{1, 64, 64, 64}));
  EXPECT_EQ(f.at("conv4_2").sizes().vec(), (std::vector<int64_t>{1, 512, 8, 8}));
}

TEST(Vgg19Loader, LegacyFormatLoadsWithTheSameWeights) {
  IMPASTO_REQUIRE_FIXTURES();
  auto a = NetworkLoader::load_torchvision_vgg19(test::fixture("vgg19-random.pth"), Pooling::Max);
  auto b = NetworkLoader::load_torchvision_vgg19(test::fixture("vgg19-random-legacy.pth"), Pooling::Max);
  auto x = torch::rand({1, 3, 32, 32});
  torch::NoGradGuard no_grad;
  EXPECT_TRUE(torch::equal(a->features(x, {"relu3_1"}).at("relu3_1"), b->features(x, {"relu3_1"}).at("relu3_1")));
}

TEST(TorchCheckpoint, ReadsOrderedDictStateDicts) {
  IMPASTO_REQUIRE_FIXTURES();
  auto state = read_torch_state_dict(test::fixture("vgg19-random.pth"));
  EXPECT_EQ(state.count("features.0.weight"), 1u);
  EXPECT_EQ(state.count("classifier.6.bias"), 1u);
  EXPECT_EQ(state.at("classifier.0.weight").sizes().vec(), (std::vector<int64_t>{4096, 25088}));
}

TEST(TorchCheckpoint, RefusesToCallAnythingElse) {
  IMPASTO_REQUIRE_FIXTURES();
  try {
    read_torch_state_dict(test::fixture("hostile.pth"));
    FAIL() << "hostile checkpoint accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("refusing"), std::string::npos) << e.what();
  }
}

TEST(TorchCheckpoint, TruncatedFilesAreErrors) {
  IMPASTO_REQUIRE_FIXTURES();
  for (const char* name : {"vgg19-random-legacy.pth", "vgg19-random.pth"}) {
    auto path = fs::temp_directory_path() / (std::string("impasto-truncated-") + name);
    fs::copy_file(test::fixture(name), path, fs::copy_options::overwrite_existing);
    fs::resize_file(path, fs::file_size(path) / 2);
    EXPECT_THROW(read_torch_state_dict(path.string()), Error) << name;
    fs::remove(path);
  }
}

TEST(Vgg19Loader, GarbageAndMissingFiles) {
  auto path = fs::temp_directory_path() / "impasto-garbage.pth";
  std::ofstream(path) << "PK this is not a zip archive at all";
  EXPECT_THROW(NetworkLoader::load_torchvision_vgg19(path.string(), Pooling::Max), Error);
  fs::remove(path);
  EXPECT_THROW(NetworkLoader::load_torchvision_vgg19("/nonexistent/vgg19.pth", Pooling::Max), Error);
}

TEST(NetworkLoader, MissingFilesAndFallback) {
  NetworkOptions o;
  o.model_dir = "/nonexistent-impasto-models";
  try {
    NetworkLoader(o).load();
    FAIL() << "missing network accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("models/fetch darknet-tiny"), std::string::npos) << e.what();
  }
  o.allow_fallback = true;
  auto net = NetworkLoader(o).load();
  EXPECT_TRUE(net->description().is_fallback);
  o.network = "alexnet";
  EXPECT_THROW(NetworkLoader(o).load(), Error);
}

TEST(NetworkLoader, RandomNetworkIsTheSameEveryTime) {
  auto a = NetworkLoader::make_random(Pooling::Average);
  auto b = NetworkLoader::make_random(Pooling::Average);
  auto x = torch::rand({1, 3, 32, 32});
  torch::NoGradGuard no_grad;
  EXPECT_TRUE(torch::equal(a->features(x, {"relu3"}).at("relu3"), b->features(x, {"relu3"}).at("relu3")));
}

TEST(NetworkLoader, UnknownLayerIsAnError) {
  auto net = NetworkLoader::make_random(Pooling::Average);
  EXPECT_THROW(net->features(torch::rand({1, 3, 16, 16}), {"conv9_9"}), Error);
}

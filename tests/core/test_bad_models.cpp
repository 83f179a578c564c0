// The bad-model matrix: every supported format, damaged the ways a download
// or a disk damages files, and checkpoints that unpickle but are not usable
// models. Each is an impasto::Error that names the file, at load time:
// never a crash, never a model that fails later inside a job.
#include "impasto/error.h"
#include "impasto/style_model.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

using namespace impasto;
namespace fs = std::filesystem;

namespace {

// The loader's message, or "" when it loaded.
std::string load_error(const fs::path& path) {
  try {
    (void)load_style_model(path.string());
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

using Damage = std::function<void(const fs::path&)>;

std::vector<std::pair<std::string, Damage>> damages() {
  return {
      {"empty", [](const fs::path& f) { fs::resize_file(f, 0); }},
      {"truncated to half", [](const fs::path& f) { fs::resize_file(f, fs::file_size(f) / 2); }},
      {"truncated to 100 bytes",
       [](const fs::path& f) { fs::resize_file(f, std::min<std::uintmax_t>(100, fs::file_size(f) - 1)); }},
      {"header overwritten",
       [](const fs::path& f) {
         std::fstream s(f, std::ios::in | std::ios::out | std::ios::binary);
         std::string junk(64, '\x5a');
         s.seekp(2);
         s.write(junk.data(), static_cast<std::streamsize>(junk.size()));
       }},
      {"replaced by random bytes",
       [](const fs::path& f) {
         std::mt19937 rng(7);
         std::string bytes(4096, '\0');
         for (auto& c : bytes) c = static_cast<char>(rng());
         bytes[0] = 'P', bytes[1] = 'K';  // still looks like a zip archive
         std::ofstream(f, std::ios::binary | std::ios::trunc) << bytes;
       }},
  };
}

}  // namespace

TEST(BadModels, DamagedFilesOfEveryFormatAreClearErrors) {
  IMPASTO_REQUIRE_FIXTURES();
  // (what to copy, which file of the copy to damage, what to load)
  struct Format {
    std::vector<std::string> files;
    std::string damaged, load;
  };
  const std::vector<Format> formats = {
      {{"fns-candy-random.pth"}, "fns-candy-random.pth", "fns-candy-random.pth"},
      {{"fns-mosaic-old.pth"}, "fns-mosaic-old.pth", "fns-mosaic-old.pth"},
      {{"style_monet_random.pth"}, "style_monet_random.pth", "style_monet_random.pth"},
      {{"scripted-style.pt", "scripted-style.json"}, "scripted-style.pt", "scripted-style.pt"},
      {{"scripted-style.pt", "scripted-style.json"}, "scripted-style.json", "scripted-style.pt"},
      {{"adain-random"}, "adain-random/decoder.pth", "adain-random"},
      {{"adain-random"}, "adain-random/vgg_normalised.pth", "adain-random"},
  };
  const fs::path work = fs::temp_directory_path() / "impasto-bad-models";
  for (const auto& format : formats)
    for (const auto& [damage_name, damage] : damages()) {
      fs::remove_all(work);
      fs::create_directories(work);
      for (const auto& f : format.files)
        fs::copy(test::fixture(f), work / f, fs::copy_options::recursive);
      damage(work / format.damaged);
      const auto message = load_error(work / format.load);
      EXPECT_NE(message, "") << format.damaged << " " << damage_name << " loaded";
      EXPECT_NE(message.find(work.string()), std::string::npos)
          << format.damaged << " " << damage_name << ": the message does not name the file: " << message;
    }
  fs::remove_all(work);
}

TEST(BadModels, WrongShapesMissingWeightsAndNonFiniteValuesAreRefusedAtLoad) {
  IMPASTO_REQUIRE_FIXTURES();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"fns-wrong-shape.pth", "wrong shape for \"conv2.conv2d.weight\""},
      {"fns-missing-bias.pth", "no \"deconv3.conv2d.bias\""},
      {"fns-nan.pth", "NaN or infinite"},
      {"cyclegan-wrong-shape.pth", "wrong shape for \"model.4.weight\""},
      {"cyclegan-inf.pth", "NaN or infinite"},
      {"adain-missing-bias", "no \"0.bias\""},
      {"adain-wrong-shape", "wrong shape for \"28.weight\""},
  };
  for (const auto& [file, expected] : cases) {
    const auto message = load_error(test::fixture("bad-models/" + file));
    EXPECT_NE(message.find(expected), std::string::npos) << file << ": " << message;
  }
}

TEST(BadModels, TorchScriptSidecarWithInvalidValues) {
  IMPASTO_REQUIRE_FIXTURES();
  const fs::path work = fs::temp_directory_path() / "impasto-bad-sidecar";
  for (const std::string sidecar : {R"({"std": [0, 1, 1]})", R"({"input_range": [1, 0]})", R"({"mean": [1e999, 0, 0]})",
                                    R"({"size_multiple": 0})", R"({"mean": [0, 0]})", R"([1, 2])"}) {
    fs::remove_all(work);
    fs::create_directories(work);
    fs::copy(test::fixture("scripted-style.pt"), work / "model.pt");
    std::ofstream(work / "model.json") << sidecar;
    const auto message = load_error(work / "model.pt");
    EXPECT_NE(message.find("model.json"), std::string::npos) << sidecar << ": " << message;
  }
  fs::remove_all(work);
}

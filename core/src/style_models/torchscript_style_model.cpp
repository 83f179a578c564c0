// TorchScript style models with a JSON sidecar describing their input: for
// any network exported with torch.jit.save. Only LibTorch's TorchScript
// loader runs them; the sidecar says how to feed them.
#include "impasto/error.h"
#include "impasto/style_model.h"
#include "impasto/torch_checkpoint.h"
#include "runtime/model_name.h"
#include "kernels/padding.h"

#include <nlohmann/json.hpp>
#include <torch/csrc/jit/frontend/error_report.h>
#include <torch/script.h>
#include <torch/version.h>

#include <cmath>
#include <fstream>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace impasto {
namespace {

class TorchScriptStyleModel : public StyleModel {
 public:
  TorchScriptStyleModel(StyleModelInfo info, torch::jit::Module module, double low, double high,
                        std::vector<double> mean, std::vector<double> std, int64_t multiple)
      : info_(std::move(info)), module_(std::move(module)), low_(low), high_(high),
        mean_(torch::tensor(mean, torch::kFloat).view({1, 3, 1, 1})),
        std_(torch::tensor(std, torch::kFloat).view({1, 3, 1, 1})), multiple_(multiple) {
    module_.eval();
  }
  const StyleModelInfo& info() const override { return info_; }
  void to(torch::Device device) override {
    module_.to(device);
    mean_ = mean_.to(device);
    std_ = std_.to(device);
  }
  torch::Tensor stylize(const torch::Tensor& image) override {
    const int64_t h = image.size(2), w = image.size(3);
    auto x = ((pad_to_multiple(image, multiple_) * (high_ - low_) + low_) - mean_) / std_;
    torch::jit::IValue out;
    try {
      out = module_.forward({x});
    } catch (const c10::Error&) {
      throw;  // the job reports LibTorch's errors
    } catch (const std::exception& e) {  // an exception raised by the script itself
      throw Error("The TorchScript model \"" + info_.name + "\" failed: " + e.what());
    }
    if (!out.isTensor()) throw Error("The TorchScript model \"" + info_.name + "\" did not return an image.");
    auto y = out.toTensor();
    if (y.dim() != 4 || y.size(1) != 3 || y.size(2) < h || y.size(3) < w)
      throw Error("The TorchScript model \"" + info_.name + "\" did not return an RGB image of the input's size.");
    y = (y * std_ + mean_ - low_) / (high_ - low_);
    return y.narrow(2, 0, h).narrow(3, 0, w).clamp(0.0, 1.0);
  }

 private:
  StyleModelInfo info_;
  torch::jit::Module module_;
  double low_, high_;
  torch::Tensor mean_, std_;
  int64_t multiple_;
};

// LibTorch 1.13's TorchScript importer crashes on some malformed archives
// (a segfault in its type parser, found by tests/fuzz; the framing check
// catches the other findings). A crash must not take GIMP down with it, so
// the archive is first imported by a helper program in a process of its own
// (a fresh process: forking a threaded host could deadlock). The helper
// killed by a signal, failing otherwise, or busy after a minute means the
// file is refused. So does a clean LibTorch error: reproducing it here to
// show its text is not safe either (the TorchScript compiler's error,
// asked for its message, can abort the process: found by tests/fuzz).
std::string check_model_program() {
  const char* env = std::getenv("IMPASTO_CHECK_MODEL");
  return env && *env ? env : IMPASTO_CHECK_MODEL_PATH;
}

void import_in_helper_first(const std::string& file) {
  const std::string program = check_model_program();
  if (::access(program.c_str(), X_OK) != 0)
    throw Error("Impasto's model checker \"" + program + "\" is missing, so the TorchScript model \"" + file +
                "\" was not loaded; reinstall Impasto.");
  posix_spawn_file_actions_t quiet;
  posix_spawn_file_actions_init(&quiet);
  posix_spawn_file_actions_addopen(&quiet, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&quiet, 2, "/dev/null", O_WRONLY, 0);
  std::vector<char*> argv{const_cast<char*>(program.c_str()), const_cast<char*>(file.c_str()), nullptr};
  pid_t child = 0;
  const int failed = ::posix_spawn(&child, program.c_str(), &quiet, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&quiet);
  if (failed) throw Error("Cannot run Impasto's model checker \"" + program + "\" for \"" + file + "\".");
  int status = 0;
  for (int waited_ms = 0;; waited_ms += 10) {
    const pid_t done = ::waitpid(child, &status, WNOHANG);
    if (done == child || (done < 0 && errno != EINTR)) break;
    if (waited_ms >= 60000) {
      ::kill(child, SIGKILL);
      ::waitpid(child, &status, 0);
      throw Error("Loading the TorchScript model \"" + file + "\" did not finish; it is damaged and was not loaded.");
    }
    ::usleep(10000);
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 3)
    throw Error("LibTorch cannot read the TorchScript model \"" + file +
                "\": it is damaged, or was saved by a newer PyTorch than this LibTorch " TORCH_VERSION ".");
  throw Error("The TorchScript model \"" + file + "\" is damaged: LibTorch crashed reading it" +
              (WIFSIGNALED(status) ? " (signal " + std::to_string(WTERMSIG(status)) + ")" : std::string()) +
              ", so it was not loaded.");
}

}  // namespace

std::unique_ptr<StyleModel> load_torchscript_style_model(const std::string& file) {
  auto dot = file.find_last_of('.');
  const std::string sidecar = (dot == std::string::npos ? file : file.substr(0, dot)) + ".json";
  std::ifstream in(sidecar);
  if (!in) throw Error("The TorchScript model \"" + file + "\" needs its description \"" + sidecar + "\".");
  nlohmann::json d;
  try {
    d = nlohmann::json::parse(in);
    auto range = d.value("input_range", std::vector<double>{0.0, 1.0});
    auto mean = d.value("mean", std::vector<double>{0.0, 0.0, 0.0});
    auto std = d.value("std", std::vector<double>{1.0, 1.0, 1.0});
    const int64_t multiple = d.value("size_multiple", 1);
    const auto finite = [](const std::vector<double>& v) {
      return std::all_of(v.begin(), v.end(), [](double x) { return std::isfinite(x); });
    };
    if (range.size() != 2 || !(range[1] > range[0]) || mean.size() != 3 || std.size() != 3 || multiple < 1 ||
        multiple > 256 || !finite(range) || !finite(mean) || !finite(std) ||
        std::any_of(std.begin(), std.end(), [](double v) { return !(v > 0.0); }))
      throw Error("The description \"" + sidecar + "\" has an invalid input_range, mean, std or size_multiple.");
    StyleModelInfo info{"torchscript", d.value("name", std::string())};
    if (info.name.empty()) info.name = model_name_from_path(file);
    torch::jit::Module module;
    try {
      check_archive_pickles(file);
      import_in_helper_first(file);
      module = torch::jit::load(file, torch::kCPU);
    } catch (const c10::Error& e) {
      throw Error("Cannot load the TorchScript model \"" + file + "\": " + e.what_without_backtrace());
    } catch (const torch::jit::ErrorReport&) {
      // Its what() formats source excerpts and can itself abort (see above).
      throw Error("Cannot load the TorchScript model \"" + file + "\": its code does not compile with this LibTorch.");
    } catch (const std::exception& e) {
      throw Error("Cannot load the TorchScript model \"" + file + "\": " + e.what());
    }
    return std::make_unique<TorchScriptStyleModel>(info, std::move(module), range[0], range[1], mean, std, multiple);
  } catch (const nlohmann::json::exception& e) {
    throw Error("The description \"" + sidecar + "\" is not valid: " + e.what());
  }
}

}  // namespace impasto

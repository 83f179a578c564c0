// The check impasto-check-model runs on a TorchScript archive, shared with
// the fuzzing harness's check server (tests/fuzz/check_model_server.cpp)
// so that both judge a file the same way.
#pragma once

#include <torch/script.h>

#include <exception>

namespace impasto {

// 0: LibTorch imports the archive; 3: LibTorch refuses it with an error.
// A crash inside LibTorch ends the calling process (hence a process).
inline int check_torchscript_archive(const char* path) {
  try {
    (void)torch::jit::load(path, torch::kCPU);
    return 0;
  } catch (const std::exception&) {
    return 3;
  }
}

}  // namespace impasto

#include "runtime/runtime.h"

#include "impasto/error.h"

#include <ATen/Parallel.h>

#include <dlfcn.h>

#include <algorithm>
#include <thread>

namespace impasto {

void use_threads(int requested) {
  at::set_num_threads(requested > 0 ? requested : static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  // LibTorch runs its own loops on OpenMP threads, which spin a while after
  // each parallel region; OpenBLAS's pthread pool then fights them for the
  // same cores whenever a matrix product (Gram matrices, L-BFGS) follows.
  // One BLAS thread is much faster end to end (docs/benchmarks.md has the
  // figures); convolutions go through oneDNN
  // on the OpenMP threads and are unaffected. Looked up at run time: the
  // BLAS is whatever LibTorch was linked with, maybe not OpenBLAS.
  using SetThreads = void (*)(int);
  if (auto set_blas_threads = reinterpret_cast<SetThreads>(::dlsym(RTLD_DEFAULT, "openblas_set_num_threads")))
    set_blas_threads(1);
}

torch::Device parse_device(const std::string& name) {
  torch::Device device(torch::kCPU);
  try {
    device = torch::Device(name.empty() ? std::string("cpu") : name);
  } catch (const c10::Error&) {
    throw Error("Unknown device \"" + name + "\"; use cpu or cuda:N.");
  }
  if (device.is_cuda() && !torch::cuda::is_available())
    throw Error("The device \"" + name + "\" was requested but this LibTorch build has no usable CUDA device.");
  return device;
}

}  // namespace impasto

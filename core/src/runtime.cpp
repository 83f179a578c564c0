#include "runtime.h"

#include "impasto/error.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <thread>

namespace impasto {

void use_threads(int requested) {
  at::set_num_threads(requested > 0 ? requested : static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
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

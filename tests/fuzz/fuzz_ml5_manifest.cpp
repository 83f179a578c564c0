// ml5 fast-style folders (manifest.json + one raw float32 file a variable),
// packed as described in fuzz_support.h. A model that loads must also run.
#include "fuzz_support.h"
#include "impasto/style_model.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const auto folder = impasto_fuzz::unpack_files(data, size).string();
  std::unique_ptr<impasto::StyleModel> model;
  try {
    model = impasto::load_ml5_style_model(folder);
  } catch (const impasto::Error&) {
    return 0;
  }
  torch::InferenceMode inference;
  auto out = model->stylize(torch::rand({1, 3, 12, 10}));
  if (out.sizes() != torch::IntArrayRef({1, 3, 12, 10})) std::abort();
  return 0;
}
